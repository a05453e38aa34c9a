import base64
import hashlib
import io
import zipfile

import boto3
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.refarch.aws.plugins.module_utils import awslambda, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_decorator
from botocore.stub import Stubber

from .fake_clock import FakeClock

OWNED = {"refarch:deployment": "refarch"}
UUID = "acf3b89d-cd88-46cd-9915-4aa277db0d0e"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"
CONFIGURATION = {
    "FunctionName": "f",
    "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
    "Runtime": "python3.12",
    "Role": "arn:aws:iam::123456789012:role/refarch/r",
    "Handler": "h.handler",
    "Timeout": 30,
    "MemorySize": 128,
    "CodeSha256": "abc=",
    "CodeSize": 10,
    "State": "Active",
    "LastUpdateStatus": "Successful",
    "Environment": {"Variables": {"INVENTORY": "{}"}},
}


def test_the_package_depends_only_on_names_and_contents(tmp_path):
    first = awslambda.build_zip({"b.py": b"b", "a.py": b"a"})
    second = awslambda.build_zip({"a.py": b"a", "b.py": b"b"})
    assert first == second
    names = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [i.filename for i in names] == ["a.py", "b.py"]
    assert {i.date_time for i in names} == {awslambda.ZIP_DATE_TIME}
    assert awslambda.build_zip({"a.py": b"A", "b.py": b"b"}) != first


def test_read_sources_ignores_file_times(tmp_path):
    source = tmp_path / "h.py"
    source.write_text("x = 1\n")
    before = awslambda.build_zip(awslambda.read_sources([str(source)]))
    source.touch()
    import os

    os.utime(source, (1, 1))
    assert awslambda.build_zip(awslambda.read_sources([str(source)])) == before


def test_read_sources_refuses_two_files_of_one_name(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "h.py").write_text("")
    (tmp_path / "h.py").write_text("")
    with pytest.raises(ValueError, match=r"two files are named h\.py"):
        awslambda.read_sources([str(tmp_path / "h.py"), str(tmp_path / "a" / "h.py")])


def test_code_sha256_is_what_lambda_reports():
    package = b"zip bytes"
    assert awslambda.code_sha256(package) == base64.b64encode(hashlib.sha256(package).digest()).decode()


def test_normalize_function():
    function = awslambda.normalize_function(CONFIGURATION, OWNED)
    assert function["environment"] == {"INVENTORY": "{}"}
    assert function["description"] == ""
    assert function["code_sha256"] == "abc="
    assert function["tags"] == OWNED


def params(**overrides):
    value = dict(
        runtime="python3.12",
        handler="h.handler",
        role=CONFIGURATION["Role"],
        description=None,
        timeout=30,
        memory_size=None,
        environment={"INVENTORY": "{}"},
    )
    value.update(overrides)
    return value


@pytest.mark.parametrize(
    ("overrides", "updates"),
    [
        ({}, {}),
        (dict(timeout=60), {"Timeout": 60}),
        (dict(description="d"), {"Description": "d"}),
        (dict(environment={"INVENTORY": '{"A": 1}'}), {"Environment": {"Variables": {"INVENTORY": '{"A": 1}'}}}),
        (dict(environment={}), {"Environment": {"Variables": {}}}),
        (dict(environment=None), {}),  # unset = leave alone
        (dict(handler="g.handler", memory_size=256), {"Handler": "g.handler", "MemorySize": 256}),
    ],
)
def test_configuration_updates(overrides, updates):
    current = awslambda.normalize_function(CONFIGURATION, OWNED)
    desired = awslambda.build_desired(params(**overrides), "abc=", OWNED)
    assert awslambda.configuration_updates(desired, current) == updates


def test_create_arguments():
    desired = awslambda.build_desired(params(), "abc=", OWNED)
    assert awslambda.create_arguments("f", desired, b"zip") == dict(
        FunctionName="f",
        Code=dict(ZipFile=b"zip"),
        PackageType="Zip",
        Publish=False,
        Runtime="python3.12",
        Handler="h.handler",
        Role=CONFIGURATION["Role"],
        Timeout=30,
        Environment=dict(Variables={"INVENTORY": "{}"}),
        Tags=OWNED,
    )


@pytest.mark.parametrize(
    ("state", "update", "ready", "failed"),
    [
        ("Active", "Successful", True, False),
        ("Active", None, True, False),
        ("Pending", None, False, False),
        ("Active", "InProgress", False, False),
        ("Failed", None, False, True),
        ("Active", "Failed", False, True),
    ],
)
def test_function_ready_and_failed(state, update, ready, failed):
    function = dict(state=state, last_update_status=update)
    assert awslambda.function_ready(function) is ready
    assert bool(awslambda.function_failed(function)) is failed


def test_a_vanished_function_is_a_failure_of_the_wait():
    assert awslambda.function_ready(None) is False
    assert awslambda.function_failed(None) == "the function disappeared"


MAPPING = {
    "UUID": UUID,
    "EventSourceArn": QUEUE,
    "FunctionArn": CONFIGURATION["FunctionArn"],
    "State": "Enabled",
    "BatchSize": 10,
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    "ScalingConfig": {"MaximumConcurrency": 5},
}


def mapping_params(**overrides):
    value = dict(
        state="present",
        event_source_arn=QUEUE,
        enabled=True,
        batch_size=10,
        maximum_batching_window_in_seconds=None,
        report_batch_item_failures=True,
        maximum_concurrency=5,
    )
    value.update(overrides)
    return value


def test_normalize_mapping():
    assert awslambda.normalize_mapping(MAPPING) == dict(
        uuid=UUID,
        event_source_arn=QUEUE,
        function_arn=CONFIGURATION["FunctionArn"],
        state="Enabled",
        enabled=True,
        batch_size=10,
        maximum_batching_window_in_seconds=0,
        report_batch_item_failures=True,
        maximum_concurrency=5,
    )


@pytest.mark.parametrize(
    ("overrides", "arguments"),
    [
        ({}, {}),
        (dict(batch_size=5), {"BatchSize": 5}),
        (dict(enabled=False), {"Enabled": False}),
        (dict(report_batch_item_failures=False), {"FunctionResponseTypes": []}),
        (dict(maximum_concurrency=10), {"ScalingConfig": {"MaximumConcurrency": 10}}),
        (dict(maximum_concurrency=None), {}),
        (dict(maximum_batching_window_in_seconds=2), {"MaximumBatchingWindowInSeconds": 2}),
    ],
)
def test_mapping_arguments_name_only_what_differs(overrides, arguments):
    current = awslambda.normalize_mapping(MAPPING)
    assert (
        awslambda.mapping_arguments(awslambda.build_desired_mapping(mapping_params(**overrides)), current) == arguments
    )


def test_a_new_mapping_gets_every_given_setting():
    assert awslambda.mapping_arguments(awslambda.build_desired_mapping(mapping_params())) == {
        "Enabled": True,
        "BatchSize": 10,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "ScalingConfig": {"MaximumConcurrency": 5},
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(batch_size=0), "batch_size must be between 1 and 10000"),
        (dict(batch_size=11), "needs maximum_batching_window_in_seconds"),
        (dict(maximum_batching_window_in_seconds=301), "between 0 and 300"),
        (dict(maximum_concurrency=1), "maximum_concurrency must be between 2 and 1000"),
        (dict(event_source_arn="arn:aws:kinesis:us-east-1:1:stream/s"), "must be an SQS queue ARN"),
    ],
)
def test_validate_mapping(overrides, message):
    assert message in awslambda.validate_mapping(mapping_params(**overrides))


def test_validate_mapping_accepts_good_input_and_other_partitions():
    assert awslambda.validate_mapping(mapping_params()) is None
    assert awslambda.validate_mapping(mapping_params(event_source_arn="arn:aws-cn:sqs:cn-north-1:1:q")) is None
    assert awslambda.validate_mapping(mapping_params(batch_size=100, maximum_batching_window_in_seconds=1)) is None


@pytest.mark.parametrize(("state", "settled"), [("Enabled", True), ("Disabled", True), ("Creating", False)])
def test_mapping_settled(state, settled):
    assert awslambda.mapping_settled(dict(state=state)) is settled


@pytest.fixture
def stub():
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, retry_decorator()), stubber
        stubber.assert_no_pending_responses()


def test_get_function(stub):
    client, stubber = stub
    stubber.add_response("get_function", {"Configuration": CONFIGURATION, "Tags": OWNED}, {"FunctionName": "f"})
    assert awslambda.get_function(client, "f")["function_arn"] == CONFIGURATION["FunctionArn"]
    stubber.add_client_error("get_function", service_error_code="ResourceNotFoundException", http_status_code=404)
    assert awslambda.get_function(client, "f") is None


def test_create_function_waits_for_a_new_role_to_be_assumable(stub):
    client, stubber = stub
    stubber.add_client_error(
        "create_function",
        service_error_code="InvalidParameterValueException",
        service_message="The role defined for the function cannot be assumed by Lambda.",
        http_status_code=400,
    )
    stubber.add_response("create_function", dict(CONFIGURATION))
    sleeps = []
    arguments = awslambda.create_arguments("f", awslambda.build_desired(params(), "x", OWNED), b"zip")
    awslambda.create_function(client, arguments, sleep=sleeps.append)
    assert sleeps == [awslambda.ROLE_READY_DELAY]


def test_create_function_raises_other_invalid_parameters_at_once(stub):
    client, stubber = stub
    stubber.add_client_error(
        "create_function", service_error_code="InvalidParameterValueException", service_message="bad runtime"
    )
    arguments = awslambda.create_arguments("f", awslambda.build_desired(params(), "x", OWNED), b"zip")
    with pytest.raises(Exception, match="bad runtime"):
        awslambda.create_function(client, arguments, sleep=lambda _: None)


def test_list_functions_and_mappings_follow_markers(stub):
    client, stubber = stub
    stubber.add_response("list_functions", {"Functions": [CONFIGURATION], "NextMarker": "m"}, {})
    stubber.add_response("list_functions", {"Functions": []}, {"Marker": "m"})
    assert [f["FunctionName"] for f in awslambda.list_functions(client)] == ["f"]
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": [MAPPING], "NextMarker": "m"},
        {"FunctionName": "f", "EventSourceArn": QUEUE},
    )
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": []},
        {"FunctionName": "f", "EventSourceArn": QUEUE, "Marker": "m"},
    )
    assert [m["uuid"] for m in awslambda.list_mappings(client, "f", QUEUE)] == [UUID]


def test_mappings_of_a_missing_function_are_none(stub):
    client, stubber = stub
    stubber.add_client_error(
        "list_event_source_mappings", service_error_code="ResourceNotFoundException", http_status_code=404
    )
    assert awslambda.list_mappings(client, "f") == []
    stubber.add_client_error(
        "get_event_source_mapping", service_error_code="ResourceNotFoundException", http_status_code=404
    )
    assert awslambda.get_mapping(client, UUID) is None
    stubber.add_client_error(
        "delete_event_source_mapping", service_error_code="ResourceNotFoundException", http_status_code=404
    )
    awslambda.delete_mapping(client, UUID)
    stubber.add_client_error("delete_function", service_error_code="ResourceNotFoundException", http_status_code=404)
    awslambda.delete_function(client, "f")


ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."
NO_RECEIVE = "The provided execution role does not have permissions to call ReceiveMessage on SQS"


def test_update_configuration_waits_while_a_new_role_propagates(stub):
    client, stubber = stub
    stubber.add_client_error("update_function_configuration", "InvalidParameterValueException", ROLE_NOT_ASSUMABLE)
    stubber.add_response("update_function_configuration", dict(CONFIGURATION))
    clock = FakeClock()
    awslambda.update_configuration(client, "f", {"Role": CONFIGURATION["Role"]}, sleep=clock.sleep, clock=clock)
    assert clock.now == awslambda.ROLE_READY_DELAY


def test_a_role_lambda_never_can_assume_fails_after_the_bound(stub):
    client, stubber = stub
    for _attempt in range(awslambda.ROLE_READY_TIMEOUT // awslambda.ROLE_READY_DELAY + 1):
        stubber.add_client_error("create_function", "InvalidParameterValueException", ROLE_NOT_ASSUMABLE)
    clock = FakeClock()
    arguments = awslambda.create_arguments("f", awslambda.build_desired(params(), "x", OWNED), b"zip")
    with pytest.raises(botocore.exceptions.ClientError, match="cannot be assumed by Lambda"):
        awslambda.create_function(client, arguments, sleep=clock.sleep, clock=clock)
    assert clock.now == awslambda.ROLE_READY_TIMEOUT


def new_mapping_desired():
    return awslambda.build_desired_mapping(mapping_params())


def test_create_mapping_waits_while_the_roles_sqs_policy_propagates(stub):
    client, stubber = stub
    stubber.add_client_error("create_event_source_mapping", "InvalidParameterValueException", NO_RECEIVE)
    stubber.add_client_error(
        "create_event_source_mapping",
        "InvalidParameterValueException",
        "The provided execution role does not have permissions to call DeleteMessage on SQS",
    )
    stubber.add_response("create_event_source_mapping", dict(MAPPING, State="Creating"))
    clock = FakeClock()
    created = awslambda.create_mapping(client, "f", new_mapping_desired(), sleep=clock.sleep, clock=clock)
    assert (created["uuid"], created["state"]) == (UUID, "Creating")
    assert clock.now == 2 * awslambda.ROLE_READY_DELAY


def test_create_mapping_raises_a_real_input_error_at_once(stub):
    client, stubber = stub
    stubber.add_client_error(
        "create_event_source_mapping",
        "InvalidParameterValueException",
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds",
    )
    clock = FakeClock()
    with pytest.raises(botocore.exceptions.ClientError, match="visibility timeout"):
        awslambda.create_mapping(client, "f", new_mapping_desired(), sleep=clock.sleep, clock=clock)
    assert clock.now == 0


def test_delete_and_update_wait_while_the_mapping_is_busy(stub):
    client, stubber = stub
    busy = "Cannot delete the event source mapping because it is in use."
    stubber.add_client_error("delete_event_source_mapping", "ResourceInUseException", busy)
    stubber.add_response("delete_event_source_mapping", dict(MAPPING, State="Deleting"), {"UUID": UUID})
    clock = FakeClock()
    awslambda.delete_mapping(client, UUID, sleep=clock.sleep, clock=clock)
    assert clock.now == awslambda.MAPPING_BUSY_DELAY
    stubber.add_client_error(
        "update_event_source_mapping",
        "ResourceInUseException",
        "Cannot update the event source mapping because it is in use.",
    )
    stubber.add_response("update_event_source_mapping", dict(MAPPING, State="Updating"), {"UUID": UUID, "BatchSize": 5})
    assert awslambda.update_mapping(client, UUID, {"BatchSize": 5}, sleep=clock.sleep, clock=clock)["state"] == (
        "Updating"
    )
    assert clock.now == 2 * awslambda.MAPPING_BUSY_DELAY


def test_a_mapping_busy_for_ever_fails_after_the_bound_and_a_gone_one_is_fine(stub):
    client, stubber = stub
    busy = "Cannot delete the event source mapping because it is in use."
    for _attempt in range(awslambda.MAPPING_BUSY_TIMEOUT // awslambda.MAPPING_BUSY_DELAY + 1):
        stubber.add_client_error("delete_event_source_mapping", "ResourceInUseException", busy)
    clock = FakeClock()
    with pytest.raises(botocore.exceptions.ClientError, match="in use"):
        awslambda.delete_mapping(client, UUID, sleep=clock.sleep, clock=clock)
    assert clock.now == awslambda.MAPPING_BUSY_TIMEOUT
    stubber.add_client_error("delete_event_source_mapping", "ResourceNotFoundException", "gone", 404)
    awslambda.delete_mapping(client, UUID, sleep=clock.sleep, clock=clock)


def service_mapping_params(**overrides):
    value = dict(
        function_name="f",
        event_source_arn=QUEUE,
        state="present",
        enabled=True,
        batch_size=10,
        maximum_batching_window_in_seconds=None,
        report_batch_item_failures=True,
        maximum_concurrency=None,
        deployment="refarch",
        wait=True,
        wait_timeout=60,
    )
    value.update(overrides)
    return value


def add_mapping_and_function(stubber, tags, mapping=True):
    found = [dict(MAPPING, BatchSize=10, FunctionResponseTypes=["ReportBatchItemFailures"])] if mapping else []
    stubber.add_response(
        "list_event_source_mappings", {"EventSourceMappings": found}, {"FunctionName": "f", "EventSourceArn": QUEUE}
    )
    stubber.add_response("get_function", {"Configuration": CONFIGURATION, "Tags": tags}, {"FunctionName": "f"})


@pytest.mark.parametrize(("state", "mapping"), [("present", True), ("present", False), ("absent", True)])
def test_a_mapping_of_a_function_not_ours_is_refused_before_any_change(stub, state, mapping):
    """Changed, created or deleted: a mapping is ours when its function is (absent and missing: no read)."""
    client, stubber = stub
    add_mapping_and_function(stubber, {"refarch:deployment": "other"}, mapping)
    service = awslambda.MappingService({"lambda": client}, service_mapping_params(state=state))
    with pytest.raises(runner.Refused, match="Lambda function f exists but has no refarch:deployment=refarch tag"):
        runner.execute(service, service.params, check_mode=False)


def test_a_mapping_change_is_named_and_an_unchanged_one_waits_for_nothing(stub):
    client, stubber = stub
    add_mapping_and_function(stubber, OWNED)
    service = awslambda.MappingService({"lambda": client}, service_mapping_params())
    result = runner.execute(service, service.params, check_mode=False)  # no call but the two reads
    assert result["changed"] is False and result["changed_keys"] == [] and "tags" not in result["mapping"]
    add_mapping_and_function(stubber, OWNED)
    service = awslambda.MappingService({"lambda": client}, service_mapping_params(batch_size=5, maximum_concurrency=2))
    result = runner.execute(service, service.params, check_mode=True)
    assert result["changed_keys"] == ["batch_size", "maximum_concurrency"]
    assert (result["mapping"]["batch_size"], result["mapping"]["maximum_concurrency"]) == (5, 2)


def test_the_function_plan_names_configuration_and_code(tmp_path):
    source = tmp_path / "h.py"
    source.write_bytes(b"def handler(event, context): pass\n")
    current = awslambda.normalize_function(CONFIGURATION, OWNED)
    params = dict(
        name="f",
        state="present",
        runtime="python3.12",
        handler="h.handler",
        role=CONFIGURATION["Role"],
        description=None,
        timeout=60,
        memory_size=None,
        environment={"INVENTORY": "{}", "N": 1},
        source_files=[str(source)],
        zip_file=None,
        log_retention_days=None,
    )
    service = awslambda.FunctionService({}, params)
    desired = service.desired(current, OWNED)
    assert service.plan(desired, current) == ["code_sha256", "environment", "timeout"]
    after = service.predict(desired, current)
    assert after["environment"] == {"INVENTORY": "{}", "N": "1"} and after["timeout"] == 60
    assert service.companions() == ((), ())
    first, then = awslambda.FunctionService({}, dict(params, log_retention_days=14)).companions()
    assert [s.name() for s in first] == ["/aws/lambda/f"] and then == ()
    first, then = awslambda.FunctionService({}, dict(params, state="absent")).companions()
    assert first == () and [s.result_key for s in then] == ["log_group"]
