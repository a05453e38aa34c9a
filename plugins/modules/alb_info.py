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
  description: Load balancers found, each with its C(listeners).
  returned: always
  type: list
  elements: dict
  sample: [{"load_balancer_name": "web-alb", "dns_name": "web-alb-1.us-east-1.elb.amazonaws.com", "tags": {}}]
target_groups:
  description: Target groups found, with their deregistration delay and tags.
  returned: always
  type: list
  elements: dict
  sample: [{"target_group_name": "web-tg", "target_group_arn": "arn:aws:elasticloadbalancing:...", "tags": {}}]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.elbv2 import LoadBalancerInfoService


def main():
    runner.run_info(LoadBalancerInfoService)


if __name__ == "__main__":
    main()
