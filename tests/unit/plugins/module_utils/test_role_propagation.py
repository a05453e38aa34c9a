import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codebuild
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_until_role_propagates

from .fake_clock import FakeClock
from .stubbed import stubbed


def client_error(code, message):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": message}}, "CreateProject")


def flaky(errors, result="done"):
    pending = list(errors)

    def call():
        if pending:
            raise pending.pop(0)
        return result

    return call


def test_retries_while_the_new_role_is_not_assumable_yet():
    clock = FakeClock()
    call = flaky([client_error("InvalidInputException", "CodeBuild is not authorized to perform: sts:AssumeRole")] * 2)
    assert retry_until_role_propagates(call, ["InvalidInputException"], sleep=clock.sleep, clock=clock) == "done"
    assert clock.now == 10


def test_gives_up_after_the_timeout():
    clock = FakeClock()
    call = flaky([client_error("InvalidStructureException", "not authorized to perform AssumeRole")] * 100)
    with pytest.raises(botocore.exceptions.ClientError):
        retry_until_role_propagates(call, ["InvalidStructureException"], timeout=30, sleep=clock.sleep, clock=clock)
    assert clock.now == 30


@pytest.mark.parametrize(
    "error",
    [
        client_error("InvalidInputException", "Project source location is required"),  # a real input error
        client_error("AccessDenied", "not authorized to perform AssumeRole"),  # another code
    ],
)
def test_other_errors_are_raised_at_once(error):
    clock = FakeClock()
    with pytest.raises(botocore.exceptions.ClientError):
        retry_until_role_propagates(flaky([error]), ["InvalidInputException"], sleep=clock.sleep, clock=clock)
    assert clock.now == 0


def test_create_project_raises_a_real_input_error_without_waiting():
    client, stub = stubbed("codebuild")
    stub.add_client_error("create_project", "InvalidInputException", "Invalid service role")
    desired = {
        "name": "build",
        "source": {"type": "CODEPIPELINE"},
        "artifacts": {"type": "CODEPIPELINE"},
        "environment": {"type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL"},
        "serviceRole": "arn:aws:iam::123456789012:role/r",
    }
    with stub, pytest.raises(botocore.exceptions.ClientError, match="Invalid service role"):
        codebuild.create_project(client, desired)
