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
  - Waits until the desired capacity is InService, and optionally starts an instance refresh when
    instances run an older version of the template than its latest.
  - Places the group only in the AZs that offer at least one of its instance types (by AZ id), and
    reports the Spot pool figure - how many (instance type, AZ) pairs EC2 really offers in the
    group's AZs - from C(describe_instance_type_offerings).
  - Written instead of using M(amazon.aws.autoscaling_group), which has no capacity rebalance, no
    weighted overrides or instance requirements, and reports C(changed) in check mode without
    looking.
author:
  - refarch.aws maintainers (!UNKNOWN)
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
  purge_tags:
    description: Remove group tags that are not in O(tags) (the ownership tag always stays).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Spot fleet over every subnet, behind a target group
  refarch.aws.autoscaling_spot_group:
    name: web-asg
    launch_template: web-lt
    instance_types: [c5.large, c5a.large, m5.large]
    subnet_ids: "{{ subnet_ids }}"
    target_group_arns: ["{{ target_group_arn }}"]
    min_size: 2
    max_size: 10
    instance_refresh: true
    deployment: refarch
  register: asg

- name: The pool figure
  ansible.builtin.debug:
    msg: "{{ asg.spot_pools.count }} Spot pools"
"""

RETURN = r"""
group:
  description: The group after the run (predicted in check mode), in the API's shape; empty when absent.
  returned: always
  type: dict
spot_pools:
  description:
    - (instance type, AZ) pairs offered for the group's instance types in its AZs. Not computed
      for O(instance_requirements) or O(state=absent).
  returned: when state=present and instance_types is given
  type: dict
  contains:
    count:
      description: Number of pools.
      type: int
    instance_types:
      description: Number of instance types asked for.
      type: int
    availability_zones:
      description: AZs of the group's subnets.
      type: list
      elements: str
    by_availability_zone:
      description: Pools per AZ.
      type: dict
    not_offered:
      description: Instance types offered in none of the AZs.
      type: list
      elements: str
placement:
  description: Where the group launches, and which AZs of O(subnet_ids) were left out and why.
  returned: when state=present and instance_types is given
  type: dict
  contains:
    subnet_ids:
      description: Subnets the group uses.
      type: list
      elements: str
    availability_zones:
      description: AZs in use, each with C(availability_zone) and C(availability_zone_id).
      type: list
      elements: dict
    left_out:
      description:
        - AZs of O(subnet_ids) the group does not use, each with C(availability_zone),
          C(availability_zone_id), C(subnet_id) and C(reason).
      type: list
      elements: dict
instance_refresh_id:
  description: Id of the instance refresh this run started (null when none).
  returned: always
  type: str
changed_keys:
  description: Group attributes that differed.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import autoscaling as asg
from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks


def validate(params):
    """Messages naming each bad parameter, checked before any API call."""
    errors = [checks.check_pattern("name", params["name"], r"[^:]{1,255}")]
    if params["state"] == "absent":
        return checks.collect(*errors)
    if not params["launch_template"]:
        errors.append("launch_template is required when state=present")
    errors.append(checks.check_launch_template_name("launch_template", params["launch_template"]))
    errors.append(
        checks.check_pattern("launch_template_version", params["launch_template_version"], r"\$Latest|\$Default|[0-9]+")
    )
    if not (params["instance_types"] or params["instance_requirements"]):
        errors.append("one of instance_types or instance_requirements is required when state=present")
    for instance_type in params["instance_types"] or []:
        errors.append(checks.check_pattern("instance_types", instance_type, r"[a-z][a-z0-9-]*\.[a-z0-9]+"))
    for instance_type, weight in (params["instance_weights"] or {}).items():
        if instance_type not in (params["instance_types"] or []):
            errors.append("instance_weights: %s is not one of instance_types" % instance_type)
        if not str(weight).isdigit() or not 1 <= int(weight) <= 999:
            errors.append("instance_weights: the weight of %s must be an integer from 1 to 999" % instance_type)
    if not params["subnet_ids"]:
        errors.append("subnet_ids is required when state=present")
    for subnet_id in params["subnet_ids"] or []:
        errors.append(checks.check_pattern("subnet_ids", subnet_id, r"subnet-[0-9a-f]{8,17}"))
    for arn in params["target_group_arns"]:
        errors.append(
            checks.check_pattern(
                "target_group_arns", arn, r"arn:aws[a-z-]*:elasticloadbalancing:[^:]+:[0-9]{12}:targetgroup/.+"
            )
        )
    errors.append(checks.check_range("min_size", params["min_size"], 0, 10000))
    errors.append(
        checks.check_range("max_size", params["max_size"], params["min_size"], 10000)
        and "max_size: %s is smaller than min_size %s" % (params["max_size"], params["min_size"])
    )
    errors.append(
        checks.check_range("desired_capacity", params["desired_capacity"], params["min_size"], params["max_size"])
    )
    errors.append(checks.check_range("on_demand_base_capacity", params["on_demand_base_capacity"], 0, 10000))
    errors.append(
        checks.check_range(
            "on_demand_percentage_above_base_capacity", params["on_demand_percentage_above_base_capacity"], 0, 100
        )
    )
    errors.append(checks.check_range("health_check_grace_period", params["health_check_grace_period"], 0, 7200))
    errors.append(
        checks.check_range(
            "instance_refresh_min_healthy_percentage", params["instance_refresh_min_healthy_percentage"], 0, 100
        )
    )
    errors.append(checks.check_range("wait_timeout", params["wait_timeout"], 1, 86400))
    return checks.collect(*errors)


def fail_not_owned(module, what):
    module.fail_json(
        msg="Auto Scaling group %s %s is not owned by deployment %s (tag %s)"
        % (module.params["name"], what, module.params["deployment"], ownership.OWNERSHIP_TAG_KEY)
    )


def wait(module, client, done, what):
    if not module.params["wait"] or module.check_mode:
        return None
    try:
        return aws.wait_for(
            lambda: asg.get_group(client, module.params["name"]), done, module.params["wait_timeout"], what
        )
    except aws.WaitTimeout as e:
        module.fail_json(msg=str(e))


def plan_placement(module):
    """(subnet ids the group uses, its Spot pools, the placement report), from one DescribeSubnets and
    one DescribeInstanceTypeOfferings by AZ id; ``(subnet_ids, None, None)`` without instance types."""
    params = module.params
    if not params["instance_types"]:
        return sorted(params["subnet_ids"]), None, None
    ec2 = aws.aws_client(module, "ec2")
    subnets = asg.describe_subnet_zones(ec2, params["subnet_ids"])
    zone_ids = sorted(set(s["availability_zone_id"] for s in subnets))
    offerings = asg.instance_type_offerings(ec2, params["instance_types"], zone_ids, "availability-zone-id")
    if params["offered_zones_only"]:
        used, left_out = asg.placement(subnets, offerings, params["instance_types"])
    else:
        used, left_out = sorted(s["subnet_id"] for s in subnets), []
    if not used:
        module.fail_json(
            msg="subnet_ids: none of their AZs (%s) offers any of instance_types (%s)"
            % (", ".join(sorted(s["availability_zone"] for s in subnets)), ", ".join(params["instance_types"]))
        )
    name_of = dict((s["availability_zone_id"], s["availability_zone"]) for s in subnets)
    in_use = sorted((s for s in subnets if s["subnet_id"] in used), key=lambda s: s["availability_zone"])
    zones = sorted(set(s["availability_zone"] for s in in_use))
    pools = asg.spot_pools([(t, name_of[z]) for t, z in offerings], params["instance_types"], zones)
    report = dict(
        subnet_ids=used,
        availability_zones=[
            dict(availability_zone=s["availability_zone"], availability_zone_id=s["availability_zone_id"])
            for s in in_use
        ],
        left_out=left_out,
    )
    return used, pools, report


def ensure_absent(module, client, group):
    if group is None:
        return dict(changed=False, group={}, instance_refresh_id=None, changed_keys=[])
    before = asg.normalize_group(group)
    if not ownership.is_owned(before["Tags"], module.params["deployment"]):
        fail_not_owned(module, "exists but")
    # A group already being deleted (by an earlier task with wait=false) is only waited for.
    deleting = asg.being_deleted(group)
    if not module.check_mode:
        if not deleting:
            asg.delete_group(client, module.params["name"])
        wait(module, client, lambda g: g is None, "Auto Scaling group %s to be deleted" % module.params["name"])
    result = dict(changed=not deleting, group={}, instance_refresh_id=None, changed_keys=[])
    if not deleting:
        result["diff"] = diffing.diff_result(before, {})
    return result


def maybe_refresh(module, client, group, result):
    """Start an instance refresh when instances run an older template version, if asked."""
    params = module.params
    if not params["instance_refresh"] or group is None:
        return
    latest = params["launch_template_latest_version"]
    if latest is None:
        latest = asg.latest_template_version(aws.aws_client(module, "ec2"), params["launch_template"])
    outdated = asg.outdated_instances(group, latest)
    if not outdated or asg.refresh_active(asg.describe_instance_refreshes(client, params["name"])):
        return
    result["changed"] = True
    result["outdated_instances"] = outdated
    if not module.check_mode:
        result["instance_refresh_id"] = asg.start_instance_refresh(
            client, params["name"], params["instance_refresh_min_healthy_percentage"]
        )


def ensure_present(module, client, group):
    params = module.params
    name = params["name"]
    subnet_ids, pools, report = plan_placement(module)
    desired = asg.build_desired(dict(params, subnet_ids=subnet_ids))
    want_tags = ownership.desired_tags(params["deployment"], params["tags"])
    result = dict(changed=False, instance_refresh_id=None, spot_pools=pools, placement=report)

    if group is None:
        after = diffing.merged({"AutoScalingGroupName": name}, desired)
        after.setdefault("DesiredCapacity", params["min_size"])
        after["Tags"] = want_tags
        if not module.check_mode:
            asg.create_group(client, asg.create_params(name, desired, want_tags))
            group = wait(
                module, client, asg.capacity_reached, "%s InService instances in %s" % (after["DesiredCapacity"], name)
            )
            after = asg.normalize_group(group or asg.get_group(client, name))
        result.update(changed=True, group=after, changed_keys=sorted(desired), diff=diffing.diff_result({}, after))
        return result

    before = asg.normalize_group(group)
    if not ownership.is_owned(before["Tags"], params["deployment"]):
        fail_not_owned(module, "exists but")
    changes = asg.group_changes(desired, before)
    attach, detach = asg.target_group_changes(desired, before)
    to_set, to_remove = ownership.tag_changes(before["Tags"], want_tags, purge=params["purge_tags"])
    changed = bool(changes or attach or detach or to_set or to_remove)
    after = diffing.merged(before, dict((k, v) for k, v in desired.items() if k != "MixedInstancesPolicy"))
    after["MixedInstancesPolicy"] = diffing.merged(before.get("MixedInstancesPolicy"), desired["MixedInstancesPolicy"])
    after["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = desired["MixedInstancesPolicy"]["LaunchTemplate"][
        "Overrides"
    ]
    after["Tags"] = dict((k, v) for k, v in diffing.merged(before["Tags"], to_set).items() if k not in to_remove)
    if changed and not module.check_mode:
        if changes:
            asg.update_group(client, asg.update_params(name, desired))
        asg.attach_target_groups(client, name, attach)
        asg.detach_target_groups(client, name, detach)
        asg.set_tags(client, name, to_set, to_remove)
        group = wait(module, client, asg.capacity_reached, "desired capacity InService in %s" % name) or asg.get_group(
            client, name
        )
        after = asg.normalize_group(group)
    result.update(
        changed=changed, group=after, changed_keys=changes + (["TargetGroupARNs"] if attach or detach else [])
    )
    maybe_refresh(module, client, group, result)
    if result["changed"]:
        result["diff"] = diffing.diff_result(before, after)
    return result


def main():
    argument_spec = dict(
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
        spot_allocation_strategy=dict(
            type="str",
            choices=[
                "price-capacity-optimized",
                "capacity-optimized",
                "capacity-optimized-prioritized",
                "lowest-price",
            ],
            default="price-capacity-optimized",
        ),
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
        purge_tags=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("instance_types", "instance_requirements"), ("instance_weights", "instance_requirements")],
        supports_check_mode=True,
    )
    errors = validate(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = aws.aws_client(module, "autoscaling")
    try:
        group = asg.get_group(client, module.params["name"])
        if module.params["state"] == "absent":
            result = ensure_absent(module, client, group)
        else:
            result = ensure_present(module, client, group)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Auto Scaling group %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
