"""SQS as AWS documents it: a queue name is held 60 s after DeleteQueue (QueueDeletedRecently), a new
queue is usable about a second after CreateQueue, a deleted queue may answer for up to 60 s. The
module retries or waits for exactly these, bounded, and never in check mode."""

import functools

import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import runner, sqs
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, retry_while

from .fake_clock import FakeClock
from .stubbed import stubbed

NAME = "orders"
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
OWNED = {"refarch:deployment": "refarch"}
ATTRIBUTES = {"QueueArn": ARN, "VisibilityTimeout": "30", "SqsManagedSseEnabled": "true"}
DELETED_RECENTLY = "You must wait 60 seconds after deleting a queue before you can create another with the same name."


@pytest.fixture
def stub():
    client, stubber = stubbed("sqs")
    with stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def create_expected():
    return {"QueueName": NAME, "Attributes": {}, "tags": OWNED}


def test_create_retries_while_the_name_of_a_deleted_queue_is_held(stub):
    client, stubber = stub
    clock = FakeClock()
    for code in ["AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently"] * 6:
        stubber.add_client_error("create_queue", code, DELETED_RECENTLY, 400, expected_params=create_expected())
    stubber.add_response("create_queue", {"QueueUrl": URL}, create_expected())
    assert sqs.create_queue(client, NAME, {}, OWNED, sleep=clock.sleep, clock=clock) == URL
    assert clock.now == 60


def test_create_gives_up_after_the_documented_60_s_and_a_margin(stub):
    client, stubber = stub
    clock = FakeClock()
    for _attempt in range(19):
        stubber.add_client_error("create_queue", "AWS.SimpleQueueService.QueueDeletedRecently", DELETED_RECENTLY, 400)
    with pytest.raises(botocore.exceptions.ClientError, match="QueueDeletedRecently"):
        sqs.create_queue(client, NAME, {}, OWNED, sleep=clock.sleep, clock=clock)
    assert clock.now == sqs.DELETE_SECONDS == 90


def test_create_raises_other_errors_at_once(stub):
    client, stubber = stub
    clock = FakeClock()
    stubber.add_client_error("create_queue", "QueueAlreadyExists", "The specified queue already exists.", 400)
    with pytest.raises(botocore.exceptions.ClientError, match="QueueAlreadyExists"):
        sqs.create_queue(client, NAME, {}, OWNED, sleep=clock.sleep, clock=clock)
    assert clock.now == 0


def add_describe(stubber):
    stubber.add_response(
        "get_queue_attributes", {"Attributes": ATTRIBUTES}, {"QueueUrl": URL, "AttributeNames": ["All"]}
    )
    stubber.add_response("list_queue_tags", {"Tags": OWNED}, {"QueueUrl": URL})


def test_a_new_queue_is_read_once_it_is_usable(stub):
    client, stubber = stub
    clock = FakeClock()
    stubber.add_client_error(
        "get_queue_attributes", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", 400
    )
    # Usable for one call, not yet for the next: the whole read is repeated.
    stubber.add_response("get_queue_attributes", {"Attributes": ATTRIBUTES})
    stubber.add_client_error("list_queue_tags", "QueueDoesNotExist", "The specified queue does not exist.", 400)
    add_describe(stubber)
    queue = sqs.describe_new_queue(client, URL, sleep=clock.sleep, clock=clock)
    assert (queue["arn"], queue["tags"]) == (ARN, OWNED)
    assert clock.now == 2


def test_a_new_queue_that_never_becomes_usable_fails_after_the_bound(stub):
    client, stubber = stub
    clock = FakeClock()
    for _attempt in range(21):
        stubber.add_client_error("get_queue_attributes", "AWS.SimpleQueueService.NonExistentQueue", "gone", 400)
    with pytest.raises(botocore.exceptions.ClientError, match="NonExistentQueue"):
        sqs.describe_new_queue(client, URL, sleep=clock.sleep, clock=clock)
    assert clock.now == sqs.CREATE_SECONDS


def test_wait_until_deleted_polls_until_the_queue_no_longer_answers(stub):
    client, stubber = stub
    clock = FakeClock()
    for _attempt in range(3):
        stubber.add_response("get_queue_url", {"QueueUrl": URL}, {"QueueName": NAME})
    stubber.add_client_error("get_queue_url", "AWS.SimpleQueueService.NonExistentQueue", "gone", 400)
    sqs.wait_until_deleted(client, NAME, sleep=clock.sleep, clock=clock)
    assert clock.now == 9


def test_wait_until_deleted_is_bounded(stub):
    client, stubber = stub
    clock = FakeClock()
    for _attempt in range(31):
        stubber.add_response("get_queue_url", {"QueueUrl": URL}, {"QueueName": NAME})
    with pytest.raises(WaitTimeout, match="queue orders to be deleted"):
        sqs.wait_until_deleted(client, NAME, sleep=clock.sleep, clock=clock)
    assert clock.now == 90


def test_retry_while_raises_the_last_error_and_other_errors_at_once():
    clock = FakeClock()
    errors = []

    def call():
        errors.append(botocore.exceptions.ClientError({"Error": {"Code": "Busy"}}, "Op"))
        raise errors[-1]

    with pytest.raises(botocore.exceptions.ClientError) as caught:
        retry_while(call, lambda code, message: True, 10, delay=4, sleep=clock.sleep, clock=clock)
    assert caught.value is errors[-1] and len(errors) == 4 and clock.now == 10
    with pytest.raises(botocore.exceptions.ClientError):
        retry_while(call, lambda code, message: False, 10, sleep=clock.sleep, clock=clock)
    assert clock.now == 10


def absent(**overrides):
    return dict(dict(name=NAME, state="absent", deployment="refarch", tags=None, purge_tags=True), **overrides)


def add_current(stubber, name=NAME, url=URL, arn=ARN):
    stubber.add_response("get_queue_url", {"QueueUrl": url}, {"QueueName": name})
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": dict(ATTRIBUTES, QueueArn=arn)},
        {"QueueUrl": url, "AttributeNames": ["All"]},
    )
    stubber.add_response("list_queue_tags", {"Tags": OWNED}, {"QueueUrl": url})


def run(client, params, check_mode=False):
    service = sqs.QueueService({"sqs": client}, params)
    return runner.execute(service, params, check_mode)


def test_absent_deletes_and_waits_until_the_queue_is_gone(stub, monkeypatch):
    client, stubber = stub
    clock = FakeClock()
    monkeypatch.setattr(
        sqs, "wait_until_deleted", functools.partial(sqs.wait_until_deleted, sleep=clock.sleep, clock=clock)
    )
    add_current(stubber)
    stubber.add_response("delete_queue", {}, {"QueueUrl": URL})
    # AWS still answers for the queue being deleted, then no more.
    stubber.add_response("get_queue_url", {"QueueUrl": URL}, {"QueueName": NAME})
    stubber.add_client_error("get_queue_url", "AWS.SimpleQueueService.NonExistentQueue", "gone", 400)
    result = run(client, absent())
    assert result["changed"] and result["diff"]["before"]["arn"] == ARN and result["queue"] == {}
    assert clock.now == 3


DLQ_NAME, DLQ_URL, DLQ_ARN = NAME + "-dlq", URL + "-dlq", ARN + "-dlq"


def test_a_queue_and_its_dead_letter_queue_are_deleted_and_then_waited_for_together(stub, monkeypatch):
    client, stubber = stub
    waited = []
    monkeypatch.setattr(sqs, "wait_until_deleted", lambda client, name: waited.append(name))
    add_current(stubber)  # the queue first, then its dead-letter queue: both read before any delete
    add_current(stubber, DLQ_NAME, DLQ_URL, DLQ_ARN)
    stubber.add_response("delete_queue", {}, {"QueueUrl": URL})
    stubber.add_response("delete_queue", {}, {"QueueUrl": DLQ_URL})
    result = run(client, absent(dead_letter_queue=dict(name=None, message_retention_period=None, max_receive_count=5)))
    assert waited == [NAME, DLQ_NAME]
    assert result["changed"] and (result["queue"], result["dead_letter_queue"]) == ({}, {})
    assert result["diff"]["before"]["dead_letter_queue"]["arn"] == DLQ_ARN
    assert result["changed_keys"] == {"queue": [], "dead_letter_queue": []}


def test_absent_in_check_mode_neither_deletes_nor_waits(stub, monkeypatch):
    client, stubber = stub
    monkeypatch.setattr(sqs, "wait_until_deleted", lambda *a, **k: pytest.fail("check mode waited"))
    add_current(stubber)  # reads only: any other call is refused by the stubber
    result = run(client, absent(), check_mode=True)
    assert result["changed"] and result["queue"] == {}


def present(**overrides):
    value = dict(absent(state="present"), encryption="sqs", kms_master_key_id=None, redrive_policy=None)
    value.update(dict.fromkeys(sqs.INT_ATTRIBUTES), **overrides)
    return value


def test_check_mode_predicts_both_queues_the_redrive_naming_the_dead_letter_queue_by_its_arn_to_be(stub):
    client, stubber = stub
    sts, sts_stubber = stubbed("sts")
    for name in (DLQ_NAME, NAME):  # the dead-letter queue is planned first
        stubber.add_client_error(
            "get_queue_url", "AWS.SimpleQueueService.NonExistentQueue", "no", 400, expected_params={"QueueName": name}
        )
    caller = {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/u", "UserId": "U"}
    sts_stubber.add_response("get_caller_identity", caller)  # once: the queue's ARN follows from it
    params = present(dead_letter_queue=dict(name=None, message_retention_period=1209600, max_receive_count=3))
    with sts_stubber:
        result = runner.execute(sqs.QueueService({"sqs": client, "sts": sts}, params), params, True)
    assert (result["dead_letter_queue"]["arn"], result["queue"]["arn"]) == (DLQ_ARN, ARN)
    assert result["queue"]["redrive_policy"] == {"dead_letter_target_arn": DLQ_ARN, "max_receive_count": 3}
    assert result["dead_letter_queue"]["message_retention_period"] == 1209600
    assert result["changed"] and result["changed_keys"] == {"dead_letter_queue": [], "queue": []}


def test_a_changed_attribute_is_named_by_its_key(stub):
    client, stubber = stub
    add_current(stubber)
    stubber.add_response("set_queue_attributes", {}, {"QueueUrl": URL, "Attributes": {"VisibilityTimeout": "60"}})
    add_describe(stubber)
    result = run(client, present(visibility_timeout=60))
    assert result["changed_keys"] == ["visibility_timeout"]
