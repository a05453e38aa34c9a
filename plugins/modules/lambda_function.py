#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lambda_function
short_description: A Lambda function whose package is built deterministically from source files
version_added: 0.1.0
description:
  - Creates, updates or deletes a Lambda function (zip package type).
  - With O(source_files) the module builds the package itself, deterministically (entries in name
    order, fixed timestamps and permissions), so unchanged sources give the same C(CodeSha256) and
    the code is compared by that hash; no temporary file is written.
  - Configuration (runtime, handler, role, description, timeout, memory, environment) is compared
    and updated in one call, the code in another, and each waits for C(LastUpdateStatus=Successful).
  - Written instead of using M(amazon.aws.lambda) because that module needs a zip built by another
    task (and a zip built by C(zip) or C(archive) carries file times, so its hash changes on every
    checkout), has no diff output and no notion of the ownership tag.
  - An existing function that lacks the ownership tag of O(deployment) is not touched; the module fails.
  - A role created or changed seconds ago is not yet assumable by Lambda; CreateFunction and
    UpdateFunctionConfiguration are retried for at most 2 minutes on exactly that answer
    (C(InvalidParameterValueException) "The role defined for the function cannot be assumed by Lambda.").
options:
  name:
    description: Function name.
    type: str
    required: true
  state:
    description: Whether the function should exist.
    type: str
    choices: [present, absent]
    default: present
  runtime:
    description: Runtime identifier, for example V(python3.12). Required with O(state=present).
    type: str
  handler:
    description: C(module.function) of the entry point. Required with O(state=present).
    type: str
  role:
    description: ARN of the execution role. Required with O(state=present).
    type: str
  description:
    description: Function description.
    type: str
  timeout:
    description: Timeout in seconds (1-900).
    type: int
  memory_size:
    description: Memory in MB (128-10240).
    type: int
  environment:
    description: Environment variables (all of them; variables not listed are removed).
    type: dict
  source_files:
    description:
      - Files packaged at the root of the zip, under their base names. Mutually exclusive with O(zip_file).
    type: list
    elements: path
  zip_file:
    description: A ready-made zip package. Mutually exclusive with O(source_files).
    type: path
  log_retention_days:
    description:
      - Keep the function's log group C(/aws/lambda/<name>) as a resource of this module, with this
        retention in days and the function's tags. It is created before the function, so Lambda
        writes into it instead of creating an untagged group of its own at the first invocation,
        and teardown (O(state=absent)) deletes it with the function.
      - An untagged group of that name (one Lambda created earlier) gets the tags; a group tagged for
        another deployment is refused.
      - Omit to leave the log group to Lambda. With O(state=absent) the log group is deleted whenever
        it carries this deployment's ownership tag, and left alone otherwise.
      - The function and its log group are both read and checked before either changes.
      - One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653.
    type: int
seealso:
  - module: amazon.aws.lambda
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.lambda_function_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: The role the function runs as
  refarch.aws.iam_role_info:
    name: refarch-orders-verifier
  register: verifier_role

- name: Verifier function, packaged from the role's files
  refarch.aws.lambda_function:
    name: refarch-orders-verifier
    runtime: python3.12
    handler: inventory_verifier.handler
    role: "{{ verifier_role.roles[0].arn }}"
    timeout: 30
    environment:
      INVENTORY: '{"WIDGET-1": 10}'
    source_files:
      - "{{ role_path }}/files/inventory_verifier.py"
    deployment: refarch
"""

RETURN = r"""
function:
  description: The function after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    function_name: refarch-orders-verifier
    function_arn: "arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier"
    code_sha256: "t+grj0MyZBRIhBOSb88cdL4rRZVMun8fTN3Fp58/NXk="
    code_size: 1834
    runtime: python3.12
    handler: inventory_verifier.handler
    role: "arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier"
    description: Checks an order's stock and answers the waiting Step Functions execution
    timeout: 30
    memory_size: 128
    environment:
      INVENTORY: '{"WIDGET-1": 10}'
    state: Active
    last_update_status: Successful
    tags:
      refarch:deployment: refarch
      refarch:stack: sfn_sqs_callback
  contains:
    function_name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-orders-verifier
    function_arn:
      description: ARN (unknown in check mode before creation).
      returned: when the function exists
      type: str
      sample: arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier
    code_sha256:
      description: Base64 SHA-256 of the package, as Lambda reports it.
      returned: when present
      type: str
      sample: t+grj0MyZBRIhBOSb88cdL4rRZVMun8fTN3Fp58/NXk=
    code_size:
      description: Size of the package in bytes.
      returned: when the function exists
      type: int
      sample: 1834
    runtime:
      description: Runtime.
      returned: when present
      type: str
      sample: python3.12
    handler:
      description: Handler, C(<module>.<function>).
      returned: when present
      type: str
      sample: inventory_verifier.handler
    role:
      description: ARN of the execution role.
      returned: when present
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier
    description:
      description: Description (an empty string when none).
      returned: when present
      type: str
      sample: Checks an order's stock and answers the waiting Step Functions execution
    timeout:
      description: Timeout in seconds.
      returned: when present
      type: int
      sample: 30
    memory_size:
      description: Memory in MB.
      returned: when present
      type: int
      sample: 128
    environment:
      description: Environment variables.
      returned: when present
      type: dict
      sample: {"INVENTORY": "{\"WIDGET-1\": 10}"}
    state:
      description: Lambda's C(State) (C(Pending), C(Active), C(Inactive), C(Failed)).
      returned: when the function exists
      type: str
      sample: Active
    last_update_status:
      description: Lambda's C(LastUpdateStatus) (C(InProgress), C(Successful), C(Failed)).
      returned: when the function exists
      type: str
      sample: Successful
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
log_group:
  description:
    - The function's log group after the run (predicted in check mode); empty when absent, and with
      O(state=absent) when it is not this deployment's (it is left alone).
  returned: when O(log_retention_days) is given or O(state=absent)
  type: dict
  sample:
    name: /aws/lambda/refarch-orders-verifier
    arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/refarch-orders-verifier:*"
    retention_in_days: 14
    tags:
      refarch:deployment: refarch
  contains:
    name:
      description: Log group name, C(/aws/lambda/<function name>).
      returned: when present
      type: str
      sample: /aws/lambda/refarch-orders-verifier
    arn:
      description: Log group ARN, as CloudWatch Logs describes it.
      returned: when the log group existed before the run
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/refarch-orders-verifier:*
    retention_in_days:
      description: Days the logs are kept (null when kept forever).
      returned: when present
      type: int
      sample: 14
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch"}
changed_keys:
  description:
    - What differed (V(runtime), V(handler), V(role), V(description), V(timeout), V(memory_size),
      V(environment), V(code_sha256), V(tags)); empty when nothing changed or the function is
      created or deleted.
    - When RV(log_group) is returned, a dict with that list for C(function), and for C(log_group) its
      own (V(retention_in_days), V(tags)).
  returned: always
  type: raw
  sample: [code_sha256]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.awslambda import FunctionService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        runtime=dict(type="str"),
        handler=dict(type="str"),
        role=dict(type="str"),
        description=dict(type="str"),
        timeout=dict(type="int"),
        memory_size=dict(type="int"),
        environment=dict(type="dict"),
        source_files=dict(type="list", elements="path"),
        zip_file=dict(type="path"),
        log_retention_days=dict(type="int"),
    )
    runner.run(
        FunctionService,
        options,
        mutually_exclusive=[["source_files", "zip_file"]],
        required_if=[
            ["state", "present", ["runtime", "handler", "role"]],
            ["state", "present", ["source_files", "zip_file"], True],
        ],
    )


if __name__ == "__main__":
    main()
