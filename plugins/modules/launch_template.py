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
  - refarch.aws maintainers (@refarch)
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
seealso:
  - module: amazon.aws.ec2_launch_template
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.launch_template_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Web fleet template, newest Amazon Linux 2023
  refarch.aws.launch_template:
    name: refarch-web-lt
    image_ssm_parameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    instance_type: c5.large
    security_group_ids: [sg-0b2c3d4e5f6789012]
    user_data: |
      #!/bin/bash
      echo hello
    deployment: refarch

- name: Remove it
  refarch.aws.launch_template:
    name: refarch-web-lt
    state: absent
"""

RETURN = r"""
launch_template:
  description: The template after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    launch_template_id: lt-0a1b2c3d4e5f67890
    launch_template_name: refarch-web-lt
    latest_version: 3
    default_version: 1
    tags:
      refarch:deployment: refarch
    data:
      ImageId: ami-0abcdef1234567890
      InstanceType: c5.large
      SecurityGroupIds:
        - sg-0b2c3d4e5f6789012
      UserData: IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=
      MetadataOptions:
        HttpTokens: required
        HttpEndpoint: enabled
        HttpPutResponseHopLimit: 2
  contains:
    launch_template_id:
      description: Template id (null in check mode before it is created).
      returned: when present
      type: str
      sample: lt-0a1b2c3d4e5f67890
    launch_template_name:
      description: Template name.
      returned: when present
      type: str
      sample: refarch-web-lt
    latest_version:
      description: Number of the newest version.
      returned: when present
      type: int
      sample: 3
    default_version:
      description: Number of the default version.
      returned: when present
      type: int
      sample: 1
    tags:
      description: Template tags.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch"}
    data:
      description:
        - The managed part of the C($Latest) version's data, in the API's shape (C(ImageId),
          C(InstanceType), C(SecurityGroupIds) sorted, C(UserData) base64, C(MetadataOptions),
          C(KeyName), C(IamInstanceProfile), C(TagSpecifications)); keys not set are absent.
      returned: when present
      type: dict
      sample:
        ImageId: ami-0abcdef1234567890
        InstanceType: c5.large
        SecurityGroupIds: [sg-0b2c3d4e5f6789012]
        UserData: IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=
        MetadataOptions: {HttpTokens: required, HttpEndpoint: enabled, HttpPutResponseHopLimit: 2}
version_created:
  description: Number of the version this run created (null when none; 0 when predicted in check mode).
  returned: always
  type: int
  sample: 3
changed_keys:
  description:
    - Data keys (in the API's names) that differed and caused a new version, and C(tags) when the
      template's tags changed; empty when nothing changed or the template is created.
  returned: always
  type: list
  elements: str
  sample: [ImageId, tags]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.launch_template import TemplateService


def main():
    options = dict(
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
    )
    runner.run(TemplateService, options, mutually_exclusive=[("image_id", "image_ssm_parameter")])


if __name__ == "__main__":
    main()
