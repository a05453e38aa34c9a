import copy

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp

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
