"""Step Functions callbacks end to end: .waitForTaskToken → SQS → Lambda (our Python) → SendTask*.

Only the emulator runs: the Lambda function is real Python code that the emulator's SQS poller invokes
and that calls SendTaskSuccess / SendTaskFailure back through the emulator.
"""

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, create_queue, error, trust_policy, zip_bytes

VERIFIER = """
import json
import os

import boto3

sfn = boto3.client("stepfunctions")


def handler(event, context):
    failures = []
    for record in event["Records"]:
        body = json.loads(record["body"])
        order = body["order"]
        if order.get("crash"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        if order["quantity"] <= int(os.environ["STOCK"]):
            sfn.send_task_success(
                taskToken=body["taskToken"],
                output=json.dumps({"verified": True, "sku": order["sku"], "by": context.function_name.split("-")[0]}),
            )
        else:
            sfn.send_task_failure(
                taskToken=body["taskToken"],
                error="OutOfStock",
                cause=f"{order['quantity']} x {order['sku']} requested, {os.environ['STOCK']} in stock",
            )
    return {"batchItemFailures": failures}
"""


@pytest.fixture
def aws(aws_shared):
    return aws_shared  # no reset between tests: each names its own resources


# The test emulators run AWS's 10 s IAM propagation at time scale 0.2.
IAM_SECONDS = 2.0
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def trust_both() -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": ["states.amazonaws.com", "lambda.amazonaws.com"]},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def usable_role(iam, name: str, policy: str = ALLOW_ALL, trust: str | None = None) -> str:
    """A role both services trust, with ``policy``, once IAM has propagated it."""
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust or trust_both())["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="policy", PolicyDocument=policy)
    time.sleep(IAM_SECONDS + 0.3)
    return arn


@pytest.fixture(scope="module")
def shared_role(endpoint):
    return usable_role(client(endpoint, "iam"), f"sfn-role-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def stack(aws, shared_role):
    """Queue, verifier Lambda behind an SQS mapping, and a factory for callback state machines."""
    sqs, lam, sfn = aws("sqs"), aws("lambda"), aws("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    role = shared_role
    queue = create_queue(sqs, QueueName=f"verify-{suffix}", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.create_function(
        FunctionName=f"verifier-{suffix}",
        Runtime="python3.12",
        Role=role,
        Handler="verifier.handler",
        Code={"ZipFile": zip_bytes({"verifier.py": VERIFIER})},
        Timeout=5,
        Environment={"Variables": {"STOCK": "5"}},
    )

    def machine(queue_url=queue, catch=None, **task_fields):
        """A callback task; ``catch=[error names]`` sends those errors to a Pass state "Handled"."""
        if catch:
            task_fields["Catch"] = [{"ErrorEquals": catch, "ResultPath": "$.problem", "Next": "Handled"}]
        definition = {
            "StartAt": "Verify",
            "States": {
                "Verify": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {
                        "QueueUrl": queue_url,
                        "MessageBody": {"taskToken.$": "$$.Task.Token", "order.$": "$"},
                    },
                    "ResultPath": "$.verification",
                    "End": True,
                    **task_fields,
                },
                "Handled": {"Type": "Pass", "End": True},
            },
        }
        name = f"sm-{uuid.uuid4().hex[:8]}"
        return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=role)["stateMachineArn"]

    def subscribe():
        return lam.create_event_source_mapping(
            EventSourceArn=queue_arn,
            FunctionName=f"verifier-{suffix}",
            BatchSize=10,
            FunctionResponseTypes=["ReportBatchItemFailures"],
        )

    return {"machine": machine, "subscribe": subscribe, "queue": queue}


def start(aws, machine_arn, order):
    return aws("stepfunctions").start_execution(
        stateMachineArn=machine_arn, name=f"ex-{uuid.uuid4().hex}", input=json.dumps(order)
    )["executionArn"]


def wait_done(aws, execution_arn, timeout=30):
    sfn = aws("stepfunctions")
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.2)


def task_token(aws, queue_url):
    """The task token of the first message the callback task sent to ``queue_url`` (consumed)."""
    sqs = aws("sqs")
    message = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)["Messages"][0]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return json.loads(message["Body"])["taskToken"]


def history(aws, execution_arn):
    return aws("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]


def event_of(events, event_type):
    matches = [e for e in events if e["type"] == event_type]
    assert matches, f"no {event_type} in {[e['type'] for e in events]}"
    return matches[-1]


def test_callback_succeeds_through_sqs_triggered_lambda(aws, stack):
    stack["subscribe"]()
    machine = stack["machine"](TimeoutSeconds=60)
    execution = start(aws, machine, {"sku": "A-1", "quantity": 2})
    described = wait_done(aws, execution)
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output == {"sku": "A-1", "quantity": 2, "verification": {"verified": True, "sku": "A-1", "by": "verifier"}}
    types = [e["type"] for e in history(aws, execution)]
    assert "TaskSubmitted" in types
    assert "TaskSucceeded" in types
    assert types[-1] == "ExecutionSucceeded"


def test_send_task_failure_keeps_error_and_cause(aws, stack):
    stack["subscribe"]()
    machine = stack["machine"](TimeoutSeconds=60)
    execution = start(aws, machine, {"sku": "B-2", "quantity": 9})
    described = wait_done(aws, execution)
    assert described["status"] == "FAILED"
    assert described["error"] == "OutOfStock"
    assert described["cause"] == "9 x B-2 requested, 5 in stock"
    events = history(aws, execution)
    failed = event_of(events, "TaskFailed")["taskFailedEventDetails"]
    assert (failed["error"], failed["cause"]) == ("OutOfStock", "9 x B-2 requested, 5 in stock")
    assert failed["resource"] == "sendMessage.waitForTaskToken"
    execution_failed = event_of(events, "ExecutionFailed")["executionFailedEventDetails"]
    assert (execution_failed["error"], execution_failed["cause"]) == ("OutOfStock", "9 x B-2 requested, 5 in stock")


def test_catch_sees_error_and_cause(aws, stack):
    stack["subscribe"]()
    machine = stack["machine"](TimeoutSeconds=60, catch=["OutOfStock"])
    described = wait_done(aws, start(aws, machine, {"sku": "C-3", "quantity": 7}))
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["problem"] == {
        "Error": "OutOfStock",
        "Cause": "7 x C-3 requested, 5 in stock",
    }


def test_heartbeat_expiry_is_states_heartbeat_timeout_and_late_token_is_timed_out(aws, stack):
    machine = stack["machine"](TimeoutSeconds=30, HeartbeatSeconds=1)  # nobody consumes the queue
    execution = start(aws, machine, {"sku": "D-4", "quantity": 1})
    described = wait_done(aws, execution)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.HeartbeatTimeout"
    timed_out = event_of(history(aws, execution), "TaskTimedOut")["taskTimedOutEventDetails"]
    assert timed_out["error"] == "States.HeartbeatTimeout"
    token = task_token(aws, stack["queue"])
    with pytest.raises(ClientError) as caught:
        aws("stepfunctions").send_task_success(taskToken=token, output="{}")
    assert caught.value.response["Error"]["Code"] == "TaskTimedOut"


@pytest.mark.parametrize(
    ("error_equals", "caught_as"),
    [(["States.HeartbeatTimeout"], "States.HeartbeatTimeout"), (["States.Timeout"], "States.HeartbeatTimeout")],
)
def test_catch_matches_a_heartbeat_timeout(aws, stack, error_equals, caught_as):
    machine = stack["machine"](TimeoutSeconds=30, HeartbeatSeconds=1, catch=error_equals)
    described = wait_done(aws, start(aws, machine, {"sku": "D-5", "quantity": 1}))
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["problem"]["Error"] == caught_as


def test_an_answer_before_the_heartbeat_clock_starts_counts():
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint, CallbackOutcomeSuccess

    from refarch_emulator.extensions import stepfunctions

    stepfunctions.install()
    endpoint = CallbackEndpoint(callback_id="t-1")
    endpoint.notify(CallbackOutcomeSuccess(callback_id="t-1", output="{}"))  # the consumer was quick
    heartbeat = endpoint.setup_heartbeat_endpoint(heartbeat_seconds=30)  # then the task starts waiting
    started = time.monotonic()
    assert heartbeat.clear_and_wait() is True
    assert time.monotonic() - started < 1


def test_heartbeats_keep_the_task_alive(aws, stack):
    machine = stack["machine"](TimeoutSeconds=30, HeartbeatSeconds=1)
    execution = start(aws, machine, {"sku": "E-5", "quantity": 1})
    sfn = aws("stepfunctions")
    token = task_token(aws, stack["queue"])
    for _ in range(4):  # 2 s in all, longer than the 1 s heartbeat
        sfn.send_task_heartbeat(taskToken=token)
        time.sleep(0.5)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token, output='{"late": "but alive"}')
    assert wait_done(aws, execution)["status"] == "SUCCEEDED"


def test_timeout_seconds_expiry_is_states_timeout(aws, stack):
    machine = stack["machine"](TimeoutSeconds=1)
    execution = start(aws, machine, {"sku": "F-6", "quantity": 1})
    described = wait_done(aws, execution)
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Timeout"
    assert event_of(history(aws, execution), "TaskTimedOut")["taskTimedOutEventDetails"]["error"] == "States.Timeout"


def test_stop_execution_of_a_waiting_execution_aborts_it(aws, stack):
    machine = stack["machine"]()
    execution = start(aws, machine, {"sku": "G-7", "quantity": 1})
    sfn = aws("stepfunctions")
    token = task_token(aws, stack["queue"])
    stopped = sfn.stop_execution(executionArn=execution, error="Cancelled", cause="customer cancelled")
    assert stopped["stopDate"]
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED"
    assert (described["error"], described["cause"]) == ("Cancelled", "customer cancelled")
    events = history(aws, execution)
    assert [e["type"] for e in events][-2:] == ["TaskSubmitted", "ExecutionAborted"]  # no task event, as AWS
    aborted = event_of(events, "ExecutionAborted")["executionAbortedEventDetails"]
    assert (aborted["error"], aborted["cause"]) == ("Cancelled", "customer cancelled")
    with pytest.raises(ClientError) as caught:
        sfn.send_task_success(taskToken=token, output="{}")
    assert caught.value.response["Error"]["Code"] == "TaskTimedOut"


def test_each_retry_attempt_gets_a_new_token(aws, stack):
    machine = stack["machine"](
        TimeoutSeconds=60, Retry=[{"ErrorEquals": ["Busy"], "MaxAttempts": 2, "IntervalSeconds": 1}]
    )
    execution = start(aws, machine, {"sku": "R-1", "quantity": 1})
    sfn = aws("stepfunctions")
    tokens = []
    for attempt in range(3):
        token = task_token(aws, stack["queue"])
        tokens.append(token)
        if attempt < 2:
            sfn.send_task_failure(taskToken=token, error="Busy", cause=f"attempt {attempt}")
        else:
            sfn.send_task_success(taskToken=token, output='{"third": "time lucky"}')
    assert len(set(tokens)) == 3
    described = wait_done(aws, execution)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["verification"] == {"third": "time lucky"}
    types = [e["type"] for e in history(aws, execution)]
    assert types.count("TaskSubmitted") == 3
    assert types.count("TaskFailed") == 2
    with pytest.raises(ClientError) as caught:
        sfn.send_task_success(taskToken=tokens[0], output="{}")  # an earlier attempt's token is spent
    assert caught.value.response["Error"]["Code"] == "TaskTimedOut"


def test_tokens_are_checked(aws, stack):
    sfn = aws("stepfunctions")
    for call in (
        lambda: sfn.send_task_success(taskToken="not-a-token", output="{}"),
        lambda: sfn.send_task_failure(taskToken="not-a-token", error="X"),
        lambda: sfn.send_task_heartbeat(taskToken="not-a-token"),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == "InvalidToken"
    machine = stack["machine"](TimeoutSeconds=60)
    execution = start(aws, machine, {"sku": "H-8", "quantity": 1})
    token = task_token(aws, stack["queue"])
    for call, code in (
        (lambda: sfn.send_task_success(taskToken=token, output="{not json"), "InvalidOutput"),
        (lambda: sfn.send_task_failure(taskToken=token, error="E" * 257), "ValidationException"),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == code
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"  # still waiting
    sfn.send_task_success(taskToken=token, output='{"first": true}')
    with pytest.raises(ClientError) as caught:
        sfn.send_task_failure(taskToken=token, error="Again")  # the task is done: AWS says TaskTimedOut
    assert caught.value.response["Error"]["Code"] == "TaskTimedOut"
    assert wait_done(aws, execution)["status"] == "SUCCEEDED"


def test_a_message_the_handler_reports_failed_stays_on_the_queue(aws, stack):
    stack["subscribe"]()
    machine = stack["machine"](TimeoutSeconds=60)
    crash = start(aws, machine, {"sku": "I-9", "quantity": 1, "crash": True})
    good = start(aws, machine, {"sku": "J-10", "quantity": 1})
    assert wait_done(aws, good)["status"] == "SUCCEEDED"
    assert aws("stepfunctions").describe_execution(executionArn=crash)["status"] == "RUNNING"

    def on_queue():
        attributes = aws("sqs").get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["All"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    deadline = time.monotonic() + 10
    while on_queue() != 1 and time.monotonic() < deadline:  # the good one is deleted once the handler returns
        time.sleep(0.1)
    assert on_queue() == 1
    time.sleep(0.5)
    assert on_queue() == 1
    aws("stepfunctions").stop_execution(executionArn=crash)


DOUBLER = """
def handler(event, context):
    if event.get("boom"):
        raise ValueError("cannot double " + str(event))
    return {"double": event["n"] * 2}
"""


def test_lambda_invoke_integration_runs_the_function(aws, shared_role):
    lam, sfn = aws("lambda"), aws("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    role = shared_role
    function_arn = lam.create_function(
        FunctionName=f"doubler-{suffix}",
        Runtime="python3.11",
        Role=role,
        Handler="doubler.handler",
        Code={"ZipFile": zip_bytes({"doubler.py": DOUBLER})},
    )["FunctionArn"]
    definition = {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
                "OutputPath": "$.Payload",
                "End": True,
            }
        },
    }
    machine = sfn.create_state_machine(name=f"sm-{suffix}", definition=json.dumps(definition), roleArn=role)[
        "stateMachineArn"
    ]
    succeeded = wait_done(aws, start(aws, machine, {"n": 21}))
    assert (succeeded["status"], json.loads(succeeded["output"])) == ("SUCCEEDED", {"double": 42})
    failed = wait_done(aws, start(aws, machine, {"boom": True}))
    assert (failed["status"], failed["error"]) == ("FAILED", "ValueError")
    assert json.loads(failed["cause"])["errorMessage"] == "cannot double {'boom': True}"


def test_fifty_executions_at_once_all_complete(aws, stack):
    stack["subscribe"]()
    machine = stack["machine"](TimeoutSeconds=120)
    started = time.monotonic()
    executions = [start(aws, machine, {"sku": f"K-{i}", "quantity": 1 + i % 8}) for i in range(50)]
    results = [wait_done(aws, arn, timeout=90) for arn in executions]
    elapsed = time.monotonic() - started
    statuses = [r["status"] for r in results]
    assert statuses.count("SUCCEEDED") == sum(1 for i in range(50) if 1 + i % 8 <= 5)
    assert statuses.count("FAILED") == 50 - statuses.count("SUCCEEDED")
    assert all(r["error"] == "OutOfStock" for r in results if r["status"] == "FAILED")
    assert elapsed < 90, elapsed


# --- roles and permissions, as Step Functions checks them ----------------------------------------

ROLE_NOT_ASSUMABLE = (
    "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to "
    "assume the provided role."
)
PASS_MACHINE = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})


def test_a_role_states_cannot_assume_yet_is_refused_until_it_propagates(aws):
    iam, sfn = aws("iam"), aws("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    role = iam.create_role(RoleName=f"new-{suffix}", AssumeRolePolicyDocument=trust_both())["Role"]["Arn"]
    with pytest.raises(ClientError) as refused:
        sfn.create_state_machine(name=f"sm-{suffix}", definition=PASS_MACHINE, roleArn=role)
    assert error(refused) == ("AccessDeniedException", ROLE_NOT_ASSUMABLE)
    time.sleep(IAM_SECONDS + 0.3)
    arn = sfn.create_state_machine(name=f"sm-{suffix}", definition=PASS_MACHINE, roleArn=role)["stateMachineArn"]
    assert wait_done(aws, start(aws, arn, {}))["status"] == "SUCCEEDED"


def test_a_role_that_does_not_trust_states_or_is_missing_is_refused_at_create_and_update(aws, shared_role):
    iam, sfn = aws("iam"), aws("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    lambda_only = usable_role(iam, f"lambda-only-{suffix}", trust=trust_policy("lambda.amazonaws.com"))
    missing = lambda_only.replace("lambda-only", "missing")
    for role in (lambda_only, missing):
        with pytest.raises(ClientError) as refused:
            sfn.create_state_machine(name=f"sm-{suffix}", definition=PASS_MACHINE, roleArn=role)
        assert error(refused) == ("AccessDeniedException", ROLE_NOT_ASSUMABLE)
    arn = sfn.create_state_machine(name=f"sm-{suffix}", definition=PASS_MACHINE, roleArn=shared_role)["stateMachineArn"]
    with pytest.raises(ClientError) as refused:
        sfn.update_state_machine(stateMachineArn=arn, roleArn=lambda_only)
    assert error(refused) == ("AccessDeniedException", ROLE_NOT_ASSUMABLE)
    sfn.update_state_machine(stateMachineArn=arn, definition=PASS_MACHINE)  # no role: nothing to check
    assert sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] == shared_role


def send_only_to(queue_arn: str) -> str:
    statement = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_send_message_needs_the_state_machine_roles_permission_on_the_queue(aws, stack):
    iam, sqs, sfn = aws("iam"), aws("sqs"), aws("stepfunctions")
    suffix = uuid.uuid4().hex[:8]
    other = create_queue(sqs, QueueName=f"other-{suffix}")["QueueUrl"]
    other_arn = sqs.get_queue_attributes(QueueUrl=other, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    role = usable_role(iam, f"send-other-{suffix}", policy=send_only_to(other_arn))
    definition = {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": stack["queue"], "MessageBody.$": "$"},
                "End": True,
            }
        },
    }
    denied = sfn.create_state_machine(name=f"sm-{suffix}", definition=json.dumps(definition), roleArn=role)
    failed = wait_done(aws, start(aws, denied["stateMachineArn"], {"n": 1}))
    assert (failed["status"], failed["error"]) == ("FAILED", "SQS.AmazonSQSException")
    assert f"Access to the resource {stack['queue']} is denied." in failed["cause"]
    assert "(Service: AmazonSQS; Status Code: 403; Error Code: AccessDenied;" in failed["cause"]
    assert "Messages" not in sqs.receive_message(QueueUrl=stack["queue"], WaitTimeSeconds=0)
    definition["States"]["Send"]["Parameters"]["QueueUrl"] = other
    allowed = sfn.create_state_machine(name=f"sm2-{suffix}", definition=json.dumps(definition), roleArn=role)
    assert wait_done(aws, start(aws, allowed["stateMachineArn"], {"n": 2}))["status"] == "SUCCEEDED"
    assert json.loads(sqs.receive_message(QueueUrl=other, WaitTimeSeconds=2)["Messages"][0]["Body"]) == {"n": 2}


ANSWERER = """
import boto3
from botocore.exceptions import ClientError


def handler(event, context):
    try:
        boto3.client("stepfunctions").send_task_success(taskToken=event["token"], output="{}")
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    return {"code": None}
"""


def test_send_task_with_a_functions_credentials_needs_its_roles_permission(aws, stack, shared_role):
    iam, lam = aws("iam"), aws("lambda")
    suffix = uuid.uuid4().hex[:8]
    sqs_only = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    )
    weak_role = usable_role(iam, f"weak-{suffix}", policy=sqs_only, trust=trust_policy("lambda.amazonaws.com"))
    for name, role in ((f"weak-{suffix}", weak_role), (f"strong-{suffix}", shared_role)):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="answerer.handler",
            Code={"ZipFile": zip_bytes({"answerer.py": ANSWERER})},
            Timeout=10,
        )
    machine = stack["machine"](TimeoutSeconds=60)
    execution = start(aws, machine, {"sku": "A", "quantity": 1})
    token = task_token(aws, stack["queue"])

    def answer(function_name):
        payload = lam.invoke(FunctionName=function_name, Payload=json.dumps({"token": token}))["Payload"].read()
        return json.loads(payload)

    refused = answer(f"weak-{suffix}")
    assert refused["code"] == "AccessDeniedException"
    assert refused["message"] == (
        f"User: arn:aws:sts::123456789012:assumed-role/weak-{suffix}/weak-{suffix} is not authorized to perform: "
        f"states:SendTaskSuccess on resource: {machine} because no identity-based policy allows the "
        "states:SendTaskSuccess action"
    )
    assert aws("stepfunctions").describe_execution(executionArn=execution)["status"] == "RUNNING"
    assert answer(f"strong-{suffix}") == {"code": None}
    assert wait_done(aws, execution)["status"] == "SUCCEEDED"


def test_start_execution_with_input_that_is_not_json_is_invalid_execution_input(aws, shared_role):
    sfn = aws("stepfunctions")
    arn = sfn.create_state_machine(name=f"sm-{uuid.uuid4().hex[:8]}", definition=PASS_MACHINE, roleArn=shared_role)[
        "stateMachineArn"
    ]
    with pytest.raises(ClientError) as refused:
        sfn.start_execution(stateMachineArn=arn, input="{not json")
    code, message = error(refused)
    assert code == "InvalidExecutionInput"
    assert message.startswith("Invalid State Machine Execution Input: ")


def test_executions_started_without_a_name_get_a_uuid_each(aws, shared_role):
    sfn = aws("stepfunctions")
    arn = sfn.create_state_machine(name=f"sm-{uuid.uuid4().hex[:8]}", definition=PASS_MACHINE, roleArn=shared_role)[
        "stateMachineArn"
    ]
    names = {
        sfn.describe_execution(executionArn=sfn.start_execution(stateMachineArn=arn)["executionArn"])["name"]
        for _ in range(2)
    }
    assert len(names) == 2 and all(uuid.UUID(name) for name in names)


def test_a_deleted_state_machines_name_is_taken_until_the_deletion_is_done(aws, shared_role):
    sfn = aws("stepfunctions")
    name = f"sm-{uuid.uuid4().hex[:8]}"
    arn = sfn.create_state_machine(name=name, definition=PASS_MACHINE, roleArn=shared_role)["stateMachineArn"]
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as deleting:
        sfn.create_state_machine(name=name, definition=PASS_MACHINE, roleArn=shared_role)
    assert error(deleting)[0] == "StateMachineDeleting"
    time.sleep(5 * 0.2 + 0.3)  # the states-delete window at the test emulators' time scale
    assert sfn.create_state_machine(name=name, definition=PASS_MACHINE, roleArn=shared_role)["stateMachineArn"] == arn


def test_in_process_role_input_and_deletion_checks(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    from refarch_emulator import consistency

    iam, sfn = in_process("iam"), in_process("stepfunctions")
    role = iam.create_role(RoleName="in-process", AssumeRolePolicyDocument=trust_both())["Role"]["Arn"]
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
    with pytest.raises(ClientError) as excinfo:
        sfn.create_state_machine(name="in-process", definition=definition, roleArn=role)  # created a moment ago
    assert error(excinfo)[0] == "AccessDeniedException"
    consistency.RECORD.clear()
    machine = sfn.create_state_machine(name="in-process", definition=definition, roleArn=role)["stateMachineArn"]
    with pytest.raises(ClientError) as excinfo:
        sfn.start_execution(stateMachineArn=machine, input="not json")
    assert error(excinfo)[0] == "InvalidExecutionInput"
    first = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    second = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    assert first != second  # named by a UUID each, not "None"
    with pytest.raises(ClientError) as excinfo:
        sfn.send_task_success(taskToken="no-such-token", output="{}")
    assert error(excinfo)[0] == "InvalidToken"
    sfn.delete_state_machine(stateMachineArn=machine)
    with pytest.raises(ClientError) as excinfo:
        sfn.create_state_machine(name="in-process", definition=definition, roleArn=role)
    assert error(excinfo)[0] == "StateMachineDeleting"
