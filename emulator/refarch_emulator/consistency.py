"""AWS's eventual consistency, as the emulator plays it: how long each kind of change takes to be seen.

moto applies every change at once. AWS does not, and deployments that pass against moto fail on a
real account because of it. Each window below follows the AWS page named beside it; every window is
AWS's duration times ``REFARCH_EMULATOR_TIME_SCALE`` (default 1: AWS's own clock), or exactly the
seconds its own variable says (the test suites set each to a fifth of AWS's duration:
``testing.TEST_ENVIRONMENT``). Both are read at each use, from the emulator's environment.
``REFARCH_EMULATOR_STRICT=0`` turns every window off for a quick look — never for the tests.

``changed(kind, key)`` records that something changed now; ``settling(kind, key)`` tells whether that
change is still inside its window (and so not yet seen by the services that use it).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

STRICT_VARIABLE = "REFARCH_EMULATOR_STRICT"
SCALE_VARIABLE = "REFARCH_EMULATOR_TIME_SCALE"


@dataclass(frozen=True)
class Window:
    variable: str
    default: float  # seconds on AWS's clock
    source: str  # the AWS page this window follows

    def seconds(self) -> float:
        if not strict():
            return 0.0
        raw = os.environ.get(self.variable)
        if raw in (None, ""):
            return self.default * time_scale()
        return _number(self.variable, raw)


def _number(variable: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ValueError(f"{variable} must be a number of seconds >= 0, not {raw!r}")
    return value


def time_scale() -> float:
    """The factor applied to AWS's durations (1 = AWS's clock)."""
    raw = os.environ.get(SCALE_VARIABLE, "")
    return 1.0 if raw == "" else _number(SCALE_VARIABLE, raw)


WINDOWS = {
    # A new or changed role, trust policy, role policy or instance profile is not yet seen by the
    # services that assume or check it.
    "iam": Window(
        "REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS",
        10.0,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency",
    ),
    # A new EC2 resource (e.g. a security group) is not found for a moment by calls that name it.
    "ec2": Window(
        "REFARCH_EMULATOR_EC2_PROPAGATION_SECONDS",
        2.0,
        "https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html",
    ),
    # A new queue is usable about a second after CreateQueue.
    "sqs-create": Window(
        "REFARCH_EMULATOR_SQS_CREATE_SECONDS",
        1.0,
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
    ),
    # DeleteQueue takes up to 60 s; the name cannot be reused meanwhile (QueueDeletedRecently).
    "sqs-delete": Window(
        "REFARCH_EMULATOR_SQS_DELETE_SECONDS",
        60.0,
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html",
    ),
    # Of those 60 s, requests "might succeed": the deleted queue answers for the first 20 s here,
    # then no longer answers while its name is still held.
    "sqs-delete-answers": Window(
        "REFARCH_EMULATOR_SQS_DELETE_ANSWERS_SECONDS",
        20.0,
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html",
    ),
    # A deleted load balancer's network interfaces keep its security groups in use for a while.
    "elb-eni": Window(
        "REFARCH_EMULATOR_ELB_ENI_RELEASE_SECONDS",
        20.0,
        "https://repost.aws/knowledge-center/troubleshoot-dependency-error-delete-vpc",
    ),
    # DeleteStateMachine is asynchronous: the name cannot be used again until the deletion is done
    # (CreateStateMachine meanwhile answers StateMachineDeleting).
    "states-delete": Window(
        "REFARCH_EMULATOR_STATES_DELETE_SECONDS",
        5.0,
        "https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html",
    ),
    # A new function is Pending, an updated one LastUpdateStatus InProgress, for a moment: another update
    # meanwhile answers ResourceConflictException.
    "lambda-update": Window(
        "REFARCH_EMULATOR_LAMBDA_UPDATE_SECONDS",
        2.0,
        "https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html",
    ),
    # A Lambda event source mapping passes through Creating/Updating/Deleting.
    "lambda-mapping": Window(
        "REFARCH_EMULATOR_LAMBDA_MAPPING_SECONDS",
        3.0,
        "https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html",
    ),
}


def strict() -> bool:
    return os.environ.get(STRICT_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off")


class ChangeRecord:
    """When each (kind, key) last changed; thread-safe, cleared by ``/moto-api/reset``."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._changed: dict[tuple[str, str], float] = {}

    def changed(self, kind: str, key: str) -> None:
        if kind not in WINDOWS:
            raise KeyError(f"unknown consistency window {kind!r}")
        with self._lock:
            self._changed[(kind, key)] = self._clock()

    def remaining(self, kind: str, key: str) -> float:
        """Seconds until the last change of ``key`` is seen; 0 when settled (or never changed)."""
        with self._lock:
            at = self._changed.get((kind, key))
        if at is None:
            return 0.0
        return max(0.0, at + WINDOWS[kind].seconds() - self._clock())

    def settling(self, kind: str, key: str) -> bool:
        return self.remaining(kind, key) > 0

    def forget(self, kind: str, key: str) -> None:
        with self._lock:
            self._changed.pop((kind, key), None)

    def clear(self) -> None:
        with self._lock:
            self._changed.clear()


# The one record of the emulator process; extensions import it.
RECORD = ChangeRecord()
changed = RECORD.changed
settling = RECORD.settling
