"""EC2 launch templates: user data of new versions, and template tags kept out of version data.

moto 5.2.5 stores the ``UserData`` of ``create_launch_template_version`` as a plain string, so an
Auto Scaling group launching that version fails with a 500 (an assertion in moto); and it copies the
template's own tags (``TagSpecifications`` of resource type ``launch-template``) into version 1's
``LaunchTemplateData``, where AWS never shows them. Both are fixed on moto's ``LaunchTemplate``.

Security group rules: moto compares a rule's peer group *with its description*, so a source-group
rule cannot be revoked without repeating its description, nor its description changed by
UpdateSecurityGroupRuleDescriptionsIngress (silently ignored). AWS identifies a rule by protocol,
ports and peer only; ``SecurityGroupRule.__eq__`` is made to do the same.
"""

from __future__ import annotations

from typing import Any

from moto.core.types import Base64EncodedString
from moto.ec2.models import launch_templates, security_groups
from moto.ec2.utils import parse_user_data

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


def install() -> None:
    if _INSTALLED:
        return
    _INSTALLED["rule_eq"] = security_groups.SecurityGroupRule.__eq__
    security_groups.SecurityGroupRule.__eq__ = _rule_eq
    _INSTALLED["create_version"] = launch_templates.LaunchTemplate.create_version
    launch_templates.LaunchTemplate.create_version = _create_version
