#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: autoscaling_spot_group
short_description: An EC2 Auto Scaling group that runs on Spot through a mixed-instances policy
version_added: 0.1.0
description:
  - Creates, updates or deletes an Auto Scaling group whose capacity comes from a mixed-instances
    policy - a launch template (by default at C($Latest), so a new template version is used by the
    very next launch), instance-type overrides with optional weights or attribute-based instance
    requirements, an On-Demand base and percentage, and the C(price-capacity-optimized) Spot
    strategy - with capacity rebalancing, ELB health checks with a grace period, target groups and
    the given subnets.
  - After a create or update call, waits until the desired capacity is InService and healthy, and
    optionally starts an instance refresh (after that wait) when instances run an older version of
    the template than its latest.
  - Every tag of the group propagates to its instances at launch (the ownership tag included).
  - Places the group only in the AZs that offer at least one of its instance types (by AZ id), and
    reports the Spot pool figure - how many (instance type, AZ) pairs EC2 really offers in the
    group's AZs - from C(describe_instance_type_offerings).
  - Written instead of using M(amazon.aws.autoscaling_group), which has no capacity rebalance, no
    weighted overrides or instance requirements, and reports C(changed) in check mode without
    looking.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the group.
    type: str
    required: true
  state:
    description:
      - Whether the group should exist. C(absent) force-deletes it (its instances are terminated) and,
        with O(wait), waits until it is gone.
      - A group AWS is already deleting (C(Delete in progress)) is not deleted again, only waited for,
        so a task with O(wait=false) can start the deletion and a later one wait for it.
    type: str
    choices: [present, absent]
    default: present
  launch_template:
    description: Name of the launch template. Required when O(state=present).
    type: str
  launch_template_version:
    description: Template version the group launches.
    type: str
    default: $Latest
  instance_types:
    description:
      - Instance-type overrides, in priority order. Mutually exclusive with O(instance_requirements);
        one of them is required when O(state=present).
    type: list
    elements: str
  instance_weights:
    description: Weighted capacity per instance type (a type of O(instance_types)); 1 when not given.
    type: dict
  instance_requirements:
    description:
      - Attribute-based instance type selection, in the API's shape (C(VCpuCount), C(MemoryMiB), ...).
    type: dict
  on_demand_base_capacity:
    description: Capacity served On-Demand before any Spot.
    type: int
    default: 0
  on_demand_percentage_above_base_capacity:
    description: Percentage of capacity above the base served On-Demand (0 = all Spot).
    type: int
    default: 0
  on_demand_allocation_strategy:
    description: How On-Demand capacity is allocated; AWS's default when not given.
    type: str
    choices: [prioritized, lowest-price]
  spot_allocation_strategy:
    description: How Spot capacity is allocated.
    type: str
    choices: [price-capacity-optimized, capacity-optimized, capacity-optimized-prioritized, lowest-price]
    default: price-capacity-optimized
  capacity_rebalance:
    description: Replace Spot instances that receive a rebalance recommendation before they are interrupted.
    type: bool
    default: true
  min_size:
    description: Minimum size.
    type: int
    default: 1
  max_size:
    description: Maximum size.
    type: int
    default: 4
  desired_capacity:
    description: Desired capacity; O(min_size) on create and left alone afterwards when not given.
    type: int
  subnet_ids:
    description:
      - Subnets (one per AZ) the group may launch into. Required when O(state=present).
      - With O(offered_zones_only), only those whose AZ offers one of O(instance_types) are used.
    type: list
    elements: str
  offered_zones_only:
    description:
      - Use only the subnets of O(subnet_ids) whose AZ - compared by AZ id, since AZ names map to
        different AZs in each account - offers at least one of O(instance_types)
        (C(describe_instance_type_offerings)). AWS fails every launch into an AZ that offers none
        of them, as a failed scaling activity, again and again.
      - The AZs left out are reported in RV(placement). Has no effect with O(instance_requirements).
    type: bool
    default: true
  health_check_type:
    description: C(ELB) replaces instances the load balancer finds unhealthy.
    type: str
    choices: [EC2, ELB]
    default: ELB
  health_check_grace_period:
    description: Seconds after launch before health checks count.
    type: int
    default: 300
  target_group_arns:
    description: Target groups the group registers its instances in.
    type: list
    elements: str
    default: []
  instance_refresh:
    description:
      - Start a rolling instance refresh (skipping matching instances) when instances run an older
        version of the launch template than its latest, unless a refresh is already running.
    type: bool
    default: false
  launch_template_latest_version:
    description:
      - Number of the template's latest version, when the caller knows it - for example from the
        result of M(refarch.aws.launch_template), which also predicts it in check mode, so a check
        run predicts the instance refresh a template change will cause.
      - Looked up with C(describe_launch_templates) when not given.
      - Instances are judged by the template version AWS reports for each of them.
    type: int
  instance_refresh_min_healthy_percentage:
    description: Percentage of capacity kept InService during a refresh.
    type: int
    default: 90
seealso:
  - module: amazon.aws.autoscaling_group
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.launch_template
    description: Works with this module (the description says how).
  - module: refarch.aws.autoscaling_spot_group_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Spot fleet over every subnet, behind a target group
  refarch.aws.autoscaling_spot_group:
    name: refarch-web-asg
    launch_template: refarch-web-lt
    instance_types: [c5.large, c5a.large, m5.large]
    subnet_ids: "{{ subnet_ids }}"
    target_group_arns: ["{{ target_group_arn }}"]
    min_size: 2
    max_size: 10
    instance_refresh: true
    deployment: refarch
  register: asg

- name: The pool figure and the instances
  ansible.builtin.debug:
    msg: >-
      {{ asg.spot_pools.count }} Spot pools;
      {{ asg.group.instances | map(attribute='instance_id') | join(', ') }} in
      {{ asg.group.vpc_zone_identifier | join(', ') }}
"""

RETURN = r"""
group:
  description: The group after the run (predicted in check mode), snake_case; empty when absent.
  returned: always
  type: dict
  sample:
    auto_scaling_group_name: refarch-web-asg
    auto_scaling_group_arn: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:\
      6d4a2f7e-1b2c-4d3e-9f80-1a2b3c4d5e6f:autoScalingGroupName/refarch-web-asg"
    min_size: 2
    max_size: 10
    desired_capacity: 2
    vpc_zone_identifier:
      - subnet-0a1b2c3d4e5f67890
      - subnet-0b2c3d4e5f6789012
    health_check_type: ELB
    health_check_grace_period: 120
    capacity_rebalance: true
    mixed_instances_policy:
      launch_template:
        launch_template_specification:
          launch_template_name: refarch-web-lt
          version: $Latest
        overrides:
          - instance_type: c5.large
            weighted_capacity: '1'
          - instance_type: m5.large
            weighted_capacity: '1'
      instances_distribution:
        on_demand_allocation_strategy: prioritized
        on_demand_base_capacity: 0
        on_demand_percentage_above_base_capacity: 0
        spot_allocation_strategy: price-capacity-optimized
    target_group_arns:
      - "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067"
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
  contains:
    auto_scaling_group_name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-web-asg
    auto_scaling_group_arn:
      description: ARN (not known in check mode before it is created).
      returned: when the group exists
      type: str
      sample: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:6d4a2f7e-1b2c-4d3e-9f80-1a2b3c4d5e6f:\
        autoScalingGroupName/refarch-web-asg"
    min_size:
      description: Minimum size.
      returned: when present
      type: int
      sample: 2
    max_size:
      description: Maximum size.
      returned: when present
      type: int
      sample: 10
    desired_capacity:
      description: Desired capacity.
      returned: when present
      type: int
      sample: 2
    vpc_zone_identifier:
      description: Subnet ids the group launches into, sorted (the API's comma list, split).
      returned: when present
      type: list
      elements: str
      sample: [subnet-0a1b2c3d4e5f67890, subnet-0b2c3d4e5f6789012]
    health_check_type:
      description: C(EC2) or C(ELB).
      returned: when present
      type: str
      sample: ELB
    health_check_grace_period:
      description: Seconds after launch before health checks count.
      returned: when present
      type: int
      sample: 120
    capacity_rebalance:
      description: Whether capacity rebalancing is on.
      returned: when present
      type: bool
      sample: true
    mixed_instances_policy:
      description:
        - C(launch_template) (C(launch_template_specification) with C(launch_template_name) and
          C(version); C(overrides), each with C(instance_type) and C(weighted_capacity), or
          C(instance_requirements)) and C(instances_distribution) (the On-Demand and Spot strategies).
      returned: when present
      type: dict
      sample:
        launch_template:
          launch_template_specification: {launch_template_name: refarch-web-lt, version: "$Latest"}
          overrides:
            - {instance_type: c5.large, weighted_capacity: "1"}
            - {instance_type: m5.large, weighted_capacity: "1"}
        instances_distribution:
          on_demand_allocation_strategy: prioritized
          on_demand_base_capacity: 0
          on_demand_percentage_above_base_capacity: 0
          spot_allocation_strategy: price-capacity-optimized
    target_group_arns:
      description: Target groups, sorted.
      returned: when present
      type: list
      elements: str
      sample: [arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067]
    instances:
      description: Instances of the group, sorted by id (empty in check mode before it is created).
      returned: when present
      type: list
      elements: dict
      contains:
        instance_id:
          description: Instance id.
          returned: always
          type: str
          sample: i-0a1b2c3d4e5f67890
        availability_zone:
          description: Its AZ.
          returned: always
          type: str
          sample: us-east-1a
        instance_type:
          description: Its instance type.
          returned: always
          type: str
          sample: c5.large
        lifecycle_state:
          description: C(Pending), C(InService), C(Terminating), ...
          returned: always
          type: str
          sample: InService
        health_status:
          description: C(Healthy) or C(Unhealthy).
          returned: always
          type: str
          sample: Healthy
        launch_template_version:
          description: Version of the launch template it was launched from.
          returned: when AWS reports it
          type: str
          sample: "3"
    tags:
      description: Tags of the group (all propagate to the instances).
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "Name": "refarch-web"}
spot_pools:
  description:
    - (instance type, AZ) pairs offered for the group's instance types in its AZs. Null for
      O(instance_requirements); not returned with O(state=absent).
  returned: when state=present
  type: dict
  sample:
    count: 6
    instance_types: 3
    availability_zones:
      - us-east-1a
      - us-east-1b
    by_availability_zone:
      us-east-1a: 3
      us-east-1b: 3
    not_offered: []
  contains:
    count:
      description: Number of pools.
      returned: always
      type: int
      sample: 6
    instance_types:
      description: Number of instance types asked for.
      returned: always
      type: int
      sample: 3
    availability_zones:
      description: AZs of the group's subnets.
      returned: always
      type: list
      elements: str
      sample: [us-east-1a, us-east-1b]
    by_availability_zone:
      description: Pools per AZ, keyed by AZ name.
      returned: always
      type: dict
      sample: {"us-east-1a": 3, "us-east-1b": 3}
    not_offered:
      description: Instance types offered in none of the AZs.
      returned: always
      type: list
      elements: str
      sample: []
placement:
  description:
    - Where the group launches, and which AZs of O(subnet_ids) were left out and why. Null for
      O(instance_requirements).
  returned: when state=present
  type: dict
  sample:
    subnet_ids:
      - subnet-0a1b2c3d4e5f67890
      - subnet-0b2c3d4e5f6789012
    availability_zones:
      - availability_zone: us-east-1a
        availability_zone_id: use1-az1
      - availability_zone: us-east-1b
        availability_zone_id: use1-az2
    left_out:
      - availability_zone: us-east-1e
        availability_zone_id: use1-az3
        subnet_id: subnet-0c3d4e5f678901234
        reason: offers none of the 3 instance types (DescribeInstanceTypeOfferings)
  contains:
    subnet_ids:
      description: Subnets the group uses, sorted.
      returned: always
      type: list
      elements: str
      sample: [subnet-0a1b2c3d4e5f67890, subnet-0b2c3d4e5f6789012]
    availability_zones:
      description: AZs in use, each with C(availability_zone) and C(availability_zone_id).
      returned: always
      type: list
      elements: dict
      sample:
        - {availability_zone: us-east-1a, availability_zone_id: use1-az1}
        - {availability_zone: us-east-1b, availability_zone_id: use1-az2}
    left_out:
      description:
        - AZs of O(subnet_ids) the group does not use, each with C(availability_zone),
          C(availability_zone_id), C(subnet_id) and C(reason); empty with O(offered_zones_only=false).
      returned: always
      type: list
      elements: dict
      sample:
        - availability_zone: us-east-1e
          availability_zone_id: use1-az3
          subnet_id: subnet-0c3d4e5f678901234
          reason: offers none of the 3 instance types (DescribeInstanceTypeOfferings)
instance_refresh_id:
  description: Id of the instance refresh this run started (null when none, and in check mode).
  returned: always
  type: str
  sample: 08b91cf7-8fa6-48af-b6a6-d227f40f1b9b
outdated_instances:
  description: Ids of the instances on an older template version, when this run starts (or predicts) a refresh.
  returned: when an instance refresh is started or predicted
  type: list
  elements: str
  sample: [i-0a1b2c3d4e5f67890, i-0b2c3d4e5f6789012]
changed_keys:
  description:
    - Group attributes that differed, as dotted snake_case paths (C(max_size),
      C(mixed_instances_policy.launch_template.overrides), C(target_group_arns), C(tags)), and
      C(instance_refresh) when a refresh is started (or predicted); empty when the group is created or deleted.
  returned: always
  type: list
  elements: str
  sample: [max_size, instance_refresh]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.autoscaling import GroupService

SPOT_STRATEGIES = ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price"]


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        launch_template=dict(type="str"),
        launch_template_version=dict(type="str", default="$Latest"),
        instance_types=dict(type="list", elements="str"),
        instance_weights=dict(type="dict"),
        instance_requirements=dict(type="dict"),
        on_demand_base_capacity=dict(type="int", default=0),
        on_demand_percentage_above_base_capacity=dict(type="int", default=0),
        on_demand_allocation_strategy=dict(type="str", choices=["prioritized", "lowest-price"]),
        spot_allocation_strategy=dict(type="str", choices=SPOT_STRATEGIES, default="price-capacity-optimized"),
        capacity_rebalance=dict(type="bool", default=True),
        min_size=dict(type="int", default=1),
        max_size=dict(type="int", default=4),
        desired_capacity=dict(type="int"),
        subnet_ids=dict(type="list", elements="str"),
        offered_zones_only=dict(type="bool", default=True),
        health_check_type=dict(type="str", choices=["EC2", "ELB"], default="ELB"),
        health_check_grace_period=dict(type="int", default=300),
        target_group_arns=dict(type="list", elements="str", default=[]),
        instance_refresh=dict(type="bool", default=False),
        launch_template_latest_version=dict(type="int"),
        instance_refresh_min_healthy_percentage=dict(type="int", default=90),
    )
    exclusive = [("instance_types", "instance_requirements"), ("instance_weights", "instance_requirements")]
    runner.run(GroupService, options, mutually_exclusive=exclusive)


if __name__ == "__main__":
    main()
