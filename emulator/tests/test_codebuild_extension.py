"""CodeBuild extension: update_project replaces only what is given; projects read back as AWS shows them."""

import time

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, error, private_emulator

ROLE = "arn:aws:iam::123456789012:role/build"
ENVIRONMENT = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"}


@pytest.fixture(scope="module")
def codebuild(tmp_path_factory):
    with private_emulator(tmp_path_factory.mktemp("state")) as url:
        yield client(url, "codebuild")


def create(codebuild, name, **extra):
    return codebuild.create_project(
        name=name,
        source={"type": "CODEPIPELINE", "buildspec": "buildspec.yml"},  # no location, as AWS allows
        artifacts={"type": "CODEPIPELINE"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
        **extra,
    )["project"]


def test_create_reports_aws_defaults(codebuild):
    project = create(codebuild, "defaults")
    assert project["timeoutInMinutes"] == 60
    assert project["queuedTimeoutInMinutes"] == 480
    assert project["tags"] == []
    assert project["environment"]["privilegedMode"] is False
    assert project["environment"]["imagePullCredentialsType"] == "CODEBUILD"
    assert project["artifacts"] == {
        "type": "CODEPIPELINE",
        "name": "defaults",
        "packaging": "NONE",
        "encryptionDisabled": False,
    }
    assert "location" not in project["source"]
    assert project["lastModified"] == project["created"]


def test_update_project_replaces_given_fields_and_keeps_the_rest(codebuild):
    before = create(codebuild, "upd", description="first", tags=[{"key": "refarch:deployment", "value": "t"}])
    time.sleep(0.01)
    after = codebuild.update_project(
        name="upd",
        environment=dict(ENVIRONMENT, computeType="BUILD_GENERAL1_MEDIUM"),
        timeoutInMinutes=15,
    )["project"]
    assert after["environment"]["computeType"] == "BUILD_GENERAL1_MEDIUM"
    assert after["timeoutInMinutes"] == 15
    assert after["description"] == "first"  # not given: kept
    assert after["tags"] == [{"key": "refarch:deployment", "value": "t"}]
    assert after["arn"] == before["arn"]
    assert after["created"] == before["created"]
    assert after["lastModified"] > before["lastModified"]

    codebuild.update_project(name="upd", tags=[{"key": "other", "value": "1"}])
    read = codebuild.batch_get_projects(names=["upd"])["projects"][0]
    assert read["tags"] == [{"key": "other", "value": "1"}]  # tags given replace all tags
    assert read["environment"]["computeType"] == "BUILD_GENERAL1_MEDIUM"
    assert read["serviceRole"] == ROLE


def test_update_project_errors(codebuild):
    with pytest.raises(ClientError) as missing:
        codebuild.update_project(name="no-such-project", timeoutInMinutes=5)
    code, message = error(missing)
    assert code == "ResourceNotFoundException"
    assert message.endswith(":project/no-such-project")
    create(codebuild, "bad-input")
    with pytest.raises(ClientError) as bad:
        codebuild.update_project(name="bad-input", environment=dict(ENVIRONMENT, computeType="HUGE"))
    assert error(bad)[0] == "InvalidInputException"


def test_batch_get_projects_reports_not_found(codebuild):
    create(codebuild, "found")
    answer = codebuild.batch_get_projects(names=["found", "missing"])
    assert [p["name"] for p in answer["projects"]] == ["found"]
    assert answer["projectsNotFound"] == ["missing"]


def test_start_build_still_works(codebuild):
    create(codebuild, "builds")
    build = codebuild.start_build(projectName="builds")["build"]
    assert build["id"].startswith("builds:")
    assert codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]["buildStatus"] == "SUCCEEDED"
