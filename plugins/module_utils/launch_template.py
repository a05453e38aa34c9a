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


def list_owned_templates(client, deployment):
    """Every launch template carrying this deployment's ownership tag."""
    filters = [{"Name": "tag:%s" % ownership.OWNERSHIP_TAG_KEY, "Values": [deployment]}]
    found, params = [], dict(Filters=filters)
    while True:
        result = client.describe_launch_templates(aws_retry=True, **params)
        found.extend(result.get("LaunchTemplates", []))
        if not result.get("NextToken"):
            return found
        params["NextToken"] = result["NextToken"]


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
