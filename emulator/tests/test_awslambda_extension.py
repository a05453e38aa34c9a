"""Lambda extension: Python handlers really run, shaped as Lambda; SQS event source mappings poll."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.extensions.awslambda import models as awslambda
from refarch_emulator.extensions.awslambda.models import batch_item_failures
from refarch_emulator.testing import create_queue, error, reset, trust_policy, zip_bytes

HANDLERS = '''
import json
import os
import subprocess
import sys
import tempfile
import time

import boto3


def echo(event, context):
    print("echo got", json.dumps(event))
    return {
        "event": event,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "aws_request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "env": {k: os.environ.get(k) for k in (
            "GREETING", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
            "AWS_LAMBDA_FUNCTION_NAME", "MOTO_PORT", "HOME_OF_THE_EMULATOR")},
        "cwd": os.getcwd(),
    }


COUNT = 0


def counter(event, context):
    global COUNT
    COUNT += 1
    time.sleep(event.get("sleep", 0))
    return {"count": COUNT, "pid": os.getpid()}


def fail(event, context):
    raise ValueError("boom: " + str(event.get("why")))


def sleepy(event, context):
    print("going to sleep")
    time.sleep(event.get("seconds", 30))
    return "woke up"


def pid_and_sleep(event, context):
    with open(os.environ["PID_FILE"], "w") as handle:
        handle.write(str(os.getpid()))
    time.sleep(600)


def exits(event, context):
    os._exit(3)


def unserializable(event, context):
    return {1, 2}


def logs(event, context):
    import logging

    logger = logging.getLogger()
    logger.setLevel(logging.INFO)
    logger.info("checking order %s", event["order"])
    return "logged"


def forward(event, context):
    """Sends the event to the queue named in OUTPUT_QUEUE_URL through the emulator's SQS."""
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=os.environ["OUTPUT_QUEUE_URL"], MessageBody=json.dumps(event))
    return "sent"


def sizes(event, context):
    boto3.client("sqs").send_message(
        QueueUrl=os.environ["OUTPUT_QUEUE_URL"], MessageBody=json.dumps({"size": len(event["Records"])})
    )


def slow(event, context):
    started = time.time()
    time.sleep(1.5)
    boto3.client("sqs").send_message(
        QueueUrl=os.environ["OUTPUT_QUEUE_URL"], MessageBody=json.dumps({"start": started, "end": time.time()})
    )


def consume(event, context):
    """SQS consumer: forwards each record; raises when a body says so; reports "partial" bodies."""
    sqs = boto3.client("sqs")
    failures = []
    for record in event["Records"]:
        sqs.send_message(QueueUrl=os.environ["OUTPUT_QUEUE_URL"], MessageBody=json.dumps(record))
        if record["body"] == "raise":
            raise RuntimeError("handler failed on purpose")
        if record["body"].startswith("partial"):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
'''


@pytest.fixture
def aws(aws_shared):
    return aws_shared  # no reset between tests: each names its own resources


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# The test emulators run AWS's 10 s IAM propagation and 3 s mapping transitions at time scale 0.2.
IAM_SECONDS = 2.0
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def usable_role(iam, name, policy=ALLOW_ALL, trust=None):
    """A role Lambda trusts, with ``policy``, once IAM has propagated it."""
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust or trust_policy("lambda.amazonaws.com"))[
        "Role"
    ]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="policy", PolicyDocument=policy)
    time.sleep(IAM_SECONDS + 0.3)
    return arn


@pytest.fixture
def role(aws):
    iam = aws("iam")
    try:
        return iam.get_role(RoleName="lambda-role")["Role"]["Arn"]
    except ClientError:  # first test, or after the reset test
        return usable_role(iam, "lambda-role")


def ready(lam, name, timeout=10):
    """``name`` once the function is Active and its last update Successful (Lambda refuses updates before)."""
    deadline = time.monotonic() + timeout
    while True:
        configuration = lam.get_function(FunctionName=name)["Configuration"]
        done = configuration["State"] == "Active" and configuration.get("LastUpdateStatus") in (None, "Successful")
        if done or time.monotonic() > deadline:
            return name
        time.sleep(0.1)


def settled(lam, uuid_, timeout=10):
    """The mapping once it is out of Creating/Updating/Enabling/Disabling (Lambda refuses changes before)."""
    deadline = time.monotonic() + timeout
    while True:
        mapping = lam.get_event_source_mapping(UUID=uuid_)
        if mapping["State"] in ("Enabled", "Disabled") or time.monotonic() > deadline:
            return mapping
        time.sleep(0.1)


@pytest.fixture
def make_function(aws, role):
    lam = aws("lambda")

    def make(handler, timeout=3, environment=None, runtime="python3.11", files=None, zip_file=None):
        name = f"fn-{uuid.uuid4().hex[:8]}"
        lam.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=role,
            Handler=handler,
            Code={"ZipFile": zip_file or zip_bytes(files or {"handlers.py": HANDLERS})},
            Timeout=timeout,
            MemorySize=256,
            Environment={"Variables": environment or {}},
        )
        return ready(lam, name)

    return make


def invoke(aws, name, payload=None, **kwargs):
    response = aws("lambda").invoke(FunctionName=name, Payload=json.dumps(payload or {}), **kwargs)
    return response, json.loads(response["Payload"].read() or b"null")


def test_handler_runs_with_event_context_and_environment(aws, endpoint, make_function):
    name = make_function("handlers.echo", environment={"GREETING": "hello"})
    response, body = invoke(aws, name, {"order": 42})
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"order": 42}
    assert body["function_name"] == name
    assert body["memory_limit_in_mb"] == "256"  # a string, as in the AWS runtime
    assert body["invoked_function_arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    uuid.UUID(body["aws_request_id"])
    assert 2000 < body["remaining_ms"] <= 3000
    env = body["env"]
    assert env["GREETING"] == "hello"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_ENDPOINT_URL"] == endpoint
    assert env["AWS_ACCESS_KEY_ID"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["MOTO_PORT"] is None  # the emulator's own environment does not leak into the function
    assert len(body["cwd"].rsplit("/", 1)[-1]) == 64  # the code unpacked once per code sha256


def test_reserved_environment_variables_are_refused(aws, make_function):
    with pytest.raises(ClientError) as caught:
        make_function("handlers.echo", environment={"AWS_REGION": "eu-west-1", "OK": "1"})
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert caught.value.response["Error"]["Message"].endswith("Reserved keys used in this request: AWS_REGION")
    name = make_function("handlers.echo")
    with pytest.raises(ClientError) as caught:
        aws("lambda").update_function_configuration(
            FunctionName=name, Environment={"Variables": {"AWS_ACCESS_KEY_ID": "x"}}
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_a_zip_file_that_is_not_a_zip_is_refused(aws, make_function):
    with pytest.raises(ClientError) as caught:
        make_function("handlers.echo", files=None, zip_file=b"not a zip")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "Could not unzip uploaded file" in caught.value.response["Error"]["Message"]
    name = make_function("handlers.echo")
    with pytest.raises(ClientError) as caught:
        aws("lambda").update_function_code(FunctionName=name, ZipFile=b"still not a zip")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    aws("lambda").update_function_code(FunctionName=name, ZipFile=zip_bytes({"handlers.py": HANDLERS}))


def test_log_tail_and_cloudwatch_log(aws, make_function):
    name = make_function("handlers.echo")
    response, _ = invoke(aws, name, {"a": 1}, LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert tail.startswith("START RequestId: ")
    assert 'echo got {"a": 1}' in tail
    assert "END RequestId: " in tail
    assert "\tInit Duration: " in tail  # a cold start
    response, _ = invoke(aws, name, {"a": 2}, LogType="Tail")
    second = base64.b64decode(response["LogResult"]).decode()
    assert 'echo got {"a": 2}' in second
    assert 'echo got {"a": 1}' not in second  # each invocation's own output
    assert "Init Duration" not in second  # warm
    response, _ = invoke(aws, name, {"a": 3})
    assert "LogResult" not in response
    logs = aws("logs")
    streams = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 1  # one stream per execution environment, as on Lambda
    messages = [
        e["message"]
        for e in logs.get_log_events(logGroupName=f"/aws/lambda/{name}", logStreamName=streams[0]["logStreamName"])[
            "events"
        ]
    ]
    assert sum(m.startswith("START RequestId: ") for m in messages) == 3
    assert any('echo got {"a": 3}' in m for m in messages)


def test_environments_stay_warm_until_configuration_changes_or_a_timeout(aws, make_function):
    name = make_function("handlers.counter", timeout=1)
    assert [invoke(aws, name)[1]["count"] for _ in range(3)] == [1, 2, 3]  # module state survives
    aws("lambda").update_function_configuration(FunctionName=name, Environment={"Variables": {"V": "2"}})
    ready(aws("lambda"), name)
    assert invoke(aws, name)[1]["count"] == 1  # new configuration: new environment
    _, body = invoke(aws, name, {"sleep": 5})
    assert body["errorType"] == "Sandbox.Timedout"
    assert invoke(aws, name)[1]["count"] == 1  # a timed-out environment is not reused


def test_logging_module_writes_lambda_formatted_lines(aws, make_function):
    name = make_function("handlers.logs")
    response, body = invoke(aws, name, {"order": "o-1"}, LogType="Tail")
    assert body == "logged"
    tail = base64.b64decode(response["LogResult"]).decode()
    request_id = tail.split("START RequestId: ", 1)[1].split(" ", 1)[0]
    line = next(line for line in tail.splitlines() if line.startswith("[INFO]"))
    level, timestamp, logged_id, message = line.split("\t")
    assert (level, logged_id, message) == ("[INFO]", request_id, "checking order o-1")
    assert timestamp.endswith("Z")


def test_handler_aws_calls_reach_the_emulator(aws, make_function):
    sqs = aws("sqs")
    output = create_queue(sqs, QueueName=unique("output"))["QueueUrl"]
    name = make_function("handlers.forward", environment={"OUTPUT_QUEUE_URL": output})
    _, body = invoke(aws, name, {"hello": "world"})
    assert body == "sent"
    messages = sqs.receive_message(QueueUrl=output, WaitTimeSeconds=1)["Messages"]
    assert json.loads(messages[0]["Body"]) == {"hello": "world"}


def test_unhandled_exception_is_shaped_as_lambda(aws, make_function):
    name = make_function("handlers.fail")
    response, body = invoke(aws, name, {"why": "bad order"})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom: bad order"
    uuid.UUID(body["requestId"])
    assert len(body["stackTrace"]) == 1
    assert 'handlers.py", line' in body["stackTrace"][0]
    assert "in fail" in body["stackTrace"][0]


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        (
            "missing.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'missing': No module named 'missing'",
        ),
        ("handlers.nothere", "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'handlers'"),
        ("nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': "),
        ("handlers.unserializable", "Runtime.MarshalError", "Unable to marshal response: "),
        ("handlers.exits", "Runtime.ExitError", "Error: Runtime exited with error: exit status 3"),
        ("broken.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'broken'"),
        ("crashes_on_import.handler", "ZeroDivisionError", "division by zero"),
    ],
)
def test_runtime_errors(aws, make_function, handler, error_type, message):
    name = make_function(
        handler,
        files={"handlers.py": HANDLERS, "broken.py": "def handler(:\n", "crashes_on_import.py": "1 / 0\n"},
    )
    response, body = invoke(aws, name)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == error_type
    assert message in body["errorMessage"]


def test_timeout_kills_the_handler(aws, make_function):
    name = make_function("handlers.sleepy", timeout=1)
    started = time.monotonic()
    response, body = invoke(aws, name, {"seconds": 30}, LogType="Tail")
    elapsed = time.monotonic() - started
    assert elapsed < 5
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "going to sleep" in tail
    assert "Task timed out after 1.00 seconds" in tail


def test_event_invocation_returns_at_once_and_runs_in_background(aws, make_function):
    sqs = aws("sqs")
    output = create_queue(sqs, QueueName=unique("output"))["QueueUrl"]
    name = make_function("handlers.forward", environment={"OUTPUT_QUEUE_URL": output})
    response = aws("lambda").invoke(FunctionName=name, InvocationType="Event", Payload=b'{"async": true}')
    assert response["StatusCode"] == 202
    messages = sqs.receive_message(QueueUrl=output, WaitTimeSeconds=10)["Messages"]
    assert json.loads(messages[0]["Body"]) == {"async": True}
    assert aws("lambda").invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204


def test_invalid_json_payload_is_rejected(aws, make_function):
    name = make_function("handlers.echo")
    with pytest.raises(ClientError) as caught:
        aws("lambda").invoke(FunctionName=name, Payload=b"{not json")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_unknown_function_is_not_found(aws):
    with pytest.raises(ClientError) as caught:
        aws("lambda").invoke(FunctionName="nope", Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_other_runtimes_keep_motos_behaviour(aws, make_function):
    name = make_function("index.handler", runtime="nodejs20.x", files={"index.js": "exports.handler = 1"})
    response = aws("lambda").invoke(FunctionName=name, Payload=b'{"x": 1}')
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"x": 1}  # moto echoes the payload


# A stand-in for the emulator: starts one execution environment, lets it run a handler, and is then
# killed (as `make emulator-stop` ends the server with SIGKILL/os._exit, without any cleanup).
FAKE_EMULATOR = """
import json, os, subprocess, sys, time
task_root, bootstrap = sys.argv[1], sys.argv[2]
read_fd, write_fd = os.pipe()
env = dict(PATH=os.environ["PATH"], LAMBDA_TASK_ROOT=task_root, _HANDLER="handlers.pid_and_sleep",
           PID_FILE=os.path.join(task_root, "handler.pid"))
child = subprocess.Popen([sys.executable, "-P", bootstrap, str(write_fd)], cwd=task_root, env=env,
                         stdin=subprocess.PIPE, pass_fds=(write_fd,), start_new_session=True)
request = dict(request_id="r-1", timeout_ms=900000, invoked_function_arn="arn", event={})
child.stdin.write(json.dumps(request).encode() + b"\\n")
child.stdin.flush()
time.sleep(600)
"""


def test_a_running_handler_does_not_outlive_the_emulator(tmp_path):
    (tmp_path / "handlers.py").write_text(HANDLERS)
    emulator = subprocess.Popen([sys.executable, "-c", FAKE_EMULATOR, str(tmp_path), str(awslambda.BOOTSTRAP)])
    try:
        pid_file = tmp_path / "handler.pid"
        deadline = time.monotonic() + 15
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(pid_file.read_text())
        os.kill(pid, 0)  # the handler runs
    finally:
        emulator.kill()
        emulator.wait()
    deadline = time.monotonic() + 5  # the emulator is gone: its environment goes too
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# ------------------------------------------------------------------------------------------
# SQS event source mappings


def drain(sqs, url, want, timeout=15):
    """Receive (and delete) until ``want`` messages arrived; return their bodies."""
    bodies = []
    deadline = time.monotonic() + timeout
    while len(bodies) < want and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def queue_counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def wait_for(predicate, timeout=15, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.fixture
def queues(aws):
    sqs = aws("sqs")
    dlq = create_queue(sqs, QueueName=unique("work-dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    work = create_queue(
        sqs,
        QueueName=unique("work"),
        Attributes={
            "VisibilityTimeout": "4",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
        },
    )["QueueUrl"]
    work_arn = sqs.get_queue_attributes(QueueUrl=work, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    output = create_queue(sqs, QueueName=unique("output"))["QueueUrl"]
    return {"work": work, "work_arn": work_arn, "dlq": dlq, "output": output}


@pytest.fixture
def consumer(aws, make_function, queues):
    return make_function("handlers.consume", timeout=4, environment={"OUTPUT_QUEUE_URL": queues["output"]})


def test_message_reaches_the_handler_and_is_deleted(aws, queues, consumer):
    sqs = aws("sqs")
    mapping = aws("lambda").create_event_source_mapping(
        EventSourceArn=queues["work_arn"], FunctionName=consumer, BatchSize=5
    )
    assert mapping["State"] == "Creating"
    assert settled(aws("lambda"), mapping["UUID"])["State"] == "Enabled"
    started = time.monotonic()
    sqs.send_message(
        QueueUrl=queues["work"],
        MessageBody="order-1",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}},
    )
    assert time.monotonic() - started < 0.5  # SendMessage does not wait for the handler
    [record] = drain(sqs, queues["output"], 1)
    assert record["body"] == "order-1"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queues["work_arn"]
    assert record["awsRegion"] == "us-east-1"
    assert record["md5OfBody"] == hashlib.md5(b"order-1").hexdigest()
    assert record["receiptHandle"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert int(record["attributes"]["SentTimestamp"]) > 0
    assert record["messageAttributes"]["kind"]["stringValue"] == "order"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
    assert wait_for(lambda: queue_counts(sqs, queues["work"]) == (0, 0))


def test_handler_error_leaves_the_message_for_retry_then_dlq(aws, queues, consumer):
    sqs = aws("sqs")
    aws("lambda").create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    sqs.send_message(QueueUrl=queues["work"], MessageBody="raise")
    records = drain(sqs, queues["output"], 2, timeout=20)
    assert [r["attributes"]["ApproximateReceiveCount"] for r in records] == ["1", "2"]
    # After maxReceiveCount=2 failed receives the message moves to the DLQ on the next receive.
    moved = wait_for(lambda: sqs.receive_message(QueueUrl=queues["dlq"], WaitTimeSeconds=1).get("Messages"), 20)
    assert moved[0]["Body"] == "raise"


def test_report_batch_item_failures_keeps_only_the_named_messages(aws, queues, consumer):
    sqs, lam = aws("sqs"), aws("lambda")
    mapping = lam.create_event_source_mapping(
        EventSourceArn=queues["work_arn"],
        FunctionName=consumer,
        BatchSize=10,
        Enabled=False,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    assert mapping["State"] == "Creating"
    assert settled(lam, mapping["UUID"])["State"] == "Disabled"
    for body in ("ok-1", "partial-2", "ok-3"):
        sqs.send_message(QueueUrl=queues["work"], MessageBody=body)
    time.sleep(1.5)
    assert queue_counts(sqs, queues["work"]) == (3, 0)  # a disabled mapping does not poll
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    # ok-1 and ok-3 are deleted after the first batch; partial-2 stays, comes back after the 4 s
    # visibility timeout, fails again and then goes to the DLQ (maxReceiveCount 2).
    records = drain(sqs, queues["output"], 4, timeout=20)
    assert sorted(r["body"] for r in records) == ["ok-1", "ok-3", "partial-2", "partial-2"]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in records if r["body"] == "partial-2"] == ["1", "2"]
    moved = wait_for(lambda: sqs.receive_message(QueueUrl=queues["dlq"], WaitTimeSeconds=1).get("Messages"), 20)
    assert [m["Body"] for m in moved] == ["partial-2"]
    assert queue_counts(sqs, queues["work"]) == (0, 0)
    assert drain(sqs, queues["output"], 1, timeout=1.5) == []  # the deleted ones never came back


def test_batches_respect_batch_size_and_scaling_config(aws, make_function, queues):
    sqs, lam = aws("sqs"), aws("lambda")
    function = make_function("handlers.sizes", timeout=4, environment={"OUTPUT_QUEUE_URL": queues["output"]})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=queues["work_arn"],
        FunctionName=function,
        BatchSize=2,
        Enabled=False,
        ScalingConfig={"MaximumConcurrency": 2},
    )
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    for index in range(5):
        sqs.send_message(QueueUrl=queues["work"], MessageBody=f"m-{index}")
    settled(lam, mapping["UUID"])
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    deadline = time.monotonic() + 15
    sizes = []
    while sum(sizes) < 5 and time.monotonic() < deadline:
        sizes += [body["size"] for body in drain(sqs, queues["output"], 1, timeout=2)]
    assert sum(sizes) == 5
    assert max(sizes) == 2
    assert wait_for(lambda: queue_counts(sqs, queues["work"]) == (0, 0))


def test_maximum_concurrency_bounds_concurrent_batches(aws, make_function, queues):
    sqs, lam = aws("sqs"), aws("lambda")
    function = make_function("handlers.slow", timeout=4, environment={"OUTPUT_QUEUE_URL": queues["output"]})
    mapping = lam.create_event_source_mapping(
        EventSourceArn=queues["work_arn"], FunctionName=function, BatchSize=1, Enabled=False
    )
    settled(lam, mapping["UUID"])
    lam.update_event_source_mapping(UUID=mapping["UUID"], ScalingConfig={"MaximumConcurrency": 2})
    for index in range(4):
        sqs.send_message(QueueUrl=queues["work"], MessageBody=f"m-{index}")
    settled(lam, mapping["UUID"])
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    runs = drain(sqs, queues["output"], 4, timeout=30)
    assert len(runs) == 4
    overlap = max(sum(1 for other in runs if other["start"] <= run["start"] < other["end"]) for run in runs)
    assert overlap == 2


def test_without_report_batch_item_failures_a_partial_response_deletes_all(aws, queues, consumer):
    sqs, lam = aws("sqs"), aws("lambda")
    lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    sqs.send_message(QueueUrl=queues["work"], MessageBody="partial-1")
    drain(sqs, queues["output"], 1)
    assert wait_for(lambda: queue_counts(sqs, queues["work"]) == (0, 0))


def test_queue_visibility_timeout_must_cover_the_function_timeout(aws, make_function, queues):
    function = make_function("handlers.consume", timeout=5)
    with pytest.raises(ClientError) as caught:
        aws("lambda").create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=function)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "Queue visibility timeout: 4 seconds is less than Function timeout: 5 seconds" in str(caught.value)


def test_deleted_mapping_stops_polling_and_duplicates_conflict(aws, queues, consumer):
    sqs, lam = aws("sqs"), aws("lambda")
    mapping = lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    with pytest.raises(ClientError) as caught:
        lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    assert caught.value.response["Error"]["Code"] == "ResourceConflictException"
    settled(lam, mapping["UUID"])
    lam.delete_event_source_mapping(UUID=mapping["UUID"])
    time.sleep(1.5)
    sqs.send_message(QueueUrl=queues["work"], MessageBody="nobody listens")
    time.sleep(1.5)
    assert queue_counts(sqs, queues["work"]) == (1, 0)


def test_reset_stops_pollers_and_the_server_keeps_serving(aws, endpoint, queues, consumer):
    aws("lambda").create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    reset(endpoint)
    sqs = aws("sqs")
    work = create_queue(sqs, QueueName=queues["work"].rsplit("/", 1)[1])["QueueUrl"]  # same name as before
    sqs.send_message(QueueUrl=work, MessageBody="after reset")
    time.sleep(1.5)
    assert queue_counts(sqs, work) == (1, 0)  # the old poller is gone


class FakeEnvironment:
    def __init__(self, key):
        self.key, self.last_used, self.killed = key, 0.0, False

    def alive(self):
        return not self.killed

    def kill(self):
        self.killed = True


def test_warm_pool_reuses_by_configuration_and_evicts_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(awslambda, "MAX_IDLE_TOTAL", 3)
    pool = awslambda._EnvironmentPool()
    environments = [FakeEnvironment((pool.generation, f"fn-{i}")) for i in range(4)]
    for environment in environments:
        pool.release(environment)
        time.sleep(0.01)
    assert [e.killed for e in environments] == [True, False, False, False]  # the oldest went
    assert pool.acquire((pool.generation, "fn-2")) is environments[2]
    assert pool.acquire((pool.generation, "fn-2")) is None  # one invocation at a time
    old_key = environments[3].key
    pool.clear()  # /moto-api/reset
    assert environments[3].killed
    assert pool.acquire(old_key) is None
    pool.release(environments[2])  # back from an invocation that began before the reset
    assert environments[2].killed


def test_code_folders_of_emulators_no_longer_running_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "refarch-lambda-999999999-abc"  # no such pid
    alive = tmp_path / f"refarch-lambda-{os.getppid()}-def"
    other = tmp_path / "something-else"
    for folder in (dead, alive, other):
        folder.mkdir()
    root = awslambda._code_root.__wrapped__()
    assert root.parent == tmp_path
    assert root.name.startswith(f"refarch-lambda-{os.getpid()}-")
    assert not dead.exists()
    assert alive.exists()
    assert other.exists()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"null", set()),
        (b"{}", set()),
        (b'{"batchItemFailures": []}', set()),
        (b'{"batchItemFailures": null}', set()),
        (b'{"batchItemFailures": [{"itemIdentifier": "b"}]}', {"b"}),
        (b'{"batchItemFailures": [{"itemIdentifier": ""}]}', None),
        (b'{"batchItemFailures": [{"itemIdentifier": "zzz"}]}', None),
        (b'{"batchItemFailures": [{"id": "b"}]}', None),
        (b"not json", None),
    ],
)
def test_batch_item_failures_rules(payload, expected):
    assert batch_item_failures(payload, ["a", "b"]) == expected


# --- roles, permissions and mapping states, as Lambda checks them --------------------------------

ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


def create(lam, name, role):
    created = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handlers.consume",
        Code={"ZipFile": zip_bytes({"handlers.py": HANDLERS})},
        Timeout=3,
    )
    ready(lam, name)
    return created


def test_a_role_lambda_cannot_assume_yet_is_refused_until_it_propagates(aws):
    iam, lam = aws("iam"), aws("lambda")
    name = unique("new-role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy("lambda.amazonaws.com"))["Role"]["Arn"]
    with pytest.raises(ClientError) as refused:
        create(lam, unique("fn"), role)
    assert error_of(refused) == ("InvalidParameterValueException", ROLE_NOT_ASSUMABLE)
    time.sleep(IAM_SECONDS + 0.3)
    assert create(lam, unique("fn"), role)["Role"] == role


def test_a_role_that_does_not_trust_lambda_or_is_missing_is_refused_at_create_and_update(aws, role):
    iam, lam = aws("iam"), aws("lambda")
    states_only = usable_role(iam, unique("states-only"), trust=trust_policy("states.amazonaws.com"))
    for bad in (states_only, states_only.replace("states-only", "missing")):
        with pytest.raises(ClientError) as refused:
            create(lam, unique("fn"), bad)
        assert error_of(refused) == ("InvalidParameterValueException", ROLE_NOT_ASSUMABLE)
    name = unique("fn")
    create(lam, name, role)
    with pytest.raises(ClientError) as refused:
        lam.update_function_configuration(FunctionName=name, Role=states_only)
    assert error_of(refused) == ("InvalidParameterValueException", ROLE_NOT_ASSUMABLE)
    lam.update_function_configuration(FunctionName=name, Timeout=4)  # no role: nothing to check
    assert lam.get_function(FunctionName=name)["Configuration"]["Role"] == role


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def sqs_policy(queue_arn, actions):
    statement = {"Effect": "Allow", "Action": [f"sqs:{a}" for a in actions], "Resource": queue_arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_a_mapping_needs_the_function_roles_sqs_permissions_on_the_queue(aws, queues):
    iam, lam = aws("iam"), aws("lambda")
    name = unique("consumer-role")
    arn = usable_role(iam, name, policy=sqs_policy(queues["work_arn"], ["ReceiveMessage", "GetQueueAttributes"]))
    function = unique("fn")
    create(lam, function, arn)
    with pytest.raises(ClientError) as refused:
        lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=function)
    assert error_of(refused) == (
        "InvalidParameterValueException",
        "The provided execution role does not have permissions to call DeleteMessage on SQS",
    )
    # The missing action granted: refused while the policy change propagates, accepted after.
    all_three = sqs_policy(queues["work_arn"], ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"])
    iam.put_role_policy(RoleName=name, PolicyName="policy", PolicyDocument=all_three)
    with pytest.raises(ClientError) as refused:
        lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=function)
    assert error_of(refused) == (
        "InvalidParameterValueException",
        "The provided execution role does not have permissions to call ReceiveMessage on SQS",
    )
    time.sleep(IAM_SECONDS + 0.3)
    mapping = lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=function)
    assert settled(lam, mapping["UUID"])["State"] == "Enabled"


def test_a_poller_whose_role_loses_receive_message_stops_and_says_why(aws, queues):
    iam, lam, sqs = aws("iam"), aws("lambda"), aws("sqs")
    name = unique("consumer-role")
    all_three = sqs_policy(queues["work_arn"], ["ReceiveMessage", "DeleteMessage", "GetQueueAttributes"])
    arn = usable_role(iam, name, policy=all_three)
    function = unique("fn")
    lam.create_function(
        FunctionName=function,
        Runtime="python3.12",
        Role=arn,
        Handler="handlers.consume",
        Code={"ZipFile": zip_bytes({"handlers.py": HANDLERS})},
        Timeout=3,
        Environment={"Variables": {"OUTPUT_QUEUE_URL": queues["output"]}},
    )
    mapping = lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=function)
    settled(lam, mapping["UUID"])
    sqs.send_message(QueueUrl=queues["work"], MessageBody="before")
    assert [r["body"] for r in drain(sqs, queues["output"], 1)] == ["before"]
    iam.delete_role_policy(RoleName=name, PolicyName="policy")
    time.sleep(IAM_SECONDS + 1.5)
    sqs.send_message(QueueUrl=queues["work"], MessageBody="after")
    time.sleep(1.5)
    assert queue_counts(sqs, queues["work"]) == (1, 0)  # nobody received it
    described = lam.get_event_source_mapping(UUID=mapping["UUID"])
    assert described["State"] == "Enabled"
    assert described["LastProcessingResult"] == (
        "PROBLEM: The provided execution role does not have permissions to call ReceiveMessage on SQS"
    )


def test_a_mapping_is_busy_while_creating_updating_and_deleting(aws, queues, consumer):
    lam = aws("lambda")
    mapping = lam.create_event_source_mapping(EventSourceArn=queues["work_arn"], FunctionName=consumer)
    assert mapping["State"] == "Creating"
    uuid_ = mapping["UUID"]
    with pytest.raises(ClientError) as busy:
        lam.update_event_source_mapping(UUID=uuid_, BatchSize=5)
    assert error_of(busy) == (
        "ResourceInUseException",
        "Cannot update the event source mapping because it is in use.",
    )
    with pytest.raises(ClientError) as busy:
        lam.delete_event_source_mapping(UUID=uuid_)
    assert error_of(busy) == (
        "ResourceInUseException",
        "Cannot delete the event source mapping because it is in use.",
    )
    assert settled(lam, uuid_)["State"] == "Enabled"
    assert lam.update_event_source_mapping(UUID=uuid_, BatchSize=5)["State"] == "Updating"
    assert settled(lam, uuid_)["State"] == "Enabled"
    assert lam.update_event_source_mapping(UUID=uuid_, Enabled=False)["State"] == "Disabling"
    assert settled(lam, uuid_)["State"] == "Disabled"
    assert lam.delete_event_source_mapping(UUID=uuid_)["State"] == "Deleting"
    assert lam.get_event_source_mapping(UUID=uuid_)["State"] == "Deleting"
    assert [m["State"] for m in lam.list_event_source_mappings(FunctionName=consumer)["EventSourceMappings"]] == [
        "Deleting"
    ]
    deadline = time.monotonic() + 10
    while lam.list_event_source_mappings(FunctionName=consumer)["EventSourceMappings"] and time.monotonic() < deadline:
        time.sleep(0.1)
    with pytest.raises(ClientError) as gone:
        lam.get_event_source_mapping(UUID=uuid_)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_each_function_and_role_gets_access_keys_of_its_own():
    def function(name, role):
        return SimpleNamespace(
            function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
            role=f"arn:aws:iam::123456789012:role/{role}",
            function_name=name,
        )

    keys = {awslambda.access_key_of(function(n, r)) for n, r in (("a", "r1"), ("b", "r1"), ("a", "r2"))}
    assert len(keys) == 3 and all(k.startswith("ASIA") and len(k) == 20 for k in keys)
    key = awslambda.access_key_of(function("a", "r1"))
    assert awslambda.identity_of_access_key(key) == ("arn:aws:iam::123456789012:role/r1", "a")
    assert awslambda.identity_of_access_key("testing") is None


CONFLICT = "The operation cannot be performed at this time. "


def test_a_function_refuses_updates_while_pending_or_while_an_update_is_in_progress(aws, role):
    lam = aws("lambda")
    name = unique("fn")
    created = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="handlers.consume",
        Code={"ZipFile": zip_bytes({"handlers.py": HANDLERS})},
        Timeout=3,
    )
    assert lam.get_function(FunctionName=name)["Configuration"]["State"] == "Pending"
    with pytest.raises(ClientError) as conflict:
        lam.update_function_configuration(FunctionName=name, Timeout=4)
    assert error_of(conflict) == (
        "ResourceConflictException",
        CONFLICT + "The function is currently in the following state: Pending",
    )
    ready(lam, name)
    lam.update_function_configuration(FunctionName=name, Timeout=4)
    assert lam.get_function(FunctionName=name)["Configuration"]["LastUpdateStatus"] == "InProgress"
    with pytest.raises(ClientError) as conflict:
        lam.update_function_code(FunctionName=name, ZipFile=zip_bytes({"handlers.py": HANDLERS + "\n"}))
    assert error_of(conflict) == (
        "ResourceConflictException",
        CONFLICT + f"An update is in progress for resource: {created['FunctionArn']}",
    )
    ready(lam, name)
    assert lam.get_function(FunctionName=name)["Configuration"]["LastUpdateStatus"] == "Successful"
    lam.update_function_code(FunctionName=name, ZipFile=zip_bytes({"handlers.py": HANDLERS + "\n"}))


def test_in_process_role_zip_states_and_invoke(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws: the role check, the zip check,
    the Pending state and its refusal, then the handler run."""
    from refarch_emulator import consistency

    iam, lam = in_process("iam"), in_process("lambda")
    arn = iam.create_role(RoleName="in-process", AssumeRolePolicyDocument=trust_policy("lambda.amazonaws.com"))["Role"][
        "Arn"
    ]
    spec = dict(
        FunctionName="in-process",
        Runtime="python3.11",
        Role=arn,
        Handler="handlers.echo",
        Code={"ZipFile": zip_bytes({"handlers.py": HANDLERS})},
    )
    with pytest.raises(ClientError) as excinfo:
        lam.create_function(**spec)  # the role was created a moment ago
    assert error(excinfo) == (
        "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.",
    )
    consistency.RECORD.clear()
    with pytest.raises(ClientError) as excinfo:
        lam.create_function(**dict(spec, Code={"ZipFile": b"not a zip"}))
    assert error(excinfo)[1].startswith("Could not unzip uploaded file.")
    assert lam.create_function(**spec)["State"] == "Pending"
    with pytest.raises(ClientError) as excinfo:
        lam.update_function_configuration(FunctionName="in-process", Timeout=5)
    assert error(excinfo)[0] == "ResourceConflictException"
    _response, payload = invoke(in_process, ready(lam, "in-process"), {"hello": "world"})
    assert payload["event"] == {"hello": "world"}
