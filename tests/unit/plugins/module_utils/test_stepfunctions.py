import json

import boto3
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.refarch.aws.plugins.module_utils import runner, stepfunctions
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_decorator
from ansible_collections.refarch.aws.plugins.modules import stepfunctions_execution
from botocore.stub import Stubber

from .fake_clock import FakeClock

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:sm"
ROLE = "arn:aws:iam::123456789012:role/refarch/states"
OWNED = {"refarch:deployment": "refarch"}
DEFINITION = {
    "StartAt": "Wait",
    "States": {
        "Wait": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "TimeoutSeconds": 60,
            "HeartbeatSeconds": 30,
            "Catch": [{"ErrorEquals": ["OutOfStock"], "Next": "Short"}],
            "Next": "Done",
        },
        "Short": {"Type": "Fail", "Error": "OutOfStock", "CausePath": "$.Cause"},
        "Done": {"Type": "Succeed"},
    },
}
DESCRIPTION = {
    "name": "sm",
    "stateMachineArn": ARN,
    "type": "STANDARD",
    "roleArn": ROLE,
    "definition": json.dumps(DEFINITION, indent=2),
    "status": "ACTIVE",
    "creationDate": 0,
    "loggingConfiguration": {"level": "OFF", "includeExecutionData": False},
    "tracingConfiguration": {"enabled": False},
}


def params(**overrides):
    value = dict(name="sm", type="STANDARD", role_arn=ROLE, logging=None, tracing=False)
    value.update(overrides)
    return value


def current():
    return stepfunctions.normalize_state_machine(DESCRIPTION, OWNED)


@pytest.mark.parametrize("definition", [DEFINITION, json.dumps(DEFINITION), json.dumps(DEFINITION, indent=4)])
def test_parse_definition(definition):
    assert stepfunctions.parse_definition(definition) == DEFINITION


@pytest.mark.parametrize(
    ("definition", "message"), [("{", "not valid JSON"), ("[1]", "JSON object"), (None, "not valid JSON")]
)
def test_parse_definition_rejects(definition, message):
    with pytest.raises(ValueError, match=message):
        stepfunctions.parse_definition(definition)


def broken(path, value):
    definition = json.loads(json.dumps(DEFINITION))
    target = definition
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return definition


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"StartAt": "A"}, "no States"),
        (broken(["StartAt"], "Nope"), "StartAt 'Nope' names no state"),
        (broken(["States", "Wait", "Next"], "Nope"), "state Wait: Next 'Nope' names no state"),
        (broken(["States", "Wait", "Catch"], [{"ErrorEquals": ["X"], "Next": "Gone"}]), "missing state 'Gone'"),
        (
            broken(["States", "Wait", "HeartbeatSeconds"], 60),
            "HeartbeatSeconds (60) must be smaller than TimeoutSeconds (60)",
        ),
    ],
)
def test_validate_definition(definition, message):
    assert message in stepfunctions.validate_definition(definition)


def test_a_good_definition_passes():
    assert stepfunctions.validate_definition(DEFINITION) is None


def test_normalized_definitions_ignore_order_and_spacing():
    assert current()["definition"] == json.dumps(DEFINITION, sort_keys=True, separators=(",", ":"))
    desired = stepfunctions.build_desired(params(), json.loads(json.dumps(DEFINITION, sort_keys=True)), OWNED)
    assert stepfunctions.update_arguments(desired, current()) == {}


@pytest.mark.parametrize(
    ("overrides", "keys"),
    [
        (dict(role_arn=ROLE + "2"), ["roleArn"]),
        (dict(role_arn=None), []),
        (dict(tracing=True), ["tracingConfiguration"]),
        (dict(tracing=None), []),
        (dict(logging=dict(level="OFF", include_execution_data=False, log_group_arn=None)), []),
        (
            dict(logging=dict(level="ERROR", include_execution_data=True, log_group_arn="arn:lg:*")),
            ["loggingConfiguration"],
        ),
    ],
)
def test_update_arguments_name_what_differs(overrides, keys):
    desired = stepfunctions.build_desired(params(**overrides), DEFINITION, OWNED)
    assert sorted(stepfunctions.update_arguments(desired, current())) == keys


def test_a_changed_definition_is_updated():
    desired = stepfunctions.build_desired(params(), broken(["States", "Wait", "TimeoutSeconds"], 90), OWNED)
    assert list(stepfunctions.update_arguments(desired, current())) == ["definition"]


def test_logging_round_trip():
    logging = dict(level="ALL", include_execution_data=True, log_group_arn="arn:aws:logs:us-east-1:1:log-group:g:*")
    assert stepfunctions.normalize_logging(stepfunctions.logging_to_api(logging)) == logging
    assert stepfunctions.normalize_logging(None) == stepfunctions.DEFAULT_LOGGING


def test_create_arguments():
    desired = stepfunctions.build_desired(params(logging=dict(level="OFF")), DEFINITION, OWNED)
    arguments = stepfunctions.create_arguments(desired)
    assert arguments["tags"] == [{"key": "refarch:deployment", "value": "refarch"}]
    assert arguments["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    assert arguments["tracingConfiguration"] == {"enabled": False}
    assert arguments["type"] == "STANDARD"


@pytest.mark.parametrize(
    ("prefix", "index", "expected"),
    [
        ("order", 3, "order-3-abc"),
        ("bad name/with:chars", 0, "bad-name-with-chars-0-abc"),
        ("x" * 100, 12, "x" * 73 + "-12-abc"),
    ],
)
def test_execution_names_are_safe_and_short(prefix, index, expected):
    name = stepfunctions.execution_name(prefix, index, token="abc")
    assert name == expected and len(name) <= 80


def test_execution_names_are_unique():
    assert len({stepfunctions.execution_name("o", 0) for _attempt in range(100)}) == 100


@pytest.mark.parametrize(("value", "text"), [({"b": 1, "a": 2}, '{"a": 2, "b": 1}'), ("raw", "raw"), ([1], "[1]")])
def test_execution_input(value, text):
    assert stepfunctions.execution_input(value) == text


def test_normalize_execution_parses_json_output():
    execution = stepfunctions.normalize_execution(
        {"name": "e", "executionArn": "a", "status": "SUCCEEDED", "input": "{}", "output": '{"status": "VERIFIED"}'}
    )
    assert execution["output"] == {"status": "VERIFIED"} and execution["error"] is None
    failed = stepfunctions.normalize_execution(
        {"name": "e", "executionArn": "a", "status": "FAILED", "error": "OutOfStock", "cause": "sku X"}
    )
    assert (failed["error"], failed["cause"], failed["output"]) == ("OutOfStock", "sku X", None)


@pytest.fixture
def stub():
    client = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, retry_decorator()), stubber
        stubber.assert_no_pending_responses()


def test_get_state_machine_finds_it_by_name_across_pages(stub):
    client, stubber = stub
    other = {"name": "other", "stateMachineArn": ARN + "x", "type": "STANDARD", "creationDate": 0}
    stubber.add_response("list_state_machines", {"stateMachines": [other], "nextToken": "n"}, {})
    stubber.add_response(
        "list_state_machines",
        {"stateMachines": [{"name": "sm", "stateMachineArn": ARN, "type": "STANDARD", "creationDate": 0}]},
        {"nextToken": "n"},
    )
    stubber.add_response("describe_state_machine", DESCRIPTION, {"stateMachineArn": ARN})
    stubber.add_response(
        "list_tags_for_resource", {"tags": [{"key": "refarch:deployment", "value": "refarch"}]}, {"resourceArn": ARN}
    )
    assert stepfunctions.get_state_machine(client, "sm") == current()


def test_the_arn_comes_from_the_role_s_partition_and_account():
    role = "arn:aws-cn:iam::210987654321:role/refarch/states"
    assert stepfunctions.state_machine_arn(role, "cn-north-1", "sm") == (
        "arn:aws-cn:states:cn-north-1:210987654321:stateMachine:sm"
    )
    assert stepfunctions.state_machine_arn(ROLE, "us-east-1", "sm") == ARN


def test_get_state_machine_by_its_known_arn_makes_no_list_call(stub):
    client, stubber = stub
    stubber.add_response("describe_state_machine", DESCRIPTION, {"stateMachineArn": ARN})
    stubber.add_response(
        "list_tags_for_resource", {"tags": [{"key": "refarch:deployment", "value": "refarch"}]}, {"resourceArn": ARN}
    )
    assert stepfunctions.get_state_machine(client, "sm", arn=ARN) == current()
    stubber.add_client_error("describe_state_machine", service_error_code="StateMachineDoesNotExist")
    assert stepfunctions.get_state_machine(client, "sm", arn=ARN) is None


def test_a_missing_or_deleting_state_machine_is_none(stub):
    client, stubber = stub
    stubber.add_response("list_state_machines", {"stateMachines": []}, {})
    assert stepfunctions.get_state_machine(client, "sm") is None
    stubber.add_client_error("describe_state_machine", service_error_code="StateMachineDoesNotExist")
    assert stepfunctions.describe_state_machine(client, ARN) is None
    stubber.add_response("describe_state_machine", dict(DESCRIPTION, status="DELETING"))
    stubber.add_response("list_tags_for_resource", {"tags": []})
    assert stepfunctions.describe_state_machine(client, ARN) is None
    stubber.add_client_error("delete_state_machine", service_error_code="StateMachineDoesNotExist")
    stepfunctions.delete_state_machine(client, ARN)


def test_update_tags(stub):
    client, stubber = stub
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["old"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "new", "value": "1"}]})
    stepfunctions.update_tags(client, ARN, {"new": "1"}, ["old"])


def describe(name, status, **extra):
    return dict(
        {"executionArn": "arn:" + name, "stateMachineArn": ARN, "name": name, "status": status, "startDate": 0}, **extra
    )


def test_wait_all_describes_only_running_executions_until_all_finish(stub):
    client, stubber = stub
    executions = [dict(name=n, execution_arn="arn:" + n, status="RUNNING") for n in ("a", "b")]
    stubber.add_response("describe_execution", describe("a", "SUCCEEDED", output="{}"), {"executionArn": "arn:a"})
    stubber.add_response("describe_execution", describe("b", "RUNNING"), {"executionArn": "arn:b"})
    stubber.add_response("describe_execution", describe("b", "FAILED", error="OutOfStock"), {"executionArn": "arn:b"})
    sleeps = []
    assert stepfunctions_execution.wait_all(client, executions, 60, sleep=sleeps.append, clock=lambda: 0)
    assert [e["status"] for e in executions] == ["SUCCEEDED", "FAILED"]
    assert len(sleeps) == 1
    assert stepfunctions_execution.summarize(executions) == {"SUCCEEDED": 1, "FAILED": 1}


def test_wait_all_gives_up_at_the_deadline(stub):
    client, stubber = stub
    executions = [dict(name="a", execution_arn="arn:a", status="RUNNING")]
    stubber.add_response("describe_execution", describe("a", "RUNNING"), {"executionArn": "arn:a"})
    ticks = iter([0, 100])
    assert not stepfunctions_execution.wait_all(client, executions, 60, sleep=lambda _: None, clock=lambda: next(ticks))
    assert executions[0]["status"] == "RUNNING"


class Exit(Exception):
    pass


class CheckModeModule:
    check_mode = True

    def __init__(self, **params):
        self.params = dict(
            dict(executions=None, inputs=None, name_prefix="order", wait=True, wait_timeout=60), **params
        )

    def exit_json(self, **result):
        self.result = result
        raise Exit

    fail_json = exit_json

    def client(self, *args, **kwargs):
        raise AssertionError("check mode must not build a client")


def test_check_mode_starts_nothing_and_reports_not_started():
    module = CheckModeModule(inputs=[{"orderId": "a"}, {"orderId": "b"}])
    with pytest.raises(Exit):
        stepfunctions_execution.run_module(module)
    assert module.result["changed"] is True
    assert [e["status"] for e in module.result["executions"]] == ["NOT_STARTED", "NOT_STARTED"]
    assert module.result["summary"] == {"NOT_STARTED": 2}


def test_duplicate_execution_names_fail_before_any_call():
    module = CheckModeModule(executions=[dict(name="x", input={}), dict(name="x", input={})])
    with pytest.raises(Exit):
        stepfunctions_execution.run_module(module)
    assert module.result["msg"] == "executions: execution names must be unique"


ROLE_NOT_READY = (
    "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume "
    "the provided role."
)


def test_create_state_machine_waits_while_the_new_role_propagates(stub):
    client, stubber = stub
    for _attempt in range(2):
        stubber.add_client_error("create_state_machine", "AccessDeniedException", ROLE_NOT_READY, 400)
    stubber.add_response("create_state_machine", {"stateMachineArn": ARN, "creationDate": "2024-01-01"})
    clock = FakeClock()
    arguments = stepfunctions.create_arguments(stepfunctions.build_desired(params(), DEFINITION, OWNED))
    assert stepfunctions.create_state_machine(client, arguments, sleep=clock.sleep, clock=clock) == ARN
    assert clock.now == 2 * stepfunctions.ROLE_READY_DELAY


def test_update_state_machine_waits_while_a_new_role_propagates(stub):
    client, stubber = stub
    stubber.add_client_error("update_state_machine", "AccessDeniedException", ROLE_NOT_READY, 400)
    stubber.add_response("update_state_machine", {"updateDate": "2024-01-01"})
    clock = FakeClock()
    stepfunctions.update_state_machine(client, ARN, {"roleArn": ROLE}, sleep=clock.sleep, clock=clock)
    assert clock.now == stepfunctions.ROLE_READY_DELAY


def test_a_role_that_never_becomes_assumable_fails_after_the_bound(stub):
    client, stubber = stub
    attempts = stepfunctions.ROLE_READY_TIMEOUT // stepfunctions.ROLE_READY_DELAY + 1
    for _attempt in range(attempts):
        stubber.add_client_error("create_state_machine", "AccessDeniedException", ROLE_NOT_READY, 400)
    clock = FakeClock()
    arguments = stepfunctions.create_arguments(stepfunctions.build_desired(params(), DEFINITION, OWNED))
    with pytest.raises(botocore.exceptions.ClientError, match="Neither the global service principal"):
        stepfunctions.create_state_machine(client, arguments, sleep=clock.sleep, clock=clock)
    assert clock.now == stepfunctions.ROLE_READY_TIMEOUT


def test_the_callers_own_access_denied_is_raised_at_once(stub):
    client, stubber = stub
    message = "User: arn:aws:iam::123456789012:user/u is not authorized to perform: states:CreateStateMachine"
    stubber.add_client_error("create_state_machine", "AccessDeniedException", message, 400)
    clock = FakeClock()
    arguments = stepfunctions.create_arguments(stepfunctions.build_desired(params(), DEFINITION, OWNED))
    with pytest.raises(botocore.exceptions.ClientError, match="states:CreateStateMachine"):
        stepfunctions.create_state_machine(client, arguments, sleep=clock.sleep, clock=clock)
    assert clock.now == 0


def test_a_name_still_being_deleted_is_retried_by_the_modules_client():
    client = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    retrying = RetryingBotoClientWrapper(client, retry_decorator(stepfunctions.EXTRA_RETRY_CODES))
    with Stubber(client) as stubber:
        stubber.add_client_error("create_state_machine", "StateMachineDeleting", "State machine is being deleted")
        stubber.add_response("create_state_machine", {"stateMachineArn": ARN, "creationDate": "2024-01-01"})
        arguments = stepfunctions.create_arguments(stepfunctions.build_desired(params(), DEFINITION, OWNED))
        assert stepfunctions.create_state_machine(retrying, arguments) == ARN
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "value, problem",
    [
        ({"orderId": "o-1"}, None),
        ('{"orderId": "o-1"}', None),
        ("[1, 2]", None),
        ("plain order", "not JSON text: 'plain order'"),
        ({"blob": "x" * 262144}, "262156 bytes, more than the 262144 StartExecution takes"),
    ],
)
def test_input_problem_is_what_start_execution_refuses(value, problem):
    assert stepfunctions.input_problem(value) == problem


def service_params(**overrides):
    value = dict(
        params(state="present", definition=DEFINITION, deployment="refarch", tags=None, purge_tags=True), **overrides
    )
    return value


def test_the_service_updates_what_differs_and_names_it(stub):
    client, stubber = stub
    stubber.add_response("describe_state_machine", DESCRIPTION, {"stateMachineArn": ARN})
    stubber.add_response("list_tags_for_resource", {"tags": [{"key": k, "value": v} for k, v in OWNED.items()]})
    changed = dict(DEFINITION, Comment="second")
    service = stepfunctions.StateMachineService({"stepfunctions": client}, service_params(definition=changed))
    result = runner.execute(service, service.params, check_mode=True)  # reads only: the stubber refuses the rest
    assert result["changed_keys"] == ["definition"]
    assert json.loads(result["state_machine"]["definition"])["Comment"] == "second"


def test_the_service_refuses_a_type_change(stub):
    client, stubber = stub
    stubber.add_response("describe_state_machine", DESCRIPTION, {"stateMachineArn": ARN})
    stubber.add_response("list_tags_for_resource", {"tags": [{"key": k, "value": v} for k, v in OWNED.items()]})
    service = stepfunctions.StateMachineService({"stepfunctions": client}, service_params(type="EXPRESS"))
    with pytest.raises(runner.Refused, match="state machine sm is STANDARD; its type cannot change to EXPRESS"):
        runner.execute(service, service.params, check_mode=False)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(name="a b"), "name: 'a b' must be"),
        (dict(role_arn="states-role"), "role_arn: 'states-role' is not an IAM role ARN"),
        (dict(definition="{not json"), "definition: definition is not valid JSON"),
        (dict(logging=dict(level="ALL", include_execution_data=False, log_group_arn=None)), "log_group_arn"),
    ],
)
def test_the_service_names_bad_input(overrides, message):
    assert message in "; ".join(stepfunctions.StateMachineService.validate(service_params(**overrides)))
    assert stepfunctions.StateMachineService.validate(service_params()) == []
