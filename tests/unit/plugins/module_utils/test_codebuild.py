import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codebuild, runner

from .stubbed import stubbed

OWNED = {"refarch:deployment": "refarch"}
PARAMS = dict(
    name="build",
    description="d",
    source_type="CODEPIPELINE",
    buildspec=None,
    service_role="arn:role",
    environment=dict(
        type="LINUX_CONTAINER", image="img", compute_type="BUILD_GENERAL1_SMALL", privileged_mode=None, variables=None
    ),
    timeout_in_minutes=15,
)


def as_aws_returns(desired):
    """BatchGetProjects: the project with defaults AWS adds and tags as a list."""
    project = codebuild.to_api(desired)
    project["arn"] = "arn:aws:codebuild:us-east-1:123456789012:project/build"
    project["source"] = dict(project["source"], insecureSsl=False)
    project["environment"] = dict(project["environment"], privilegedMode=False, imagePullCredentialsType="CODEBUILD")
    project["queuedTimeoutInMinutes"] = 480
    return project


def test_build_project_leaves_unset_options_out():
    desired = codebuild.build_project(PARAMS, OWNED)
    assert desired["source"] == {"type": "CODEPIPELINE"}
    assert desired["artifacts"] == {"type": "CODEPIPELINE"}
    assert "privilegedMode" not in desired["environment"] and "environmentVariables" not in desired["environment"]


def test_variables_become_plaintext_environment_variables():
    environment = dict(PARAMS["environment"], variables={"B": 2, "A": "x"})
    desired = codebuild.build_project(dict(PARAMS, environment=environment), OWNED)
    assert desired["environment"]["environmentVariables"] == [
        {"name": "A", "value": "x", "type": "PLAINTEXT"},
        {"name": "B", "value": "2", "type": "PLAINTEXT"},
    ]


def planned_changes(params, current_params=None):
    """What ProjectService.plan names for ``params`` against a project made from ``current_params``
    (``PARAMS`` when not given)."""
    current_params = current_params or PARAMS
    service = codebuild.ProjectService({"codebuild": None}, dict(params, state="present"))
    current = codebuild.normalize_project(as_aws_returns(codebuild.build_project(current_params, OWNED)))
    return service.plan(service.desired(current, OWNED), current)


def test_defaults_aws_adds_are_no_change():
    assert planned_changes(PARAMS) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (dict(timeout_in_minutes=30), ["timeout_in_minutes"]),
        (dict(buildspec="version: 0.2"), ["source.buildspec"]),
        (dict(service_role="arn:other"), ["service_role"]),
        (dict(environment=dict(PARAMS["environment"], image="other")), ["environment.image"]),
    ],
)
def test_changes_are_named(overrides, expected):
    assert planned_changes(dict(PARAMS, **overrides)) == expected


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(source_type="NO_SOURCE"), "buildspec: required with source_type=NO_SOURCE"),
        (dict(service_role="role"), "service_role: 'role' is not an IAM role ARN"),
        (dict(timeout_in_minutes=3), "timeout_in_minutes: 3 is not between 5 and 2160"),
    ],
)
def test_bad_input_is_named(overrides, message):
    good = dict(PARAMS, state="present", service_role="arn:aws:iam::123456789012:role/build")
    assert codebuild.ProjectService.validate(dict(good, **overrides)) == [message]


def test_normalize_project():
    shown = codebuild.normalize_project(as_aws_returns(codebuild.build_project(PARAMS, OWNED)))
    assert shown["tags"] == OWNED and shown["service_role"] == "arn:role"
    assert shown["environment"]["compute_type"] == "BUILD_GENERAL1_SMALL"
    assert codebuild.normalize_project(None) is None


def test_get_project_missing_is_none():
    client, stub = stubbed("codebuild")
    stub.add_response("batch_get_projects", {"projects": [], "projectsNotFound": ["build"]}, {"names": ["build"]})
    with stub:
        assert codebuild.get_project(client, "build") is None


def test_update_project_sends_tags_as_a_list():
    client, stub = stubbed("codebuild")
    desired = codebuild.build_project(PARAMS, OWNED)
    expected = dict(codebuild.to_api(desired))
    stub.add_response("update_project", {"project": {"name": "build"}}, expected)
    with stub:
        assert codebuild.update_project(client, desired) == {"name": "build"}
    assert expected["tags"] == [{"key": "refarch:deployment", "value": "refarch"}]


def test_delete_missing_project_is_not_an_error():
    client, stub = stubbed("codebuild")
    stub.add_client_error("delete_project", "ResourceNotFoundException", "no")
    with stub:
        assert codebuild.delete_project(client, "build") is False


def test_get_projects_batches_by_100():
    client, stub = stubbed("codebuild")
    names = ["p%d" % i for i in range(150)]
    stub.add_response("batch_get_projects", {"projects": [{"name": "p0"}]}, {"names": names[:100]})
    stub.add_response("batch_get_projects", {"projects": [{"name": "p100"}]}, {"names": names[100:]})
    with stub:
        assert [p["name"] for p in codebuild.get_projects(client, names)] == ["p0", "p100"]


def test_info_reads_every_page_and_keeps_the_deployments_projects():
    client, stub = stubbed("codebuild")
    stub.add_response("list_projects", {"projects": ["pa"], "nextToken": "t"}, {})
    stub.add_response("list_projects", {"projects": ["pb"]}, {"nextToken": "t"})
    tag = [{"key": "refarch:deployment", "value": "refarch"}]
    found = {"projects": [{"name": "pa", "tags": tag}, {"name": "pb", "tags": []}]}
    stub.add_response("batch_get_projects", found, {"names": ["pa", "pb"]})
    with stub:
        result = runner.execute_info(
            codebuild.ProjectsInfo({"codebuild": client}, {}), {"name": None, "tags": {}, "deployment": "refarch"}
        )
    assert result == {"changed": False, "projects": [{"name": "pa", "tags": OWNED}]}
