"""Errors Step Functions (and its SQS task) answers as AWS does."""

from __future__ import annotations

import uuid

STATES_PRINCIPAL = "states.amazonaws.com"
ROLE_NOT_ASSUMABLE = (
    "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to "
    "assume the provided role."
)
SQS_ERROR_NAME = "SQS.AmazonSQSException"  # every error SQS answers; SdkClientException is client-side


class ExecutionStopped(Exception):
    """Raised through the interpreter when a task woken by StopExecution ends."""


def sqs_access_denied(queue_url: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": "AccessDenied", "Message": f"Access to the resource {queue_url} is denied."},
            "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": str(uuid.uuid4())},
        },
        "SendMessage",
    )
