#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ec2_security_groups
short_description: A set of EC2 security groups of one VPC whose ingress rules may reference each other by name
version_added: 0.1.0
description:
  - Creates, updates or deletes several security groups of one VPC in one invocation.
  - An ingress rule's O(groups[].ingress[].source_group) may name another group of the set (or the group
    itself) instead of giving its id, so a whole tier of groups is described in one task, in check mode
    too, where a group still to be created has no id (the rule is predicted by name).
  - The ingress rules given are the group's whole ingress; rules that differ are authorized or revoked
    one by one (a rule's description is compared too and changed in place); nothing is touched when
    nothing differs.
  - Egress rules are not managed. A new group keeps the allow-all egress rule AWS gives it; the egress
    of an existing group is left as it is.
  - A group's description cannot change on AWS; a differing description is reported as a warning and
    left alone.
  - O(state=present) reads every group with one DescribeSecurityGroups call (tags come with it). A group
    of one of the names that lacks this deployment's ownership tag is refused, the module fails naming
    it and changes nothing.
  - O(state=absent) deletes the named groups and/or O(group_ids) in dependency order (a group another
    one's rule references goes after it), retrying while AWS answers DependencyViolation (network
    interfaces of a load balancer or instances linger for minutes after they go), for up to
    O(wait_timeout) seconds. A group that does not exist is fine; one without our tag is refused.
  - Written instead of using M(amazon.aws.ec2_security_group) because that module adopts a same-named
    group without our tag (and tags it ours), makes about four API calls per group on every run, needs
    one task per group (and another group's rule by name needs its description repeated), and is slow
    to create a group.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  vpc_id:
    description:
      - Id of the VPC the groups belong to.
      - Required when O(state=present); with O(state=absent) it narrows the lookup by name.
    type: str
  state:
    description: Whether the groups should exist.
    type: str
    choices: [present, absent]
    default: present
  groups:
    description:
      - The groups. With O(state=absent) only their O(groups[].name) is used.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Group name, unique in the VPC.
        type: str
        required: true
      description:
        description:
          - Group description (cannot be changed once the group exists).
          - Required when O(state=present).
        type: str
      ingress:
        description: Every ingress rule of the group.
        type: list
        elements: dict
        default: []
        suboptions:
          protocol:
            description:
              - C(tcp), C(udp), C(icmp), C(icmpv6), C(all) (or C(-1)), or an IP protocol number.
              - Any protocol other than tcp, udp, icmp and icmpv6 covers every port.
            type: str
            default: tcp
          from_port:
            description:
              - First port of the range (ICMP type for icmp). Required for tcp and udp.
            type: int
          to_port:
            description: Last port of the range (ICMP code for icmp); defaults to O(groups[].ingress[].from_port).
            type: int
          cidr_ip:
            description: IPv4 CIDR block of the peer.
            type: str
          cidr_ipv6:
            description: IPv6 CIDR block of the peer.
            type: str
          source_group:
            description:
              - Peer security group, by the name of a group of O(groups) or by id (C(sg-...)).
            type: str
          prefix_list_id:
            description: Peer managed prefix list id (C(pl-...)).
            type: str
          description:
            description: Description of the rule; compared like the rest of the rule.
            type: str
  group_ids:
    description:
      - Ids of groups to delete, with O(state=absent), for a teardown that finds them by tag.
    type: list
    elements: str
    default: []
  purge_tags:
    description: Remove group tags that are not in O(tags) (the ownership tag always stays).
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(state=absent), how many seconds a deletion is retried while AWS answers
        DependencyViolation. Not used in check mode.
    type: int
    default: 600
notes:
  - The options apply O(tags) to every group of the set.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: A load balancer's group and the instances' group, which admits HTTP from the first only
  refarch.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    groups:
      - name: web-alb-sg
        description: "web ALB: HTTP from the Internet"
        ingress:
          - {protocol: tcp, from_port: 80, cidr_ip: 0.0.0.0/0, description: HTTP from anywhere}
      - name: web-sg
        description: "web instances: HTTP from the ALB only"
        ingress:
          - {protocol: tcp, from_port: 80, source_group: web-alb-sg, description: HTTP from the ALB}
    deployment: refarch
  register: sgs

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ sgs.group_ids['web-sg'] }}"

- name: Delete groups found by tag
  refarch.aws.ec2_security_groups:
    state: absent
    group_ids: "{{ found.security_groups | map(attribute='group_id') | list }}"
    wait_timeout: 300
    deployment: refarch
"""

RETURN = r"""
groups:
  description:
    - The groups after the run, in the order of O(groups) (predicted in check mode, where a group to be
      created has a null id); empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    group_name:
      description: Group name.
      type: str
    group_id:
      description: Group id (null for a group check mode would create).
      type: str
    description:
      description: Group description.
      type: str
    vpc_id:
      description: VPC id.
      type: str
    ingress:
      description:
        - Ingress rules, flat (one peer each) and sorted, in the shape of O(groups[].ingress); a peer group
          of the set is named by its name.
      type: list
      elements: dict
    tags:
      description: Group tags.
      type: dict
group_ids:
  description: Group name to id (null for a group check mode would create); empty with O(state=absent).
  returned: always
  type: dict
changed_groups:
  description: Names of the groups the run changed, created or deleted (or would, in check mode).
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import ec2_security_groups as sg
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks

RULE_SPEC = dict(
    protocol=dict(type="str", default="tcp"),
    from_port=dict(type="int"),
    to_port=dict(type="int"),
    cidr_ip=dict(type="str"),
    cidr_ipv6=dict(type="str"),
    source_group=dict(type="str"),
    prefix_list_id=dict(type="str"),
    description=dict(type="str"),
)
GROUP_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    ingress=dict(type="list", elements="dict", default=[], options=RULE_SPEC),
)


def validate(params):
    """Messages naming each bad parameter, checked before any API call."""
    errors = [checks.check_range("wait_timeout", params["wait_timeout"], 1, 86400)]
    names = [g["name"] for g in params["groups"]]
    duplicates = sorted(set(n for n in names if names.count(n) > 1))
    if duplicates:
        errors.append("groups: names appear more than once: %s" % ", ".join(duplicates))
    for group_id in params["group_ids"]:
        errors.append(checks.check_pattern("group_ids", group_id, sg.GROUP_ID))
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
                errors.extend(sg.check_rule("%s.ingress[%d]" % (where, index), rule, names))
            keys = [sg.rule_key(sg.desired_rule(r)) for r in group["ingress"] or [] if not sg.check_rule("", r, names)]
            if len(keys) != len(set(keys)):
                errors.append("%s.ingress: the same rule (protocol, ports, peer) appears more than once" % where)
    return checks.collect(*errors)


def not_ours(module, names):
    module.fail_json(
        msg="security group %s exists but is not owned by deployment %s (no %s=%s tag): not this deployment's, "
        "refusing to adopt it"
        % (", ".join(names), module.params["deployment"], ownership.OWNERSHIP_TAG_KEY, module.params["deployment"])
    )


def ensure_present(module, ec2):
    params = module.params
    vpc_id, deployment = params["vpc_id"], params["deployment"]
    names = [g["name"] for g in params["groups"]]
    found = dict((g["GroupName"], g) for g in sg.groups_by_name(ec2, vpc_id, names))
    foreign = sg.foreign_groups(found.values(), deployment)
    if foreign:
        not_ours(module, foreign)
    id_to_name = dict((g["GroupId"], name) for name, g in found.items())

    before, after, plans = [], [], []  # plans: (predicted group, its changes)
    for spec in params["groups"]:
        current = sg.normalize_group(found.get(spec["name"]), id_to_name)
        desired = sg.build_desired(spec, vpc_id, deployment, params["tags"], id_to_name)
        plan, predicted = sg.plan_group(desired, current, params["purge_tags"])
        if current:
            before.append(current)
            if current["description"] != desired["description"]:
                module.warn(
                    "security group %s: its description cannot change on AWS; it stays %r"
                    % (spec["name"], current["description"])
                )
        plans.append((predicted, plan))
        after.append(predicted)

    changed_groups = [g["group_name"] for g, plan in plans if sg.has_changes(plan)]
    if changed_groups and not module.check_mode:
        name_to_id = dict((name, gid) for gid, name in id_to_name.items())
        created = []
        for group, plan in plans:
            if plan["create"]:
                group["group_id"] = sg.create_group(
                    ec2, vpc_id, group["group_name"], group["description"], group["tags"]
                )
                name_to_id[group["group_name"]] = group["group_id"]
                created.append(group["group_id"])
        for group, plan in plans:
            gid = group["group_id"]
            authorize = sg.build_permissions(plan["authorize"], name_to_id)
            describe = sg.build_permissions(plan["describe"], name_to_id)
            revoke = sg.build_permissions(plan["revoke"], name_to_id, with_description=False)
            # A rule naming a group created just now (as its target or source) waits until EC2 knows it.
            sg.while_new_groups_propagate(created, sg.authorize_ingress, (ec2, gid, authorize))
            sg.while_new_groups_propagate(created, sg.update_ingress_descriptions, (ec2, gid, describe))
            sg.revoke_ingress(ec2, gid, revoke)
            if not plan["create"]:
                sg.set_tags(ec2, gid, plan["tags_set"], plan["tags_remove"])

    result = dict(
        changed=bool(changed_groups),
        groups=after,
        group_ids=dict((g["group_name"], g["group_id"]) for g in after),
        changed_groups=changed_groups,
    )
    if changed_groups:
        result["diff"] = diffing.diff_result(dict(groups=before), dict(groups=after))
    return result


def ensure_absent(module, ec2):
    params = module.params
    names = [g["name"] for g in params["groups"]]
    found = dict((g["GroupId"], g) for g in sg.groups_by_name(ec2, params["vpc_id"], names))
    found.update((g["GroupId"], g) for g in sg.groups_by_id(ec2, params["group_ids"]))
    foreign = sg.foreign_groups(found.values(), params["deployment"])
    if foreign:
        module.fail_json(
            msg="security group %s exists but is not owned by deployment %s (no %s=%s tag): it is not ours, "
            "so it is not deleted"
            % (", ".join(foreign), params["deployment"], ownership.OWNERSHIP_TAG_KEY, params["deployment"])
        )
    id_to_name = dict((gid, g["GroupName"]) for gid, g in found.items())
    order, cycle = sg.delete_order(found.values())
    before = [sg.normalize_group(found[gid], id_to_name) for gid in order]
    if found and not module.check_mode:
        for gid in cycle:
            ingress, egress = sg.cross_references(found[gid], set(cycle))
            sg.revoke_ingress(ec2, gid, ingress)
            sg.revoke_egress(ec2, gid, egress)
        for gid in order:
            try:
                sg.delete_when_unused(ec2, gid, params["wait_timeout"])
            except botocore.exceptions.ClientError as e:
                module.fail_json_aws(
                    e,
                    msg="security group %s (%s) still in use after %ss"
                    % (found[gid]["GroupName"], gid, params["wait_timeout"]),
                )
    result = dict(
        changed=bool(found), groups=[], group_ids={}, changed_groups=[found[gid]["GroupName"] for gid in order]
    )
    if found:
        result["diff"] = diffing.diff_result(dict(groups=before), dict(groups=[]))
    return result


def main():
    argument_spec = dict(
        vpc_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        groups=dict(type="list", elements="dict", default=[], options=GROUP_SPEC),
        group_ids=dict(type="list", elements="str", default=[]),
        purge_tags=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validate(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    ec2 = aws.aws_client(module, "ec2")
    try:
        if module.params["state"] == "absent":
            result = ensure_absent(module, ec2)
        else:
            result = ensure_present(module, ec2)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="security groups %s" % ", ".join(g["name"] for g in module.params["groups"]))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
