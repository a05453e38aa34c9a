"""The fault proxy: boto3 parses every injected fault as the intended error, retries it, and survives 20%."""

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ThrottledRetryableChecker, TransientRetryableChecker

from refarch_emulator.faults import FaultProxy, error_response
from refarch_emulator.testing import create_queue

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
THROTTLING_CODES = ThrottledRetryableChecker._THROTTLED_ERROR_CODES
TRANSIENT_STATUS = TransientRetryableChecker._TRANSIENT_STATUS_CODES


def client(service, url, attempts=1, mode="standard"):
    config = Config(retries={"total_max_attempts": attempts, "mode": mode}, connect_timeout=5, read_timeout=60)
    return boto3.client(service, endpoint_url=url, config=config, **CREDENTIALS)


# (service, call, kwargs): one per protocol the collection uses.
CALLS = {
    "ec2": ("ec2", "describe_vpcs", {}),
    "query": ("iam", "list_roles", {}),
    "query-elbv2": ("elbv2", "describe_load_balancers", {}),
    "json": ("sqs", "list_queues", {}),
    "json-states": ("stepfunctions", "list_state_machines", {}),
    "rest-json": ("lambda", "list_functions", {}),
    "s3": ("s3", "list_buckets", {}),
}
EXPECTED = [
    # (call, kind, code, status)
    ("ec2", "throttle", "RequestLimitExceeded", 400),
    ("query", "throttle", "Throttling", 400),
    ("query-elbv2", "throttle", "Throttling", 400),
    ("json", "throttle", "ThrottlingException", 400),
    ("json-states", "throttle", "ThrottlingException", 400),
    ("rest-json", "throttle", "TooManyRequestsException", 429),
    ("s3", "throttle", "SlowDown", 503),
    ("ec2", "429", "RequestLimitExceeded", 429),
    ("query", "429", "Throttling", 429),
    ("json", "429", "ThrottlingException", 429),
    ("ec2", "500", "InternalError", 500),
    ("query", "500", "InternalFailure", 500),
    ("json", "500", "InternalFailure", 500),
    ("rest-json", "500", "ServiceException", 500),
    ("s3", "500", "InternalError", 500),
    ("ec2", "503", "Unavailable", 503),
    ("query", "503", "ServiceUnavailable", 503),
    ("json", "503", "ServiceUnavailable", 503),
    ("s3", "503", "ServiceUnavailable", 503),
]


@pytest.mark.parametrize(("call", "kind", "code", "status"), EXPECTED, ids=[f"{c}-{k}" for c, k, _, _ in EXPECTED])
def test_boto3_parses_each_injected_fault_as_intended_and_retries_it(endpoint, call, kind, code, status):
    service, operation, kwargs = CALLS[call]
    with FaultProxy(endpoint, rate=1.0, seed=1, kinds=(kind,)) as proxy:
        with pytest.raises(ClientError) as caught:
            getattr(client(service, proxy.url, attempts=2), operation)(**kwargs)
        stats = proxy.stats()
    response = caught.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    # botocore retried it once (its retry handler classified it as throttling/transient) ...
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert code in THROTTLING_CODES or status in TRANSIENT_STATUS
    # ... and the proxy counted both attempts as faults, none reached the emulator.
    assert stats["injected"] == 2 and stats["forwarded"] == 0
    assert stats["per_kind"] == {kind: 2}


def test_legacy_retry_mode_retries_the_faults_too(endpoint):
    """amazon.aws modules build clients with botocore's default (legacy) retry mode."""
    for kind in ("throttle", "500", "503"):
        with FaultProxy(endpoint, rate=1.0, seed=2, kinds=(kind,)) as proxy:
            with pytest.raises(ClientError) as caught:
                client("sqs", proxy.url, attempts=2, mode="legacy").list_queues()
        assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1, kind


def test_a_client_with_retries_survives_20_percent_faults(endpoint):
    with FaultProxy(endpoint, rate=0.2, seed=7) as proxy:
        sqs = client("sqs", proxy.url, attempts=10)
        s3 = client("s3", proxy.url, attempts=10)
        ec2 = client("ec2", proxy.url, attempts=10)
        iam = client("iam", proxy.url, attempts=10)
        s3.create_bucket(Bucket="faults-survive")
        for index in range(8):
            url = create_queue(sqs, QueueName=f"faults-survive-{index}")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=str(index))
            s3.put_object(Bucket="faults-survive", Key=f"k{index}", Body=f"body {index}".encode())
            assert s3.get_object(Bucket="faults-survive", Key=f"k{index}")["Body"].read() == f"body {index}".encode()
            ec2.describe_vpcs()
            iam.list_roles()
        assert len(sqs.list_queues(QueueNamePrefix="faults-survive-")["QueueUrls"]) == 8
        stats = proxy.stats()
    print(f"\nfault proxy: {stats['injected']} faults injected and survived, {stats['forwarded']} calls forwarded")
    assert stats["injected"] > 0
    assert 0.05 < stats["injected"] / (stats["injected"] + stats["forwarded"]) < 0.4


def test_forwards_verbatim_and_never_faults_the_control_paths(endpoint):
    with FaultProxy(endpoint, rate=1.0, seed=3) as proxy:
        for path in ("/moto-api/data.json", "/refarch-emulator/status"):
            with urllib.request.urlopen(proxy.url + path, timeout=10) as response:
                assert response.status == 200
                assert json.loads(response.read()) is not None
        assert proxy.stats()["injected"] == 0
    with FaultProxy(endpoint, rate=0.0, seed=3) as proxy:
        s3 = client("s3", proxy.url)
        s3.create_bucket(Bucket="faults-verbatim")
        s3.put_object(Bucket="faults-verbatim", Key="k", Body=b"x" * 70000)
        assert s3.head_object(Bucket="faults-verbatim", Key="k")["ContentLength"] == 70000
        assert s3.get_object(Bucket="faults-verbatim", Key="k")["Body"].read() == b"x" * 70000
        assert proxy.stats()["forwarded"] == 4


def test_faults_are_drawn_from_the_seed():
    first = FaultProxy("http://127.0.0.1:1", rate=0.3, seed=11)
    second = FaultProxy("http://127.0.0.1:1", rate=0.3, seed=11)
    try:
        draws = [first.draw("sqs", "ListQueues")[0] for _ in range(200)]
        assert draws == [second.draw("sqs", "ListQueues")[0] for _ in range(200)]
        assert 30 < sum(1 for d in draws if d) < 90
    finally:
        first.stop()
        second.stop()


def test_refuses_anything_but_a_local_upstream():
    with pytest.raises(ValueError, match="local emulator"):
        FaultProxy("http://example.com:80")
    with pytest.raises(ValueError, match="rate"):
        FaultProxy("http://127.0.0.1:1", rate=1.5)


def test_rpc_v2_faults_are_empty_transient_errors():
    status, _, body = error_response("rpc-v2", "throttle")
    assert status in TRANSIENT_STATUS and body == b""
