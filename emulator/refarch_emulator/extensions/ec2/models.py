"""EC2's backend as AWS behaves: launch template data, rule identity, consistency, groups in use, launch time."""

from __future__ import annotations

import time
from typing import Any

from moto.core.types import Base64EncodedString
from moto.ec2.exceptions import DependencyViolationError, InvalidSecurityGroupNotFoundError
from moto.ec2.models import instances, security_groups
from moto.ec2.utils import parse_user_data

from refarch_emulator import awsclock, consistency

# Resource types a launch template's data may tag, as the EC2 API documents them.
DATA_TAG_TYPES = {"instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"}


def clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Version data as AWS stores it: user data base64-typed, no template-level tag specification."""
    data = dict(data or {})
    user_data = data.get("UserData")
    if user_data is not None and not isinstance(user_data, Base64EncodedString):
        data["UserData"] = parse_user_data(user_data)
    if "TagSpecifications" in data:
        specs = [s for s in data["TagSpecifications"] or [] if s.get("ResourceType") in DATA_TAG_TYPES]
        if specs:
            data["TagSpecifications"] = specs
        else:
            del data["TagSpecifications"]
    return data


def create_version(original, self, data: dict[str, Any], description: str):
    return original(self, clean_data(data), description)


def _peer_group(rule: Any) -> Any:
    group = rule.source_group
    if isinstance(group, dict) and "Description" in group:
        return {k: v for k, v in group.items() if k != "Description"}
    return group


def rule_eq(self, other) -> bool:
    """A rule's identity as on AWS: protocol, ports and peer; descriptions do not count."""
    if not isinstance(other, security_groups.SecurityGroupRule):
        return NotImplemented
    if self.ip_protocol != other.ip_protocol or _peer_group(self) != _peer_group(other):
        return False
    for key in ("CidrIp", "CidrIpv6"):
        if key in self.ip_range and self.ip_range.get(key) != other.ip_range.get(key):
            return False
    if self.prefix_list_id != other.prefix_list_id:
        return False
    return self.ip_protocol == "-1" or (self.from_port, self.to_port) == (other.from_port, other.to_port)


# ------------------------------------------------------------------------------ consistency


def create_security_group(original, self, *args: Any, **kwargs: Any):
    group = original(self, *args, **kwargs)
    if not kwargs.get("is_default"):
        consistency.changed("ec2", group.id)
    return group


def _named_groups(backend, kwargs: dict[str, Any]) -> list[str]:
    """Ids of the groups a rule call names: the group itself, then each source group."""
    named = []
    group = backend.get_security_group_by_name_or_id(kwargs.get("group_name_or_id"), kwargs.get("vpc_id"))
    if group is not None:
        named.append(group.id)
    for pair in kwargs.get("source_groups") or []:
        if pair.get("GroupId"):
            named.append(pair["GroupId"])
    return named


def not_yet_seen(original, self, *args: Any, **kwargs: Any):
    """A rule call that does not find a group created inside the ``ec2`` window."""
    for group_id in _named_groups(self, kwargs):
        if consistency.settling("ec2", group_id):
            raise InvalidSecurityGroupNotFoundError(group_id)
    return original(self, *args, **kwargs)


RULE_CALLS = (
    "authorize_security_group_ingress",
    "revoke_security_group_ingress",
    "authorize_security_group_egress",
    "revoke_security_group_egress",
)


# ------------------------------------------------------------------------------ groups in use


def _referenced_by_another_group(backend, group_id: str) -> bool:
    for groups in backend.groups.values():
        for group in groups.values():
            if group.id == group_id:
                continue
            for rule in list(group.ingress_rules) + list(group.egress_rules):
                peer = rule.source_group
                if isinstance(peer, dict) and peer.get("GroupId") == group_id:
                    return True
    return False


def _used_by_an_instance(backend, group_id: str) -> bool:
    for instance in backend.all_instances():
        if instance.state == "terminated":
            continue
        if any(getattr(g, "id", g) == group_id for g in instance.security_groups or []):
            return True
    return False


def _used_by_a_load_balancer(backend, group_id: str) -> bool:
    from moto.elbv2.models import elbv2_backends

    balancers = elbv2_backends[backend.account_id][backend.region_name].load_balancers.values()
    return any(group_id in (lb.security_groups or []) for lb in balancers)


def in_use(backend, group_id: str) -> bool:
    """Whether AWS would refuse to delete the group now (a dependent object holds it)."""
    return (
        _referenced_by_another_group(backend, group_id)
        or _used_by_a_load_balancer(backend, group_id)
        or consistency.settling("elb-eni", group_id)
        or _used_by_an_instance(backend, group_id)
    )


def delete_security_group(original, self, name: str | None = None, group_id: str | None = None):
    target = group_id
    if target is None and name:
        group = self.get_security_group_by_name_or_id(name)
        target = group.id if group is not None else None
    if target is not None and self.get_security_group_from_id(target) is not None and in_use(self, target):
        raise DependencyViolationError(f"resource {target} has a dependent object")
    return original(self, name=name, group_id=group_id)


# ------------------------------------------------------------------------------ metadata options


def run_instances(original, self, image_id, count, user_data, security_group_names, **kwargs: Any):
    """Launches from a template carry its metadata options unless the call gives its own."""
    if kwargs.get("launch_template") and not kwargs.get("metadata_options"):
        data = self._get_template_from_args(kwargs["launch_template"]).data
        if data.get("MetadataOptions"):
            kwargs["metadata_options"] = dict(data["MetadataOptions"])
    reservation = original(self, image_id, count, user_data, security_group_names, **kwargs)
    running_at = time.monotonic() + awsclock.seconds("ec2-instance-pending")
    for instance in reservation.instances:
        instance.rf_running_at = running_at
    return reservation


def instance_state(self):
    """What DescribeInstances shows: pending until AWS's launch time has passed, then moto's state.
    Only the view waits: moto's own logic (target registration, filters) sees the instance running."""
    state = self._state
    if state.name == "running" and time.monotonic() < getattr(self, "rf_running_at", 0.0):
        return instances.InstanceState("pending", 0)
    return state
