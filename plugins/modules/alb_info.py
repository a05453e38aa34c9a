#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: alb_info
short_description: Look up Application Load Balancers and target groups by name or owning deployment
version_added: 0.1.0
description:
  - Returns load balancers (with their listeners) and target groups, snake_case with tags as a dict.
  - The filter applies to both kinds; O(name) selects the load balancer and the target group of that name.
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag.
author:
  - refarch.aws maintainers (@refarch)
seealso:
  - module: refarch.aws.alb
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: What deployment refarch owns
  refarch.aws.alb_info:
    deployment: refarch
  register: albs
"""

RETURN = r"""
load_balancers:
  description:
    - Load balancers found, keyed as M(refarch.aws.alb) returns its
      RV(refarch.aws.alb#module:load_balancer), each with its C(listeners).
  returned: always
  type: list
  sample:
    - load_balancer_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/refarch-web-alb/\
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
      listeners:
        - listener_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/refarch-web-alb/\
          50dc6c495c0c9188/f2f7dc8efc522ab2"
          protocol: HTTP
          port: 80
          default_actions:
            - type: forward
              target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/\
                73e2d6bc24d8a067"
  elements: dict
  contains:
    load_balancer_arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/refarch-web-alb/50dc6c495c0c9188
    load_balancer_name:
      description: Name.
      returned: always
      type: str
      sample: refarch-web-alb
    dns_name:
      description: DNS name.
      returned: always
      type: str
      sample: refarch-web-alb-1234567890.us-east-1.elb.amazonaws.com
    scheme:
      description: C(internet-facing) or C(internal).
      returned: always
      type: str
      sample: internet-facing
    ip_address_type:
      description: C(ipv4) or C(dualstack).
      returned: always
      type: str
      sample: ipv4
    vpc_id:
      description: VPC.
      returned: always
      type: str
      sample: vpc-0a1b2c3d4e5f67890
    state:
      description: C(provisioning), C(active), C(active_impaired) or C(failed).
      returned: always
      type: str
      sample: active
    subnets:
      description: Subnet ids, sorted.
      returned: always
      type: list
      elements: str
      sample: [subnet-0a1b2c3d4e5f67890, subnet-0b2c3d4e5f6789012]
    availability_zones:
      description: AZ names, sorted.
      returned: always
      type: list
      elements: str
      sample: [us-east-1a, us-east-1b]
    security_groups:
      description: Security group ids, sorted.
      returned: always
      type: list
      elements: str
      sample: [sg-0a1b2c3d4e5f67890]
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch"}
    listeners:
      description:
        - Its listeners, each with C(listener_arn), C(protocol), C(port) and C(default_actions)
          (C(type), C(target_group_arn)).
      returned: always
      type: list
      elements: dict
      sample:
        - listener_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/refarch-web-alb/\
            50dc6c495c0c9188/f2f7dc8efc522ab2"
          protocol: HTTP
          port: 80
          default_actions:
            - type: forward
              target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/\
                refarch-web-tg/73e2d6bc24d8a067"
target_groups:
  description:
    - Target groups found, keyed as M(refarch.aws.alb) returns its RV(refarch.aws.alb#module:target_group)
      (the health check keys, C(matcher), C(deregistration_delay)).
  returned: always
  type: list
  sample:
    - target_group_arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/\
      73e2d6bc24d8a067"
      target_group_name: refarch-web-tg
      protocol: HTTP
      port: 80
      vpc_id: vpc-0a1b2c3d4e5f67890
      target_type: instance
      health_check_path: /
      matcher:
        http_code: '200'
      deregistration_delay: 90
      tags:
        refarch:deployment: refarch
  elements: dict
  contains:
    target_group_arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/refarch-web-tg/73e2d6bc24d8a067
    target_group_name:
      description: Name.
      returned: always
      type: str
      sample: refarch-web-tg
    protocol:
      description: Protocol of the targets.
      returned: always
      type: str
      sample: HTTP
    port:
      description: Port the targets serve on.
      returned: always
      type: int
      sample: 80
    vpc_id:
      description: VPC.
      returned: always
      type: str
      sample: vpc-0a1b2c3d4e5f67890
    target_type:
      description: C(instance), C(ip), C(lambda) or C(alb).
      returned: always
      type: str
      sample: instance
    health_check_path:
      description:
        - Path of the health check; C(health_check_protocol), C(health_check_port),
          C(health_check_interval_seconds), C(health_check_timeout_seconds), C(healthy_threshold_count)
          and C(unhealthy_threshold_count) come with it, as in M(refarch.aws.alb).
      returned: always
      type: str
      sample: /
    matcher:
      description: HTTP codes that count as healthy, as C(http_code).
      returned: always
      type: dict
      sample: {"http_code": "200"}
    deregistration_delay:
      description: Seconds a deregistering target is drained.
      returned: always
      type: int
      sample: 90
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.elbv2 import LoadBalancerInfoService


def main():
    runner.run_info(LoadBalancerInfoService)


if __name__ == "__main__":
    main()
