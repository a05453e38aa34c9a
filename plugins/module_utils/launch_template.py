# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 launch templates: API calls (retried, "not found" -> None) and pure build/compare functions.

A launch template is versioned: its data never changes in place. We compare the data the user
manages with the ``$Latest`` version and create exactly one new version when it really differs.
"""

from __future__ import absolute_import, division, print_function

import base64

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as validation
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate

# The LaunchTemplateData keys this collection manages; any other key of the current version is
# left out of the comparison (and not carried into a new version).
MANAGED_KEYS = (
    "ImageId",
    "InstanceType",
    "SecurityGroupIds",
    "UserData",
    "MetadataOptions",
    "KeyName",
    "IamInstanceProfile",
    "TagSpecifications",
)
# Resource types a launch template's data may tag (the template's own tags are not data).
DATA_TAG_RESOURCE_TYPES = ("instance", "volume", "network-interface", "spot-instances-request")


# ---------------------------------------------------------------------------------------- API


def get_template(client, name):
    """The launch template called ``name`` (with a ``Tags`` list), or ``None``."""
    try:
        result = client.describe_launch_templates(LaunchTemplateNames=[name], aws_retry=True)
    except is_boto3_error_code(["InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.NotFound"]):
        return None
    templates = result.get("LaunchTemplates", [])
    return templates[0] if templates else None


def list_templates(client, deployment=None):
    """Every launch template, or those carrying ``deployment``'s ownership tag (a server-side filter)."""
    kwargs = {}
    if deployment is not None:
        kwargs["Filters"] = [{"Name": "tag:%s" % ownership.OWNERSHIP_TAG_KEY, "Values": [deployment]}]
    return paginate(client, "describe_launch_templates", **kwargs).get("LaunchTemplates", [])


def get_version(client, template_id, version="$Latest"):
    """One version of a template (``$Latest`` by default), or ``None``."""
    try:
        result = client.describe_launch_template_versions(
            LaunchTemplateId=template_id, Versions=[str(version)], aws_retry=True
        )
    except is_boto3_error_code(["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.VersionNotFound"]):
        return None
    versions = result.get("LaunchTemplateVersions", [])
    return versions[0] if versions else None


def create_template(client, name, data, tags):
    result = client.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData=data,
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": ansible_dict_to_boto3_tag_list(tags)}],
        aws_retry=True,
    )
    return result["LaunchTemplate"]


def create_version(client, template_id, data, description=None):
    params = dict(LaunchTemplateId=template_id, LaunchTemplateData=data)
    if description:
        params["VersionDescription"] = description
    return client.create_launch_template_version(aws_retry=True, **params)["LaunchTemplateVersion"]


def set_tags(client, template_id, to_set, to_remove):
    if to_set:
        client.create_tags(Resources=[template_id], Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
    if to_remove:
        client.delete_tags(Resources=[template_id], Tags=[{"Key": k} for k in to_remove], aws_retry=True)


def delete_template(client, template_id):
    """Delete a template and all its versions; ``False`` when it was already gone."""
    try:
        client.delete_launch_template(LaunchTemplateId=template_id, aws_retry=True)
    except is_boto3_error_code(["InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException"]):
        return False
    return True


def resolve_ssm_image(client, parameter):
    """The AMI id a public SSM parameter (e.g. the Amazon Linux 2023 one) points to."""
    return client.get_parameter(Name=parameter, aws_retry=True)["Parameter"]["Value"]


# ------------------------------------------------------------------------------ pure functions


def encode_user_data(text):
    """User data as the API wants it (base64 of the UTF-8 text); ``None`` stays ``None``."""
    if text is None:
        return None
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_user_data(encoded):
    """User data as text, for the diff; binary user data (gzip, a MIME archive) by its size."""
    raw = base64.b64decode(encoded)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "(binary user data, %d bytes)\n" % len(raw)


def _tag_specifications(instance_tags):
    if not instance_tags:
        return None
    tags = ansible_dict_to_boto3_tag_list(instance_tags)
    return [{"ResourceType": kind, "Tags": tags} for kind in ("instance", "volume")]


def build_data(params, image_id):
    """The LaunchTemplateData a version should have, from module parameters; ``None``s dropped."""
    metadata = {
        "HttpTokens": params["metadata_http_tokens"],
        "HttpEndpoint": "enabled",
        "HttpPutResponseHopLimit": params["metadata_hop_limit"],
    }
    profile = params.get("iam_instance_profile")
    data = dict(
        ImageId=image_id,
        InstanceType=params["instance_type"],
        SecurityGroupIds=sorted(params["security_group_ids"]) if params.get("security_group_ids") else None,
        UserData=encode_user_data(params.get("user_data")),
        MetadataOptions=metadata,
        KeyName=params.get("key_name"),
        IamInstanceProfile=({"Arn": profile} if profile.startswith("arn:") else {"Name": profile}) if profile else None,
        TagSpecifications=_tag_specifications(params.get("instance_tags")),
    )
    return diffing.drop_none(data)


def normalize_data(data):
    """The managed part of a version's LaunchTemplateData, in the shape :func:`build_data` makes."""
    data = data or {}
    result = {}
    for key in MANAGED_KEYS:
        value = data.get(key)
        if value in (None, [], {}):
            continue
        if key == "SecurityGroupIds":
            value = sorted(value)
        elif key == "MetadataOptions":
            value = dict(
                (k, v) for k, v in value.items() if k in ("HttpTokens", "HttpEndpoint", "HttpPutResponseHopLimit")
            )
        elif key == "TagSpecifications":
            value = [
                {"ResourceType": spec["ResourceType"], "Tags": sorted(spec.get("Tags", []), key=lambda t: t["Key"])}
                for spec in sorted(value, key=lambda s: s["ResourceType"])
                if spec.get("ResourceType") in DATA_TAG_RESOURCE_TYPES
            ]
            if not value:
                continue
        result[key] = value
    return result


def data_changes(desired, current):
    """Dotted paths where the desired data differs from the current version's (both normalized).

    Unlike :func:`diffing.changed_keys`, a managed key the user no longer sets is a change too: a
    new version carries only what is desired.
    """
    current = current or {}
    changes = diffing.changed_keys(desired, current)
    changes.extend(k for k in MANAGED_KEYS if k in current and k not in desired)
    return sorted(changes)


def normalize_template(template, version):
    """What the module returns (and diffs): id, name, versions, tags and the managed data."""
    if not template:
        return {}
    return dict(
        launch_template_id=template["LaunchTemplateId"],
        launch_template_name=template["LaunchTemplateName"],
        latest_version=template.get("LatestVersionNumber"),
        default_version=template.get("DefaultVersionNumber"),
        tags=boto3_tag_list_to_ansible_dict(template.get("Tags", [])),
        data=normalize_data((version or {}).get("LaunchTemplateData")),
    )


# ------------------------------------------------------------------------------ on the runner


class TemplateService(runner.Service):
    """The template a ``launch_template`` task describes. Its data lives in versions: a change of the
    managed data creates one new version, tags change in place. ``changed_keys`` name data keys in the
    API's shape (e.g. C(ImageId)), plus ``tags``."""

    kind = "launch template"
    result_key = "launch_template"
    client_names = ("ec2", "ssm")

    def __init__(self, clients, params):
        super(TemplateService, self).__init__(clients, params)
        self.extra_result["version_created"] = None

    @staticmethod
    def validate(params):
        errors = [validation.check_launch_template_name("name", params["name"])]
        if params["state"] == "present":
            if not params["instance_type"]:
                errors.append("instance_type is required when state=present")
            if not (params["image_id"] or params["image_ssm_parameter"]):
                errors.append("one of image_id or image_ssm_parameter is required when state=present")
            errors.append(validation.check_pattern("image_id", params["image_id"], r"ami-[0-9a-f]{8,17}"))
            errors.append(
                validation.check_pattern("instance_type", params["instance_type"], r"[a-z][a-z0-9-]*\.[a-z0-9]+")
            )
            for group_id in params["security_group_ids"]:
                errors.append(validation.check_pattern("security_group_ids", group_id, r"sg-[0-9a-f]{8,17}"))
            errors.append(validation.check_range("metadata_hop_limit", params["metadata_hop_limit"], 1, 64))
        return [e for e in errors if e]

    def read(self):
        return self.described(get_template(self.clients["ec2"], self.name()))

    def described(self, template):
        if template is None:
            return None
        return normalize_template(template, get_version(self.clients["ec2"], template["LaunchTemplateId"]))

    def desired(self, current, tags):
        params = self.params
        image_id = params["image_id"] or resolve_ssm_image(self.clients["ssm"], params["image_ssm_parameter"])
        self.api_data = build_data(params, image_id)
        return dict(launch_template_name=self.name(), tags=tags, data=normalize_data(self.api_data))

    def plan(self, desired, current):
        return data_changes(desired["data"], current["data"])

    def predict(self, desired, current):
        self.extra_result["version_created"] = 0  # a version will be made; its number is known after
        if current is None:
            return dict(launch_template_id=None, latest_version=1, default_version=1, **desired)
        if not self.plan(desired, current):
            self.extra_result["version_created"] = None  # tags only
            return dict(current, tags=desired["tags"])
        return dict(current, data=desired["data"], tags=desired["tags"], latest_version=current["latest_version"] + 1)

    def create(self, desired):
        template = create_template(self.clients["ec2"], self.name(), self.api_data, desired["tags"])
        self.extra_result["version_created"] = 1
        return self.described(template)

    def update(self, desired, current, changes, tag_changes):
        ec2 = self.clients["ec2"]
        template_id = current["launch_template_id"]
        if [key for key in changes if key != "tags"]:
            version = create_version(ec2, template_id, self.api_data, self.params["version_description"])
            self.extra_result["version_created"] = version["VersionNumber"]
        set_tags(ec2, template_id, tag_changes.set, tag_changes.remove)
        return self.described(get_template(ec2, self.name()))

    def diff(self, before, after):
        """The user data as a text diff of its own, decoded (base64 in the API's shape)."""
        return diffing.with_text_apart(before, after, ("data", "UserData"), decode_user_data, "user data")

    def delete(self, current):
        delete_template(self.clients["ec2"], current["launch_template_id"])


class TemplateInfoService(runner.InfoService):
    """Templates for ``launch_template_info``, each with the managed data of its ``$Latest`` version."""

    kind = "launch templates"
    result_key = "launch_templates"
    client_names = ("ec2",)

    def described(self, template):
        return normalize_template(template, get_version(self.client, template["LaunchTemplateId"]))

    def by_name(self, name):
        template = get_template(self.client, name)
        return self.described(template) if template else None

    def list_all(self):
        # DescribeLaunchTemplates carries the tags: filter before reading each template's version.
        templates = [
            t
            for t in list_templates(self.client, self.params.get("deployment"))
            if runner.matches_filter(dict(tags=boto3_tag_list_to_ansible_dict(t.get("Tags", []))), self.params)
        ]
        return [self.described(t) for t in templates]
