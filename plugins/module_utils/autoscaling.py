# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto Scaling groups with a mixed-instances (Spot) policy: API calls and pure build/compare functions.

The desired group is built in the shape ``describe_auto_scaling_groups`` returns, so one compare
finds what an ``update_auto_scaling_group`` call must carry; target groups and tags have their
own calls, as in the API.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_message
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate

DISTRIBUTION_KEYS = (
    "OnDemandAllocationStrategy",
    "OnDemandBaseCapacity",
    "OnDemandPercentageAboveBaseCapacity",
    "SpotAllocationStrategy",
)
# Attributes ``update_auto_scaling_group`` takes, in describe's shape.
UPDATE_KEYS = (
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "VPCZoneIdentifier",
    "HealthCheckType",
    "HealthCheckGracePeriod",
    "CapacityRebalance",
    "MixedInstancesPolicy",
)
REFRESH_ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")


# ---------------------------------------------------------------------------------------- API


def _all_groups(client, **params):
    return paginate(client, "describe_auto_scaling_groups", **params).get("AutoScalingGroups", [])


def get_group(client, name):
    """The group called ``name``, or ``None``; a group being deleted is returned until it is gone (see
    :func:`being_deleted`)."""
    groups = _all_groups(client, AutoScalingGroupNames=[name])
    return groups[0] if groups else None


def list_owned_groups(client, deployment):
    return _all_groups(client, Filters=[{"Name": "tag:%s" % ownership.OWNERSHIP_TAG_KEY, "Values": [deployment]}])


def create_group(client, params):
    client.create_auto_scaling_group(aws_retry=True, **params)


def update_group(client, params):
    client.update_auto_scaling_group(aws_retry=True, **params)


def attach_target_groups(client, name, arns):
    if arns:
        client.attach_load_balancer_target_groups(AutoScalingGroupName=name, TargetGroupARNs=arns, aws_retry=True)


def detach_target_groups(client, name, arns):
    if arns:
        client.detach_load_balancer_target_groups(AutoScalingGroupName=name, TargetGroupARNs=arns, aws_retry=True)


def set_tags(client, name, to_set, to_remove):
    if to_set:
        client.create_or_update_tags(Tags=tag_list(name, to_set), aws_retry=True)
    if to_remove:
        client.delete_tags(Tags=tag_list(name, dict((k, "") for k in to_remove)), aws_retry=True)


def delete_group(client, name):
    """Force-delete (terminates the instances); ``False`` when the group was already gone."""
    try:
        client.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True, aws_retry=True)
    except is_boto3_error_message("not found"):
        return False
    return True


def start_instance_refresh(client, name, min_healthy_percentage, instance_warmup=None):
    preferences = dict(MinHealthyPercentage=min_healthy_percentage, SkipMatching=True)
    if instance_warmup is not None:
        preferences["InstanceWarmup"] = instance_warmup
    result = client.start_instance_refresh(
        AutoScalingGroupName=name, Strategy="Rolling", Preferences=preferences, aws_retry=True
    )
    return result["InstanceRefreshId"]


def describe_instance_refreshes(client, name):
    return client.describe_instance_refreshes(AutoScalingGroupName=name, aws_retry=True).get("InstanceRefreshes", [])


def describe_subnet_zones(ec2, subnet_ids):
    """The given subnets with their AZ name and AZ id (names map to ids differently in each account)."""
    subnets = ec2.describe_subnets(SubnetIds=list(subnet_ids), aws_retry=True).get("Subnets", [])
    return [
        dict(
            subnet_id=s["SubnetId"],
            availability_zone=s["AvailabilityZone"],
            availability_zone_id=s.get("AvailabilityZoneId"),
        )
        for s in subnets
    ]


def subnet_zones(ec2, subnet_ids):
    """{subnet id: availability zone} for the given subnets."""
    return dict((s["subnet_id"], s["availability_zone"]) for s in describe_subnet_zones(ec2, subnet_ids))


def instance_type_offerings(ec2, instance_types, zones, location_type="availability-zone"):
    """(instance type, location) pairs EC2 really offers, from ``describe_instance_type_offerings``;
    ``zones`` are AZ names, or AZ ids with ``location_type="availability-zone-id"``."""
    params = dict(
        LocationType=location_type,
        Filters=[
            {"Name": "instance-type", "Values": sorted(instance_types)},
            {"Name": "location", "Values": sorted(zones)},
        ],
    )
    pairs = set()
    while True:
        result = ec2.describe_instance_type_offerings(aws_retry=True, **params)
        pairs.update((o["InstanceType"], o["Location"]) for o in result.get("InstanceTypeOfferings", []))
        if not result.get("NextToken"):
            return sorted(pairs)
        params["NextToken"] = result["NextToken"]


def latest_template_version(ec2, template_name):
    result = ec2.describe_launch_templates(LaunchTemplateNames=[template_name], aws_retry=True)
    return result["LaunchTemplates"][0]["LatestVersionNumber"]


# ------------------------------------------------------------------------------ pure functions


def build_overrides(instance_types, weights=None, instance_requirements=None):
    """MixedInstancesPolicy overrides: one per instance type (with its weight), or the requirements."""
    if instance_requirements:
        return [{"InstanceRequirements": instance_requirements}]
    weights = weights or {}
    overrides = []
    for instance_type in instance_types or []:
        override = {"InstanceType": instance_type}
        if instance_type in weights:
            override["WeightedCapacity"] = str(weights[instance_type])
        overrides.append(override)
    return overrides


def build_desired(params):
    """The group as describe would show it after the run; ``None`` means "leave it alone"."""
    distribution = dict(
        OnDemandAllocationStrategy=params.get("on_demand_allocation_strategy"),
        OnDemandBaseCapacity=params["on_demand_base_capacity"],
        OnDemandPercentageAboveBaseCapacity=params["on_demand_percentage_above_base_capacity"],
        SpotAllocationStrategy=params["spot_allocation_strategy"],
    )
    policy = dict(
        LaunchTemplate=dict(
            LaunchTemplateSpecification=dict(
                LaunchTemplateName=params["launch_template"], Version=params["launch_template_version"]
            ),
            Overrides=build_overrides(
                params.get("instance_types"), params.get("instance_weights"), params.get("instance_requirements")
            ),
        ),
        InstancesDistribution=distribution,
    )
    desired = dict(
        MinSize=params["min_size"],
        MaxSize=params["max_size"],
        DesiredCapacity=params.get("desired_capacity"),
        VPCZoneIdentifier=sorted(params["subnet_ids"]),
        HealthCheckType=params["health_check_type"],
        HealthCheckGracePeriod=params["health_check_grace_period"],
        CapacityRebalance=params["capacity_rebalance"],
        MixedInstancesPolicy=policy,
        TargetGroupARNs=sorted(params.get("target_group_arns") or []),
    )
    return diffing.drop_none(desired)


def _normalize_override(override):
    keep = dict(
        (k, override[k]) for k in ("InstanceType", "WeightedCapacity", "InstanceRequirements") if override.get(k)
    )
    if "WeightedCapacity" in keep:
        keep["WeightedCapacity"] = str(keep["WeightedCapacity"])
    return keep


def normalize_group(group):
    """A described group in :func:`build_desired`'s shape, plus tags and instances; ``{}`` when absent."""
    if not group:
        return {}
    policy = group.get("MixedInstancesPolicy") or {}
    template = policy.get("LaunchTemplate") or {}
    spec = template.get("LaunchTemplateSpecification") or {}
    distribution = policy.get("InstancesDistribution") or {}
    result = dict(
        AutoScalingGroupName=group["AutoScalingGroupName"],
        AutoScalingGroupARN=group.get("AutoScalingGroupARN"),
        MinSize=group.get("MinSize"),
        MaxSize=group.get("MaxSize"),
        DesiredCapacity=group.get("DesiredCapacity"),
        VPCZoneIdentifier=sorted(s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s),
        HealthCheckType=group.get("HealthCheckType"),
        HealthCheckGracePeriod=group.get("HealthCheckGracePeriod"),
        CapacityRebalance=bool(group.get("CapacityRebalance")),
        MixedInstancesPolicy=dict(
            LaunchTemplate=dict(
                LaunchTemplateSpecification=dict(
                    LaunchTemplateName=spec.get("LaunchTemplateName"), Version=spec.get("Version")
                ),
                Overrides=[_normalize_override(o) for o in template.get("Overrides") or []],
            ),
            InstancesDistribution=dict((k, distribution[k]) for k in DISTRIBUTION_KEYS if k in distribution),
        )
        if policy
        else None,
        TargetGroupARNs=sorted(group.get("TargetGroupARNs") or []),
        Tags=tags_dict(group.get("Tags")),
        Instances=sorted(
            (
                dict(
                    InstanceId=i["InstanceId"],
                    AvailabilityZone=i.get("AvailabilityZone"),
                    InstanceType=i.get("InstanceType"),
                    LifecycleState=i.get("LifecycleState"),
                    HealthStatus=i.get("HealthStatus"),
                    LaunchTemplateVersion=(i.get("LaunchTemplate") or {}).get("Version"),
                )
                for i in group.get("Instances") or []
            ),
            key=lambda i: i["InstanceId"],
        ),
    )
    return diffing.drop_none(result)


def group_changes(desired, current):
    """Dotted paths of the attributes an update call must change (target groups and tags excluded)."""
    wanted = dict((k, v) for k, v in desired.items() if k in UPDATE_KEYS)
    return diffing.changed_keys(wanted, current)


def target_group_changes(desired, current):
    """(ARNs to attach, ARNs to detach)."""
    want, have = set(desired.get("TargetGroupARNs", [])), set(current.get("TargetGroupARNs", []))
    return sorted(want - have), sorted(have - want)


def tags_dict(tags):
    return dict((t["Key"], t.get("Value", "")) for t in tags or [])


def tag_list(name, tags):
    """Group tags in the API's shape; every tag propagates to the instances (ownership included)."""
    return [
        dict(ResourceId=name, ResourceType="auto-scaling-group", Key=k, Value=v, PropagateAtLaunch=True)
        for k, v in sorted(tags.items())
    ]


def create_params(name, desired, tags):
    params = update_params(name, desired)
    params["DesiredCapacity"] = desired.get("DesiredCapacity", desired["MinSize"])
    params["TargetGroupARNs"] = desired.get("TargetGroupARNs", [])
    params["Tags"] = tag_list(name, tags)
    return params


def update_params(name, desired):
    """``update_auto_scaling_group`` arguments carrying the whole desired configuration."""
    params = dict((k, desired[k]) for k in UPDATE_KEYS if k in desired)
    params["VPCZoneIdentifier"] = ",".join(desired["VPCZoneIdentifier"])
    params["AutoScalingGroupName"] = name
    return params


def being_deleted(group):
    """Whether AWS is deleting the group: it is described, with this status, until its instances are gone."""
    return group.get("Status") == "Delete in progress"


def in_service(group):
    """Number of InService, healthy instances of a described group."""
    return sum(
        1
        for i in (group or {}).get("Instances") or []
        if i.get("LifecycleState") == "InService" and i.get("HealthStatus", "Healthy") == "Healthy"
    )


def capacity_reached(group):
    return group is not None and in_service(group) >= group.get("DesiredCapacity", 0)


def outdated_instances(group, latest_version):
    """Instances launched from an older version than ``latest_version`` of the group's template.

    AWS reports the version number an instance was launched with; an instance that reports
    ``$Latest``/``$Default`` instead cannot be judged and is left alone.
    """
    ids = []
    for instance in (group or {}).get("Instances") or []:
        version = str((instance.get("LaunchTemplate") or {}).get("Version") or "")
        if version.isdigit() and int(version) != int(latest_version):
            ids.append(instance["InstanceId"])
    return sorted(ids)


def refresh_active(refreshes):
    """The id of a refresh that is still running, or ``None``."""
    for refresh in refreshes or []:
        if refresh.get("Status") in REFRESH_ACTIVE:
            return refresh["InstanceRefreshId"]
    return None


def spot_pools(offerings, instance_types, zones):
    """The Spot pool figure: (type, AZ) pairs offered among the wanted types and the group's AZs."""
    wanted_types, wanted_zones = set(instance_types), set(zones)
    pairs = [(t, z) for t, z in offerings if t in wanted_types and z in wanted_zones]
    by_zone = dict((z, 0) for z in sorted(wanted_zones))
    for _type, zone in pairs:
        by_zone[zone] += 1
    offered_types = set(t for t, _zone in pairs)
    return dict(
        count=len(pairs),
        instance_types=len(wanted_types),
        availability_zones=sorted(wanted_zones),
        by_availability_zone=by_zone,
        not_offered=sorted(wanted_types - offered_types),
    )


def placement(subnets, offerings, instance_types):
    """Where the group may launch: the subnets whose AZ id offers at least one of ``instance_types``.

    ``subnets`` as :func:`describe_subnet_zones` gives them, ``offerings`` (type, AZ id) pairs.
    Returns (subnet ids to use, sorted; the AZs left out, each with its subnet and why). AWS fails
    every launch into an AZ that offers none of the types (a failed scaling activity each time).
    """
    wanted = set(instance_types)
    offering = set(zone_id for instance_type, zone_id in offerings if instance_type in wanted)
    used = sorted(s["subnet_id"] for s in subnets if s["availability_zone_id"] in offering)
    left_out = [
        dict(
            availability_zone=s["availability_zone"],
            availability_zone_id=s["availability_zone_id"],
            subnet_id=s["subnet_id"],
            reason="offers none of the %d instance types (DescribeInstanceTypeOfferings)" % len(wanted),
        )
        for s in sorted(subnets, key=lambda s: s["availability_zone"])
        if s["availability_zone_id"] not in offering
    ]
    return used, left_out


# ------------------------------------------------------------------------------ the _info module on the runner


def snake_group(group):
    """A normalized group as ``_info`` results are shaped (snake_case, tags a dict)."""
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in group.items() if k != "Tags"))
    result["tags"] = group.get("Tags") or {}
    return result


def pools_of(ec2, group):
    """The Spot pool figure of a normalized group, or None without instance-type overrides or subnets."""
    overrides = group.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("Overrides", [])
    types = [o["InstanceType"] for o in overrides if o.get("InstanceType")]
    if not types or not group.get("VPCZoneIdentifier"):
        return None
    zones = sorted(set(subnet_zones(ec2, group["VPCZoneIdentifier"]).values()))
    return spot_pools(instance_type_offerings(ec2, types, zones), types, zones)


class GroupInfoService(runner.InfoService):
    """Groups for ``autoscaling_spot_group_info``; with ``spot_pools``, each group's Spot pool figure
    (two EC2 reads, for the groups that match only)."""

    kind = "Auto Scaling groups"
    result_key = "groups"
    client_names = ("autoscaling", "ec2")

    def described(self, groups):
        found = [normalize_group(g) for g in groups]
        result = []
        for group in found:
            if not runner.matches_filter(dict(tags=group.get("Tags")), self.params):
                continue
            snake = snake_group(group)
            if self.params["spot_pools"]:
                snake["spot_pools"] = pools_of(self.clients["ec2"], group)
            result.append(snake)
        return result

    def by_name(self, name):
        described = self.described([g for g in [get_group(self.client, name)] if g])
        return described[0] if described else None

    def list_all(self):
        deployment = self.params.get("deployment")
        if deployment is None:
            return self.described(_all_groups(self.client))
        return self.described(list_owned_groups(self.client, deployment))
