"""SQS extension: a new queue is not usable for a moment; a deleted one lingers, then is gone, and
keeps its name meanwhile (QueueDeletedRecently)."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from refarch_emulator import consistency
from refarch_emulator.testing import client, error, private_emulator

CREATE_SECONDS = 2.5  # long enough for six calls on a loaded machine
DELETE_ANSWERS_SECONDS = 4.0
DELETE_SECONDS = 7.0
NOT_FOUND = ("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    # Windows of their own, short and far enough apart that the test can tell them apart.
    with private_emulator(
        tmp_path_factory.mktemp("state"),
        REFARCH_EMULATOR_SQS_CREATE_SECONDS=str(CREATE_SECONDS),
        REFARCH_EMULATOR_SQS_DELETE_SECONDS=str(DELETE_SECONDS),
        REFARCH_EMULATOR_SQS_DELETE_ANSWERS_SECONDS=str(DELETE_ANSWERS_SECONDS),
    ) as url:
        yield url


@pytest.fixture
def sqs(endpoint):
    # Every test names its queues uniquely: no reset needed.
    return client(endpoint, "sqs")


def settled_queue(sqs, name, **kwargs):
    url = sqs.create_queue(QueueName=name, **kwargs)["QueueUrl"]
    time.sleep(CREATE_SECONDS + 0.2)
    return url


def test_windows_follow_the_aws_pages():
    assert consistency.WINDOWS["sqs-create"].default == 1.0
    assert consistency.WINDOWS["sqs-delete"].default == 60.0
    assert consistency.WINDOWS["sqs-create"].source.endswith("API_CreateQueue.html")
    assert consistency.WINDOWS["sqs-delete"].source.endswith("API_DeleteQueue.html")
    assert consistency.WINDOWS["sqs-delete-answers"].default < consistency.WINDOWS["sqs-delete"].default


def test_a_new_queue_is_not_usable_for_a_moment(sqs):
    url = sqs.create_queue(QueueName="fresh", tags={"k": "v"})["QueueUrl"]
    calls = [
        lambda: sqs.get_queue_url(QueueName="fresh"),
        lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]),
        lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"}),
        lambda: sqs.list_queue_tags(QueueUrl=url),
        lambda: sqs.tag_queue(QueueUrl=url, Tags={"a": "b"}),
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as caught:
            call()
        assert error(caught) == NOT_FOUND
        # boto3 parses the JSON protocol's shape name too, and the query-compatible code from the header
        assert caught.value.response["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    time.sleep(CREATE_SECONDS + 0.2)
    assert sqs.get_queue_url(QueueName="fresh")["QueueUrl"] == url
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"k": "v"}
    # Creating it again (same attributes) is no new queue: no new window.
    assert sqs.create_queue(QueueName="fresh")["QueueUrl"] == url
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])


def test_a_redrive_policy_cannot_name_a_dead_letter_queue_that_is_not_usable_yet(sqs):
    dlq = sqs.create_queue(QueueName="young-dlq")["QueueUrl"]
    arn = "arn:aws:sqs:us-east-1:123456789012:young-dlq"
    redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="young-source", Attributes={"RedrivePolicy": redrive})
    code, message = error(caught)
    assert code == "InvalidParameterValue"
    assert message.endswith("for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
    assert arn in message
    time.sleep(CREATE_SECONDS + 0.2)
    source = sqs.create_queue(QueueName="young-source", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    time.sleep(CREATE_SECONDS + 0.2)
    attributes = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"] == arn
    assert dlq.endswith("/young-dlq")


def test_a_deleted_queue_lingers_then_is_gone_and_keeps_its_name_meanwhile(sqs):
    url = settled_queue(sqs, "doomed", tags={"refarch:deployment": "refarch"})
    sqs.delete_queue(QueueUrl=url)
    deleted_at = time.monotonic()
    # "Requests you send involving that queue during the 60 seconds might succeed": here they do.
    assert sqs.get_queue_url(QueueName="doomed")["QueueUrl"] == url
    assert url in sqs.list_queues(QueueNamePrefix="doomed")["QueueUrls"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"].endswith(
        ":doomed"
    )
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"refarch:deployment": "refarch"}
    # Deleting it again succeeds; it does not restart the clock.
    time.sleep(1.0)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="doomed")
    assert error(caught) == (
        "AWS.SimpleQueueService.QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
    )
    assert caught.value.response["Error"]["QueryErrorCode"] == "QueueDeletedRecently"
    assert isinstance(caught.value, sqs.exceptions.QueueDeletedRecently)
    # Past the part that answers: gone for every read, but the name is still held.
    time.sleep(max(0.0, deleted_at + DELETE_ANSWERS_SECONDS + 0.2 - time.monotonic()))
    with pytest.raises(ClientError) as caught:
        sqs.get_queue_url(QueueName="doomed")
    assert error(caught) == NOT_FOUND
    assert sqs.list_queues(QueueNamePrefix="doomed").get("QueueUrls", []) == []
    with pytest.raises(ClientError) as caught:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert error(caught) == NOT_FOUND
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="doomed")
    assert error(caught)[0] == "AWS.SimpleQueueService.QueueDeletedRecently"
    time.sleep(max(0.0, deleted_at + DELETE_SECONDS + 0.2 - time.monotonic()))
    # The name is free again: a new queue, empty, with a new create window.
    assert sqs.create_queue(QueueName="doomed")["QueueUrl"] == url
    with pytest.raises(ClientError) as caught:
        sqs.list_queue_tags(QueueUrl=url)
    assert error(caught) == NOT_FOUND


def test_deleting_a_queue_that_never_was_is_still_an_error(sqs):
    with pytest.raises(ClientError) as caught:
        sqs.delete_queue(QueueUrl="https://sqs.us-east-1.amazonaws.com/123456789012/never-was")
    assert error(caught) == NOT_FOUND


def test_reset_forgets_queues_being_deleted(endpoint, sqs):
    from refarch_emulator.testing import reset

    url = settled_queue(sqs, "reset-me")
    sqs.delete_queue(QueueUrl=url)
    reset(endpoint)
    assert sqs.list_queues(QueueNamePrefix="reset-me").get("QueueUrls", []) == []
    sqs.create_queue(QueueName="reset-me")


def test_in_process_create_and_delete_windows(in_process, monkeypatch):
    """The model behaviour meant for upstream, under moto's mock_aws (windows held open, then closed)."""
    for variable in ("SQS_CREATE", "SQS_DELETE", "SQS_DELETE_ANSWERS"):
        monkeypatch.setenv(f"REFARCH_EMULATOR_{variable}_SECONDS", "30")
    sqs = in_process("sqs")
    url = sqs.create_queue(QueueName="fresh")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName="fresh")
    assert error(excinfo) == NOT_FOUND
    consistency.RECORD.clear()
    assert sqs.get_queue_url(QueueName="fresh")["QueueUrl"] == url
    sqs.delete_queue(QueueUrl=url)
    assert sqs.get_queue_url(QueueName="fresh")["QueueUrl"] == url  # still answers
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="fresh")
    assert error(excinfo)[0] == "AWS.SimpleQueueService.QueueDeletedRecently"
    consistency.RECORD.clear()
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName="fresh")
    assert error(excinfo) == NOT_FOUND
    sqs.create_queue(QueueName="fresh")  # the name is free again
