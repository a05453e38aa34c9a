#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stepfunctions_state_machine_info
short_description: State machines by name, or every state machine a deployment owns
version_added: 0.1.0
description:
  - Lists Step Functions state machines in the shape M(refarch.aws.stepfunctions_state_machine) returns.
  - With O(deployment), only state machines carrying the ownership tag C(refarch:deployment=<deployment>);
    this is how teardown finds what to delete. No stock module lists state machines.
seealso:
  - module: refarch.aws.stepfunctions_state_machine
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: State machines of the sfn_sqs_callback stack of deployment prod
  refarch.aws.stepfunctions_state_machine_info:
    deployment: prod
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
state_machines:
  description: The state machines found, each as M(refarch.aws.stepfunctions_state_machine) returns it.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "orders-verify", "arn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders-verify"}]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.stepfunctions import StateMachinesInfo


def main():
    runner.run_info(StateMachinesInfo)


if __name__ == "__main__":
    main()
