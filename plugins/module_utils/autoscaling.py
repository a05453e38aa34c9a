# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto Scaling groups with a mixed-instances (Spot) policy: API calls, pure build/compare functions
and the services of ``autoscaling_spot_group`` and ``autoscaling_spot_group_info``.

The desired group is built in the shape ``describe_auto_scaling_groups`` returns (the API calls take
it), then returned and compared snake_case (:func:`snake_group`), so one compare finds what an
``update_auto_scaling_group`` call must carry and ``changed_keys`` name what the module returns;
target groups and tags have their own calls, as in the API.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_message
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate, wait_for

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
SNAKE_UPDATE_KEYS = tuple(camel_dict_to_snake_dict(dict.fromkeys(UPDATE_KEYS)))  # as the module returns them
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
    offerings = paginate(ec2, "describe_instance_type_offerings", **params).get("InstanceTypeOfferings", [])
    return sorted(set((o["InstanceType"], o["Location"]) for o in offerings))


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
        Tags=boto3_tag_list_to_ansible_dict(group.get("Tags")),
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


def snake_group(group):
    """A normalized (or built) group as the modules return it: snake_case, tags a dict."""
    return camel_dict_to_snake_dict(group, ignore_list=["Tags"]) if group else {}


def group_changes(desired, current):
    """Dotted paths of the attributes an update call must change (target groups and tags excluded), of
    two snake_case groups."""
    wanted = dict((k, v) for k, v in desired.items() if k in SNAKE_UPDATE_KEYS)
    return diffing.changed_keys(wanted, current)


def target_group_changes(desired, current):
    """(ARNs to attach, ARNs to detach), of two snake_case groups."""
    want, have = set(desired.get("target_group_arns", [])), set(current.get("target_group_arns", []))
    return sorted(want - have), sorted(have - want)


def tag_list(name, tags):
    """Group tags in the API's shape; every tag propagates to the instances (ownership included)."""
    return [
        dict(tag, ResourceId=name, ResourceType="auto-scaling-group", PropagateAtLaunch=True)
        for tag in ansible_dict_to_boto3_tag_list(dict(sorted(tags.items())))
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


# ------------------------------------------------------------------------------ autoscaling_spot_group on the runner


def validate(params):
    """Messages naming each bad parameter of ``autoscaling_spot_group``, checked before any API call."""
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


class GroupService(runner.Service):
    """The group an ``autoscaling_spot_group`` task describes. Besides the group, a run reports where it
    launches (``placement``, ``spot_pools``: EC2's offerings by AZ id) and may start an instance refresh
    (``instance_refresh_id``, ``outdated_instances``); ``changed_keys`` then names ``instance_refresh``.

    Waits are for capacity: after a create or update call, until the desired capacity is InService and
    healthy (a refresh is started after that wait, as it replaces instances); with ``state=absent``,
    until the group is gone - also one AWS was already deleting (``Delete in progress``), which is not
    deleted again."""

    kind = "Auto Scaling group"
    result_key = "group"
    client_names = ("autoscaling", "ec2")
    waits = True

    validate = staticmethod(validate)

    def __init__(self, clients, params):
        super(GroupService, self).__init__(clients, params)
        self.extra_result["instance_refresh_id"] = None
        self.group = None  # the group as AWS describes it (the template version of each instance)
        self.api = None  # the desired group in the API's shape, for the create and update calls
        self.attach, self.detach, self.update_keys = [], [], []
        self.refresh = False  # an instance refresh is to be started
        self.applied = False  # a create or update call was made: the capacity is waited for
        self.wait_what = None

    def read(self):
        self.group = get_group(self.client, self.name())
        return self.described(self.group)

    @staticmethod
    def described(group):
        return snake_group(normalize_group(group)) or None

    def being_deleted(self, current):
        return being_deleted(self.group)

    def desired(self, current, tags):
        self.api = build_desired(dict(self.params, subnet_ids=self.plan_placement()))
        return dict(snake_group(self.api), auto_scaling_group_name=self.name(), tags=tags)

    def plan_placement(self):
        """The subnet ids the group uses; ``spot_pools`` and ``placement`` for the result, from one
        DescribeSubnets and one (paged) DescribeInstanceTypeOfferings by AZ id. Without instance types
        (instance requirements), every subnet and no report."""
        params = self.params
        self.extra_result.update(spot_pools=None, placement=None)
        if not params["instance_types"]:
            return sorted(params["subnet_ids"])
        ec2 = self.clients["ec2"]
        subnets = describe_subnet_zones(ec2, params["subnet_ids"])
        zone_ids = sorted(set(s["availability_zone_id"] for s in subnets))
        offerings = instance_type_offerings(ec2, params["instance_types"], zone_ids, "availability-zone-id")
        if params["offered_zones_only"]:
            used, left_out = placement(subnets, offerings, params["instance_types"])
        else:
            used, left_out = sorted(s["subnet_id"] for s in subnets), []
        if not used:
            raise runner.Refused(
                "subnet_ids: none of their AZs (%s) offers any of instance_types (%s)"
                % (", ".join(sorted(s["availability_zone"] for s in subnets)), ", ".join(params["instance_types"]))
            )
        name_of = dict((s["availability_zone_id"], s["availability_zone"]) for s in subnets)
        in_use = sorted((s for s in subnets if s["subnet_id"] in used), key=lambda s: s["availability_zone"])
        zones = sorted(set(s["availability_zone"] for s in in_use))
        self.extra_result["spot_pools"] = spot_pools(
            [(t, name_of[z]) for t, z in offerings], params["instance_types"], zones
        )
        self.extra_result["placement"] = dict(
            subnet_ids=used,
            availability_zones=[
                dict(availability_zone=s["availability_zone"], availability_zone_id=s["availability_zone_id"])
                for s in in_use
            ],
            left_out=left_out,
        )
        return used

    def plan(self, desired, current):
        self.update_keys = group_changes(desired, current)
        self.attach, self.detach = target_group_changes(desired, current)
        changes = self.update_keys + (["target_group_arns"] if self.attach or self.detach else [])
        self.refresh = self.refresh_needed()
        return changes + (["instance_refresh"] if self.refresh else [])

    def refresh_needed(self):
        """Whether instances run an older version of the template than its latest, no refresh running
        (when ``instance_refresh``); the outdated instances go into the result."""
        params = self.params
        if not params["instance_refresh"]:
            return False
        latest = params["launch_template_latest_version"]
        if latest is None:
            latest = latest_template_version(self.clients["ec2"], params["launch_template"])
        outdated = outdated_instances(self.group, latest)
        if not outdated or refresh_active(describe_instance_refreshes(self.client, self.name())):
            return False
        self.extra_result["outdated_instances"] = outdated
        return True

    def predict(self, desired, current):
        if current is None:
            return dict(desired, desired_capacity=desired.get("desired_capacity", self.params["min_size"]))
        return diffing.merged(current, desired)

    def create(self, desired):
        name = self.name()
        create_group(self.client, create_params(name, self.api, desired["tags"]))
        self.applied = True
        self.wait_what = "%s InService instances in %s" % (
            self.api.get("DesiredCapacity", self.params["min_size"]),
            name,
        )
        return self.after_applied(desired, None)

    def update(self, desired, current, changes, tag_changes):
        name = self.name()
        if self.update_keys:
            update_group(self.client, update_params(name, self.api))
        attach_target_groups(self.client, name, self.attach)
        detach_target_groups(self.client, name, self.detach)
        set_tags(self.client, name, tag_changes.set, tag_changes.remove)
        self.applied = bool(self.update_keys or self.attach or self.detach or tag_changes)
        self.wait_what = "desired capacity InService in %s" % name
        after = self.after_applied(desired, current) if self.applied else self.predicted(desired, current)
        if not self.params["wait"]:
            self.start_refresh()
        return after

    def after_applied(self, desired, current):
        """The group as AWS describes it after a create or update call; the prediction when :meth:`wait`
        reads it anyway (the runner waits when ``wait``; create and update run only outside check mode)."""
        if self.params["wait"]:
            return self.predicted(desired, current)
        return self.described(get_group(self.client, self.name()))

    def predicted(self, desired, current):
        return dict(self.predict(desired, current), tags=desired["tags"])

    def wait(self, resource, timeout):
        if self.applied:
            group = wait_for(lambda: get_group(self.client, self.name()), capacity_reached, timeout, self.wait_what)
            resource = self.described(group)
        self.start_refresh()
        return resource

    def start_refresh(self):
        if self.refresh and self.extra_result["instance_refresh_id"] is None:
            self.extra_result["instance_refresh_id"] = start_instance_refresh(
                self.client, self.name(), self.params["instance_refresh_min_healthy_percentage"]
            )

    def delete(self, current):
        delete_group(self.client, self.name())

    def wait_deleted(self, resource, timeout):
        wait_for(
            lambda: get_group(self.client, self.name()),
            lambda group: group is None,
            timeout,
            "Auto Scaling group %s to be deleted" % self.name(),
        )


# ------------------------------------------------------------------------------ the _info module on the runner


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
