#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: stepfunctions_execution
short_description: Start Step Functions executions and wait for their outcomes
version_added: 0.1.0
description:
  - Starts one execution per item of O(executions), all at once, each under a unique name, then
    (with O(wait)) polls until every one has finished and returns each outcome (status, output,
    error and cause).
  - A failed execution is an outcome, not a module failure; the module fails only when it cannot
    start an execution, or when executions are still running after O(wait_timeout).
  - Written because no stock module waits for an execution;
    C(community.aws.stepfunctions_state_machine_execution) starts one and returns at once.
  - Starting an execution is a change; in check mode nothing is started and every execution is
    reported with status C(NOT_STARTED).
options:
  state_machine_arn:
    description: ARN of the state machine.
    type: str
    required: true
  executions:
    description: The executions to start, in order. Mutually exclusive with O(inputs).
    type: list
    elements: dict
    suboptions:
      input:
        description:
          - Execution input, any JSON value; a string is taken as JSON text and passed as it is.
          - Every input is checked (JSON text, at most 256 KiB) before the first execution starts.
        type: raw
        required: true
      name:
        description: Execution name; default C(<name_prefix>-<index>-<random>), unique per run.
        type: str
  inputs:
    description:
      - Shorthand for O(executions) when every name is generated, one input (any JSON value) per execution.
    type: list
    elements: raw
  name_prefix:
    description: Prefix of generated execution names.
    type: str
    default: run
  wait:
    description: Wait for every execution to finish.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait before failing.
    type: int
    default: 600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Starts nothing; every execution is reported as C(NOT_STARTED).
  diff_mode:
    support: none
    description: Executions have no before and after.
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: The order verification state machine
  refarch.aws.stepfunctions_state_machine_info:
    name: refarch-orders-verify
  register: sm

- name: Two orders, and their outcomes
  refarch.aws.stepfunctions_execution:
    state_machine_arn: "{{ sm.state_machines[0].arn }}"
    name_prefix: order
    executions:
      - input: {"orderId": "o-1", "items": [{"sku": "WIDGET-1", "quantity": 2}]}
      - input: {"orderId": "o-2", "items": [{"sku": "UNKNOWN", "quantity": 1}]}
  register: orders

- name: Print each outcome
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.status }} {{ item.error or '' }} {{ item.cause or '' }}"
  loop: "{{ orders.executions }}"
"""

RETURN = r"""
executions:
  description: One entry per item of O(executions) (or O(inputs)), in the same order.
  returned: always
  type: list
  sample:
    - name: order-0-3f2a9c1d0b7e
      execution_arn: "arn:aws:states:us-east-1:123456789012:execution:refarch-orders-verify:order-0-3f2a9c1d0b7e"
      status: SUCCEEDED
      input:
        orderId: o-1
        items:
          - sku: WIDGET-1
            quantity: 2
      output:
        orderId: o-1
        status: VERIFIED
        items:
          - sku: WIDGET-1
            quantity: 2
      error: OutOfStock
      cause: 'sku UNKNOWN: 1 requested, 0 available'
  elements: dict
  contains:
    name:
      description: Execution name.
      returned: always
      type: str
      sample: order-0-3f2a9c1d0b7e
    execution_arn:
      description: Execution ARN.
      returned: when not in check mode
      type: str
      sample: arn:aws:states:us-east-1:123456789012:execution:refarch-orders-verify:order-0-3f2a9c1d0b7e
    status:
      description:
        - RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED; NOT_STARTED in check mode; RUNNING with O(wait=false).
      returned: always
      type: str
      sample: SUCCEEDED
    input:
      description: The input, parsed when it is JSON.
      returned: when O(wait=true), not in check mode
      type: raw
      sample: {"orderId": "o-1", "items": [{"sku": "WIDGET-1", "quantity": 2}]}
    output:
      description: The output, parsed when it is JSON; null unless it succeeded.
      returned: when O(wait=true), not in check mode
      type: raw
      sample: {"orderId": "o-1", "status": "VERIFIED", "items": [{"sku": "WIDGET-1", "quantity": 2}]}
    error:
      description: Error name of a failed execution, else null.
      returned: when O(wait=true), not in check mode
      type: str
      sample: OutOfStock
    cause:
      description: Cause of a failed execution, else null.
      returned: when O(wait=true), not in check mode
      type: str
      sample: "sku UNKNOWN: 1 requested, 0 available"
summary:
  description: How many executions ended in each status.
  returned: always
  type: dict
  sample: {"SUCCEEDED": 1, "FAILED": 1}
"""

import time

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import stepfunctions
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client

POLL_DELAY = 0.5


def summarize(executions):
    summary = {}
    for execution in executions:
        summary[execution["status"]] = summary.get(execution["status"], 0) + 1
    return summary


def wait_all(client, executions, timeout, sleep=time.sleep, clock=time.monotonic):
    """Describe running executions until none is left or ``timeout`` passes; True when all finished."""
    deadline = clock() + timeout
    while True:
        running = [i for i, e in enumerate(executions) if e["status"] not in stepfunctions.TERMINAL_STATUSES]
        for index in running:
            executions[index] = stepfunctions.describe_execution(client, executions[index]["execution_arn"])
        if all(e["status"] in stepfunctions.TERMINAL_STATUSES for e in executions):
            return True
        if clock() >= deadline:
            return False
        sleep(POLL_DELAY)


def run_module(module):
    params = module.params
    requests = []
    option = "executions" if params["executions"] else "inputs"
    items = params["executions"] or [dict(input=value, name=None) for value in params["inputs"]]
    # Every input is checked before the first start: a refusal halfway would leave the earlier
    # executions running with no outcome reported.
    problems = [
        "%s[%d]%s: %s" % (option, index, ".input" if option == "executions" else "", problem)
        for index, problem in enumerate(stepfunctions.input_problem(item["input"]) for item in items)
        if problem
    ]
    if problems:
        module.fail_json(msg="; ".join(problems))
    for index, item in enumerate(items):
        name = item.get("name") or stepfunctions.execution_name(params["name_prefix"], index)
        requests.append((name, stepfunctions.execution_input(item["input"])))
    names = [request[0] for request in requests]
    if len(set(names)) != len(names):
        module.fail_json(msg="executions: execution names must be unique")
    if module.check_mode:
        executions = [dict(name=name, status="NOT_STARTED") for name in names]
        module.exit_json(changed=True, executions=executions, summary=summarize(executions))
    client = aws_client(module, "stepfunctions")
    executions = []
    try:
        for name, document in requests:
            arn = stepfunctions.start_execution(client, params["state_machine_arn"], name, document)
            executions.append(dict(name=name, execution_arn=arn, status="RUNNING"))
        finished = True
        if params["wait"]:
            finished = wait_all(client, executions, params["wait_timeout"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(
            e, msg="failed to run executions of %s" % params["state_machine_arn"], executions=executions
        )
    if not finished:
        module.fail_json(
            msg="timed out after %ss: %d execution(s) still running"
            % (params["wait_timeout"], summarize(executions).get("RUNNING", 0)),
            executions=executions,
            summary=summarize(executions),
        )
    module.exit_json(changed=True, executions=executions, summary=summarize(executions))


def main():
    argument_spec = dict(
        state_machine_arn=dict(type="str", required=True),
        executions=dict(
            type="list",
            elements="dict",
            options=dict(input=dict(type="raw", required=True), name=dict(type="str")),
        ),
        inputs=dict(type="list", elements="raw"),
        name_prefix=dict(type="str", default="run"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["executions", "inputs"]],
        required_one_of=[["executions", "inputs"]],
    )
    if module.params["wait_timeout"] < 1:
        module.fail_json(msg="wait_timeout must be positive, got %d" % module.params["wait_timeout"])
    run_module(module)


if __name__ == "__main__":
    main()
