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
    name: refarch-web-asg
    spot_pools: true
  register: fleet
"""

RETURN = r"""
groups:
  description:
    - Groups found, keyed as M(refarch.aws.autoscaling_spot_group) returns its
      RV(refarch.aws.autoscaling_spot_group#module:group) (C(auto_scaling_group_name), C(min_size),
      C(mixed_instances_policy), C(instances), C(tags), ...).
  returned: always
  type: list
  sample:
    - auto_scaling_group_name: refarch-web-asg
      auto_scaling_group_arn: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:\
        6d4a2f7e-1b2c-4d3e-9f80-1a2b3c4d5e6f:autoScalingGroupName/refarch-web-asg"
      vpc_zone_identifier:
        - subnet-0a1b2c3d4e5f67890
        - subnet-0b2c3d4e5f6789012
      instances:
        - instance_id: i-0a1b2c3d4e5f67890
          availability_zone: us-east-1a
          instance_type: c5.large
          lifecycle_state: InService
          health_status: Healthy
          launch_template_version: '3'
      tags:
        refarch:deployment: refarch
        Name: refarch-web
      spot_pools:
        count: 6
        instance_types: 3
        availability_zones:
          - us-east-1a
          - us-east-1b
        by_availability_zone:
          us-east-1a: 3
          us-east-1b: 3
        not_offered: []
  elements: dict
  contains:
    auto_scaling_group_name:
      description: Name.
      returned: always
      type: str
      sample: refarch-web-asg
    auto_scaling_group_arn:
      description: ARN.
      returned: always
      type: str
      sample: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:6d4a2f7e-1b2c-4d3e-9f80-1a2b3c4d5e6f:\
        autoScalingGroupName/refarch-web-asg"
    vpc_zone_identifier:
      description: Subnet ids, sorted.
      returned: always
      type: list
      elements: str
      sample: [subnet-0a1b2c3d4e5f67890, subnet-0b2c3d4e5f6789012]
    instances:
      description:
        - Instances, each with C(instance_id), C(availability_zone), C(instance_type),
          C(lifecycle_state), C(health_status) and C(launch_template_version).
      returned: always
      type: list
      elements: dict
      sample:
        - instance_id: i-0a1b2c3d4e5f67890
          availability_zone: us-east-1a
          instance_type: c5.large
          lifecycle_state: InService
          health_status: Healthy
          launch_template_version: "3"
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "Name": "refarch-web"}
    spot_pools:
      description:
        - The Spot pool figure as M(refarch.aws.autoscaling_spot_group) returns it (C(count),
          C(instance_types), C(availability_zones), C(by_availability_zone), C(not_offered)); null
          without instance-type overrides.
      returned: when O(spot_pools=true)
      type: dict
      sample:
        count: 6
        instance_types: 3
        availability_zones: [us-east-1a, us-east-1b]
        by_availability_zone: {"us-east-1a": 3, "us-east-1b": 3}
        not_offered: []
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.autoscaling import GroupInfoService


def main():
    runner.run_info(GroupInfoService, dict(spot_pools=dict(type="bool", default=False)))


if __name__ == "__main__":
    main()
