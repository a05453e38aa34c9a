"""Helpers for tests of the extensions: a private emulator on a free loopback port, clients, errors."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

import boto3

from refarch_emulator import control

# The test suites run AWS's consistency windows at a fifth of AWS's clock: on, but quick.
TEST_ENVIRONMENT = {"REFARCH_EMULATOR_TIME_SCALE": "0.2"}


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
