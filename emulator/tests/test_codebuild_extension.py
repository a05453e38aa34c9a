"""CodeBuild extension: update_project replaces only what is given; projects read back as AWS shows them;
a service role CodeBuild cannot assume yet is refused with AWS's message; builds describe the project."""

import time

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, error, private_emulator, trust_policy

ROLE = "arn:aws:iam::123456789012:role/build"
ENVIRONMENT = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"}


IAM_WINDOW = 0.5
ASSUME_ROLE = "CodeBuild is not authorized to perform: sts:AssumeRole on service role."


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(
        tmp_path_factory.mktemp("state"), REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS=str(IAM_WINDOW)
    ) as url:
        iam = client(url, "iam")
        iam.create_role(RoleName="build", AssumeRolePolicyDocument=trust_policy("codebuild.amazonaws.com"))
        time.sleep(IAM_WINDOW + 0.1)
        yield url


@pytest.fixture(scope="module")
def codebuild(endpoint):
    return client(endpoint, "codebuild")


def create(codebuild, name, **extra):
    return codebuild.create_project(
        name=name,
        source={"type": "CODEPIPELINE", "buildspec": "buildspec.yml"},  # no location, as AWS allows
        artifacts={"type": "CODEPIPELINE"},
        environment=ENVIRONMENT,
        **{"serviceRole": ROLE, **extra},
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


def test_a_build_describes_its_project(codebuild):
    create(codebuild, "builds", timeoutInMinutes=15)
    build = codebuild.start_build(projectName="builds")["build"]
    assert build["id"].startswith("builds:")
    assert build["buildStatus"] == "IN_PROGRESS"
    # moto reports every build's source as CODECOMMIT; AWS reports the project's (CODEPIPELINE here).
    assert build["source"]["type"] == "CODEPIPELINE"
    assert build["source"]["buildspec"] == "buildspec.yml"
    assert build["environment"]["image"] == ENVIRONMENT["image"]
    assert build["timeoutInMinutes"] == 15
    assert build["logs"]["groupName"] == "/aws/codebuild/builds"
    deadline = time.time() + 10
    while True:
        done = codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]
        if done["buildStatus"] != "IN_PROGRESS" or time.time() > deadline:
            break
        time.sleep(0.2)
    assert done["buildStatus"] == "SUCCEEDED"
    assert [p["phaseType"] for p in done["phases"]][-1] == "COMPLETED"
    again = codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert len(again["phases"]) == len(done["phases"])  # moto appends the phases again on each read
    assert build["id"] in codebuild.list_builds_for_project(projectName="builds")["ids"]


def test_a_role_codebuild_cannot_assume_yet_is_refused_with_aws_message(endpoint, codebuild):
    iam = client(endpoint, "iam")
    fresh = iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=trust_policy("codebuild.amazonaws.com"))
    with pytest.raises(ClientError) as propagating:
        create(codebuild, "fresh-role", serviceRole=fresh["Role"]["Arn"])
    code, message = error(propagating)
    assert code == "InvalidInputException"
    assert message.startswith(ASSUME_ROLE)
    time.sleep(IAM_WINDOW + 0.1)
    assert create(codebuild, "fresh-role", serviceRole=fresh["Role"]["Arn"])["serviceRole"] == fresh["Role"]["Arn"]

    untrusted = iam.create_role(RoleName="untrusted", AssumeRolePolicyDocument=trust_policy("ec2.amazonaws.com"))
    missing = "arn:aws:iam::123456789012:role/no-such-role"
    time.sleep(IAM_WINDOW + 0.1)
    for role in (untrusted["Role"]["Arn"], missing):
        with pytest.raises(ClientError) as refused:
            create(codebuild, "refused", serviceRole=role)
        assert error(refused)[0] == "InvalidInputException"
        assert error(refused)[1].startswith(ASSUME_ROLE)
    # UpdateProject checks the role it is given the same way.
    iam.update_assume_role_policy(RoleName="fresh", PolicyDocument=trust_policy("codebuild.amazonaws.com"))
    with pytest.raises(ClientError) as changed:
        codebuild.update_project(name="fresh-role", serviceRole=fresh["Role"]["Arn"])
    assert error(changed)[1].startswith(ASSUME_ROLE)


def test_in_process_update_project_and_the_service_role_check(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    from refarch_emulator import consistency

    in_process("iam").create_role(RoleName="build", AssumeRolePolicyDocument=trust_policy("codebuild.amazonaws.com"))
    api = in_process("codebuild")
    with pytest.raises(ClientError) as excinfo:
        create(api, "early")  # the role was created a moment ago
    assert error(excinfo)[0] == "InvalidInputException"
    assert error(excinfo)[1].startswith(ASSUME_ROLE)
    consistency.RECORD.clear()
    project = create(api, "in-process", description="first")
    assert (project["timeoutInMinutes"], project["tags"]) == (60, [])
    updated = api.update_project(name="in-process", timeoutInMinutes=30)["project"]
    assert (updated["timeoutInMinutes"], updated["description"]) == (30, "first")
    with pytest.raises(ClientError) as excinfo:
        api.update_project(name="missing", timeoutInMinutes=30)
    assert error(excinfo)[0] == "ResourceNotFoundException"
    assert api.batch_get_projects(names=["in-process", "nope"])["projectsNotFound"] == ["nope"]
