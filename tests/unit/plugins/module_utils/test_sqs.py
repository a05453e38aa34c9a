import json

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.refarch.aws.plugins.module_utils import sqs
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_decorator
from botocore.stub import Stubber

ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
DLQ = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
URL = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
OWNED = {"refarch:deployment": "refarch"}
ATTRIBUTES = {
    "QueueArn": ARN,
    "VisibilityTimeout": "180",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "MaximumMessageSize": "262144",
    "SqsManagedSseEnabled": "true",
    "RedrivePolicy": json.dumps({"deadLetterTargetArn": DLQ, "maxReceiveCount": 5}),
}


def params(**overrides):
    value = dict(
        name="orders",
        state="present",
        visibility_timeout=180,
        message_retention_period=None,
        delay_seconds=None,
        receive_wait_time_seconds=None,
        maximum_message_size=None,
        encryption="sqs",
        kms_master_key_id=None,
        redrive_policy=dict(dead_letter_target_arn=DLQ, max_receive_count=5),
    )
    value.update(overrides)
    return value


def current(**attributes):
    return sqs.normalize_queue(URL, dict(ATTRIBUTES, **attributes), OWNED)


def test_normalize_queue():
    assert current() == dict(
        name="orders",
        url=URL,
        arn=ARN,
        visibility_timeout=180,
        message_retention_period=345600,
        delay_seconds=0,
        receive_wait_time_seconds=0,
        maximum_message_size=262144,
        encryption="sqs",
        redrive_policy=dict(dead_letter_target_arn=DLQ, max_receive_count=5),
        tags=OWNED,
    )


@pytest.mark.parametrize(
    ("attributes", "encryption"),
    [
        ({"SqsManagedSseEnabled": "false"}, "none"),
        ({"SqsManagedSseEnabled": "false", "KmsMasterKeyId": "alias/k"}, "kms"),
        ({"SqsManagedSseEnabled": "true"}, "sqs"),
    ],
)
def test_normalize_encryption(attributes, encryption):
    assert current(**attributes)["encryption"] == encryption


def test_an_unchanged_queue_needs_no_attribute():
    desired = sqs.build_desired(params(), OWNED)
    assert sqs.attributes_to_set(desired, current()) == {}


def test_a_new_queue_gets_every_given_attribute():
    desired = sqs.build_desired(params(message_retention_period=60), OWNED)
    assert sqs.attributes_to_set(desired, None) == {
        "VisibilityTimeout": "180",
        "MessageRetentionPeriod": "60",
        "SqsManagedSseEnabled": "true",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": DLQ, "maxReceiveCount": 5}, sort_keys=True),
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (dict(visibility_timeout=300), {"VisibilityTimeout": "300"}),
        (dict(visibility_timeout=None), {}),  # unset = leave alone
        (dict(encryption="none"), {"SqsManagedSseEnabled": "false"}),
        (dict(encryption="kms", kms_master_key_id="alias/k"), {"KmsMasterKeyId": "alias/k"}),
        (
            dict(redrive_policy=dict(dead_letter_target_arn=DLQ, max_receive_count=3)),
            {"RedrivePolicy": json.dumps({"deadLetterTargetArn": DLQ, "maxReceiveCount": 3}, sort_keys=True)},
        ),
        (dict(redrive_policy=None), {}),
    ],
)
def test_only_what_differs_is_set(overrides, expected):
    assert sqs.attributes_to_set(sqs.build_desired(params(**overrides), OWNED), current()) == expected


def test_leaving_kms_for_sqs_clears_the_key():
    queue = current(SqsManagedSseEnabled="false", KmsMasterKeyId="alias/k")
    assert sqs.attributes_to_set(sqs.build_desired(params(), OWNED), queue) == {
        "SqsManagedSseEnabled": "true",
        "KmsMasterKeyId": "",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(name="orders.fifo"), "FIFO queues"),
        (dict(encryption="kms"), "kms_master_key_id is required"),
        (dict(kms_master_key_id="alias/k"), "kms_master_key_id is required with encryption=kms, and only valid"),
        (dict(visibility_timeout=43201), "visibility_timeout must be between 0 and 43200, got 43201"),
        (dict(message_retention_period=59), "message_retention_period must be between 60"),
        (dict(redrive_policy=dict(dead_letter_target_arn=DLQ, max_receive_count=0)), "max_receive_count"),
        (dict(redrive_policy=dict(dead_letter_target_arn="orders-dlq", max_receive_count=5)), "must be a queue ARN"),
    ],
)
def test_bad_input_is_named(overrides, message):
    assert message in sqs.validate(params(**overrides))


def test_good_input_and_absent_pass():
    assert sqs.validate(params()) is None
    assert sqs.validate(params(state="absent", visibility_timeout=-1)) is None


def test_predicted_keeps_current_values_and_takes_the_new_tags():
    desired = sqs.build_desired(params(visibility_timeout=300), {"a": "b"})
    after = sqs.predicted(desired, current(), {"a": "b"})
    assert after["visibility_timeout"] == 300 and after["message_retention_period"] == 345600
    assert after["tags"] == {"a": "b"}


@pytest.fixture
def stub():
    client = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, retry_decorator()), stubber
        stubber.assert_no_pending_responses()


def test_get_queue_reads_attributes_and_tags(stub):
    client, stubber = stub
    stubber.add_response("get_queue_url", {"QueueUrl": URL}, {"QueueName": "orders"})
    stubber.add_response(
        "get_queue_attributes", {"Attributes": ATTRIBUTES}, {"QueueUrl": URL, "AttributeNames": ["All"]}
    )
    stubber.add_response("list_queue_tags", {"Tags": OWNED}, {"QueueUrl": URL})
    assert sqs.get_queue(client, "orders") == current()


@pytest.mark.parametrize("code", ["AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"])
def test_a_missing_queue_is_none(stub, code):
    client, stubber = stub
    stubber.add_client_error("get_queue_url", service_error_code=code, http_status_code=400)
    assert sqs.get_queue(client, "orders") is None


def test_a_queue_deleted_while_read_is_none(stub):
    client, stubber = stub
    stubber.add_client_error("get_queue_attributes", service_error_code="QueueDoesNotExist", http_status_code=400)
    assert sqs.describe_queue(client, URL) is None


def test_other_errors_raise(stub):
    client, stubber = stub
    stubber.add_client_error("get_queue_url", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(Exception, match="AccessDenied"):
        sqs.get_queue(client, "orders")


def test_list_queue_urls_follows_next_token(stub):
    client, stubber = stub
    stubber.add_response("list_queues", {"QueueUrls": [URL], "NextToken": "n"}, {"MaxResults": 1000})
    stubber.add_response("list_queues", {}, {"MaxResults": 1000, "NextToken": "n"})
    assert sqs.list_queue_urls(client) == [URL]


def test_update_tags_removes_then_sets(stub):
    client, stubber = stub
    stubber.add_response("untag_queue", {}, {"QueueUrl": URL, "TagKeys": ["old"]})
    stubber.add_response("tag_queue", {}, {"QueueUrl": URL, "Tags": {"new": "1"}})
    sqs.update_tags(client, URL, {"new": "1"}, ["old"])
    sqs.update_tags(client, URL, {}, [])  # nothing to do: no call


def test_delete_of_a_vanished_queue_is_quiet(stub):
    client, stubber = stub
    stubber.add_client_error("delete_queue", service_error_code="QueueDoesNotExist", http_status_code=400)
    sqs.delete_queue(client, URL)


def test_queue_arn():
    assert (
        sqs.queue_arn("aws-us-gov", "us-gov-west-1", "123456789012", "q")
        == "arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q"
    )


def test_the_dead_letter_queue_shares_encryption_tags_and_ownership_and_nothing_else():
    params = dict(
        name="orders",
        state="present",
        visibility_timeout=180,
        message_retention_period=345600,
        delay_seconds=None,
        receive_wait_time_seconds=None,
        maximum_message_size=None,
        encryption="kms",
        kms_master_key_id="alias/orders",
        redrive_policy=None,
        dead_letter_queue=dict(name=None, message_retention_period=1209600, max_receive_count=3),
        purge_tags=True,
        deployment="prod",
        tags={"team": "shop"},
    )
    dead_letter = sqs.dead_letter_queue_params(params)
    assert dead_letter["name"] == "orders-dlq"
    assert dead_letter["message_retention_period"] == 1209600
    assert dead_letter["visibility_timeout"] is None and dead_letter["redrive_policy"] is None
    assert (dead_letter["encryption"], dead_letter["kms_master_key_id"]) == ("kms", "alias/orders")
    assert (dead_letter["deployment"], dead_letter["tags"], dead_letter["state"]) == (
        "prod",
        {"team": "shop"},
        "present",
    )
    assert "dead_letter_queue" not in dead_letter
    assert sqs.dead_letter_queue_params(dict(params, dead_letter_queue=None)) is None
    queue = sqs.with_redrive_to(params, "arn:aws:sqs:us-east-1:123456789012:orders-dlq")
    assert queue["redrive_policy"] == {
        "dead_letter_target_arn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
        "max_receive_count": 3,
    }
    assert sqs.build_desired(queue, {})["redrive_policy"]["max_receive_count"] == 3


def test_a_bad_dead_letter_receive_count_is_named():
    message = sqs.validate(
        dict(name="q", state="present", encryption="sqs", dead_letter_queue=dict(max_receive_count=0))
    )
    assert "dead_letter_queue.max_receive_count" in message
