#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: alb
short_description: An Application Load Balancer with its instance target group and HTTP listener
version_added: 0.1.0
description:
  - Creates, updates or deletes, as one unit, an Application Load Balancer, the target group it
    forwards to (HTTP health checks; a deregistration delay sized for the two-minute Spot
    interruption notice) and its HTTP listener.
  - O(state=absent) deletes in the order that works on AWS - the load balancer (its listeners go
    with it), waiting until it is gone, then the target group.
  - O(tags) and O(purge_tags) apply to the load balancer and the target group, each on its own; a
    load balancer or target group without this deployment's ownership tag is refused, not adopted.
  - With O(wait=true) the module returns once the load balancer is C(active) - also one that exists
    and is still C(provisioning), so a first task with O(wait=false) can create it (and return the
    target group other resources need) and a second task, later, waits for it; the load balancer
    provisions in the meantime (a few minutes on AWS). A load balancer AWS reports C(failed) ends the
    wait at once.
  - Written instead of using M(amazon.aws.elb_application_lb) with M(community.aws.elb_target_group)
    because those have no check mode for the target group, deregister an Auto Scaling group's
    targets unless told not to, and return no diff.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description:
      - Name of the load balancer. Required when O(state=present).
      - With O(state=absent), either or both of O(name) and O(target_group_name) are deleted.
    type: str
  state:
    description: Whether the load balancer, listener and target group should exist.
    type: str
    choices: [present, absent]
    default: present
  target_group_name:
    description: Name of the target group. Required when O(state=present).
    type: str
  vpc_id:
    description: VPC of the target group. Required when O(state=present).
    type: str
  subnet_ids:
    description: Subnets of the load balancer (at least two AZs). Required when O(state=present).
    type: list
    elements: str
  security_group_ids:
    description: Security groups of the load balancer; left alone when empty (AWS then uses the VPC's default group).
    type: list
    elements: str
    default: []
  scheme:
    description: C(internet-facing) or C(internal). Cannot change once created.
    type: str
    choices: [internet-facing, internal]
    default: internet-facing
  listener_port:
    description: Port of the HTTP listener.
    type: int
    default: 80
  target_port:
    description: Port the targets serve HTTP on.
    type: int
    default: 80
  health_check_path:
    description: Path of the HTTP health check.
    type: str
    default: /
  health_check_interval:
    description: Seconds between health checks.
    type: int
    default: 15
  health_check_timeout:
    description: Seconds before a health check fails; less than O(health_check_interval).
    type: int
    default: 5
  healthy_threshold:
    description: Consecutive successes before a target is healthy.
    type: int
    default: 2
  unhealthy_threshold:
    description: Consecutive failures before a target is unhealthy.
    type: int
    default: 2
  health_check_matcher:
    description: HTTP codes that count as healthy.
    type: str
    default: "200"
  deregistration_delay:
    description:
      - Seconds the load balancer keeps draining a deregistering target.
      - A Spot instance gets a two-minute notice; a delay well under 120 s lets in-flight requests
        finish before the instance is interrupted.
    type: int
    default: 90
seealso:
  - module: amazon.aws.elb_application_lb
    description: The stock module this one is written instead of (see the description for why).
  - module: community.aws.elb_target_group
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.alb_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Internet-facing ALB on port 80 over every default subnet
  refarch.aws.alb:
    name: web-alb
    target_group_name: web-tg
    vpc_id: "{{ vpc_id }}"
    subnet_ids: "{{ subnet_ids }}"
    security_group_ids: ["{{ alb_sg_id }}"]
    deployment: refarch
  register: alb

- name: Its address
  ansible.builtin.debug:
    msg: "http://{{ alb.load_balancer.dns_name }}/ forwards to {{ alb.target_group.target_group_arn }}"
"""

RETURN = r"""
load_balancer:
  description: The load balancer after the run (predicted in check mode), snake_case; empty when absent.
  returned: always
  type: dict
  sample:
    load_balancer_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/refarch-web-alb/\
      50dc6c495c0c9188"
    load_balancer_name: refarch-web-alb
    dns_name: "refarch-web-alb-1234567890.us-east-1.elb.amazonaws.com"
    scheme: internet-facing
    ip_address_type: ipv4
    vpc_id: vpc-0a1b2c3d4e5f67890
    state: active
    subnets:
      - subnet-0a1b2c3d4e5f67890
      - subnet-0b2c3d4e5f6789012
    availability_zones:
      - us-east-1a
      - us-east-1b
    security_groups:
      - sg-0a1b2c3d4e5f67890
    tags:
      refarch:deployment: refarch
      Name: refarch-web-alb
  contains:
    load_balancer_arn:
      description: ARN (not known in check mode before it is created).
      returned: when the load balancer exists
      type: str
      sample: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/refarch-web-alb/50dc6c495c0c9188
    load_balancer_name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-web-alb
    dns_name:
      description: DNS name of the load balancer (not known in check mode before it is created).
      returned: when the load balancer exists
      type: str
      sample: refarch-web-alb-1234567890.us-east-1.elb.amazonaws.com
    scheme:
      description: C(internet-facing) or C(internal).
      returned: when present
      type: str
      sample: internet-facing
    ip_address_type:
      description: C(ipv4).
      returned: when present
      type: str
      sample: ipv4
    vpc_id:
      description: VPC.
      returned: when the load balancer exists
      type: str
      sample: vpc-0a1b2c3d4e5f67890
    state:
      description:
        - C(provisioning), C(active) or C(failed). With O(wait=true), C(active) once the module returns.
      returned: when the load balancer exists
      type: str
      sample: active
    subnets:
      description: Subnet ids, sorted.
      returned: when present
      type: list
      elements: str
      sample: [subnet-0a1b2c3d4e5f67890, subnet-0b2c3d4e5f6789012]
    availability_zones:
      description: AZ names, sorted.
      returned: when the load balancer exists
      type: list
      elements: str
      sample: [us-east-1a, us-east-1b]
    security_groups:
      description: Security group ids, sorted.
      returned: when present
      type: list
      elements: str
      sample: [sg-0a1b2c3d4e5f67890]
    tags:
      description: Tags of the load balancer.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "Name": "refarch-web-alb"}
target_group:
  description: The target group after the run (predicted in check mode), snake_case; empty when absent.
  returned: always
  type: dict
  sample:
    target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067"
    target_group_name: refarch-web-tg
    protocol: HTTP
    port: 80
    vpc_id: vpc-0a1b2c3d4e5f67890
    target_type: instance
    health_check_protocol: HTTP
    health_check_port: traffic-port
    health_check_path: /
    health_check_interval_seconds: 15
    health_check_timeout_seconds: 5
    healthy_threshold_count: 2
    unhealthy_threshold_count: 2
    matcher:
      http_code: '200'
    deregistration_delay: 90
    tags:
      refarch:deployment: refarch
  contains:
    target_group_arn:
      description: ARN (not known in check mode before it is created).
      returned: when the target group exists
      type: str
      sample: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067
    target_group_name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-web-tg
    protocol:
      description: C(HTTP).
      returned: when present
      type: str
      sample: HTTP
    port:
      description: Port the targets serve on.
      returned: when present
      type: int
      sample: 80
    vpc_id:
      description: VPC.
      returned: when present
      type: str
      sample: vpc-0a1b2c3d4e5f67890
    target_type:
      description: C(instance).
      returned: when present
      type: str
      sample: instance
    health_check_protocol:
      description: Protocol of the health check.
      returned: when present
      type: str
      sample: HTTP
    health_check_port:
      description: Port of the health check; C(traffic-port) is the targets' port.
      returned: when present
      type: str
      sample: traffic-port
    health_check_path:
      description: Path of the health check.
      returned: when present
      type: str
      sample: /
    health_check_interval_seconds:
      description: Seconds between health checks.
      returned: when present
      type: int
      sample: 15
    health_check_timeout_seconds:
      description: Seconds a health check may take.
      returned: when present
      type: int
      sample: 5
    healthy_threshold_count:
      description: Successive passed checks that make a target healthy.
      returned: when present
      type: int
      sample: 2
    unhealthy_threshold_count:
      description: Successive failed checks that make a target unhealthy.
      returned: when present
      type: int
      sample: 2
    matcher:
      description: HTTP codes that count as healthy.
      returned: when present
      type: dict
      contains:
        http_code:
          description: A code, a list (C(200,302)) or a range (C(200-299)).
          returned: always
          type: str
          sample: "200"
    deregistration_delay:
      description: Seconds a deregistering target is drained.
      returned: when present
      type: int
      sample: 90
    tags:
      description: Tags of the target group.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch"}
listener:
  description: The HTTP listener after the run; empty when absent.
  returned: always
  type: dict
  sample:
    listener_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/refarch-web-alb/50dc6c495c0c9188/\
      f2f7dc8efc522ab2"
    protocol: HTTP
    port: 80
    default_actions:
      - type: forward
        target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/\
          73e2d6bc24d8a067"
  contains:
    listener_arn:
      description: ARN (not known in check mode before it is created).
      returned: when the listener exists
      type: str
      sample: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/refarch-web-alb/\
        50dc6c495c0c9188/f2f7dc8efc522ab2"
    protocol:
      description: C(HTTP).
      returned: when present
      type: str
      sample: HTTP
    port:
      description: Port.
      returned: when present
      type: int
      sample: 80
    default_actions:
      description: The forward action to the target group.
      returned: when present
      type: list
      elements: dict
      contains:
        type:
          description: C(forward).
          returned: always
          type: str
          sample: forward
        target_group_arn:
          description: The target group it forwards to (not known in check mode before it is created).
          returned: always
          type: str
          sample: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067
changed_keys:
  description:
    - What differed, as C(<part>.<key>) paths (C(load_balancer.subnets), C(target_group.tags), ...), or
      C(<part>) for a part made while the others exist; empty when nothing changed, when all are
      created and on O(state=absent).
  returned: always
  type: list
  elements: str
  sample: [target_group.health_check_path, load_balancer.tags]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.elbv2 import LoadBalancerService


def main():
    options = dict(
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        target_group_name=dict(type="str"),
        vpc_id=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str", default=[]),
        scheme=dict(type="str", choices=["internet-facing", "internal"], default="internet-facing"),
        listener_port=dict(type="int", default=80),
        target_port=dict(type="int", default=80),
        health_check_path=dict(type="str", default="/"),
        health_check_interval=dict(type="int", default=15),
        health_check_timeout=dict(type="int", default=5),
        healthy_threshold=dict(type="int", default=2),
        unhealthy_threshold=dict(type="int", default=2),
        health_check_matcher=dict(type="str", default="200"),
        deregistration_delay=dict(type="int", default=90),
    )
    runner.run(
        LoadBalancerService,
        options,
        required_if=[("state", "present", ("name", "target_group_name"))],
        required_one_of=[("name", "target_group_name")],
    )


if __name__ == "__main__":
    main()
