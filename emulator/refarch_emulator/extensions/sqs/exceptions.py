"""Errors SQS answers that moto does not define (as moto's own SQS errors, query-compatible codes)."""

from __future__ import annotations

import json
from typing import Any

from moto.sqs.exceptions import SQSException

# AWS's answer as SDKs report it (e.g. hashicorp/terraform-provider-aws#3113); the botocore model's
# documentation of QueueDeletedRecently words it "another queue".
DELETED_RECENTLY_CODE = "AWS.SimpleQueueService.QueueDeletedRecently"
DELETED_RECENTLY_MESSAGE = (
    "You must wait 60 seconds after deleting a queue before you can create another with the same name."
)


class QueueDeletedRecently(SQSException):
    def __init__(self) -> None:
        super().__init__(DELETED_RECENTLY_CODE, DELETED_RECENTLY_MESSAGE)


class DeadLetterTargetDoesNotExist(SQSException):
    def __init__(self, redrive_policy: Any) -> None:
        super().__init__(
            "InvalidParameterValue",
            "Value %s for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
            % json.dumps(redrive_policy, separators=(",", ":")),
        )
