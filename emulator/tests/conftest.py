"""Fixtures shared by the emulator's tests: one private emulator per test module, reset per test."""

import pytest

from refarch_emulator.testing import client, private_emulator, reset


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """The endpoint URL of an emulator started for this test module (stopped after it)."""
    with private_emulator(tmp_path_factory.mktemp("state")) as url:
        yield url


@pytest.fixture
def aws(endpoint):
    """``aws("sqs")`` → a boto3 client of the module's emulator, every backend reset for this test."""
    reset(endpoint)
    return lambda service: client(endpoint, service)


@pytest.fixture
def aws_shared(endpoint):
    """Like ``aws`` without the reset: for tests that name all their resources uniquely (a reset
    costs seconds, mostly reloading IAM's managed policies)."""
    return lambda service: client(endpoint, service)


@pytest.fixture
def in_process(monkeypatch):
    """``in_process("sqs")`` → a boto3 client of moto inside this process (``mock_aws``) with every
    extension installed, on the test suites' clock: the extensions' models as moto would run them."""
    import boto3
    from moto import mock_aws

    from refarch_emulator import consistency
    from refarch_emulator.extensions import load_extensions
    from refarch_emulator.testing import TEST_ENVIRONMENT

    for key, value in TEST_ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    load_extensions()
    consistency.RECORD.clear()
    # The server's switches (refarch_emulator.server.EMULATOR_CONFIG) but IAM's managed policies
    # (seconds at each mock start, and no test here attaches one).
    with mock_aws(config={"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}):
        yield lambda service: boto3.client(service, region_name="us-east-1")
    consistency.RECORD.clear()
