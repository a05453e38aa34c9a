#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: alb_info
short_description: Look up Application Load Balancers and target groups by name or owning deployment
version_added: 0.1.0
description:
  - Returns load balancers (with their listeners) and target groups in the shape M(refarch.aws.alb) returns.
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  names:
    description: Load balancer names to look up; missing ones are left out.
    type: list
    elements: str
    default: []
  target_group_names:
    description: Target group names to look up; missing ones are left out.
    type: list
    elements: str
    default: []
  deployment:
    description: Only resources whose C(refarch:deployment) tag has this value (all of them when no names are given).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
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
target_groups:
  description: Target groups found, with their deregistration delay and tags.
  returned: always
  type: list
  elements: dict
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import elbv2
from ansible_collections.refarch.aws.plugins.module_utils import ownership


def tags_of(client, arns):
    tags = {}
    for start in range(0, len(arns), 20):
        tags.update(elbv2.get_tags(client, arns[start : start + 20]))
    return tags


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            names=dict(type="list", elements="str", default=[]),
            target_group_names=dict(type="list", elements="str", default=[]),
            deployment=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not (params["names"] or params["target_group_names"] or params["deployment"]):
        module.fail_json(msg="names, target_group_names or deployment: give at least one")
    client = aws.aws_client(module, "elbv2")
    by_name = bool(params["names"] or params["target_group_names"])
    try:
        if by_name:
            lbs = [lb for lb in (elbv2.get_load_balancer(client, n) for n in params["names"]) if lb]
            tgs = [tg for tg in (elbv2.get_target_group(client, n) for n in params["target_group_names"]) if tg]
        else:
            lbs, tgs = elbv2.list_load_balancers(client), elbv2.list_target_groups(client)
        tags = tags_of(client, [lb["LoadBalancerArn"] for lb in lbs] + [tg["TargetGroupArn"] for tg in tgs])
        if params["deployment"]:
            lbs = [lb for lb in lbs if ownership.is_owned(tags.get(lb["LoadBalancerArn"]), params["deployment"])]
            tgs = [tg for tg in tgs if ownership.is_owned(tags.get(tg["TargetGroupArn"]), params["deployment"])]
        load_balancers = []
        for lb in lbs:
            found = elbv2.normalize_load_balancer(lb, tags.get(lb["LoadBalancerArn"]))
            listeners = client.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"], aws_retry=True)["Listeners"]
            found["Listeners"] = [elbv2.normalize_listener(listener) for listener in listeners]
            load_balancers.append(found)
        target_groups = [
            elbv2.normalize_target_group(
                tg, elbv2.get_deregistration_delay(client, tg["TargetGroupArn"]), tags.get(tg["TargetGroupArn"])
            )
            for tg in tgs
        ]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="describing load balancers")
    module.exit_json(changed=False, load_balancers=load_balancers, target_groups=target_groups)


if __name__ == "__main__":
    main()
