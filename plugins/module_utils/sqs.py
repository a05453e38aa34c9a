# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SQS standard queues: API calls (retrying, "not found" -> None) and pure build/compare functions.

Queues are normalized to one flat dict (snake_case attributes, the redrive policy as a dict, tags as
a dict) so that desired and current compare with ``diffing.changed_keys``.
"""

from __future__ import absolute_import, division, print_function

import json
import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.refarch.aws.plugins.module_utils import diffing, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import caller_identity, retry_while, wait_for

# SQS speaks the JSON protocol with query-compatible error codes: boto3 reports the query code (from
# the x-amzn-query-error header) when AWS sends it, else the JSON shape name. Both are listed.
DELETED_RECENTLY_CODES = ("AWS.SimpleQueueService.QueueDeletedRecently", "QueueDeletedRecently")
NOT_FOUND_CODES = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")

# DeleteQueue "takes up to 60 seconds" and "you must wait at least 60 seconds before creating a queue
# with the same name" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html).
# The margin is terraform-provider-aws's experience: 60 s was not enough (its PR #3148).
DELETE_SECONDS = 90
# "You must wait at least one second after the queue is created to be able to use the queue"
# (API_CreateQueue.html); a generous bound for a slow region, polled every second.
CREATE_SECONDS = 20

# normalized key -> (SQS attribute name, type)
INT_ATTRIBUTES = {
    "visibility_timeout": "VisibilityTimeout",
    "message_retention_period": "MessageRetentionPeriod",
    "delay_seconds": "DelaySeconds",
    "receive_wait_time_seconds": "ReceiveMessageWaitTimeSeconds",
    "maximum_message_size": "MaximumMessageSize",
}


def arn_to_name(arn):
    return arn.split(":")[-1]


# --------------------------------------------------------------------------- pure functions


def normalize_queue(url, attributes, tags):
    """One queue as this collection shows it, from get_queue_attributes(All) and list_queue_tags."""
    queue = dict(
        name=arn_to_name(attributes["QueueArn"]),
        url=url,
        arn=attributes["QueueArn"],
    )
    for key, attribute in INT_ATTRIBUTES.items():
        if attribute in attributes:
            queue[key] = int(attributes[attribute])
    if attributes.get("KmsMasterKeyId"):
        queue["encryption"] = "kms"
        queue["kms_master_key_id"] = attributes["KmsMasterKeyId"]
    elif str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true":
        queue["encryption"] = "sqs"
    else:
        queue["encryption"] = "none"
    redrive = attributes.get("RedrivePolicy")
    if redrive:
        policy = json.loads(redrive) if isinstance(redrive, str) else redrive
        queue["redrive_policy"] = dict(
            dead_letter_target_arn=policy["deadLetterTargetArn"],
            max_receive_count=int(policy["maxReceiveCount"]),
        )
    else:
        queue["redrive_policy"] = None
    queue["tags"] = dict(tags or {})
    return queue


def build_desired(params, tags):
    """The queue the module parameters describe, in the normalized shape; ``None`` = leave alone."""
    desired = dict((key, params.get(key)) for key in INT_ATTRIBUTES)
    encryption = params.get("encryption")
    desired["encryption"] = encryption
    if encryption == "kms":
        desired["kms_master_key_id"] = params.get("kms_master_key_id")
    redrive = params.get("redrive_policy")
    if redrive is not None:
        desired["redrive_policy"] = dict(
            dead_letter_target_arn=redrive["dead_letter_target_arn"],
            max_receive_count=int(redrive["max_receive_count"]),
        )
    desired["tags"] = tags
    return desired


QUEUE_LIMITS = dict(
    visibility_timeout=(0, 43200),
    message_retention_period=(60, 1209600),
    delay_seconds=(0, 900),
    receive_wait_time_seconds=(0, 20),
    maximum_message_size=(1024, 1048576),
)


def validate(params):
    """A message naming every bad parameter, or None. Runs before any API call."""
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}(\.fifo)?", params["name"]):
        problems.append("name: %r must be 1-80 letters, digits, hyphens or underscores" % params["name"])
    if params["name"].endswith(".fifo"):
        problems.append("name: FIFO queues (%s) are not supported; use a standard queue name" % params["name"])
    if params.get("state") != "absent":
        kms = params.get("encryption") == "kms"
        if kms != bool(params.get("kms_master_key_id")):
            problems.append("kms_master_key_id is required with encryption=kms, and only valid with it")
        for key, (low, high) in QUEUE_LIMITS.items():
            value = params.get(key)
            if value is not None and not low <= value <= high:
                problems.append("%s must be between %d and %d, got %d" % (key, low, high, value))
        redrive = params.get("redrive_policy")
        if redrive is not None and not 1 <= int(redrive["max_receive_count"]) <= 1000:
            problems.append("redrive_policy.max_receive_count must be between 1 and 1000")
        if redrive is not None and not str(redrive["dead_letter_target_arn"]).startswith("arn:"):
            problems.append("redrive_policy.dead_letter_target_arn must be a queue ARN")
        receives = (params.get("dead_letter_queue") or {}).get("max_receive_count")
        if receives is not None and not 1 <= int(receives) <= 1000:
            problems.append("dead_letter_queue.max_receive_count must be between 1 and 1000")
    return "; ".join(problems) or None


# SQS attribute name -> the normalized key it sets (``changed_keys``)
ATTRIBUTE_KEYS = dict((attribute, key) for key, attribute in INT_ATTRIBUTES.items())
ATTRIBUTE_KEYS.update(KmsMasterKeyId="encryption", SqsManagedSseEnabled="encryption", RedrivePolicy="redrive_policy")


def attributes_to_set(desired, current):
    """SQS attributes (API names, string values) that bring ``current`` to ``desired``."""
    current = current or {}
    result = {}
    for key, attribute in INT_ATTRIBUTES.items():
        want = desired.get(key)
        if want is not None and want != current.get(key):
            result[attribute] = str(want)
    encryption = desired.get("encryption")
    if encryption is not None and (
        encryption != current.get("encryption") or desired.get("kms_master_key_id") != current.get("kms_master_key_id")
    ):
        if encryption == "kms":
            result["KmsMasterKeyId"] = desired["kms_master_key_id"]
        else:
            result["SqsManagedSseEnabled"] = "true" if encryption == "sqs" else "false"
            if current.get("kms_master_key_id"):
                result["KmsMasterKeyId"] = ""
    if "redrive_policy" in desired and desired["redrive_policy"] != current.get("redrive_policy"):
        redrive = desired["redrive_policy"]
        result["RedrivePolicy"] = (
            json.dumps(
                dict(
                    deadLetterTargetArn=redrive["dead_letter_target_arn"],
                    maxReceiveCount=redrive["max_receive_count"],
                ),
                sort_keys=True,
            )
            if redrive
            else ""
        )
    return result


def predicted(desired, current, tags):
    """The queue after the change, for diff output and check mode."""
    after = dict(current or {})
    for key, value in desired.items():
        if value is not None and key != "tags":
            after[key] = value
    after["tags"] = tags
    return after


def dead_letter_queue_params(params):
    """The parameters of the dead-letter queue that ``params["dead_letter_queue"]`` asks for, or None:
    this queue's encryption, tags, ownership and state; its own name and retention; nothing else set."""
    spec = params.get("dead_letter_queue")
    if not spec:
        return None
    dead_letter = dict((key, None) for key in INT_ATTRIBUTES)
    dead_letter.update(
        (key, params.get(key))
        for key in ("state", "encryption", "kms_master_key_id", "purge_tags", "deployment", "tags")
    )
    dead_letter.update(
        name=spec.get("name") or params["name"] + "-dlq",
        message_retention_period=spec.get("message_retention_period"),
        redrive_policy=None,
    )
    return dead_letter


def with_redrive_to(params, dead_letter_arn):
    """``params`` of the queue whose messages move to ``dead_letter_arn`` after the given receives."""
    receives = params["dead_letter_queue"].get("max_receive_count")
    return dict(
        params,
        redrive_policy=dict(
            dead_letter_target_arn=dead_letter_arn, max_receive_count=5 if receives is None else receives
        ),
    )


def queue_arn(partition, region, account, name):
    return "arn:%s:sqs:%s:%s:%s" % (partition, region, account, name)


# --------------------------------------------------------------------------- API calls


def get_queue_url(client, name):
    try:
        return client.get_queue_url(QueueName=name, aws_retry=True)["QueueUrl"]
    except is_boto3_error_code(NOT_FOUND_CODES):
        return None


def describe_queue(client, url):
    """The normalized queue at ``url``, or None when it vanished meanwhile."""
    try:
        attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"], aws_retry=True)["Attributes"]
        tags = client.list_queue_tags(QueueUrl=url, aws_retry=True).get("Tags", {})
    except is_boto3_error_code(NOT_FOUND_CODES):
        return None
    return normalize_queue(url, attributes, tags)


def get_queue(client, name):
    url = get_queue_url(client, name)
    return describe_queue(client, url) if url else None


def list_queue_urls(client, prefix=None):
    kwargs = dict(QueueNamePrefix=prefix) if prefix else {}
    urls = []
    while True:
        page = client.list_queues(MaxResults=1000, aws_retry=True, **kwargs)
        urls.extend(page.get("QueueUrls") or [])
        if not page.get("NextToken"):
            return urls
        kwargs["NextToken"] = page["NextToken"]


def list_queues(client, prefix=None):
    queues = []
    for url in list_queue_urls(client, prefix):
        queue = describe_queue(client, url)
        if queue is not None:
            queues.append(queue)
    return queues


def create_queue(client, name, attributes, tags, timeout=DELETE_SECONDS, sleep=time.sleep, clock=time.monotonic):
    """The URL of the new queue. While AWS still holds the name of a queue deleted less than 60 s ago
    (QueueDeletedRecently: a deploy right after a teardown) the call is repeated, up to ``timeout``."""
    return retry_while(
        lambda: client.create_queue(QueueName=name, Attributes=attributes, tags=tags, aws_retry=True)["QueueUrl"],
        lambda code, _message: code in DELETED_RECENTLY_CODES,
        timeout,
        delay=5,
        sleep=sleep,
        clock=clock,
    )


def describe_new_queue(client, url, timeout=CREATE_SECONDS, sleep=time.sleep, clock=time.monotonic):
    """The queue created a moment ago at ``url``, read once it is usable: for about a second after
    CreateQueue, calls naming it (and redrive policies naming it) answer NonExistentQueue. Only
    right after a create is "not found" retried; elsewhere it means the queue is gone."""

    def read():
        attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"], aws_retry=True)["Attributes"]
        tags = client.list_queue_tags(QueueUrl=url, aws_retry=True).get("Tags", {})
        return normalize_queue(url, attributes, tags)

    return retry_while(read, lambda code, _message: code in NOT_FOUND_CODES, timeout, delay=1, sleep=sleep, clock=clock)


def set_attributes(client, url, attributes):
    client.set_queue_attributes(QueueUrl=url, Attributes=attributes, aws_retry=True)


def update_tags(client, url, to_set, to_remove):
    if to_remove:
        client.untag_queue(QueueUrl=url, TagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_queue(QueueUrl=url, Tags=to_set, aws_retry=True)


def delete_queue(client, url):
    try:
        client.delete_queue(QueueUrl=url, aws_retry=True)
    except is_boto3_error_code(NOT_FOUND_CODES):
        pass


def wait_until_deleted(client, name, timeout=DELETE_SECONDS, sleep=time.sleep, clock=time.monotonic):
    """Wait until the queue ``name``, whose deletion AWS accepted, no longer answers GetQueueUrl.

    AWS deletes a queue in up to 60 s and it "might" still answer meanwhile: listed, read, even sent
    to. Returning before it is gone would let the teardown's leftover check report it, and a deploy
    that follows would find it, take it as its own and keep it — until AWS removes it under it.
    Raises ``client.WaitTimeout`` after ``timeout``.
    """
    wait_for(
        lambda: get_queue_url(client, name),
        lambda url: url is None,
        timeout,
        "queue %s to be deleted (AWS takes up to 60 s)" % name,
        delay=3,
        sleep=sleep,
        clock=clock,
    )


# --------------------------------------------------------------------------- on the runner


class QueueService(runner.Service):
    """The queue of an ``sqs_queue`` task and, with ``dead_letter_queue``, its dead-letter queue as a
    companion: created or updated first (the queue's redrive names it), deleted after the queue.

    A deleted queue is waited for until it no longer answers (AWS takes up to 60 s); when both go,
    the dead-letter queue's delete waits for both, so the two waits overlap."""

    kind = "SQS queue"
    result_key = "queue"
    client_names = ("sqs",)

    def __init__(self, clients, params, queue=None):
        super(QueueService, self).__init__(clients, params)
        self.queue = queue  # set on a dead-letter queue: the queue whose redrive points at it
        self.current = None
        self.predicted_arn = None
        self.deleted = queue.deleted if queue else []  # names whose deletion is not waited for yet
        self.dead_letter = None
        if queue is None and dead_letter_queue_params(params):
            self.dead_letter = QueueService(clients, dead_letter_queue_params(params), queue=self)
            self.dead_letter.result_key = "dead_letter_queue"

    @staticmethod
    def validate(params):
        messages = [validate(params)]
        dead_letter = dead_letter_queue_params(params)
        if dead_letter:
            message = validate(dead_letter)
            messages.append(message and "dead_letter_queue: " + message)
        return [m for m in messages if m]

    def companions(self):
        if self.dead_letter is None:
            return (), ()
        if self.params["state"] == "absent":
            return (), (self.dead_letter,)
        return (self.dead_letter,), ()

    def read(self):
        self.current = get_queue(self.client, self.name())
        return self.current

    def arn(self):
        """The queue's ARN: its own when it exists, else the one it will have."""
        return (self.current or {}).get("arn") or self.predicted_arn

    def arn_to_be(self):
        """The ARN the queue will have (policies and the redrive of a check-mode run need it): from a
        queue of this task that exists, else from the caller's account (sts:GetCallerIdentity)."""
        known = [q.arn() for q in (self.queue, self.dead_letter) if q is not None and q.arn()]
        if known:
            return known[0].rsplit(":", 1)[0] + ":" + self.name()
        caller = caller_identity(self.clients["sts"])
        return queue_arn(caller["partition"], self.client.meta.region_name, caller["account"], self.name())

    def desired(self, current, tags):
        params = self.params
        if self.dead_letter is not None:  # planned first: its ARN is known or predicted
            params = with_redrive_to(params, self.dead_letter.arn())
        return build_desired(params, tags)

    def plan(self, desired, current):
        self.attributes = attributes_to_set(desired, current)
        return sorted(set(ATTRIBUTE_KEYS[attribute] for attribute in self.attributes))

    def predict(self, desired, current):
        if current is not None:
            return predicted(desired, current, desired["tags"])
        self.predicted_arn = self.arn_to_be()
        after = diffing.drop_none(predicted(desired, None, desired["tags"]))
        after.update(name=self.name(), arn=self.predicted_arn)
        return after

    def create(self, desired):
        url = create_queue(self.client, self.name(), attributes_to_set(desired, None), desired["tags"])
        return describe_new_queue(self.client, url)

    def update(self, desired, current, changes, tag_changes):
        if self.attributes:
            set_attributes(self.client, current["url"], self.attributes)
        update_tags(self.client, current["url"], tag_changes.set, tag_changes.remove)
        return describe_queue(self.client, current["url"])

    def delete(self, current):
        delete_queue(self.client, current["url"])
        self.deleted.append(self.name())
        if self.dead_letter is not None and self.dead_letter.current is not None:
            return  # the dead-letter queue is deleted next and waits for both
        # Only once AWS no longer answers is the queue no leftover, and only then does a deploy that
        # follows create a queue of its own instead of finding this one still answering.
        while self.deleted:
            wait_until_deleted(self.client, self.deleted.pop(0))


class QueuesInfo(runner.InfoService):
    """The queues an ``sqs_queue_info`` task lists."""

    kind = "SQS queues"
    result_key = "queues"
    client_names = ("sqs",)

    def by_name(self, name):
        return get_queue(self.client, name)

    def list_all(self):
        return list_queues(self.client)
