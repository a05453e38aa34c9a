"""SQS's backend with AWS's creation delay and lingering deletion (windows ``sqs-create``, ``sqs-delete``)."""

from __future__ import annotations

from typing import Any

from moto.sqs.exceptions import QueueDoesNotExist

from refarch_emulator import consistency
from refarch_emulator.extensions.sqs.exceptions import DeadLetterTargetDoesNotExist, QueueDeletedRecently


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


def create_queue(original, self: Any, name: str, tags: dict[str, str] | None = None, **kwargs: Any) -> Any:
    _finish_deletions(self)
    if name in _deleting(self):
        raise QueueDeletedRecently()
    existed = name in self.queues
    queue = original(self, name, tags, **kwargs)
    if not existed:
        consistency.changed("sqs-create", _key(self, name))
    return queue


def get_queue(original, self: Any, queue_name: str) -> Any:
    _finish_deletions(self)
    queue = original(self, queue_name)
    if consistency.settling("sqs-create", _key(self, queue_name)):
        raise QueueDoesNotExist()
    return queue


def list_queues(original, self: Any, queue_name_prefix: str) -> Any:
    _finish_deletions(self)
    return original(self, queue_name_prefix)


def delete_queue(original, self: Any, queue_name: str) -> None:
    """AWS deletes in the background: moto's deletion is not called, the queue goes when its window ends."""
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


def setup_dlq(original, self: Any, policy: Any) -> None:
    """A redrive policy naming a dead-letter queue that is not usable yet is refused as AWS refuses
    a target that does not exist."""
    original(self, policy)
    target = self.dead_letter_queue
    if target is None:
        return
    key = f"{target.account_id}/{target.region}/{target.name}"
    if consistency.settling("sqs-create", key):
        raise DeadLetterTargetDoesNotExist(self.redrive_policy)
