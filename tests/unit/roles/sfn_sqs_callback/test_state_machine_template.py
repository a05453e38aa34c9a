"""The callback task's Retry, read from the rendered template: transient SQS errors only, bounded."""

import json
from pathlib import Path

import jinja2

ROLE = Path(__file__).resolve().parents[4] / "roles" / "sfn_sqs_callback"
BUSINESS_OUTCOMES = {"OutOfStock", "InvalidOrder"}
CATCH_ALLS = {"States.ALL", "States.TaskFailed"}  # they match the verifier's answers too


def rendered(**variables):
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters["to_json"] = json.dumps
    values = dict(
        sfn_sqs_callback_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/q",
        sfn_sqs_callback_task_timeout=600,
        sfn_sqs_callback_task_heartbeat=400,
        sfn_sqs_callback_send_retry_interval=2,
        sfn_sqs_callback_send_retry_attempts=3,
    )
    values.update(variables)
    template = environment.from_string((ROLE / "templates" / "state_machine.json.j2").read_text())
    return json.loads(template.render(**values))


def test_the_callback_task_retries_only_the_sqs_integrations_errors_bounded():
    (retrier,) = rendered()["States"]["VerifyInventory"]["Retry"]
    assert set(retrier["ErrorEquals"]) == {"SQS.AmazonSQSException", "SQS.SdkClientException"}
    assert not set(retrier["ErrorEquals"]) & (BUSINESS_OUTCOMES | CATCH_ALLS | {"States.Timeout"})
    assert (retrier["IntervalSeconds"], retrier["BackoffRate"], retrier["MaxAttempts"]) == (2, 2, 3)


def test_the_business_outcomes_and_timeouts_are_caught_not_retried():
    task = rendered(sfn_sqs_callback_send_retry_attempts=0)["States"]["VerifyInventory"]
    caught = {name for catcher in task["Catch"] for name in catcher["ErrorEquals"]}
    assert BUSINESS_OUTCOMES | {"States.Timeout"} <= caught
    assert task["Retry"][0]["MaxAttempts"] == 0
