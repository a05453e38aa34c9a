"""Auto Scaling's backend as AWS behaves: AZ balance, offered types, versions, Spot, refreshes, launch time."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.autoscaling import models as asg_models
from moto.autoscaling.exceptions import ValidationError

from refarch_emulator import awsclock
from refarch_emulator.extensions.autoscaling.exceptions import ActiveInstanceRefreshNotFound, InstanceRefreshInProgress

_LOCK = threading.RLock()
ACTIVE = ("Pending", "InProgress", "Cancelling")

# ------------------------------------------------------------------------------ lifecycle


def instance_state_init(
    original, self, instance, lifecycle_state: str = "InService", *args: Any, **kwargs: Any
) -> None:
    original(self, instance, lifecycle_state, *args, **kwargs)
    # A launch is InService after AWS's time for it (awsclock); moto put it there at once.
    self.rf_in_service_at = time.monotonic() + awsclock.seconds("autoscaling-inservice")


def lifecycle_state(self) -> str:
    """What Describe* show as LifecycleState: Pending until the launch is InService on AWS's clock.
    Only the view waits: moto's scaling arithmetic (``active_instances``) counts the instance at once,
    so it launches no extra instance meanwhile."""
    state = self.lifecycle_state
    if state == "InService" and time.monotonic() < getattr(self, "rf_in_service_at", 0.0):
        return "Pending"
    return state


# ------------------------------------------------------------------------------ launching


def _subnet_zones(group) -> list[tuple[str | None, str]]:
    """(subnet id, AZ) pairs the group may launch into, in the order given."""
    if not group.vpc_zone_identifier:
        return [(None, zone) for zone in group.availability_zones]
    subnet_ids = [s for s in group.vpc_zone_identifier.split(",") if s]
    subnets = {s.id: s for s in group.ec2_backend.describe_subnets(subnet_ids=subnet_ids)}
    return [(s, subnets[s].availability_zone) for s in subnet_ids if s in subnets]


def plan_placements(counts: dict[str, int], zones: list[str], needed: int) -> list[str]:
    """AZs for ``needed`` new instances: each goes to the AZ with the fewest (first listed on ties)."""
    counts = {zone: counts.get(zone, 0) for zone in zones}
    placed = []
    for _ in range(needed):
        zone = min(zones, key=lambda z: counts[z])
        counts[zone] += 1
        placed.append(zone)
    return placed


def spot_count(policy: dict | None, capacity: int) -> int:
    """How many of ``capacity`` instances a mixed-instances policy runs on Spot."""
    if not policy:
        return 0
    distribution = policy.get("InstancesDistribution") or {}
    base = int(distribution.get("OnDemandBaseCapacity", 0) or 0)
    percentage = int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))
    above = max(0, capacity - base)
    on_demand_above = -(-above * percentage // 100)  # AWS rounds On-Demand up
    return max(0, above - on_demand_above)


def candidate_types(group) -> list[str]:
    """The group's instance types in the order it tries them: the template's first (when it is one of
    the overrides, or there are none), then the overrides in priority order."""
    policy = group.mixed_instances_policy or {}
    overrides = [
        o["InstanceType"]
        for o in ((policy.get("LaunchTemplate") or {}).get("Overrides") or [])
        if o.get("InstanceType")
    ]
    if not overrides:
        return [group.instance_type] if group.instance_type else []
    first = [group.instance_type] if group.instance_type in overrides else []
    return first + [t for t in overrides if t not in first]


def offered_types(ec2_backend, zones: list[str]) -> dict[str, set[str]]:
    """{AZ: instance types EC2 offers there}, from moto's own (AWS-derived) offerings."""
    offered: dict[str, set[str]] = {zone: set() for zone in zones}
    offerings = ec2_backend.describe_instance_type_offerings(
        location_type="availability-zone", filters={"location": list(zones)}
    )
    for offering in offerings:
        offered.setdefault(offering["Location"], set()).add(offering["InstanceType"])
    return offered


def unsupported_message(instance_type: str, zone: str, offering_zones: list[str], fleet: str | None) -> str:
    """EC2's refusal as Auto Scaling reports it in a failed scaling activity.

    ``fleet`` is "Spot" or "On-Demand" for a mixed-instances group (a fleet launch), None otherwise.
    """
    reason = (
        f"Your requested instance type ({instance_type}) is not supported in your requested Availability Zone "
        f"({zone}). Please retry your request by not specifying an Availability Zone or choosing "
        f"{', '.join(sorted(offering_zones))}."
    )
    if fleet:
        reason = f"Could not launch {fleet} Instances. InvalidFleetConfiguration - {reason}"
    return f"{reason} Launching EC2 instance failed."


def _activities(backend) -> dict[str, list[dict[str, Any]]]:
    if not hasattr(backend, "refarch_scaling_activities"):
        backend.refarch_scaling_activities = {}
    return backend.refarch_scaling_activities


def _record_activity(group, *, capacity: tuple[int, int], zone: str, subnet: str | None, **outcome: Any) -> None:
    now = datetime.now(UTC)
    details = {"Subnet ID": subnet, "Availability Zone": zone} if subnet else {"Availability Zone": zone}
    activity = {
        "ActivityId": str(uuid.uuid4()),
        "AutoScalingGroupName": group.name,
        "AutoScalingGroupARN": group.arn,
        "Cause": (
            f"At {now.strftime('%Y-%m-%dT%H:%M:%SZ')} an instance was started in response to a difference between "
            f"desired and actual capacity, increasing the capacity from {capacity[0]} to {capacity[1]}."
        ),
        "StartTime": now,
        "EndTime": now,
        "Progress": 100,
        "Details": json.dumps(details),
        **outcome,
    }
    _activities(group.autoscaling_backend).setdefault(group.name, []).insert(0, activity)


def replace_autoscaling_group_instances(group, count_needed: int, propagated_tags: dict[str, str]) -> None:
    """Replacement for moto's launcher: one run per AZ, balanced, only where a type is offered,
    version and lifecycle recorded, each launch a scaling activity."""
    propagated_tags[asg_models.ASG_NAME_TAG] = group.name
    propagated_tags.update(group.instance_tags)
    pairs = _subnet_zones(group)
    zones = [zone for _subnet, zone in pairs]
    subnet_of = {zone: subnet for subnet, zone in pairs}
    counts: dict[str, int] = {}
    for state in group.active_instances():
        counts[state.availability_zone] = counts.get(state.availability_zone, 0) + 1
    ec2_backend = group.autoscaling_backend.ec2_backend
    types = candidate_types(group)
    region_offers = offered_types(ec2_backend, [z.name for z in ec2_backend.describe_availability_zones()])
    type_in = {zone: next((t for t in types if t in region_offers.get(zone, set())), None) for zone in zones}
    if not types:  # nothing to check against (no type known): moto's own behaviour
        type_in = dict.fromkeys(zones, group.instance_type)
    offering = [zone for zone in zones if type_in[zone]]
    fleet = None
    if group.mixed_instances_policy:
        fleet = "Spot" if spot_count(group.mixed_instances_policy, len(group.active_instances()) + 1) else "On-Demand"
    capacity = len(group.active_instances())
    placements = []
    for _ in range(count_needed):
        zone = plan_placements(counts, zones, 1)[0]
        if type_in[zone] is None:
            # The AZ with the fewest instances cannot take any of the types: a failed activity there
            # (it stays the emptiest, so it fails again next time), the instance goes elsewhere.
            first = types[0] if types else group.instance_type
            message = unsupported_message(
                first, zone, [z for z, offered in region_offers.items() if first in offered], fleet
            )
            _record_activity(
                group,
                capacity=(capacity, capacity + 1),
                zone=zone,
                subnet=subnet_of.get(zone),
                Description=f"Launching a new EC2 instance.  Status Reason: {message}",
                StatusCode="Failed",
                StatusMessage=message,
            )
            if not offering:
                continue
            zone = plan_placements(counts, offering, 1)[0]
        counts[zone] = counts.get(zone, 0) + 1
        placements.append(zone)
    associate_public_ip = group.launch_config.associate_public_ip_address if group.launch_config else None
    launch_template = None
    version_number = None
    if group.ec2_launch_template:
        launch_template = {"LaunchTemplateId": group.ec2_launch_template.id}
        version_number = group.ec2_launch_template.get_version(group.launch_template_version).number
    on_spot = spot_count(group.mixed_instances_policy, len(group.active_instances()) + count_needed)
    spot_now = sum(1 for s in group.active_instances() if getattr(s.instance, "lifecycle", None) == "spot")
    for zone in placements:
        reservation = ec2_backend.run_instances(
            group.image_id,
            1,
            group.user_data,
            group.security_groups,
            instance_type=type_in[zone],
            tags={"instance": dict(propagated_tags)},
            placement=zone,
            launch_config=group.launch_config,
            launch_template=launch_template,
            is_instance_type_default=False,
            associate_public_ip=associate_public_ip,
            subnet_id=subnet_of.get(zone),
        )
        for instance in reservation.instances:
            instance.autoscaling_group = group
            instance.refarch_launch_template_version = version_number
            if spot_now < on_spot:
                instance.lifecycle = "spot"
                spot_now += 1
            group.instance_states.append(
                asg_models.InstanceState(instance, protected_from_scale_in=group.new_instances_protected_from_scale_in)
            )
            _record_activity(
                group,
                capacity=(capacity, capacity + 1),
                zone=zone,
                subnet=subnet_of.get(zone),
                Description=f"Launching a new EC2 instance: {instance.id}",
                StatusCode="Successful",
            )
            capacity += 1


def instance_launch_template(self) -> dict[str, Any] | None:
    group = self.auto_scaling_group
    if group is None or group.ec2_launch_template is None:
        return None
    version = getattr(self.instance, "refarch_launch_template_version", None)
    return {
        "LaunchTemplateId": group.ec2_launch_template.id,
        "LaunchTemplateName": group.ec2_launch_template.name,
        "Version": str(version if version is not None else group.ec2_launch_template.default_version_number),
    }


# ------------------------------------------------------------------------------ target groups


def update_attached_target_groups(original, self, group_name: str) -> None:
    """Register the group's instances and deregister those that left it, as AWS does."""
    original(self, group_name)
    group = self.autoscaling_groups[group_name]
    if not group.target_group_arns:
        return
    members = {state.instance.id for state in group.instance_states}
    for arn in group.target_group_arns:
        target_group = self.elbv2_backend.target_groups.get(arn)
        if target_group is None:
            continue
        for target_id in list(target_group.targets):
            instance = self.ec2_backend.get_instance_by_id(target_id)
            if (
                instance is not None
                and getattr(instance, "autoscaling_group", None) is group
                and target_id not in members
            ):
                target_group.deregister([{"Id": target_id}])


# ------------------------------------------------------------------------------ update


def group_update(original, self, *args: Any, **kwargs: Any) -> None:
    """AWS keeps the mixed-instances policy when an update does not name a launch source."""
    keep = (
        kwargs.get("mixed_instances_policy") is None
        and not kwargs.get("launch_template")
        and not kwargs.get("launch_config_name")
    )
    policy = self.mixed_instances_policy
    original(self, *args, **kwargs)
    if keep:
        self.mixed_instances_policy = policy


def _refreshes(backend) -> dict[str, list[dict[str, Any]]]:
    if not hasattr(backend, "refarch_instance_refreshes"):
        backend.refarch_instance_refreshes = {}
    return backend.refarch_instance_refreshes


def _group(backend, name: str):
    group = backend.autoscaling_groups.get(name)
    if group is None:
        raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup {name} not found")
    return group


def outdated(group, skip_matching: bool) -> list:
    """InService instances a refresh replaces: all, or (SkipMatching) those not on the desired version."""
    active = group.active_instances()
    if not skip_matching or group.ec2_launch_template is None:
        return list(active)
    desired = group.ec2_launch_template.get_version(group.launch_template_version).number
    return [s for s in active if getattr(s.instance, "refarch_launch_template_version", None) != desired]


def start_instance_refresh(backend, name: str, strategy: str, preferences: dict[str, Any]) -> str:
    with _LOCK:
        group = _group(backend, name)
        history = _refreshes(backend).setdefault(name, [])
        if any(r["Status"] in ACTIVE for r in history):
            raise InstanceRefreshInProgress(
                "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."
            )
        started = datetime.now(UTC)
        replace = outdated(group, bool(preferences.get("SkipMatching")))
        if replace:
            ids = [s.instance.id for s in replace]
            group.instance_states = [s for s in group.instance_states if s.instance.id not in ids]
            backend.ec2_backend.terminate_instances(ids)
            group.set_desired_capacity(group.desired_capacity)
        refresh = {
            "InstanceRefreshId": str(uuid.uuid4()),
            "AutoScalingGroupName": name,
            "Status": "Successful",
            "StatusReason": "",
            "StartTime": started,
            "EndTime": datetime.now(UTC),
            "PercentageComplete": 100,
            "InstancesToUpdate": 0,
            "Preferences": preferences,
            "Strategy": strategy,
        }
        history.insert(0, refresh)
        return refresh["InstanceRefreshId"]


def describe_instance_refreshes(backend, name: str, wanted: list[str]) -> list[dict[str, Any]]:
    _group(backend, name)
    return [r for r in _refreshes(backend).get(name, []) if not wanted or r["InstanceRefreshId"] in wanted]


def cancel_instance_refresh(backend, name: str) -> str:
    _group(backend, name)
    with _LOCK:
        for refresh in _refreshes(backend).get(name, []):
            if refresh["Status"] in ACTIVE:
                refresh["Status"] = "Cancelled"
                return refresh["InstanceRefreshId"]
    raise ActiveInstanceRefreshNotFound(
        f"No in progress or pending Instance Refresh found for Auto Scaling group {name}"
    )


def describe_scaling_activities(backend, name: str | None, wanted: list[str], limit: int) -> list[dict[str, Any]]:
    history = _activities(backend)
    found = [a for group_name, items in history.items() if not name or group_name == name for a in items]
    found = [a for a in found if not wanted or a["ActivityId"] in wanted]
    found.sort(key=lambda a: a["StartTime"], reverse=True)
    return found[:limit]
