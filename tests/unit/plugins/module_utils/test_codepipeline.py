import copy

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.module_utils import runner

from .stubbed import stubbed

STAGES = [
    {
        "name": "Source",
        "actions": [
            {
                "name": "GitHub",
                "actionTypeId": {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"},
                "configuration": {"Owner": "o", "Repo": "r", "Branch": "main", "OAuthToken": "secret-token"},
                "outputArtifacts": [{"name": "SourceOutput"}],
            }
        ],
    },
    {
        "name": "Review",
        "actions": [
            {
                "name": "Approval",
                "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"},
            }
        ],
    },
]
PARAMS = dict(
    name="p", role_arn="arn:role", artifact_bucket="b", stages=STAGES, pipeline_type=None, execution_mode=None
)


def as_aws_returns(pipeline):
    """What GetPipeline gives back: version, defaults, the token masked."""
    returned = copy.deepcopy(pipeline)
    returned["version"] = 3
    returned["pipelineType"] = "V1"
    returned["executionMode"] = "SUPERSEDED"
    for stage in returned["stages"]:
        for action in stage["actions"]:
            action["region"] = "us-east-1"
            if "OAuthToken" in action["configuration"]:
                action["configuration"]["OAuthToken"] = "****"
    return returned


def test_build_pipeline_fills_action_defaults():
    desired = cp.build_pipeline(PARAMS)
    approval = desired["stages"][1]["actions"][0]
    assert approval["runOrder"] == 1 and approval["inputArtifacts"] == [] and approval["configuration"] == {}
    assert desired["artifactStore"] == {"type": "S3", "location": "b"}
    assert "pipelineType" not in desired


def test_what_aws_returns_contains_what_we_want():
    desired = cp.build_pipeline(PARAMS)
    assert cp.contained_changes(desired, as_aws_returns(desired)) == []


@pytest.mark.parametrize(
    "change, path",
    [
        (
            lambda p: p["stages"][0]["actions"][0]["configuration"].update(Branch="dev"),
            "stages[0].actions[0].configuration.Branch",
        ),
        (lambda p: p["stages"].append({"name": "Deploy", "actions": []}), "stages"),
        (lambda p: p.update(roleArn="arn:other"), "roleArn"),
        (lambda p: p["stages"][1]["actions"][0].update(runOrder=2), "stages[1].actions[0].runOrder"),
    ],
)
def test_a_difference_is_named(change, path):
    desired = cp.build_pipeline(PARAMS)
    current = as_aws_returns(desired)
    change(desired)
    assert cp.contained_changes(desired, current) == [path]


def test_mask_secrets_hides_the_token_everywhere():
    masked = cp.mask_secrets(cp.build_pipeline(PARAMS))
    assert "secret-token" not in repr(masked)
    assert masked["stages"][0]["actions"][0]["configuration"]["OAuthToken"] == "****"


def test_stage_summary():
    assert cp.stage_summary(cp.build_pipeline(PARAMS)) == [
        {"name": "Source", "actions": [{"name": "GitHub", "provider": "GitHub"}]},
        {"name": "Review", "actions": [{"name": "Approval", "provider": "Manual"}]},
    ]


STATE = {
    "pipelineName": "p",
    "pipelineVersion": 3,
    "stageStates": [
        {
            "stageName": "Build",
            "latestExecution": {"pipelineExecutionId": "x1", "status": "Succeeded"},
            "actionStates": [],
        },
        {
            "stageName": "Review",
            "latestExecution": {"pipelineExecutionId": "x1", "status": "InProgress"},
            "actionStates": [
                {"actionName": "Approval", "latestExecution": {"status": "InProgress", "token": "tok-1"}},
                {"actionName": "Other", "latestExecution": {"status": "Succeeded"}},
            ],
        },
    ],
}


def test_pending_approvals_need_a_token_and_in_progress():
    assert cp.pending_approvals(STATE) == [
        {"stage": "Review", "action": "Approval", "token": "tok-1", "pipeline_execution_id": "x1"}
    ]
    assert cp.pending_approvals(STATE, stage_name="Build") == []
    assert cp.pending_approvals(STATE, action_name="Other") == []


def test_normalize_state_never_shows_tokens():
    shown = cp.normalize_state(STATE)
    assert "tok-1" not in repr(shown)
    assert shown["stages"][1]["status"] == "InProgress"
    assert cp.normalize_state(None) is None


def test_get_pipeline_not_found_is_none():
    client, stub = stubbed("codepipeline")
    stub.add_client_error("get_pipeline", "PipelineNotFoundException", "no")
    with stub:
        assert cp.get_pipeline(client, "p") == (None, None)


def test_get_state_not_found_is_none():
    client, stub = stubbed("codepipeline")
    stub.add_client_error("get_pipeline_state", "PipelineNotFoundException", "no")
    with stub:
        assert cp.get_state(client, "p") is None


def test_put_approval_sends_the_decision():
    client, stub = stubbed("codepipeline")
    stub.add_response(
        "put_approval_result",
        {},
        {
            "pipelineName": "p",
            "stageName": "Review",
            "actionName": "Approval",
            "result": {"summary": "no", "status": "Rejected"},
            "token": "tok-1",
        },
    )
    with stub:
        cp.put_approval(client, "p", "Review", "Approval", "tok-1", False, "no")
    stub.assert_no_pending_responses()


def test_update_tags_tags_and_untags():
    client, stub = stubbed("codepipeline")
    stub.add_response("tag_resource", {}, {"resourceArn": "arn", "tags": [{"key": "a", "value": "1"}]})
    stub.add_response("untag_resource", {}, {"resourceArn": "arn", "tagKeys": ["b"]})
    with stub:
        cp.update_tags(client, "arn", {"a": "1"}, ["b"])
    stub.assert_no_pending_responses()


def test_list_pipeline_names_pages():
    client, stub = stubbed("codepipeline")
    stub.add_response("list_pipelines", {"pipelines": [{"name": "a"}], "nextToken": "t"})
    stub.add_response("list_pipelines", {"pipelines": [{"name": "b"}]}, {"nextToken": "t"})
    with stub:
        assert cp.list_pipeline_names(client) == ["a", "b"]


def stage(name, status=None, execution="e-2", error=None):
    action = {"actionName": name + "Action"}
    if status:
        action["latestExecution"] = {"status": status, **({"errorDetails": {"message": error}} if error else {})}
    found = {"stageName": name, "actionStates": [action]}
    if status:
        found["latestExecution"] = {"pipelineExecutionId": execution, "status": status}
    return found


@pytest.mark.parametrize(
    "stages, why",
    [
        # never ran, or still on its way: keep waiting
        ([stage("Source"), stage("Build"), stage("Review")], None),
        ([stage("Source", "Succeeded"), stage("Build", "InProgress"), stage("Review")], None),
        # a newer execution is running although an older one failed in Build
        ([stage("Source", "InProgress", "e-3"), stage("Build", "Failed"), stage("Review")], None),
        (
            [stage("Source", "Failed", error="Connection is not available"), stage("Build"), stage("Review")],
            "execution e-2 ended Failed in stage Source (SourceAction: Connection is not available)",
        ),
        (
            [stage("Source", "Succeeded"), stage("Build", "Stopped"), stage("Review", "Succeeded", "e-1")],
            "execution e-2 ended Stopped in stage Build",
        ),
        # the approval stage itself was rejected last
        (
            [stage("Source", "Succeeded"), stage("Review", "Failed", error="Rejected")],
            "execution e-2 ended Failed in stage Review (ReviewAction: Rejected)",
        ),
        # stages after the approval's do not matter
        ([stage("Source", "Succeeded"), stage("Review", "Succeeded"), stage("Deploy", "Failed")], None),
    ],
)
def test_stopped_short_of_names_the_stage_no_execution_gets_past(stages, why):
    assert cp.stopped_short_of({"stageStates": stages}, "Review") == why


def test_the_token_goes_only_into_github_v1_actions_and_is_masked_in_the_view():
    stages = copy.deepcopy(STAGES)
    del stages[0]["actions"][0]["configuration"]["OAuthToken"]
    stages[1]["actions"][0]["configuration"] = {"CustomData": "look"}
    desired = cp.build_pipeline(dict(PARAMS, stages=stages))
    cp.inject_token(desired, "tok")
    assert desired["stages"][0]["actions"][0]["configuration"]["OAuthToken"] == "tok"
    assert "OAuthToken" not in desired["stages"][1]["actions"][0]["configuration"]
    shown = cp.view(dict(desired, version=1), {"pipelineArn": "arn"}, {})
    assert "tok" not in repr(shown)
    assert shown["stage_summary"][0] == {"name": "Source", "actions": [{"name": "GitHub", "provider": "GitHub"}]}


ARN = "arn:aws:codepipeline:us-east-1:123456789012:p"
ROLE = "arn:aws:iam::123456789012:role/refarch/p"
# A codepipeline task as the runner passes it (tags unset: left alone).
TASK = dict(PARAMS, role_arn=ROLE, artifact_bucket="artifacts", state="present", force_update=False)
TASK.update(github_oauth_token="secret-token", deployment="refarch", tags=None, purge_tags=True)


def service_with_pipeline(stub, params, tags=None):
    """A PipelineService whose GetPipeline/ListTagsForResource answer the pipeline as the task sets it."""
    stages = copy.deepcopy(STAGES)
    del stages[0]["actions"][0]["configuration"]["OAuthToken"]
    params = dict(params, stages=stages)
    desired = cp.build_pipeline(params)
    cp.inject_token(desired, "secret-token")
    stub.add_response("get_pipeline", {"pipeline": as_aws_returns(desired), "metadata": {"pipelineArn": ARN}})
    tag_list = [{"key": k, "value": v} for k, v in (tags or {"refarch:deployment": "refarch"}).items()]
    stub.add_response("list_tags_for_resource", {"tags": tag_list}, {"resourceArn": ARN})
    return params


def test_a_rerun_reads_and_changes_nothing():
    client, stub = stubbed("codepipeline")
    params = service_with_pipeline(stub, TASK)
    with stub:
        result = runner.execute(cp.PipelineService({"codepipeline": client}, params), params, False)
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["pipeline"]["version"] == 3 and "secret-token" not in repr(result)


def test_a_tag_change_tags_without_an_update_or_a_new_version():
    client, stub = stubbed("codepipeline")
    params = service_with_pipeline(stub, dict(TASK, tags={"team": "web"}))
    with stub:
        result = runner.execute(cp.PipelineService({"codepipeline": client}, params), params, True)
    stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["tags"] and result["pipeline"]["version"] == 3
    assert result["pipeline"]["tags"] == {"refarch:deployment": "refarch", "team": "web"}


def test_force_update_is_named_and_bumps_the_version():
    client, stub = stubbed("codepipeline")
    params = service_with_pipeline(stub, dict(TASK, force_update=True))
    with stub:
        result = runner.execute(cp.PipelineService({"codepipeline": client}, params), params, True)
    assert result["changed_keys"] == ["force_update"] and result["pipeline"]["version"] == 4


def test_every_bad_stage_is_named():
    stages = [{"name": "Source", "actions": []}, {"name": "B", "actions": [{"name": "x", "actionTypeId": {}}]}]
    messages = cp.validate(dict(TASK, role_arn="role", stages=stages, github_oauth_token=None))
    assert messages == [
        "role_arn: 'role' is not an IAM role ARN",
        "stages[0] needs a name and at least one action",
        "stages[1] (B): every action needs a name and actionTypeId {category, owner, provider, version}",
    ]
    assert cp.validate(dict(TASK, state="absent", role_arn=None, stages=None)) == []


@pytest.mark.parametrize(
    ("latest", "start", "needed"),
    [
        (None, "when_stopped", True),  # none yet
        ({"status": "Failed"}, "when_stopped", True),  # e.g. at Source before the connection was AVAILABLE
        ({"status": "Stopped"}, "when_stopped", True),
        ({"status": "Cancelled"}, "when_stopped", True),
        ({"status": "InProgress"}, "when_stopped", False),  # a rerun starts nothing
        ({"status": "Succeeded"}, "when_stopped", False),
        ({"status": "Stopping"}, "when_stopped", False),
        ({"status": "InProgress"}, "always", True),
    ],
)
def test_an_execution_is_started_only_when_the_newest_ended_short(latest, start, needed):
    assert cp.execution_needed(latest, start) is needed


def test_latest_execution_reads_one_summary_and_names_a_missing_pipeline():
    client, stubber = stubbed("codepipeline")
    summary = {"pipelineExecutionId": "e-1", "status": "Failed"}
    expected = {"pipelineName": "p", "maxResults": 1}
    stubber.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": [summary]}, expected)
    stubber.add_response("list_pipeline_executions", {"pipelineExecutionSummaries": []}, expected)
    stubber.add_client_error("list_pipeline_executions", "PipelineNotFoundException", "not found", 400, expected)
    with stubber:
        assert cp.latest_execution(client, "p") == summary
        assert cp.latest_execution(client, "p") is None
        with pytest.raises(LookupError, match="pipeline p does not exist"):
            cp.latest_execution(client, "p")
    stubber.assert_no_pending_responses()
