# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Step Functions state machines and executions: API calls and pure build/compare functions.

A definition is compared as normalized JSON (key order and spacing ignored), never as text.
"""

from __future__ import absolute_import, division, print_function

import json
import re
import time
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils import diffing, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_until_role_propagates
from ansible_collections.refarch.aws.plugins.module_utils.diffing import normalized_json

NOT_FOUND_CODES = ("StateMachineDoesNotExist", "ResourceNotFound")
TERMINAL_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
EXECUTION_NAME_MAX = 80
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

# A role created or changed seconds ago is not yet assumable by Step Functions: CreateStateMachine and
# UpdateStateMachine answer AccessDeniedException with this message (AWS's own CloudFormation provider
# for AWS::StepFunctions::StateMachine retries exactly this; IAM propagation takes seconds, rarely a
# minute or two). Any other AccessDeniedException is the caller's own missing permission: raised at once.
ROLE_NOT_READY = {
    "AccessDeniedException": (
        "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume "
        "the provided role",
    )
}
ROLE_READY_TIMEOUT = 120
# DeleteStateMachine is asynchronous: recreating the name at once (a deploy right after a teardown)
# answers StateMachineDeleting until the deletion is done; the client's backoff retries it.
EXTRA_RETRY_CODES = ["StateMachineDeleting"]
ROLE_READY_DELAY = 5

DEFAULT_LOGGING = dict(level="OFF", include_execution_data=False, log_group_arn=None)


# --------------------------------------------------------------------------- state machines: pure


def parse_definition(definition):
    """The definition as an object, from a dict or a JSON string; ValueError when it is neither."""
    if isinstance(definition, dict):
        return definition
    try:
        value = json.loads(definition)
    except (TypeError, ValueError) as e:
        raise ValueError("definition is not valid JSON: %s" % e) from e
    if not isinstance(value, dict):
        raise ValueError("definition must be a JSON object")
    return value


def validate_definition(definition):
    """The Amazon States Language basics, checked before any API call: a message, or None."""
    states = definition.get("States")
    if not isinstance(states, dict) or not states:
        return "definition has no States"
    if definition.get("StartAt") not in states:
        return "definition StartAt %r names no state" % definition.get("StartAt")
    for name, state in states.items():
        for key in ("Next", "Default"):
            if key in state and state[key] not in states:
                return "state %s: %s %r names no state" % (name, key, state[key])
        for catcher in state.get("Catch", []) + state.get("Choices", []):
            if "Next" in catcher and catcher["Next"] not in states:
                return "state %s: a Catch/Choice names the missing state %r" % (name, catcher["Next"])
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if isinstance(timeout, int) and isinstance(heartbeat, int) and heartbeat >= timeout:
            return "state %s: HeartbeatSeconds (%d) must be smaller than TimeoutSeconds (%d)" % (
                name,
                heartbeat,
                timeout,
            )
    return None


def normalize_logging(configuration):
    configuration = configuration or {}
    destinations = configuration.get("destinations") or []
    group = None
    if destinations:
        group = (destinations[0].get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
    return dict(
        level=configuration.get("level", "OFF"),
        include_execution_data=bool(configuration.get("includeExecutionData", False)),
        log_group_arn=group,
    )


def logging_to_api(logging):
    result = dict(level=logging["level"], includeExecutionData=bool(logging.get("include_execution_data")))
    if logging.get("log_group_arn"):
        result["destinations"] = [dict(cloudWatchLogsLogGroup=dict(logGroupArn=logging["log_group_arn"]))]
    return result


def normalize_state_machine(description, tags):
    return dict(
        name=description["name"],
        arn=description["stateMachineArn"],
        type=description.get("type", "STANDARD"),
        role_arn=description.get("roleArn"),
        definition=normalized_json(description["definition"]),
        logging=normalize_logging(description.get("loggingConfiguration")),
        tracing=bool((description.get("tracingConfiguration") or {}).get("enabled", False)),
        status=description.get("status"),
        tags=dict(tags or {}),
    )


def build_desired(params, definition, tags):
    logging = params.get("logging")
    if logging is not None:
        logging = dict(DEFAULT_LOGGING, **dict((k, v) for k, v in logging.items() if v is not None))
    return dict(
        name=params["name"],
        type=params.get("type"),
        role_arn=params.get("role_arn"),
        definition=normalized_json(definition),
        logging=logging,
        tracing=params.get("tracing"),
        tags=tags,
    )


def update_arguments(desired, current):
    """UpdateStateMachine keyword arguments for what differs; {} when nothing does."""
    arguments = {}
    if desired["definition"] != current["definition"]:
        arguments["definition"] = desired["definition"]
    if desired.get("role_arn") is not None and desired["role_arn"] != current["role_arn"]:
        arguments["roleArn"] = desired["role_arn"]
    if desired.get("logging") is not None and desired["logging"] != current["logging"]:
        arguments["loggingConfiguration"] = logging_to_api(desired["logging"])
    if desired.get("tracing") is not None and desired["tracing"] != current["tracing"]:
        arguments["tracingConfiguration"] = dict(enabled=desired["tracing"])
    return arguments


# UpdateStateMachine argument -> the normalized key it changes (``changed_keys``)
ARGUMENT_KEYS = dict(
    definition="definition", roleArn="role_arn", loggingConfiguration="logging", tracingConfiguration="tracing"
)


def check_input(params):
    """Messages naming each bad parameter (the Amazon States Language basics included); no API call."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", params["name"]):
        return ["name: %r must be 1-80 letters, digits, hyphens or underscores" % params["name"]]
    if params["state"] == "absent":
        return []
    messages = []
    if not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", params["role_arn"]):
        messages.append("role_arn: %r is not an IAM role ARN" % params["role_arn"])
    try:
        message = validate_definition(parse_definition(params["definition"]))
    except ValueError as e:
        message = str(e)
    if message:
        messages.append("definition: %s" % message)
    logging = params["logging"]
    if logging and logging["level"] != "OFF" and not logging.get("log_group_arn"):
        messages.append("logging.log_group_arn is required when logging.level is not OFF")
    return messages


def create_arguments(desired):
    arguments = dict(
        name=desired["name"],
        definition=desired["definition"],
        roleArn=desired["role_arn"],
        type=desired.get("type") or "STANDARD",
        tags=ansible_dict_to_boto3_tag_list(desired["tags"], "key", "value"),
    )
    if desired.get("logging") is not None:
        arguments["loggingConfiguration"] = logging_to_api(desired["logging"])
    if desired.get("tracing") is not None:
        arguments["tracingConfiguration"] = dict(enabled=desired["tracing"])
    return arguments


# --------------------------------------------------------------------------- state machines: API


def find_state_machine_arn(client, name):
    kwargs = {}
    while True:
        page = client.list_state_machines(aws_retry=True, **kwargs)
        for machine in page.get("stateMachines", []):
            if machine["name"] == name:
                return machine["stateMachineArn"]
        if not page.get("nextToken"):
            return None
        kwargs["nextToken"] = page["nextToken"]


def list_state_machine_arns(client):
    arns, kwargs = [], {}
    while True:
        page = client.list_state_machines(aws_retry=True, **kwargs)
        arns.extend(m["stateMachineArn"] for m in page.get("stateMachines", []))
        if not page.get("nextToken"):
            return arns
        kwargs["nextToken"] = page["nextToken"]


def describe_state_machine(client, arn):
    try:
        description = client.describe_state_machine(stateMachineArn=arn, aws_retry=True)
        tags = client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags", [])
    except is_boto3_error_code(NOT_FOUND_CODES):
        return None
    if description.get("status") == "DELETING":
        return None
    return normalize_state_machine(description, boto3_tag_list_to_ansible_dict(tags, "key", "value"))


def state_machine_arn(role_arn, region, name):
    """The ARN of the state machine ``name`` that runs as ``role_arn``: a state machine's role is
    in its own account (iam:PassRole does not cross accounts), so partition and account are the role's."""
    parts = role_arn.split(":")
    return "arn:%s:states:%s:%s:stateMachine:%s" % (parts[1], region, parts[4], name)


def get_state_machine(client, name, arn=None):
    """The state machine by its ARN when known (one call less than finding it by name)."""
    arn = arn or find_state_machine_arn(client, name)
    return describe_state_machine(client, arn) if arn else None


def _while_role_propagates(call, sleep, clock):
    return retry_until_role_propagates(
        call, ROLE_NOT_READY, timeout=ROLE_READY_TIMEOUT, delay=ROLE_READY_DELAY, sleep=sleep, clock=clock
    )


def create_state_machine(client, arguments, sleep=time.sleep, clock=time.monotonic):
    """CreateStateMachine, retried (bounded) while Step Functions cannot assume a just-created role yet."""
    response = _while_role_propagates(
        lambda: client.create_state_machine(aws_retry=True, **arguments), sleep=sleep, clock=clock
    )
    return response["stateMachineArn"]


def update_state_machine(client, arn, arguments, sleep=time.sleep, clock=time.monotonic):
    """UpdateStateMachine; a new ``roleArn`` is checked as at create, so it is retried the same way."""
    _while_role_propagates(
        lambda: client.update_state_machine(stateMachineArn=arn, aws_retry=True, **arguments),
        sleep=sleep,
        clock=clock,
    )


def update_tags(client, arn, to_set, to_remove):
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_resource(
            resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_set, "key", "value"), aws_retry=True
        )


def delete_state_machine(client, arn):
    try:
        client.delete_state_machine(stateMachineArn=arn, aws_retry=True)
    except is_boto3_error_code(NOT_FOUND_CODES):
        pass


class StateMachineService(runner.Service):
    """The state machine of a ``stepfunctions_state_machine`` task: read by the ARN its role implies,
    its definition compared as normalized JSON, every difference in one UpdateStateMachine call."""

    kind = "state machine"
    result_key = "state_machine"
    client_names = ("stepfunctions",)
    extra_error_codes = {"stepfunctions": EXTRA_RETRY_CODES}

    validate = staticmethod(check_input)

    def read(self):
        role_arn = self.params.get("role_arn")
        known = state_machine_arn(role_arn, self.client.meta.region_name, self.name()) if role_arn else None
        return get_state_machine(self.client, self.name(), arn=known)

    def desired(self, current, tags):
        return build_desired(self.params, parse_definition(self.params["definition"]), tags)

    def plan(self, desired, current):
        if desired["type"] != current["type"]:
            raise runner.Refused(
                "state machine %s is %s; its type cannot change to %s (delete it first)"
                % (self.name(), current["type"], desired["type"])
            )
        self.arguments = update_arguments(desired, current)
        return sorted(ARGUMENT_KEYS[argument] for argument in self.arguments)

    def predict(self, desired, current):
        if current is None:
            return diffing.drop_none(desired)
        return diffing.merged(current, dict(desired, tags=None))

    def create(self, desired):
        return describe_state_machine(self.client, create_state_machine(self.client, create_arguments(desired)))

    def update(self, desired, current, changes, tag_changes):
        if self.arguments:
            update_state_machine(self.client, current["arn"], self.arguments)
        update_tags(self.client, current["arn"], tag_changes.set, tag_changes.remove)
        return describe_state_machine(self.client, current["arn"])

    def delete(self, current):
        delete_state_machine(self.client, current["arn"])


class StateMachinesInfo(runner.InfoService):
    """The state machines a ``stepfunctions_state_machine_info`` task lists."""

    kind = "state machines"
    result_key = "state_machines"
    client_names = ("stepfunctions",)

    def by_name(self, name):
        return get_state_machine(self.client, name)

    def list_all(self):
        return [describe_state_machine(self.client, arn) for arn in list_state_machine_arns(self.client)]


# --------------------------------------------------------------------------- executions


def execution_name(prefix, index, token=None):
    """A unique execution name: ``<prefix>-<index>-<random>``, at most 80 safe characters."""
    token = token or uuid.uuid4().hex[:12]
    suffix = "-%d-%s" % (index, token)
    prefix = _NAME_UNSAFE.sub("-", prefix)[: EXECUTION_NAME_MAX - len(suffix)]
    return prefix + suffix


def execution_input(value):
    """The execution input as a JSON string (a given string is passed through as it is)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


# StartExecution's input: valid JSON text of at most 256 KiB (UTF-8), or the call fails with
# InvalidExecutionInput — by then the executions before it have started.
# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
MAX_INPUT_BYTES = 262144


def input_problem(value):
    """Why StartExecution would refuse ``value`` as an input, or None."""
    document = execution_input(value)
    try:
        json.loads(document)
    except ValueError:
        return "not JSON text: %r" % (document[:60],)
    size = len(document.encode("utf-8"))
    if size > MAX_INPUT_BYTES:
        return "%d bytes, more than the %d StartExecution takes" % (size, MAX_INPUT_BYTES)
    return None


def _json_or_text(value):
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def normalize_execution(description):
    return dict(
        name=description["name"],
        execution_arn=description["executionArn"],
        status=description["status"],
        input=_json_or_text(description.get("input")),
        output=_json_or_text(description.get("output")),
        error=description.get("error"),
        cause=description.get("cause"),
    )


def start_execution(client, arn, name, document):
    return client.start_execution(stateMachineArn=arn, name=name, input=document, aws_retry=True)["executionArn"]


def describe_execution(client, arn):
    return normalize_execution(client.describe_execution(executionArn=arn, aws_retry=True))
