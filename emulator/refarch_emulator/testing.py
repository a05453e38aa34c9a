"""Helpers for tests of the extensions: a private emulator on a free loopback port, clients, errors."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

import boto3

from refarch_emulator import control
from refarch_emulator.consistency import WINDOWS

# The test suites' clock. AWS's slow processes (awsclock.DURATIONS: minutes of Beanstalk, CodeBuild,
# load balancer provisioning) run at 1/200 of AWS's clock, so a five-minute environment launch takes
# 1.5 s and the suite is no slower than with the fixed 2 s delay it had before. The consistency
# windows stay at a fifth of AWS's clock, each through its own variable: at 1/200 IAM's 10 s would be
# 50 ms, shorter than one module call, and the realism tests would no longer see a module meet it.
TEST_TIME_SCALE = 0.005
WINDOW_SCALE = 0.2
TEST_ENVIRONMENT = {
    "REFARCH_EMULATOR_TIME_SCALE": str(TEST_TIME_SCALE),
    **{window.variable: f"{window.default * WINDOW_SCALE:g}" for window in WINDOWS.values()},
}


def durations(seconds: dict[str, float]) -> dict[str, str]:
    """The variables that set AWS durations (``awsclock`` kind → seconds) exactly, for
    :func:`private_emulator`."""
    from refarch_emulator import awsclock

    return {awsclock.DURATIONS[kind].variable: str(value) for kind, value in seconds.items()}


def shell_exports() -> str:
    """``export`` lines for :data:`TEST_ENVIRONMENT`, each keeping a value the caller's shell already has
    (molecule's ``extensions/molecule/emulator_start.yml`` evaluates them)."""
    return "".join(f'export {key}="${{{key}:-{value}}}"\n' for key, value in TEST_ENVIRONMENT.items())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def environment_set(variables: dict[str, str]):
    """``os.environ`` with ``variables`` set, restored afterwards: what an emulator started meanwhile sees."""
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def private_emulator(state_dir, **environment: str):
    """Yield the endpoint URL of a fresh emulator whose process sees ``environment`` too
    (over :data:`TEST_ENVIRONMENT`)."""
    port = free_port()
    with environment_set({**TEST_ENVIRONMENT, **environment}):
        info = control.start(port, state_dir)
    try:
        yield info["endpoint_url"]
    finally:
        control.stop(port, state_dir)


def client(endpoint: str, service: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def error(excinfo) -> tuple[str, str]:
    """(code, message) of a botocore ClientError caught by pytest.raises."""
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def reset(endpoint: str) -> None:
    """``POST /moto-api/reset``: every backend back to empty (our extensions stop their threads)."""
    import urllib.request

    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def zip_bytes(files: dict[str, str]) -> bytes:
    """A Lambda deployment package holding ``files`` (name → source)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, source in files.items():
            archive.writestr(name, source)
    return buffer.getvalue()


def trust_policy(service: str) -> str:
    """An IAM trust policy letting ``service`` (e.g. ``lambda.amazonaws.com``) assume the role."""
    import json

    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_queue(sqs, **kwargs) -> dict:
    """CreateQueue, then wait (bounded) until the queue answers: SQS asks to "wait at least one second
    after the queue is created to be able to use the queue", and the emulator plays that window."""
    import time

    response = sqs.create_queue(**kwargs)
    deadline = time.monotonic() + 30
    while True:
        try:
            sqs.get_queue_attributes(QueueUrl=response["QueueUrl"], AttributeNames=["QueueArn"])
            return response
        except sqs.exceptions.QueueDoesNotExist:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


if __name__ == "__main__":
    print(shell_exports(), end="")
