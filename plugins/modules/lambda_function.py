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
        it carries this deployment's ownership tag.
      - One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653.
    type: int
  purge_tags:
    description: Remove tags not in O(tags) (the ownership tag always stays).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Verifier function, packaged from the role's files
  refarch.aws.lambda_function:
    name: orders-verifier
    runtime: python3.12
    handler: inventory_verifier.handler
    role: "{{ verifier_role.role.arn }}"
    timeout: 30
    environment:
      INVENTORY: '{"WIDGET-1": 10}'
    source_files:
      - "{{ role_path }}/files/inventory_verifier.py"
    deployment: prod
"""

RETURN = r"""
function:
  description: The function after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    function_name:
      description: Name.
      type: str
      sample: orders-verifier
    function_arn:
      description: ARN (unknown in check mode before creation).
      type: str
      sample: arn:aws:lambda:us-east-1:123456789012:function:orders-verifier
    code_sha256:
      description: Base64 SHA-256 of the package, as Lambda reports it.
      type: str
      sample: t+grj0MyZBRIhBOSb88cdL4rRZVMun8fTN3Fp58/NXk=
    runtime:
      description: Runtime.
      type: str
      sample: python3.12
    timeout:
      description: Timeout in seconds.
      type: int
      sample: 30
    environment:
      description: Environment variables.
      type: dict
      sample: {"INVENTORY": "{}"}
    state:
      description: Lambda's C(State).
      type: str
      sample: Active
    tags:
      description: Tags, the ownership tag included.
      type: dict
      sample: {"refarch:deployment": "prod"}
log_group:
  description: The function's log group after the run (predicted in check mode); empty when absent.
  returned: when O(log_retention_days) is given or O(state=absent)
  type: dict
  sample: {"name": "/aws/lambda/orders-verifier", "retention_in_days": 14, "tags": {"refarch:deployment": "prod"}}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.refarch.aws.plugins.module_utils import awslambda, diffing, logs, ownership, resource
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client, wait_for


def load_package(module):
    params = module.params
    try:
        if params["source_files"]:
            return awslambda.build_zip(awslambda.read_sources(params["source_files"]))
        with open(params["zip_file"], "rb") as handle:
            return handle.read()
    except (OSError, ValueError) as e:
        module.fail_json(msg="cannot read the function's code: %s" % e)
    return None


def wait_ready(module, client):
    if not module.params["wait"]:
        return
    try:
        wait_for(
            lambda: awslambda.get_function(client, module.params["name"]),
            awslambda.function_ready,
            module.params["wait_timeout"],
            "function %s to be Active with its last update Successful" % module.params["name"],
            delay=2,
            failed=awslambda.function_failed,
        )
    except WaitTimeout as e:
        module.fail_json(msg=str(e))


def predicted(desired, current):
    after = dict(current or {})
    for key, value in desired.items():
        if value is not None:
            after[key] = value
    return after


def ensure_present(module, client, current):
    params = module.params
    package = load_package(module)
    tags = ownership.desired_tags(params["deployment"], params["tags"])
    desired = awslambda.build_desired(params, awslambda.code_sha256(package), tags)
    if current is None:
        if module.check_mode:
            return True, diffing.drop_none(predicted(desired, dict(function_name=params["name"])))
        awslambda.create_function(client, awslambda.create_arguments(params["name"], desired, package))
        wait_ready(module, client)
        return True, awslambda.get_function(client, params["name"])
    resource.fail_unless_owned(module, "function", params["name"], current["tags"])
    updates = awslambda.configuration_updates(desired, current)
    code_changed = desired["code_sha256"] != current["code_sha256"]
    to_set, to_remove = ownership.tag_changes(current["tags"], tags, params["purge_tags"])
    if not (updates or code_changed or to_set or to_remove):
        return False, current
    after_tags = dict((k, v) for k, v in current["tags"].items() if k not in to_remove)
    after_tags.update(to_set)
    if module.check_mode:
        return True, predicted(dict(desired, tags=after_tags), current)
    if updates:
        wait_ready(module, client)  # an update in progress from elsewhere
        awslambda.update_configuration(client, params["name"], updates)
        wait_ready(module, client)
    if code_changed:
        awslambda.update_code(client, params["name"], package)
        wait_ready(module, client)
    awslambda.update_tags(client, current["function_arn"], to_set, to_remove)
    return True, awslambda.get_function(client, params["name"])


def manage_log_group(module, logs_client):
    """(changed, before, after) of the function's log group: kept with ``log_retention_days`` and the
    tags when present; deleted with the function when it carries this deployment's tag."""
    params = module.params
    name = logs.lambda_log_group_name(params["name"])
    current = logs.get_log_group(logs_client, name)
    if params["state"] == "absent":
        if current is None or not ownership.is_owned(current["tags"], params["deployment"]):
            return False, current, current  # Lambda's own untagged group, or another deployment's
        if not module.check_mode:
            logs.delete_log_group(logs_client, name)
        return True, current, {}
    owner = (current or {}).get("tags", {}).get(ownership.OWNERSHIP_TAG_KEY)
    if owner not in (None, params["deployment"]):
        module.fail_json(
            msg="log group %s belongs to deployment %s (tag %s); refusing to change it"
            % (name, owner, ownership.OWNERSHIP_TAG_KEY)
        )
    tags = ownership.desired_tags(params["deployment"], params["tags"])
    plan = logs.plan_log_group(current, params["log_retention_days"], tags, params["purge_tags"])
    if not logs.has_changes(plan):
        return False, current, current
    after = logs.predicted(name, current, plan)
    if not module.check_mode:
        logs.apply_plan(logs_client, name, current, plan)
    return True, current, after


def run_module(module):
    params = module.params
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", params["name"]):
        module.fail_json(msg="name: %r must be 1-64 letters, digits, hyphens or underscores" % params["name"])
    if params["timeout"] is not None and not 1 <= params["timeout"] <= 900:
        module.fail_json(msg="timeout must be between 1 and 900 seconds")
    if params["memory_size"] is not None and not 128 <= params["memory_size"] <= 10240:
        module.fail_json(msg="memory_size must be between 128 and 10240 MB")
    if params["environment"] is not None:
        params["environment"] = dict((str(k), str(v)) for k, v in params["environment"].items())
    message = logs.check_retention("log_retention_days", params["log_retention_days"])
    if message:
        module.fail_json(msg=message)
    client = aws_client(module, "lambda", extra_error_codes=awslambda.EXTRA_RETRY_CODES)
    name = params["name"]
    # The log group is managed when asked for; on delete it goes too whenever it carries our tag.
    with_log_group = params["state"] == "absent" or params["log_retention_days"] is not None
    log_changed, log_before, log_after = False, None, None
    try:
        current = awslambda.get_function(client, name)
        if params["state"] == "present":
            if with_log_group:
                # The log group first: Lambda would otherwise create it, untagged, at the first invocation.
                log_changed, log_before, log_after = manage_log_group(module, aws_client(module, "logs"))
            changed, after = ensure_present(module, client, current)
        else:
            changed, after = resource.ensure_absent(
                module, "function", name, current, lambda f: awslambda.delete_function(client, name)
            )
            log_changed, log_before, log_after = manage_log_group(module, aws_client(module, "logs"))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="failed to manage function %s" % name)
    result = dict(changed=changed or log_changed, function=after or {})
    if with_log_group:
        result["log_group"] = log_after or {}
    if module._diff:
        if with_log_group:
            result["diff"] = diffing.diff_result(
                dict(function=current or {}, log_group=log_before or {}),
                dict(function=after or {}, log_group=log_after or {}),
            )
        else:
            result["diff"] = diffing.diff_result(current, after)
    module.exit_json(**result)


def main():
    argument_spec = dict(
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
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[["source_files", "zip_file"]],
        required_if=[
            ["state", "present", ["runtime", "handler", "role"]],
            ["state", "present", ["source_files", "zip_file"], True],
        ],
    )
    run_module(module)


if __name__ == "__main__":
    main()
