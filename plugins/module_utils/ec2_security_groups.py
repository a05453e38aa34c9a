# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 security groups of one VPC, managed as a set: API calls and pure build/compare functions.

Rules are compared flat: one rule = protocol, ports, one peer (IPv4 CIDR, IPv6 CIDR, security group
or prefix list) and a description. A peer that is a group of the set is named by the group's name,
so a rule referencing a group that does not exist yet (check mode) compares and predicts by name.
Egress rules are not managed.
"""

from __future__ import absolute_import, division, print_function

import ipaddress
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.refarch.aws.plugins.module_utils import launch_template
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_while

# Peer kinds: option name -> (IpPermissions list key, key of one entry).
PEERS = (
    ("cidr_ip", "IpRanges", "CidrIp"),
    ("cidr_ipv6", "Ipv6Ranges", "CidrIpv6"),
    ("source_group", "UserIdGroupPairs", "GroupId"),
    ("prefix_list_id", "PrefixListIds", "PrefixListId"),
)
PEER_KEYS = tuple(kind for kind, _list, _key in PEERS)
# The names AWS reports for protocols given by number or alias.
PROTOCOLS = {
    "all": "-1",
    "-1": "-1",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}
# Protocols whose rules carry ports (ICMP: type and code); any other protocol covers every port.
PORTED = ("tcp", "udp", "icmp", "icmpv6")
GROUP_ID = r"sg-[0-9a-f]{8,17}"
NOT_FOUND = ["InvalidGroup.NotFound", "InvalidGroupId.NotFound", "InvalidGroupId.Malformed"]
# A group created a moment ago is not yet known to the calls that name it (EC2's eventual consistency:
# https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html); AWS answers
# InvalidGroup.NotFound "The security group 'sg-...' does not exist". Retried this long, only then.
NEW_GROUP_TIMEOUT = 120
NEW_GROUP_DELAY = 2


# ---------------------------------------------------------------------------------------- API


def describe_groups(client, filters):
    """Every security group matching ``filters`` (tags included in the answer)."""
    return paginate(client, "describe_security_groups", Filters=filters).get("SecurityGroups", [])


def groups_by_name(client, vpc_id, names):
    """The groups of ``vpc_id`` called one of ``names``: one DescribeSecurityGroups call."""
    if not names:
        return []
    filters = [{"Name": "group-name", "Values": sorted(set(names))}]
    if vpc_id:
        filters.insert(0, {"Name": "vpc-id", "Values": [vpc_id]})
    return describe_groups(client, filters)


def groups_by_id(client, group_ids):
    """The groups with these ids; a missing id is simply not in the answer (a filter, not GroupIds)."""
    if not group_ids:
        return []
    return describe_groups(client, [{"Name": "group-id", "Values": sorted(set(group_ids))}])


def create_group(client, vpc_id, name, description, tags):
    """Create a group, tagged in the same call; its id."""
    result = client.create_security_group(
        GroupName=name,
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": ansible_dict_to_boto3_tag_list(tags)}],
        aws_retry=True,
    )
    return result["GroupId"]


def authorize_ingress(client, group_id, permissions):
    if permissions:
        client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions, aws_retry=True)


def revoke_ingress(client, group_id, permissions):
    if permissions:
        client.revoke_security_group_ingress(GroupId=group_id, IpPermissions=permissions, aws_retry=True)


def revoke_egress(client, group_id, permissions):
    if permissions:
        client.revoke_security_group_egress(GroupId=group_id, IpPermissions=permissions, aws_retry=True)


def update_ingress_descriptions(client, group_id, permissions):
    if permissions:
        client.update_security_group_rule_descriptions_ingress(
            GroupId=group_id, IpPermissions=permissions, aws_retry=True
        )


# EC2 tags the same way whatever the resource: CreateTags / DeleteTags on its id.
set_tags = launch_template.set_tags


def delete_group(client, group_id):
    """Delete a group; ``False`` when it was already gone. DependencyViolation is raised."""
    try:
        client.delete_security_group(GroupId=group_id, aws_retry=True)
    except is_boto3_error_code(NOT_FOUND):
        return False
    return True


def in_use(code, message):
    """AWS's answer to deleting a group something still holds: DependencyViolation "resource sg-... has
    a dependent object" (another group's rule, or network interfaces of a load balancer or instance,
    which linger for minutes after those go)."""
    return code == "DependencyViolation" and "has a dependent object" in message


def delete_when_unused(client, group_id, timeout, delay=5, sleep=time.sleep, clock=time.monotonic):
    """:func:`delete_group`, retried while the group is :func:`in_use`, for up to ``timeout`` seconds."""
    return retry_while(lambda: delete_group(client, group_id), in_use, timeout, delay, sleep, clock)


def not_yet_seen(new_ids):
    """Whether an error is AWS not finding one of ``new_ids``, groups this run has just created."""
    quoted = ["'%s'" % group_id for group_id in new_ids]

    def retryable(code, message):
        return code == "InvalidGroup.NotFound" and any(q in message for q in quoted)

    return retryable


def while_new_groups_propagate(new_ids, function, args, timeout=None, delay=None, sleep=None, clock=None):
    """``function(*args)``; when this run created groups (``new_ids``), retried while AWS does not find them yet."""
    if not new_ids:
        return function(*args)
    return retry_while(
        lambda: function(*args),
        not_yet_seen(new_ids),
        NEW_GROUP_TIMEOUT if timeout is None else timeout,
        NEW_GROUP_DELAY if delay is None else delay,
        sleep,
        clock,
    )


# ------------------------------------------------------------------------------ pure functions


def normalize_protocol(protocol):
    text = str(protocol).strip().lower()
    return PROTOCOLS.get(text, text)


def make_rule(protocol, from_port=None, to_port=None, peer_kind=None, peer=None, description=None):
    """A rule in the module's flat shape: ports only where the protocol has them, no empty description."""
    protocol = normalize_protocol(protocol)
    rule = dict(protocol=protocol)
    if protocol in PORTED:
        if from_port is None:
            from_port = -1
        rule["from_port"] = int(from_port)
        rule["to_port"] = int(from_port if to_port is None else to_port)
    rule[peer_kind] = peer
    if description:
        rule["description"] = description
    return rule


def peer_of(rule):
    """(kind, value) of a flat rule's peer."""
    for kind in PEER_KEYS:
        if rule.get(kind) is not None:
            return kind, rule[kind]
    return None, None


def rule_key(rule):
    """What identifies a rule in AWS: everything but the description."""
    kind, peer = peer_of(rule)
    return (rule["protocol"], rule.get("from_port", -2), rule.get("to_port", -2), kind, peer)


def sort_rules(rules):
    def key(rule):
        parts = list(rule_key(rule))
        parts.append(rule.get("description") or "")
        return tuple(parts)

    return sorted(rules, key=key)


def flatten_permissions(permissions, id_to_name=None):
    """Described IpPermissions as flat rules; a peer group of the set is named by its name."""
    id_to_name = id_to_name or {}
    rules = []
    for permission in permissions or []:
        protocol = permission.get("IpProtocol")
        for kind, list_key, key in PEERS:
            for entry in permission.get(list_key) or []:
                peer = entry.get(key)
                if kind == "source_group":
                    peer = id_to_name.get(peer, peer)
                rules.append(
                    make_rule(
                        protocol,
                        permission.get("FromPort"),
                        permission.get("ToPort"),
                        kind,
                        peer,
                        entry.get("Description"),
                    )
                )
    unique = dict((rule_key(r), r) for r in rules)
    return sort_rules(unique.values())


def desired_rule(spec, id_to_name=None):
    """A rule from the module's options; a source group given by the id of a group of the set is
    named by that group's name, so it compares with what is described."""
    id_to_name = id_to_name or {}
    kind, peer = peer_of(spec)
    if kind == "source_group":
        peer = id_to_name.get(peer, peer)
    elif kind in ("cidr_ip", "cidr_ipv6"):
        peer = str(ipaddress.ip_network(peer, strict=False))
    return make_rule(
        spec.get("protocol", "tcp"), spec.get("from_port"), spec.get("to_port"), kind, peer, spec.get("description")
    )


def build_permissions(rules, name_to_id, with_description=True):
    """IpPermissions for the API, one per rule; a peer group named by name gets its id."""
    permissions = []
    for rule in rules:
        kind, peer = peer_of(rule)
        list_key, key = next((lk, k) for pk, lk, k in PEERS if pk == kind)
        if kind == "source_group":
            peer = name_to_id.get(peer, peer)
        entry = {key: peer}
        if with_description and rule.get("description"):
            entry["Description"] = rule["description"]
        permission = {"IpProtocol": rule["protocol"], list_key: [entry]}
        if "from_port" in rule:
            permission["FromPort"] = rule["from_port"]
            permission["ToPort"] = rule["to_port"]
        permissions.append(permission)
    return permissions


def rule_changes(desired, current):
    """(rules to authorize, rules to revoke, rules whose description changes), flat rules each."""
    want = dict((rule_key(r), r) for r in desired)
    have = dict((rule_key(r), r) for r in current)
    authorize = [want[k] for k in sorted(want) if k not in have]
    revoke = [have[k] for k in sorted(have) if k not in want]
    describe = [want[k] for k in sorted(want) if k in have and want[k].get("description") != have[k].get("description")]
    return authorize, revoke, describe


def normalize_group(group, id_to_name=None):
    """A described group as the module returns and diffs it (ingress rules flat, tags a dict)."""
    if not group:
        return {}
    return dict(
        group_name=group["GroupName"],
        group_id=group["GroupId"],
        description=group.get("Description"),
        vpc_id=group.get("VpcId"),
        ingress=flatten_permissions(group.get("IpPermissions"), id_to_name),
        tags=boto3_tag_list_to_ansible_dict(group.get("Tags", [])),
    )


def build_desired(spec, vpc_id, deployment, tags, id_to_name=None):
    """One group of the ``groups`` option as :func:`normalize_group` would show it (no id)."""
    return dict(
        group_name=spec["name"],
        group_id=None,
        description=spec["description"],
        vpc_id=vpc_id,
        ingress=sort_rules(
            dict((rule_key(r), r) for r in (desired_rule(s, id_to_name) for s in spec.get("ingress") or [])).values()
        ),
        tags=ownership.desired_tags(deployment, tags),
    )


def referenced_ids(group):
    """Ids of the other groups a described group's ingress or egress rules reference."""
    ids = set()
    for permission in (group.get("IpPermissions") or []) + (group.get("IpPermissionsEgress") or []):
        for pair in permission.get("UserIdGroupPairs") or []:
            if pair.get("GroupId") and pair["GroupId"] != group["GroupId"]:
                ids.add(pair["GroupId"])
    return ids


def delete_order(groups):
    """(group ids in an order AWS can delete them, ids caught in a reference cycle).

    A group another group's rule references goes after the referencing group. Groups that reference
    each other (a cycle) come last; their cross references must be revoked before deleting them.
    """
    by_id = dict((g["GroupId"], g) for g in groups)
    refs = dict((gid, referenced_ids(g) & set(by_id)) for gid, g in by_id.items())
    referencing = dict((gid, set(other for other in by_id if gid in refs[other])) for gid in by_id)
    order, done = [], set()
    while True:
        ready = sorted(
            (gid for gid in by_id if gid not in done and referencing[gid] <= done),
            key=lambda gid: (by_id[gid].get("GroupName", ""), gid),
        )
        if not ready:
            break
        order.extend(ready)
        done.update(ready)
    cycle = sorted((gid for gid in by_id if gid not in done), key=lambda gid: (by_id[gid].get("GroupName", ""), gid))
    return order + cycle, cycle


def cross_references(group, ids):
    """(ingress, egress) IpPermissions of a described group that reference one of ``ids``, ready to revoke."""
    result = []
    for key in ("IpPermissions", "IpPermissionsEgress"):
        permissions = []
        for permission in group.get(key) or []:
            pairs = [
                {"GroupId": p["GroupId"]}
                for p in permission.get("UserIdGroupPairs") or []
                if p.get("GroupId") in ids and p["GroupId"] != group["GroupId"]
            ]
            if pairs:
                kept = dict((k, permission[k]) for k in ("IpProtocol", "FromPort", "ToPort") if k in permission)
                kept["UserIdGroupPairs"] = pairs
                permissions.append(kept)
        result.append(permissions)
    return tuple(result)


def check_rule(where, spec, names):
    """Messages about one rule of the ``groups`` option (before any API call)."""
    errors = []
    peers = [kind for kind in PEER_KEYS if spec.get(kind) is not None]
    if len(peers) != 1:
        errors.append(
            "%s: exactly one of %s is required (got %s)" % (where, ", ".join(PEER_KEYS), ", ".join(peers) or "none")
        )
    protocol = normalize_protocol(spec.get("protocol", "tcp"))
    if protocol in ("tcp", "udp") and spec.get("from_port") is None:
        errors.append("%s: from_port is required for protocol %s" % (where, protocol))
    for port in ("from_port", "to_port"):
        value = spec.get(port)
        if value is not None and protocol in ("tcp", "udp") and not 0 <= value <= 65535:
            errors.append("%s: %s %r is not between 0 and 65535" % (where, port, value))
    if (
        spec.get("from_port") is not None
        and spec.get("to_port") is not None
        and protocol in ("tcp", "udp")
        and spec["to_port"] < spec["from_port"]
    ):
        errors.append("%s: to_port is below from_port" % where)
    for kind, version in (("cidr_ip", 4), ("cidr_ipv6", 6)):
        if spec.get(kind) is not None:
            try:
                network = ipaddress.ip_network(spec[kind], strict=False)
            except ValueError:
                network = None
            if network is None or network.version != version or "/" not in spec[kind]:
                errors.append("%s: %s %r is not an IPv%d CIDR block" % (where, kind, spec[kind], version))
    group = spec.get("source_group")
    if group is not None and group not in names and not _is_group_id(group):
        errors.append(
            "%s: source_group %r is neither a group of this set nor a security group id (sg-...)" % (where, group)
        )
    return errors


def _is_group_id(value):
    return re.fullmatch(GROUP_ID, value or "") is not None


# ------------------------------------------------------------------------------ on the runner


def validate(params):
    """Messages naming each bad parameter, checked before any API call."""
    errors = [checks.check_range("wait_timeout", params["wait_timeout"], 1, 86400)]
    names = [g["name"] for g in params["groups"]]
    duplicates = sorted(set(n for n in names if names.count(n) > 1))
    if duplicates:
        errors.append("groups: names appear more than once: %s" % ", ".join(duplicates))
    for group_id in params["group_ids"]:
        errors.append(checks.check_pattern("group_ids", group_id, GROUP_ID))
    for name in names:
        errors.append(checks.check_pattern("groups[].name", name, r"[ -~]{1,255}"))
        if name.lower().startswith("sg-"):
            errors.append("groups[].name: %r may not start with sg-" % name)
    if params["state"] == "present":
        if not params["vpc_id"]:
            errors.append("vpc_id is required when state=present")
        errors.append(checks.check_pattern("vpc_id", params["vpc_id"], r"vpc-[0-9a-f]{8,17}"))
        if params["group_ids"]:
            errors.append("group_ids is only for state=absent")
        for group in params["groups"]:
            where = "groups[%s]" % group["name"]
            if not group["description"]:
                errors.append("%s.description is required when state=present" % where)
            for index, rule in enumerate(group["ingress"] or []):
                errors.extend(check_rule("%s.ingress[%d]" % (where, index), rule, names))
            keys = [rule_key(desired_rule(r)) for r in group["ingress"] or [] if not check_rule("", r, names)]
            if len(keys) != len(set(keys)):
                errors.append("%s.ingress: the same rule (protocol, ports, peer) appears more than once" % where)
    return checks.collect(*errors)


class GroupSet(object):
    """What the groups of one task share: the one DescribeSecurityGroups answer (id to group), ids by
    name (those this run creates included), the rule changes left until every group exists, warnings."""

    def __init__(self, found):
        self.found = found
        self.id_to_name = dict((gid, g["GroupName"]) for gid, g in found.items())
        self.name_to_id = dict((name, gid) for gid, name in self.id_to_name.items())
        self.created = []
        self.rules = []  # (group id, rules to authorize, rules whose description changes, rules to revoke)
        self.warnings = []
        self.cycle = []  # ids of groups that reference each other (deleted last, cross references first)
        self.cycle_revoked = False


class SecurityGroupService(runner.Service):
    """One group of an ``ec2_security_groups`` task (``groups`` is the runner's ``many_key``). The set
    is read with one call (:meth:`each`); a rule may name another group of the set, so rules are
    authorized in :meth:`finish`, once every group of the set exists."""

    kind = "security group"
    result_key = "group"
    client_names = ("ec2",)
    many_key = "groups"

    def __init__(self, clients, params, group_set=None, described=None):
        super(SecurityGroupService, self).__init__(clients, params)
        self.group_set = group_set or GroupSet({})
        self.described = described
        self.rule_changes = ([], [], [])

    validate = staticmethod(validate)

    @classmethod
    def each(cls, clients, params):
        """The services of the set, from one read: in the order of ``groups``, or with ``state=absent``
        in an order AWS can delete them (a referenced group after the groups referencing it)."""
        ec2 = clients["ec2"]
        names = [g["name"] for g in params["groups"]]
        found = dict((g["GroupId"], g) for g in groups_by_name(ec2, params["vpc_id"], names))
        if params["state"] == "absent":
            found.update((g["GroupId"], g) for g in groups_by_id(ec2, params["group_ids"]))
            group_set = GroupSet(found)
            order, group_set.cycle = delete_order(found.values())
            return [cls(clients, dict(params, name=found[gid]["GroupName"]), group_set, found[gid]) for gid in order]
        group_set = GroupSet(found)
        by_name = dict((g["GroupName"], g) for g in found.values())
        return [cls(clients, dict(params, **spec), group_set, by_name.get(spec["name"])) for spec in params["groups"]]

    def read(self):
        return normalize_group(self.described, self.group_set.id_to_name) or None

    def desired(self, current, tags):
        params = self.params
        desired = build_desired(params, params["vpc_id"], params["deployment"], tags, self.group_set.id_to_name)
        if current and current["description"] != desired["description"]:
            self.group_set.warnings.append(
                "security group %s: its description cannot change on AWS; it stays %r"
                % (self.name(), current["description"])
            )
        return desired

    def plan(self, desired, current):
        self.rule_changes = rule_changes(desired["ingress"], current["ingress"])
        return ["ingress"] if any(self.rule_changes) else []

    def predict(self, desired, current):
        return dict(current, ingress=desired["ingress"]) if current else dict(desired)

    def create(self, desired):
        params, group_set = self.params, self.group_set
        group_id = create_group(self.client, params["vpc_id"], self.name(), desired["description"], desired["tags"])
        group_set.name_to_id[self.name()] = group_id
        group_set.created.append(group_id)
        group_set.rules.append((group_id, desired["ingress"], [], []))
        return dict(desired, group_id=group_id)

    def update(self, desired, current, changes, tag_changes):
        authorize, revoke, describe = self.rule_changes
        self.group_set.rules.append((current["group_id"], authorize, describe, revoke))
        set_tags(self.client, current["group_id"], tag_changes.set, tag_changes.remove)
        return dict(current, ingress=desired["ingress"], tags=desired["tags"])

    def delete(self, current):
        group_set = self.group_set
        if group_set.cycle and not group_set.cycle_revoked:
            for gid in group_set.cycle:
                ingress, egress = cross_references(group_set.found[gid], set(group_set.cycle))
                revoke_ingress(self.client, gid, ingress)
                revoke_egress(self.client, gid, egress)
            group_set.cycle_revoked = True
        delete_when_unused(self.client, current["group_id"], self.params["wait_timeout"])

    @classmethod
    def finish(cls, steps, check_mode):
        if not steps:
            return dict(group_ids={})
        group_set, ec2 = steps[0].service.group_set, steps[0].service.client
        if not check_mode:
            for group_id, authorize, describe, revoke in group_set.rules:
                ids = group_set.name_to_id
                # A rule naming a group created just now (as its target or source) waits until EC2 knows it.
                created = group_set.created
                while_new_groups_propagate(
                    created, authorize_ingress, (ec2, group_id, build_permissions(authorize, ids))
                )
                while_new_groups_propagate(
                    created, update_ingress_descriptions, (ec2, group_id, build_permissions(describe, ids))
                )
                revoke_ingress(ec2, group_id, build_permissions(revoke, ids, with_description=False))
        group_ids = dict((step.service.name(), step.after["group_id"]) for step in steps if step.after)
        return dict(group_ids=group_ids, warnings=group_set.warnings)
