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
  purge_tags:
    description: Remove tags not in O(tags) (the ownership tag always stays).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Order verification, definition rendered from the role's template
  refarch.aws.stepfunctions_state_machine:
    name: orders-verify
    definition: "{{ lookup('ansible.builtin.template', 'state_machine.json.j2') }}"
    role_arn: "{{ sfn_role.role.arn }}"
    type: STANDARD
    logging:
      level: "OFF"
    tracing: false
    deployment: prod
"""

RETURN = r"""
state_machine:
  description: The state machine after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Name.
      type: str
      sample: orders-verify
    arn:
      description: ARN (unknown in check mode before creation).
      type: str
      sample: arn:aws:states:us-east-1:123456789012:stateMachine:orders-verify
    type:
      description: STANDARD or EXPRESS.
      type: str
      sample: STANDARD
    definition:
      description: The definition as normalized JSON text (sorted keys, no spaces).
      type: str
      sample: '{"StartAt":"P","States":{"P":{"End":true,"Type":"Pass"}}}'
    logging:
      description: Logging level, execution data flag and log group.
      type: dict
      sample: {"level": "OFF", "include_execution_data": false, "log_group_arn": null}
    tracing:
      description: Whether X-Ray tracing is on.
      type: bool
      sample: false
    tags:
      description: Tags, the ownership tag included.
      type: dict
      sample: {"refarch:deployment": "prod"}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import diffing, ownership, resource, stepfunctions
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client


def check_input(module):
    """The parsed definition; fails before any API call on bad input."""
    params = module.params
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", params["name"]):
        module.fail_json(msg="name: %r must be 1-80 letters, digits, hyphens or underscores" % params["name"])
    if params["state"] == "absent":
        return None
    if not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", params["role_arn"]):
        module.fail_json(msg="role_arn: %r is not an IAM role ARN" % params["role_arn"])
    try:
        definition = stepfunctions.parse_definition(params["definition"])
    except ValueError as e:
        module.fail_json(msg="definition: %s" % e)
    message = stepfunctions.validate_definition(definition)
    if message:
        module.fail_json(msg="definition: %s" % message)
    logging = params["logging"]
    if logging and logging["level"] != "OFF" and not logging.get("log_group_arn"):
        module.fail_json(msg="logging.log_group_arn is required when logging.level is not OFF")
    return definition


def ensure_present(module, client, current, definition):
    params = module.params
    tags = ownership.desired_tags(params["deployment"], params["tags"])
    desired = stepfunctions.build_desired(params, definition, tags)
    if current is None:
        if module.check_mode:
            return True, diffing.drop_none(desired)
        arn = stepfunctions.create_state_machine(client, stepfunctions.create_arguments(desired))
        return True, stepfunctions.describe_state_machine(client, arn)
    resource.fail_unless_owned(module, "state machine", params["name"], current["tags"])
    if desired["type"] != current["type"]:
        module.fail_json(
            msg="state machine %s is %s; its type cannot change to %s (delete it first)"
            % (params["name"], current["type"], desired["type"])
        )
    arguments = stepfunctions.update_arguments(desired, current)
    to_set, to_remove = ownership.tag_changes(current["tags"], tags, params["purge_tags"])
    if not (arguments or to_set or to_remove):
        return False, current
    if module.check_mode:
        after = diffing.merged(current, dict(desired, tags=None))
        after["tags"] = dict((k, v) for k, v in current["tags"].items() if k not in to_remove)
        after["tags"].update(to_set)
        return True, after
    if arguments:
        stepfunctions.update_state_machine(client, current["arn"], arguments)
    stepfunctions.update_tags(client, current["arn"], to_set, to_remove)
    return True, stepfunctions.describe_state_machine(client, current["arn"])


def run_module(module):
    definition = check_input(module)
    client = aws_client(module, "stepfunctions", extra_error_codes=stepfunctions.EXTRA_RETRY_CODES)
    name = module.params["name"]
    role_arn = module.params.get("role_arn")
    known_arn = stepfunctions.state_machine_arn(role_arn, module.region, name) if role_arn else None
    resource.run(
        module,
        "state machine",
        "state_machine",
        lambda: stepfunctions.get_state_machine(client, name, arn=known_arn),
        lambda current: ensure_present(module, client, current, definition),
        lambda current: resource.ensure_absent(
            module, "state machine", name, current, lambda m: stepfunctions.delete_state_machine(client, m["arn"])
        ),
    )


def main():
    argument_spec = dict(
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
        purge_tags=dict(type="bool", default=True),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[["state", "present", ["definition", "role_arn"]]],
    )
    run_module(module)


if __name__ == "__main__":
    main()
