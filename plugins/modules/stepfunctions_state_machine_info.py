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
- name: State machines of the sfn_sqs_callback stack of deployment refarch
  refarch.aws.stepfunctions_state_machine_info:
    deployment: refarch
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
state_machines:
  description:
    - The state machines found, each as M(refarch.aws.stepfunctions_state_machine) returns its
      RV(refarch.aws.stepfunctions_state_machine#module:state_machine).
  returned: always
  type: list
  sample:
    - name: refarch-orders-verify
      arn: "arn:aws:states:us-east-1:123456789012:stateMachine:refarch-orders-verify"
      type: STANDARD
      role_arn: "arn:aws:iam::123456789012:role/refarch/refarch-orders-states"
      definition: "{\"StartAt\":\"P\",\"States\":{\"P\":{\"End\":true,\"Type\":\"Pass\"}}}"
      logging:
        level: 'OFF'
        include_execution_data: false
        log_group_arn: null
      tracing: false
      status: ACTIVE
      tags:
        refarch:deployment: refarch
        refarch:stack: sfn_sqs_callback
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-orders-verify
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:states:us-east-1:123456789012:stateMachine:refarch-orders-verify
    type:
      description: STANDARD or EXPRESS.
      returned: always
      type: str
      sample: STANDARD
    role_arn:
      description: The IAM role the state machine runs as.
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-orders-states
    definition:
      description: The definition as normalized JSON text (sorted keys, no spaces).
      returned: always
      type: str
      sample: '{"StartAt":"P","States":{"P":{"End":true,"Type":"Pass"}}}'
    logging:
      description: Logging C(level), C(include_execution_data) and C(log_group_arn).
      returned: always
      type: dict
      sample: {"level": "OFF", "include_execution_data": false, "log_group_arn": null}
    tracing:
      description: Whether X-Ray tracing is on.
      returned: always
      type: bool
      sample: false
    status:
      description: C(ACTIVE) or C(DELETING).
      returned: always
      type: str
      sample: ACTIVE
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.stepfunctions import StateMachinesInfo


def main():
    runner.run_info(StateMachinesInfo)


if __name__ == "__main__":
    main()
