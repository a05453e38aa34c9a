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
    it and changes nothing (every group is checked before any change).
  - New groups are created first; rules are authorized once every group of the set exists, so a rule may
    name any group of the set.
  - O(state=absent) deletes the named groups and/or O(group_ids) in dependency order (a group another
    one's rule references goes after it), retrying while AWS answers DependencyViolation (network
    interfaces of a load balancer or instances linger for minutes after they go), for up to
    O(wait_timeout) seconds. A group that does not exist is fine; one without our tag is refused.
  - Written instead of using M(amazon.aws.ec2_security_group) because that module adopts a same-named
    group without our tag (and tags it ours), makes about four API calls per group on every run, needs
    one task per group (and another group's rule by name needs its description repeated), and is slow
    to create a group.
author:
  - refarch.aws maintainers (@refarch)
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
  wait_timeout:
    description:
      - With O(state=absent), how many seconds a deletion is retried while AWS answers
        DependencyViolation. Not used in check mode.
    type: int
    default: 600
notes:
  - The options apply O(tags) to every group of the set.
seealso:
  - module: amazon.aws.ec2_security_group
    description: The stock module this one is written instead of (see the description for why).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: A load balancer's group and the instances' group, which admits HTTP from the first only
  refarch.aws.ec2_security_groups:
    vpc_id: vpc-0a1b2c3d4e5f67890
    groups:
      - name: refarch-web-alb-sg
        description: "refarch-web ALB: HTTP from the Internet"
        ingress:
          - {protocol: tcp, from_port: 80, cidr_ip: 0.0.0.0/0, description: HTTP from anywhere}
      - name: refarch-web-web-sg
        description: "refarch-web instances: HTTP from the ALB only"
        ingress:
          - {protocol: tcp, from_port: 80, source_group: refarch-web-alb-sg, description: HTTP from the ALB}
    deployment: refarch
  register: sgs

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ sgs.group_ids['refarch-web-web-sg'] }}"

- name: Groups deployment refarch owns
  amazon.aws.ec2_security_group_info:
    filters:
      "tag:refarch:deployment": refarch
  register: found

- name: Delete them
  refarch.aws.ec2_security_groups:
    state: absent
    group_ids: "{{ found.security_groups | map(attribute='group_id') | list }}"
    wait_timeout: 300
    deployment: refarch
"""

RETURN = r"""
groups:
  description:
    - Group name to the group after the run (predicted in check mode, where a group to be created has a
      null id); empty dicts with O(state=absent).
  returned: always
  type: dict
  sample:
    refarch-web-alb-sg:
      group_name: refarch-web-alb-sg
      group_id: sg-0a1b2c3d4e5f67890
      description: 'refarch-web ALB: HTTP from the Internet'
      vpc_id: vpc-0a1b2c3d4e5f67890
      ingress:
        - protocol: tcp
          from_port: 80
          to_port: 80
          cidr_ip: 0.0.0.0/0
          description: HTTP from anywhere
      tags:
        refarch:deployment: refarch
        Name: refarch-web-alb-sg
  contains:
    group_name:
      description: Group name.
      returned: always
      type: str
      sample: refarch-web-alb-sg
    group_id:
      description: Group id (null for a group check mode would create).
      returned: always
      type: str
      sample: sg-0a1b2c3d4e5f67890
    description:
      description: Group description.
      returned: always
      type: str
      sample: "refarch-web ALB: HTTP from the Internet"
    vpc_id:
      description: VPC id.
      returned: always
      type: str
      sample: vpc-0a1b2c3d4e5f67890
    ingress:
      description:
        - Ingress rules, flat (one peer each) and sorted, in the shape of O(groups[].ingress) (C(protocol),
          C(from_port) and C(to_port) where the protocol has ports, one of C(cidr_ip), C(cidr_ipv6),
          C(source_group), C(prefix_list_id), and C(description) when set); a peer group of the set is
          named by its name, any other by its id.
      returned: always
      type: list
      elements: dict
      sample:
        - {protocol: tcp, from_port: 80, to_port: 80, cidr_ip: 0.0.0.0/0, description: HTTP from anywhere}
    tags:
      description: Group tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "Name": "refarch-web-alb-sg"}
group_ids:
  description: Group name to id (null for a group check mode would create); empty with O(state=absent).
  returned: always
  type: dict
  sample: {"refarch-web-alb-sg": "sg-0a1b2c3d4e5f67890", "refarch-web-web-sg": "sg-0b2c3d4e5f6789012"}
changed_keys:
  description:
    - Group name to what differed (C(ingress), C(tags)); empty lists for groups unchanged or created.
      With O(state=absent), the groups found (and deleted).
  returned: always
  type: dict
  sample: {"refarch-web-alb-sg": [], "refarch-web-web-sg": ["ingress"]}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.ec2_security_groups import SecurityGroupService

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


def main():
    options = dict(
        vpc_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        groups=dict(type="list", elements="dict", default=[], options=GROUP_SPEC),
        group_ids=dict(type="list", elements="str", default=[]),
        wait_timeout=dict(type="int", default=600),
    )
    runner.run(SecurityGroupService, options)


if __name__ == "__main__":
    main()
