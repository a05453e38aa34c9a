#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stepfunctions_state_machine
short_description: A Step Functions state machine with type, logging, tracing and a JSON-compared definition
version_added: 0.1.0
description:
  - Creates, updates or deletes a state machine. The definition (a dict, or JSON text such as a
    rendered template) is compared as normalized JSON, so key order and whitespace never cause an
    update; role, logging and tracing are compared too, and all differences go in one update call.
  - Checks the Amazon States Language basics (C(StartAt), every C(Next), C(HeartbeatSeconds) below
    C(TimeoutSeconds)) before any API call.
  - Written instead of using C(community.aws.stepfunctions_state_machine) because that module has no
    type (STANDARD/EXPRESS), no logging or tracing, no diff, and no notion of the ownership tag.
  - The type cannot change after creation (an AWS rule); the module fails and says so.
  - A role created or changed seconds ago is not yet assumable by Step Functions; CreateStateMachine and
    UpdateStateMachine are retried for at most 2 minutes on exactly that answer (C(AccessDeniedException)
    "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to
    assume the provided role."), as AWS's CloudFormation provider does. Any other error fails at once.
  - An existing state machine that lacks the ownership tag of O(deployment) is not touched.
options:
  name:
    description: State machine name.
    type: str
    required: true
  state:
    description: Whether the state machine should exist.
    type: str
    choices: [present, absent]
    default: present
  definition:
    description: The Amazon States Language definition, a dict or a JSON string. Required with O(state=present).
    type: raw
  role_arn:
    description: ARN of the role Step Functions assumes. Required with O(state=present).
    type: str
  type:
    description: State machine type.
    type: str
    choices: [STANDARD, EXPRESS]
    default: STANDARD
  logging:
    description: CloudWatch Logs logging. Omit to leave alone.
    type: dict
    suboptions:
      level:
        description: What is logged.
        type: str
        choices: [ALL, ERROR, FATAL, "OFF"]
        default: "OFF"
      include_execution_data:
        description: Log input and output too.
        type: bool
        default: false
      log_group_arn:
        description: Log group ARN (ending in C(:*)); required unless O(logging.level=OFF).
        type: str
  tracing:
    description: X-Ray tracing. Omit to leave alone.
    type: bool
seealso:
  - module: refarch.aws.stepfunctions_state_machine_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: The role the state machine runs as
  refarch.aws.iam_role_info:
    name: refarch-orders-states
  register: sfn_role

- name: Order verification, definition rendered from the role's template
  refarch.aws.stepfunctions_state_machine:
    name: refarch-orders-verify
    definition: "{{ lookup('ansible.builtin.template', 'state_machine.json.j2') }}"
    role_arn: "{{ sfn_role.roles[0].arn }}"
    type: STANDARD
    logging:
      level: "OFF"
    tracing: false
    deployment: refarch
"""

RETURN = r"""
state_machine:
  description: The state machine after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-orders-verify
    arn: "arn:aws:states:us-east-1:123456789012:stateMachine:refarch-orders-verify"
    type: STANDARD
    role_arn: "arn:aws:iam::123456789012:role/refarch/refarch-orders-states"
    definition: "{\"StartAt\":\"P\",\"States\":{\"P\":{\"End\":true,\"Type\":\"Pass\"}}}"
    logging:
      level: 'OFF'
      include_execution_data: false
      log_group_arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/refarch-orders-verify:*"
    tracing: false
    status: ACTIVE
    tags:
      refarch:deployment: refarch
      refarch:stack: sfn_sqs_callback
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-orders-verify
    arn:
      description: ARN (unknown in check mode before creation).
      returned: when the state machine exists
      type: str
      sample: arn:aws:states:us-east-1:123456789012:stateMachine:refarch-orders-verify
    type:
      description: STANDARD or EXPRESS.
      returned: when present
      type: str
      sample: STANDARD
    role_arn:
      description: The IAM role the state machine runs as.
      returned: when present
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-orders-states
    definition:
      description: The definition as normalized JSON text (sorted keys, no spaces).
      returned: when present
      type: str
      sample: '{"StartAt":"P","States":{"P":{"End":true,"Type":"Pass"}}}'
    logging:
      description: The logging configuration.
      returned: when present
      type: dict
      contains:
        level:
          description: C(ALL), C(ERROR), C(FATAL) or C(OFF).
          returned: always
          type: str
          sample: "OFF"
        include_execution_data:
          description: Whether the execution's input and output are logged.
          returned: always
          type: bool
          sample: false
        log_group_arn:
          description: The log group the logs go to, or null.
          returned: always
          type: str
          sample: arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/refarch-orders-verify:*
    tracing:
      description: Whether X-Ray tracing is on.
      returned: when present
      type: bool
      sample: false
    status:
      description: C(ACTIVE) or C(DELETING), as Step Functions reports it (null in check mode before creation).
      returned: when present
      type: str
      sample: ACTIVE
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
changed_keys:
  description:
    - What differed (V(definition), V(role_arn), V(logging), V(tracing), V(tags)); empty when nothing
      changed or the state machine is created or deleted.
  returned: always
  type: list
  elements: str
  sample: [definition]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.stepfunctions import StateMachineService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        definition=dict(type="raw"),
        role_arn=dict(type="str"),
        type=dict(type="str", choices=["STANDARD", "EXPRESS"], default="STANDARD"),
        logging=dict(
            type="dict",
            options=dict(
                level=dict(type="str", choices=["ALL", "ERROR", "FATAL", "OFF"], default="OFF"),
                include_execution_data=dict(type="bool", default=False),
                log_group_arn=dict(type="str"),
            ),
        ),
        tracing=dict(type="bool"),
    )
    runner.run(StateMachineService, options, required_if=[["state", "present", ["definition", "role_arn"]]])


if __name__ == "__main__":
    main()
