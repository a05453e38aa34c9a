import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codebuild, codepipeline
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
    assert (
        retry_until_role_propagates(call, {"InvalidInputException": ("AssumeRole",)}, sleep=clock.sleep, clock=clock)
        == "done"
    )
    assert clock.now == 10


def test_gives_up_after_the_timeout():
    clock = FakeClock()
    call = flaky([client_error("InvalidStructureException", "not authorized to perform AssumeRole")] * 100)
    with pytest.raises(botocore.exceptions.ClientError):
        retry_until_role_propagates(
            call, {"InvalidStructureException": ("AssumeRole",)}, timeout=30, sleep=clock.sleep, clock=clock
        )
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
        retry_until_role_propagates(
            flaky([error]), {"InvalidInputException": ("AssumeRole",)}, sleep=clock.sleep, clock=clock
        )
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


# CreatePipeline/UpdatePipeline and CreateProject/UpdateProject retry AWS's own propagation answers,
# and only those (codes and messages).
PIPELINE_ROLE = "arn:aws:iam::123456789012:role/refarch/web-codepipeline"
PIPELINE = {
    "name": "web",
    "roleArn": PIPELINE_ROLE,
    "artifactStore": {"type": "S3", "location": "bucket"},
    "stages": [
        {
            "name": "A",
            "actions": [
                {"name": "a", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}}
            ],
        },
        {
            "name": "B",
            "actions": [
                {
                    "name": "b",
                    "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"},
                }
            ],
        },
    ],
}
PROJECT = {
    "name": "build",
    "source": {"type": "CODEPIPELINE"},
    "artifacts": {"type": "CODEPIPELINE"},
    "environment": {"type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL"},
    "serviceRole": "arn:aws:iam::123456789012:role/r",
}


@pytest.fixture
def fake_clock(monkeypatch):
    """The modules' retry on a clock that advances instantly (no real sleeping in the tests)."""
    clock = FakeClock()
    original = retry_until_role_propagates

    def on_fake_clock(call, codes, **kwargs):
        return original(call, codes, sleep=clock.sleep, clock=clock, **kwargs)

    monkeypatch.setattr(codepipeline, "retry_until_role_propagates", on_fake_clock)
    monkeypatch.setattr(codebuild, "retry_until_role_propagates", on_fake_clock)
    return clock


@pytest.mark.parametrize("operation", ["create_pipeline", "update_pipeline"])
def test_pipeline_calls_retry_while_codepipeline_cannot_assume_the_new_role(fake_clock, operation):
    client, stub = stubbed("codepipeline")
    message = f"CodePipeline is not authorized to perform AssumeRole on role {PIPELINE_ROLE}"
    stub.add_client_error(operation, "InvalidStructureException", message)
    stub.add_response(operation, {"pipeline": PIPELINE})
    with stub:
        if operation == "create_pipeline":
            assert codepipeline.create_pipeline(client, PIPELINE, {"refarch:deployment": "t"}) == PIPELINE
        else:
            assert codepipeline.update_pipeline(client, PIPELINE) == PIPELINE
    assert fake_clock.now == 5


@pytest.mark.parametrize(
    "message",
    [
        # an action role the pipeline role may not assume: a configuration error, never propagation
        f"Pipeline role {PIPELINE_ROLE} is not authorized to perform AssumeRole on action role arn:aws:iam::1:role/x",
        "ActionConfiguration Map value must satisfy constraint: [Member must not be null]",
    ],
)
def test_pipeline_configuration_errors_are_raised_without_waiting(fake_clock, message):
    client, stub = stubbed("codepipeline")
    stub.add_client_error("create_pipeline", "InvalidStructureException", message)
    with stub, pytest.raises(botocore.exceptions.ClientError, match="InvalidStructureException"):
        codepipeline.create_pipeline(client, PIPELINE, {})
    assert fake_clock.now == 0


@pytest.mark.parametrize(
    "message",
    [
        "CodeBuild is not authorized to perform: sts:AssumeRole on service role. Please verify that: 1) The provided "
        "service role exists, 2) The role name is case-sensitive and matches exactly, and 3) The role has the "
        "necessary trust policy configured.",
        "CodeBuild is not authorized to perform: sts:AssumeRole on arn:aws:iam::123456789012:role/r",
    ],
)
@pytest.mark.parametrize("operation", ["create_project", "update_project"])
def test_project_calls_retry_while_codebuild_cannot_assume_the_new_role(fake_clock, operation, message):
    client, stub = stubbed("codebuild")
    stub.add_client_error(operation, "InvalidInputException", message)
    stub.add_client_error(operation, "InvalidInputException", message)
    stub.add_response(operation, {"project": {"name": "build"}})
    with stub:
        assert getattr(codebuild, operation)(client, PROJECT) == {"name": "build"}
    assert fake_clock.now == 10


def test_project_calls_give_up_after_the_bound(fake_clock):
    client, stub = stubbed("codebuild")
    for _attempt in range(19):
        stub.add_client_error(
            "create_project",
            "InvalidInputException",
            "CodeBuild is not authorized to perform: sts:AssumeRole on service role.",
        )
    with stub, pytest.raises(botocore.exceptions.ClientError, match="sts:AssumeRole"):
        codebuild.create_project(client, PROJECT)
    assert fake_clock.now == 90
