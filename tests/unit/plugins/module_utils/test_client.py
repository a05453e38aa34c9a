import pytest
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, wait_for

from .fake_clock import FakeClock


def test_wait_for_returns_the_first_result_that_is_done():
    clock = FakeClock()
    states = iter(["Launching", "Launching", "Ready"])
    assert (
        wait_for(lambda: next(states), lambda s: s == "Ready", 60, "env", delay=5, sleep=clock.sleep, clock=clock)
        == "Ready"
    )
    assert clock.now == 10


def test_wait_for_times_out_with_a_message_naming_what_it_waited_for():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="timed out after 12s waiting for environment web to be Ready"):
        wait_for(
            lambda: "Launching",
            lambda s: False,
            12,
            "environment web to be Ready",
            delay=5,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.now == 12


def test_wait_for_stops_early_on_a_terminal_failure():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="refresh: status Failed"):
        wait_for(
            lambda: "Failed",
            lambda s: s == "Successful",
            600,
            "refresh",
            failed=lambda s: f"status {s}" if s == "Failed" else None,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.now == 0


def _throttled(code):
    import botocore.exceptions

    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "slow down"}}, "ListTagsForResource")


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "SlowDown", "Throttling", "RequestLimitExceeded", "ServiceUnavailable"]
)
def test_retry_decorator_retries_every_service_s_throttling(monkeypatch, code):
    from ansible_collections.refarch.aws.plugins.module_utils import client

    monkeypatch.setattr(client, "DELAY", 0)
    calls = []

    @client.retry_decorator()
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise _throttled(code)
        return "ok"

    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    assert flaky() == "ok"
    assert len(calls) == 3


def test_retry_decorator_does_not_retry_real_errors(monkeypatch):
    from ansible_collections.refarch.aws.plugins.module_utils import client

    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    calls = []

    @client.retry_decorator()
    def broken():
        calls.append(1)
        raise _throttled("AccessDenied")

    with pytest.raises(Exception, match="AccessDenied"):
        broken()
    assert len(calls) == 1


def test_paginate_retries_the_whole_read(monkeypatch):
    from ansible_collections.refarch.aws.plugins.module_utils import client

    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    attempts = []

    class Paginator:
        def paginate(self, **kwargs):
            attempts.append(kwargs)
            if len(attempts) == 1:
                raise _throttled("ServiceUnavailable")
            return self

        def build_full_result(self):
            return {"Roles": [{"RoleName": "r"}]}

    class Client:
        def get_paginator(self, operation):
            assert operation == "list_roles"
            return Paginator()

    assert client.paginate(Client(), "list_roles", PathPrefix="/refarch/") == {"Roles": [{"RoleName": "r"}]}
    assert attempts == [{"PathPrefix": "/refarch/"}] * 2


def test_caller_identity_is_one_call_giving_account_and_partition():
    import boto3
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
    from ansible_collections.refarch.aws.plugins.module_utils.client import caller_identity, retry_decorator
    from botocore.stub import Stubber

    client = boto3.client("sts", region_name="cn-north-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_caller_identity",
            {"Account": "210987654321", "Arn": "arn:aws-cn:iam::210987654321:user/deployer", "UserId": "AIDA"},
        )
        identity = caller_identity(RetryingBotoClientWrapper(client, retry_decorator()))
        assert (identity["account"], identity["partition"]) == ("210987654321", "aws-cn")
        stubber.assert_no_pending_responses()
