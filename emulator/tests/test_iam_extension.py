"""IAM changes propagate after a window; roles are evaluated as AWS evaluates them."""

import json

import pytest

from refarch_emulator import consistency
from refarch_emulator.testing import private_emulator, trust_policy


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    # A short IAM window, so the test can watch it pass.
    with private_emulator(tmp_path_factory.mktemp("state"), REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS="1.5") as url:
        yield url


def test_window_reads_its_variable_and_strict_switch(monkeypatch):
    window = consistency.WINDOWS["iam"]
    monkeypatch.setenv(window.variable, "4")
    assert window.seconds() == 4
    monkeypatch.setenv(consistency.STRICT_VARIABLE, "0")
    assert window.seconds() == 0
    monkeypatch.delenv(consistency.STRICT_VARIABLE)
    monkeypatch.setenv(window.variable, "soon")
    with pytest.raises(ValueError, match="REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS"):
        window.seconds()
    monkeypatch.delenv(window.variable)
    monkeypatch.setenv(consistency.SCALE_VARIABLE, "0.5")
    assert window.seconds() == window.default * 0.5
    monkeypatch.setenv(consistency.SCALE_VARIABLE, "-1")
    with pytest.raises(ValueError, match="REFARCH_EMULATOR_TIME_SCALE"):
        window.seconds()


def test_change_record_settles_after_the_window(monkeypatch):
    now = [100.0]
    record = consistency.ChangeRecord(clock=lambda: now[0])
    monkeypatch.setenv(consistency.WINDOWS["iam"].variable, "10")
    record.changed("iam", "arn:role")
    assert record.settling("iam", "arn:role")
    now[0] += 9.9
    assert record.remaining("iam", "arn:role") == pytest.approx(0.1)
    now[0] += 0.2
    assert not record.settling("iam", "arn:role")
    assert not record.settling("iam", "never-changed")
    with pytest.raises(KeyError):
        record.changed("no-such-window", "x")


def test_role_problem_and_policy_evaluation_in_process(monkeypatch):
    """The questions other extensions ask, against moto's backend in this process."""
    from moto import mock_aws

    from refarch_emulator.extensions import iam
    from refarch_emulator.extensions.iam import models

    iam.install()
    monkeypatch.setenv(consistency.WINDOWS["iam"].variable, "30")
    with mock_aws():
        import boto3

        client = boto3.client("iam", region_name="us-east-1")
        arn = client.create_role(RoleName="r", AssumeRolePolicyDocument=trust_policy("states.amazonaws.com"))["Role"][
            "Arn"
        ]
        assert models.role_problem("123456789012", arn, "states.amazonaws.com") == "propagating"
        consistency.RECORD.clear()
        assert models.role_problem("123456789012", arn, "states.amazonaws.com") is None
        assert models.role_problem("123456789012", arn, "lambda.amazonaws.com") == "untrusted"
        assert models.role_problem("123456789012", arn + "x", "states.amazonaws.com") == "missing"
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:q"},
                {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:no"},
            ],
        }
        client.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=json.dumps(policy))
        # The new policy is not seen yet: nothing is allowed during the window.
        assert not models.role_allows("123456789012", arn, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")
        consistency.RECORD.clear()
        assert models.role_allows("123456789012", arn, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")
        assert not models.role_allows("123456789012", arn, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:no")
        assert not models.role_allows("123456789012", arn, "sqs:DeleteQueue", "arn:aws:sqs:us-east-1:123456789012:q")

        client.create_instance_profile(InstanceProfileName="ip")
        assert models.instance_profile_problem("123456789012", "ip") == "propagating"
        consistency.RECORD.clear()
        assert models.instance_profile_problem("123456789012", "ip") == "empty"
        client.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="r")
        assert models.instance_profile_problem("123456789012", "ip") == "propagating"
        consistency.RECORD.clear()
        assert models.instance_profile_problem("123456789012", "ip") is None
        assert models.instance_profile_problem("123456789012", "other") == "missing"


def test_server_loads_the_iam_extension(endpoint):
    """The running emulator lists the extension (the services' extensions test its windows)."""
    import urllib.request

    with urllib.request.urlopen(endpoint + "/refarch-emulator/status", timeout=5) as response:
        status = json.loads(response.read())
    assert "iam" in status["extensions"]
