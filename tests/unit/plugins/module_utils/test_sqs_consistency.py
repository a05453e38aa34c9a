"""SQS as AWS documents it: a queue name is held 60 s after DeleteQueue (QueueDeletedRecently), a new
queue is usable about a second after CreateQueue, a deleted queue may answer for up to 60 s. The
module retries or waits for exactly these, bounded, and never in check mode."""

import functools

import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import sqs
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, retry_while
from ansible_collections.refarch.aws.plugins.modules import sqs_queue

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


class FakeModule:
    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.params = {"deployment": "refarch"}

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs)


def absent(**overrides):
    return dict(name=NAME, state="absent", deployment="refarch", **overrides)


def add_current(stubber):
    stubber.add_response("get_queue_url", {"QueueUrl": URL}, {"QueueName": NAME})
    add_describe(stubber)


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
    deleted = []
    changed, before, after = sqs_queue.manage(FakeModule(check_mode=False), client, absent(), deleted)
    assert changed and before["arn"] == ARN and after == {} and deleted == [NAME]
    sqs_queue.wait_until_all_deleted(client, deleted)
    assert clock.now == 3


def test_absent_in_check_mode_neither_deletes_nor_waits(stub, monkeypatch):
    client, stubber = stub
    monkeypatch.setattr(sqs, "wait_until_deleted", lambda *a, **k: pytest.fail("check mode waited"))
    add_current(stubber)  # reads only: any other call is refused by the stubber
    deleted = []
    changed, _before, after = sqs_queue.manage(FakeModule(check_mode=True), client, absent(), deleted)
    assert changed and after == {} and deleted == []
