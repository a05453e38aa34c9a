"""SQS: a new queue is not usable for a moment, and a deleted one lingers and keeps its name.

moto creates and deletes queues at once. AWS does not:

* CreateQueue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html):
  "After you create a queue, you must wait at least one second after the queue is created to be able
  to use the queue." Inside window ``sqs-create`` every call that names the new queue (GetQueueUrl,
  GetQueueAttributes, SetQueueAttributes, tags, messages...) answers
  ``AWS.SimpleQueueService.NonExistentQueue``, and a redrive policy naming it as dead-letter target
  is refused as naming a queue that does not exist.
* DeleteQueue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html):
  "the deletion process takes up to 60 seconds. Requests you send involving that queue during the 60
  seconds might succeed" and "you must wait at least 60 seconds before creating a queue with the
  same name." Inside window ``sqs-delete`` CreateQueue of its name answers
  ``AWS.SimpleQueueService.QueueDeletedRecently``; for the first part of it (window
  ``sqs-delete-answers``) the deleted queue still answers every call (the hard case of "might
  succeed": it is still listed, read and tagged) and DeleteQueue of it succeeds again; after that it
  no longer answers, while its name stays held until ``sqs-delete`` ends.

Errors go through moto's SQS exceptions, so the JSON protocol answer carries the query-compatible
code in ``x-amzn-query-error`` as AWS's does (boto3 shows it as ``Error.Code``).
"""

from __future__ import annotations

import json
from typing import Any

from refarch_emulator import consistency

_originals: dict[str, Any] = {}

# AWS's answer as SDKs report it (e.g. hashicorp/terraform-provider-aws#3113); the botocore model's
# documentation of QueueDeletedRecently words it "another queue".
DELETED_RECENTLY_CODE = "AWS.SimpleQueueService.QueueDeletedRecently"
DELETED_RECENTLY_MESSAGE = (
    "You must wait 60 seconds after deleting a queue before you can create another with the same name."
)


def _key(backend: Any, name: str) -> str:
    return f"{backend.account_id}/{backend.region_name}/{name}"


def _deleting(backend: Any) -> set[str]:
    """Names of this backend's queues whose deletion was accepted and has not finished.

    Kept on the backend instance, so that a backend reset (which rebuilds it) forgets them."""
    names = backend.__dict__.get("_refarch_deleting")
    if names is None:
        names = backend.__dict__["_refarch_deleting"] = set()
    return names


def _finish_deletions(backend: Any) -> None:
    """Stop answering for the queues past ``sqs-delete-answers``; free the names past ``sqs-delete``."""
    deleting = _deleting(backend)
    for name in sorted(deleting):
        key = _key(backend, name)
        if not consistency.settling("sqs-delete-answers", key):
            backend.queues.pop(name, None)
        if not consistency.settling("sqs-delete", key):
            backend.queues.pop(name, None)
            deleting.discard(name)
            consistency.RECORD.forget("sqs-delete", key)
            consistency.RECORD.forget("sqs-delete-answers", key)


def _create_queue(self: Any, name: str, tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
    from moto.sqs.exceptions import SQSException

    _finish_deletions(self)
    if name in _deleting(self):
        raise SQSException(DELETED_RECENTLY_CODE, DELETED_RECENTLY_MESSAGE)
    existed = name in self.queues
    queue = _originals["create_queue"](self, name, tags, **kwargs)
    if not existed:
        consistency.changed("sqs-create", _key(self, name))
    return queue


def _get_queue(self: Any, queue_name: str) -> Any:
    from moto.sqs.exceptions import QueueDoesNotExist

    _finish_deletions(self)
    queue = _originals["get_queue"](self, queue_name)
    if consistency.settling("sqs-create", _key(self, queue_name)):
        raise QueueDoesNotExist()
    return queue


def _list_queues(self: Any, queue_name_prefix: str) -> Any:
    _finish_deletions(self)
    return _originals["list_queues"](self, queue_name_prefix)


def _delete_queue(self: Any, queue_name: str) -> None:
    from moto.sqs.exceptions import QueueDoesNotExist

    _finish_deletions(self)
    if queue_name not in self.queues:
        raise QueueDoesNotExist()
    deleting = _deleting(self)
    if queue_name in deleting:
        return  # still being deleted: DeleteQueue of it succeeds again, and the clock keeps running
    deleting.add(queue_name)
    consistency.changed("sqs-delete", _key(self, queue_name))
    consistency.changed("sqs-delete-answers", _key(self, queue_name))
    consistency.RECORD.forget("sqs-create", _key(self, queue_name))
    _finish_deletions(self)  # with the window off (REFARCH_EMULATOR_STRICT=0) it is gone at once


def _setup_dlq(self: Any, policy: Any) -> None:
    """A redrive policy naming a dead-letter queue that is not usable yet is refused as AWS refuses
    a target that does not exist."""
    from moto.sqs.exceptions import SQSException

    _originals["setup_dlq"](self, policy)
    target = self.dead_letter_queue
    if target is None:
        return
    key = f"{target.account_id}/{target.region}/{target.name}"
    if consistency.settling("sqs-create", key):
        raise SQSException(
            "InvalidParameterValue",
            "Value %s for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
            % json.dumps(self.redrive_policy, separators=(",", ":")),
        )


def install() -> None:
    from moto.sqs.models import Queue, SQSBackend

    if _originals:
        return
    for name, patch in (
        ("create_queue", _create_queue),
        ("get_queue", _get_queue),
        ("list_queues", _list_queues),
        ("delete_queue", _delete_queue),
    ):
        _originals[name] = getattr(SQSBackend, name)
        setattr(SQSBackend, name, patch)
    _originals["setup_dlq"] = Queue._setup_dlq
    Queue._setup_dlq = _setup_dlq
