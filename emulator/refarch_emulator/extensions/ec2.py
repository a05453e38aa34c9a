"""EC2 launch templates: user data of new versions, and template tags kept out of version data.

moto 5.2.5 stores the ``UserData`` of ``create_launch_template_version`` as a plain string, so an
Auto Scaling group launching that version fails with a 500 (an assertion in moto); and it copies the
template's own tags (``TagSpecifications`` of resource type ``launch-template``) into version 1's
``LaunchTemplateData``, where AWS never shows them. Both are fixed on moto's ``LaunchTemplate``.

Security group rules: moto compares a rule's peer group *with its description*, so a source-group
rule cannot be revoked without repeating its description, nor its description changed by
UpdateSecurityGroupRuleDescriptionsIngress (silently ignored). AWS identifies a rule by protocol,
ports and peer only; ``SecurityGroupRule.__eq__`` is made to do the same.

Eventual consistency (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html):
a security group created a moment ago (window ``ec2``) is not found by the calls that name it as the
group whose rules change or as a rule's source group: ``InvalidGroup.NotFound`` "The security group
'sg-…' does not exist", as AuthorizeSecurityGroupIngress answers on AWS.

Groups in use: moto deletes any group. AWS refuses, with ``DependencyViolation`` "resource sg-… has a
dependent object", a group that another group's rule references, that a load balancer or a running
instance uses (through their network interfaces), and — for window ``elb-eni`` after the load
balancer is deleted — a group its network interfaces still hold
(https://repost.aws/knowledge-center/troubleshoot-dependency-error-delete-vpc).

Instances launched from a launch template get the template's ``MetadataOptions`` (moto drops them,
so ``HttpTokens: required`` never showed in DescribeInstances).

A launched instance is ``pending`` in DescribeInstances (and RunInstances' answer) for AWS's launch time
(``awsclock`` ``ec2-instance-pending``, scaled), then ``running``; moto had it running at once.
"""

from __future__ import annotations

import time
from typing import Any

from moto.core.types import Base64EncodedString
from moto.ec2.exceptions import DependencyViolationError, InvalidSecurityGroupNotFoundError
from moto.ec2.models import instances, launch_templates, security_groups
from moto.ec2.utils import parse_user_data

from refarch_emulator import awsclock, consistency

_INSTALLED: dict[str, Any] = {}
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


def _create_version(self, data: dict[str, Any], description: str):
    return _INSTALLED["create_version"](self, clean_data(data), description)


def _peer_group(rule: Any) -> Any:
    group = rule.source_group
    if isinstance(group, dict) and "Description" in group:
        return {k: v for k, v in group.items() if k != "Description"}
    return group


def _rule_eq(self, other) -> bool:
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


def _created_group(self, *args: Any, **kwargs: Any):
    group = _INSTALLED["create_security_group"](self, *args, **kwargs)
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


def _not_yet_seen(name: str):
    """A rule call that does not find a group created inside the ``ec2`` window."""

    def patched(self, *args: Any, **kwargs: Any):
        for group_id in _named_groups(self, kwargs):
            if consistency.settling("ec2", group_id):
                raise InvalidSecurityGroupNotFoundError(group_id)
        return _INSTALLED[name](self, *args, **kwargs)

    return patched


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


def _delete_security_group(self, name: str | None = None, group_id: str | None = None):
    target = group_id
    if target is None and name:
        group = self.get_security_group_by_name_or_id(name)
        target = group.id if group is not None else None
    if target is not None and self.get_security_group_from_id(target) is not None and in_use(self, target):
        raise DependencyViolationError(f"resource {target} has a dependent object")
    return _INSTALLED["delete_security_group"](self, name=name, group_id=group_id)


# ------------------------------------------------------------------------------ metadata options


def _run_instances(self, image_id, count, user_data, security_group_names, **kwargs: Any):
    """Launches from a template carry its metadata options unless the call gives its own."""
    if kwargs.get("launch_template") and not kwargs.get("metadata_options"):
        data = self._get_template_from_args(kwargs["launch_template"]).data
        if data.get("MetadataOptions"):
            kwargs["metadata_options"] = dict(data["MetadataOptions"])
    reservation = _INSTALLED["run_instances"](self, image_id, count, user_data, security_group_names, **kwargs)
    running_at = time.monotonic() + awsclock.seconds("ec2-instance-pending")
    for instance in reservation.instances:
        instance.rf_running_at = running_at
    return reservation


def _instance_state(self):
    """What DescribeInstances shows: pending until AWS's launch time has passed, then moto's state.
    Only the view waits: moto's own logic (target registration, filters) sees the instance running."""
    state = self._state
    if state.name == "running" and time.monotonic() < getattr(self, "rf_running_at", 0.0):
        return instances.InstanceState("pending", 0)
    return state


def install() -> None:
    if _INSTALLED:
        return
    backend = security_groups.SecurityGroupBackend
    _INSTALLED["create_security_group"] = backend.create_security_group
    backend.create_security_group = _created_group
    for name in RULE_CALLS:
        _INSTALLED[name] = getattr(backend, name)
        setattr(backend, name, _not_yet_seen(name))
    _INSTALLED["delete_security_group"] = backend.delete_security_group
    backend.delete_security_group = _delete_security_group
    _INSTALLED["run_instances"] = instances.InstanceBackend.run_instances
    instances.InstanceBackend.run_instances = _run_instances
    _INSTALLED["instance_state"] = instances.Instance.instance_state
    instances.Instance.instance_state = property(_instance_state)
    _INSTALLED["rule_eq"] = security_groups.SecurityGroupRule.__eq__
    security_groups.SecurityGroupRule.__eq__ = _rule_eq
    _INSTALLED["create_version"] = launch_templates.LaunchTemplate.create_version
    launch_templates.LaunchTemplate.create_version = _create_version
