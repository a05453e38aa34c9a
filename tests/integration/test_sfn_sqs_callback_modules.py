"""The queue, function, event source mapping and state machine modules against the emulator, beyond
the four steps (check mode -> change -> check mode unchanged -> unchanged), which
test_sfn_sqs_callback.py proves for every module through the role: what a create writes, that a
change makes exactly the calls it needs, removal, bad input. A look-alike resource without our tag
is refused by every module in test_ownership.py."""

from __future__ import annotations

import json

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import awslambda

from tests.support.playbook import ROOT, run_playbook

pytestmark = pytest.mark.integration
PLAYBOOK = "tests/integration/playbooks/sfn_sqs_callback_modules.yml"
RESOURCE_TASKS = ["Dead-letter queue", "Queue", "State machine", "Function", "Mapping"]
OWNED = {"refarch:deployment": "test"}


def run(aws, *args, expect_rc=0, **extra_vars):
    result = run_playbook(PLAYBOOK, aws.environment(), "--diff", *args, extra_vars=extra_vars or None)
    assert result.rc == expect_rc, result.stdout[-4000:]
    return result


def changed(result):
    return {task: result.task_results(task)[0].get("changed") for task in RESOURCE_TASKS}


def code_sha256(version):
    source = ROOT / f"tests/integration/files/lambda_v{version}/handler.py"
    return awslambda.code_sha256(awslambda.build_zip({"handler.py": source.read_bytes()}))


@pytest.fixture
def role(aws):
    """A role both services trust, allowed what the mapping's poller needs; created just now, so the
    modules meet it still propagating (and retry, as on AWS)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["states.amazonaws.com", "lambda.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    consume = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": "*",
            }
        ],
    }
    iam = aws.client("iam")
    iam.create_role(RoleName="refarch-test-modules", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="refarch-test-modules", PolicyName="consume", PolicyDocument=json.dumps(consume))
    aws.clear_calls()


def test_create_a_targeted_change_and_removal(aws, role):
    create = run(aws)
    assert changed(create) == dict.fromkeys(RESOURCE_TASKS, True)
    sqs, lam, sfn = aws.client("sqs"), aws.client("lambda"), aws.client("stepfunctions")
    url = sqs.get_queue_url(QueueName="refarch-test-queue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "60"
    assert attributes["SqsManagedSseEnabled"] == "true"
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:refarch-test-dlq",
        "maxReceiveCount": 3,
    }
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == dict(OWNED, team="shop")
    function = lam.get_function(FunctionName="refarch-test-function")
    assert function["Configuration"]["CodeSha256"] == code_sha256(1)
    assert function["Configuration"]["Environment"]["Variables"] == {"GREETING": "hello"}
    assert function["Tags"] == OWNED
    (mapping,) = lam.list_event_source_mappings(FunctionName="refarch-test-function")["EventSourceMappings"]
    assert (mapping["BatchSize"], mapping["FunctionResponseTypes"], mapping["ScalingConfig"]) == (
        5,
        ["ReportBatchItemFailures"],
        {"MaximumConcurrency": 2},
    )
    machine_arn = create.task_results("State machine")[0]["state_machine"]["arn"]
    machine = sfn.describe_state_machine(stateMachineArn=machine_arn)
    assert machine["type"] == "STANDARD"
    assert json.loads(machine["definition"])["Comment"] == "first"
    assert [q["name"] for q in create.task_results("Owned queues")[0]["queues"]] == [
        "refarch-test-dlq",
        "refarch-test-queue",
    ]
    (owned_function,) = create.task_results("Owned functions")[0]["functions"]
    assert [m["uuid"] for m in owned_function["event_source_mappings"]] == [mapping["UUID"]]
    assert [m["name"] for m in create.task_results("Owned state machines")[0]["state_machines"]] == [
        "refarch-test-machine"
    ]

    aws.clear_calls()
    change = run(aws, code_version=2, visibility_timeout=120, comment="second")
    assert changed(change) == {
        "Dead-letter queue": False,
        "Queue": True,
        "State machine": True,
        "Function": True,
        "Mapping": False,
    }
    assert sorted(aws.mutating_calls()) == [
        "lambda:UpdateFunctionCode",
        "sqs:SetQueueAttributes",
        "states:UpdateStateMachine",
    ]
    assert lam.get_function(FunctionName="refarch-test-function")["Configuration"]["CodeSha256"] == code_sha256(2)
    assert change.task_results("Function")[0]["diff"]["after"]["code_sha256"] == code_sha256(2)
    assert json.loads(sfn.describe_state_machine(stateMachineArn=machine_arn)["definition"])["Comment"] == "second"

    gone = run(aws, resource_state="absent")
    assert [
        gone.task_results(t)[0]["changed"]
        for t in ("Remove the mapping", "Remove the function", "Remove the state machine")
    ] == [
        True,
        True,
        True,
    ]
    assert gone.task_results("Owned queues")[0]["queues"] == []
    assert gone.task_results("Owned functions")[0]["functions"] == []
    assert gone.task_results("Owned state machines")[0]["state_machines"] == []
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []


def test_bad_input_fails_before_any_api_call(aws):
    result = run(aws, expect_rc=2, dlq_retention=59)
    assert "message_retention_period must be between 60 and 1209600, got 59" in result.stdout
    assert aws.calls() == []
