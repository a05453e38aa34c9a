#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: launch_template_info
short_description: Look up EC2 launch templates by name or by the deployment that owns them
version_added: 0.1.0
description:
  - Returns launch templates with the managed data of their C($Latest) version, in the shape
    M(refarch.aws.launch_template) returns.
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag (a server-side filter).
author:
  - refarch.aws maintainers (@refarch)
seealso:
  - module: refarch.aws.launch_template
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Everything deployment refarch owns
  refarch.aws.launch_template_info:
    deployment: refarch
  register: templates
"""

RETURN = r"""
launch_templates:
  description:
    - The templates found, as M(refarch.aws.launch_template) returns its
      RV(refarch.aws.launch_template#module:launch_template), the data of each one's C($Latest) version.
  returned: always
  type: list
  sample:
    - launch_template_id: lt-0a1b2c3d4e5f67890
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
  elements: dict
  contains:
    launch_template_id:
      description: Template id.
      returned: always
      type: str
      sample: lt-0a1b2c3d4e5f67890
    launch_template_name:
      description: Template name.
      returned: always
      type: str
      sample: refarch-web-lt
    latest_version:
      description: Number of the newest version.
      returned: always
      type: int
      sample: 3
    default_version:
      description: Number of the default version.
      returned: always
      type: int
      sample: 1
    tags:
      description: Template tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch"}
    data:
      description: The managed part of the C($Latest) version's data, in the API's shape.
      returned: always
      type: dict
      sample:
        ImageId: ami-0abcdef1234567890
        InstanceType: c5.large
        SecurityGroupIds: [sg-0b2c3d4e5f6789012]
        UserData: IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.launch_template import TemplateInfoService


def main():
    runner.run_info(TemplateInfoService)


if __name__ == "__main__":
    main()
