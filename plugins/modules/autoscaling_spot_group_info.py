#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: autoscaling_spot_group_info
short_description: Look up Spot Auto Scaling groups, their instances and their Spot pool figure
version_added: 0.1.0
description:
  - Returns Auto Scaling groups in the shape M(refarch.aws.autoscaling_spot_group) returns, with
    their instances (AZ, type, lifecycle state, launch template version).
  - With O(spot_pools), also how many (instance type, AZ) pairs EC2 really offers for each group's
    instance-type overrides in its AZs, from C(describe_instance_type_offerings).
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  names:
    description: Group names to look up; missing ones are left out.
    type: list
    elements: str
    default: []
  deployment:
    description: Only groups whose C(refarch:deployment) tag has this value.
    type: str
  spot_pools:
    description: Compute each group's Spot pool figure (two more EC2 read calls per group).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: The web fleet and its Spot pools
  refarch.aws.autoscaling_spot_group_info:
    names: [web-asg]
    spot_pools: true
  register: fleet
"""

RETURN = r"""
groups:
  description: Groups found; each has C(spot_pools) when O(spot_pools=true) and it has instance-type overrides.
  returned: always
  type: list
  elements: dict
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import autoscaling as asg
from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import ownership


def pools_of(ec2, group):
    overrides = group.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("Overrides", [])
    types = [o["InstanceType"] for o in overrides if o.get("InstanceType")]
    if not types or not group.get("VPCZoneIdentifier"):
        return None
    zones = sorted(set(asg.subnet_zones(ec2, group["VPCZoneIdentifier"]).values()))
    return asg.spot_pools(asg.instance_type_offerings(ec2, types, zones), types, zones)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            names=dict(type="list", elements="str", default=[]),
            deployment=dict(type="str"),
            spot_pools=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not (params["names"] or params["deployment"]):
        module.fail_json(msg="names or deployment: give at least one")
    client = aws.aws_client(module, "autoscaling")
    try:
        if params["names"]:
            groups = [g for g in (asg.get_group(client, n) for n in params["names"]) if g]
        else:
            groups = asg.list_owned_groups(client, params["deployment"])
        found = [asg.normalize_group(g) for g in groups]
        if params["deployment"]:
            found = [g for g in found if ownership.is_owned(g.get("Tags"), params["deployment"])]
        if params["spot_pools"]:
            ec2 = aws.aws_client(module, "ec2")
            for group in found:
                group["spot_pools"] = pools_of(ec2, group)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="describing Auto Scaling groups")
    module.exit_json(changed=False, groups=found)


if __name__ == "__main__":
    main()
