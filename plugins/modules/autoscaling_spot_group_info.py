#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: autoscaling_spot_group_info
short_description: Look up Spot Auto Scaling groups, their instances and their Spot pool figure
version_added: 0.1.0
description:
  - Returns Auto Scaling groups (snake_case, tags as a dict) with their instances (AZ, type,
    lifecycle state, launch template version).
  - With O(spot_pools), also how many (instance type, AZ) pairs EC2 really offers for each group's
    instance-type overrides in its AZs, from C(describe_instance_type_offerings).
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag.
author:
  - refarch.aws maintainers (@refarch)
options:
  spot_pools:
    description: Compute each group's Spot pool figure (two more EC2 read calls per group).
    type: bool
    default: false
seealso:
  - module: refarch.aws.autoscaling_spot_group
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: The web fleet and its Spot pools
  refarch.aws.autoscaling_spot_group_info:
    name: web-asg
    spot_pools: true
  register: fleet
"""

RETURN = r"""
groups:
  description: Groups found; each has C(spot_pools) when O(spot_pools=true) (null without instance-type overrides).
  returned: always
  type: list
  elements: dict
  sample: [{"auto_scaling_group_name": "web-asg", "min_size": 2, "instances": [], "tags": {}}]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.autoscaling import GroupInfoService


def main():
    runner.run_info(GroupInfoService, dict(spot_pools=dict(type="bool", default=False)))


if __name__ == "__main__":
    main()
