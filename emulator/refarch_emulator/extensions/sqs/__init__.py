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

Only the backend changes (``models``); moto's responses serve it unchanged.
"""

from __future__ import annotations


def install() -> None:
    from moto.sqs.models import Queue, SQSBackend

    from refarch_emulator.extensions.patching import wrap
    from refarch_emulator.extensions.sqs import models

    wrap(SQSBackend, "create_queue", models.create_queue)
    wrap(SQSBackend, "get_queue", models.get_queue)
    wrap(SQSBackend, "list_queues", models.list_queues)
    wrap(SQSBackend, "delete_queue", models.delete_queue)
    wrap(Queue, "_setup_dlq", models.setup_dlq)
