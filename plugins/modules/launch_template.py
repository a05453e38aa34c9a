#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: launch_template
short_description: An EC2 launch template whose new version appears only when its data changes
version_added: 0.1.0
description:
  - Creates, updates or deletes an EC2 launch template.
  - The data of the C($Latest) version is compared with the desired data (AMI, instance type,
    security groups, user data, instance metadata options, key pair, instance profile, instance
    tags). Exactly one new version is created when they differ, none when they do not, so a group
    that launches C($Latest) uses the new data at its very next launch.
  - IMDSv2 (session tokens) is required by default.
  - The AMI is given (O(image_id)) or resolved from a public SSM parameter (O(image_ssm_parameter)).
  - Written instead of using M(amazon.aws.ec2_launch_template) because that module compares the
    template-level tags as version data (a spurious version on every run on the emulator), has no
    diff output and does not resolve an AMI from SSM.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  name:
    description: Name of the launch template.
    type: str
    required: true
  state:
    description: Whether the template should exist.
    type: str
    choices: [present, absent]
    default: present
  image_id:
    description: AMI id. Mutually exclusive with O(image_ssm_parameter); one of them is required when O(state=present).
    type: str
  image_ssm_parameter:
    description:
      - Name of a public SSM parameter holding an AMI id, for example
        C(/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64).
      - Read on every run, so a newer AMI produces a new version.
    type: str
  instance_type:
    description:
      - Instance type of the template (the primary type of a mixed-instances group).
      - Required when O(state=present).
    type: str
  security_group_ids:
    description: Security group ids for the instances.
    type: list
    elements: str
    default: []
  user_data:
    description: User data as plain text; the module base64-encodes it.
    type: str
  metadata_http_tokens:
    description: C(required) enforces IMDSv2.
    type: str
    choices: [required, optional]
    default: required
  metadata_hop_limit:
    description: Hop limit of instance metadata requests (2 lets containers on the instance reach it).
    type: int
    default: 2
  key_name:
    description: EC2 key pair name.
    type: str
  iam_instance_profile:
    description: Instance profile name or ARN.
    type: str
  instance_tags:
    description: Tags for the instances and volumes launched from the template.
    type: dict
  version_description:
    description: Description of a version this run creates.
    type: str
  purge_tags:
    description: Remove template tags that are not in O(tags) (the ownership tag always stays).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Web fleet template, newest Amazon Linux 2023
  refarch.aws.launch_template:
    name: web-lt
    image_ssm_parameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    instance_type: c5.large
    security_group_ids: [sg-0123456789abcdef0]
    user_data: |
      #!/bin/bash
      echo hello
    deployment: refarch

- name: Remove it
  refarch.aws.launch_template:
    name: web-lt
    state: absent
"""

RETURN = r"""
launch_template:
  description: The template after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    launch_template_id:
      description: Template id.
      type: str
    launch_template_name:
      description: Template name.
      type: str
    latest_version:
      description: Number of the newest version.
      type: int
    default_version:
      description: Number of the default version.
      type: int
    tags:
      description: Template tags.
      type: dict
    data:
      description: The managed part of the C($Latest) version's data, in the API's shape.
      type: dict
version_created:
  description: Number of the version this run created (null when none; 0 when predicted in check mode).
  returned: always
  type: int
changed_keys:
  description: Data keys that differed and caused a new version.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import launch_template as lt
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as validation


def validate(params):
    """Messages naming each bad parameter, checked before any API call."""
    errors = [validation.check_launch_template_name("name", params["name"])]
    if params["state"] == "present":
        if not params["instance_type"]:
            errors.append("instance_type is required when state=present")
        if not (params["image_id"] or params["image_ssm_parameter"]):
            errors.append("one of image_id or image_ssm_parameter is required when state=present")
        errors.append(validation.check_pattern("image_id", params["image_id"], r"ami-[0-9a-f]{8,17}"))
        errors.append(validation.check_pattern("instance_type", params["instance_type"], r"[a-z][a-z0-9-]*\.[a-z0-9]+"))
        for group_id in params["security_group_ids"]:
            errors.append(validation.check_pattern("security_group_ids", group_id, r"sg-[0-9a-f]{8,17}"))
        errors.append(validation.check_range("metadata_hop_limit", params["metadata_hop_limit"], 1, 64))
    return [e for e in errors if e]


def ensure_absent(module, ec2, template):
    if template is None:
        return dict(changed=False, launch_template={}, version_created=None, changed_keys=[])
    before = lt.normalize_template(template, lt.get_version(ec2, template["LaunchTemplateId"]))
    if not ownership.is_owned(before["tags"], module.params["deployment"]):
        module.fail_json(
            msg="launch template %s is not owned by deployment %s (tag %s); not deleting it"
            % (module.params["name"], module.params["deployment"], ownership.OWNERSHIP_TAG_KEY)
        )
    if not module.check_mode:
        lt.delete_template(ec2, template["LaunchTemplateId"])
    return dict(
        changed=True, launch_template={}, version_created=None, changed_keys=[], diff=diffing.diff_result(before, {})
    )


def ensure_present(module, ec2, template):
    params = module.params
    image_id = params["image_id"] or lt.resolve_ssm_image(aws.aws_client(module, "ssm"), params["image_ssm_parameter"])
    data = lt.build_data(params, image_id)
    desired = lt.normalize_data(data)
    want_tags = ownership.desired_tags(params["deployment"], params["tags"])

    if template is None:
        after = dict(
            launch_template_id=None,
            launch_template_name=params["name"],
            latest_version=1,
            default_version=1,
            tags=want_tags,
            data=desired,
        )
        if not module.check_mode:
            template = lt.create_template(ec2, params["name"], data, want_tags)
            after = lt.normalize_template(template, lt.get_version(ec2, template["LaunchTemplateId"]))
        return dict(
            changed=True,
            launch_template=after,
            version_created=0 if module.check_mode else 1,
            changed_keys=sorted(desired),
            diff=diffing.diff_result({}, after),
        )

    template_id = template["LaunchTemplateId"]
    before = lt.normalize_template(template, lt.get_version(ec2, template_id))
    if not ownership.is_owned(before["tags"], params["deployment"]):
        module.fail_json(
            msg="launch template %s exists but is not owned by deployment %s (tag %s)"
            % (params["name"], params["deployment"], ownership.OWNERSHIP_TAG_KEY)
        )
    changes = lt.data_changes(desired, before["data"])
    to_set, to_remove = ownership.tag_changes(before["tags"], want_tags, purge=params["purge_tags"])
    changed = bool(changes or to_set or to_remove)
    version_created = None
    after = dict(before, data=desired if changes else before["data"])
    if changes:
        after["latest_version"] = before["latest_version"] + 1
        version_created = 0
    after["tags"] = dict((k, v) for k, v in diffing.merged(before["tags"], to_set).items() if k not in to_remove)
    if changed and not module.check_mode:
        if changes:
            version_created = lt.create_version(ec2, template_id, data, params["version_description"])["VersionNumber"]
        lt.set_tags(ec2, template_id, to_set, to_remove)
        template = lt.get_template(ec2, params["name"])
        after = lt.normalize_template(template, lt.get_version(ec2, template_id))
    result = dict(changed=changed, launch_template=after, version_created=version_created, changed_keys=changes)
    if changed:
        result["diff"] = diffing.diff_result(before, after)
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        image_id=dict(type="str"),
        image_ssm_parameter=dict(type="str"),
        instance_type=dict(type="str"),
        security_group_ids=dict(type="list", elements="str", default=[]),
        user_data=dict(type="str"),
        metadata_http_tokens=dict(type="str", choices=["required", "optional"], default="required"),
        metadata_hop_limit=dict(type="int", default=2),
        key_name=dict(type="str", no_log=False),
        iam_instance_profile=dict(type="str"),
        instance_tags=dict(type="dict"),
        version_description=dict(type="str"),
        purge_tags=dict(type="bool", default=False),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("image_id", "image_ssm_parameter")],
        supports_check_mode=True,
    )
    errors = validate(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    ec2 = aws.aws_client(module, "ec2")
    try:
        template = lt.get_template(ec2, module.params["name"])
        if module.params["state"] == "absent":
            result = ensure_absent(module, ec2, template)
        else:
            result = ensure_present(module, ec2, template)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="launch template %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
