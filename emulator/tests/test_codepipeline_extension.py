"""CodePipeline extension: executions walk the stages, stop at a Manual approval, approve/reject, stop."""

import json
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, error, private_emulator

DELAY = 0.3
EB_DELAY = 0.8  # longer than an action, so the deploy visibly waits for the environment
STACK = "64bit Amazon Linux 2023 v4.10.0 running Python 3.11"  # current in the emulator's platform catalogue
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(
        tmp_path_factory.mktemp("state"),
        REFARCH_EMULATOR_PIPELINE_DELAY=str(DELAY),
        REFARCH_EMULATOR_EB_DELAY=str(EB_DELAY),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def world(endpoint):
    """Role, an AVAILABLE connection, a build project, a Ready Beanstalk environment."""
    iam = client(endpoint, "iam")
    role = iam.create_role(RoleName="pipeline", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    connections = client(endpoint, "codeconnections")
    connection = connections.create_connection(ProviderType="GitHub", ConnectionName="gh")["ConnectionArn"]
    pending = connections.create_connection(ProviderType="GitHub", ConnectionName="gh-pending")["ConnectionArn"]
    request = urllib.request.Request(
        f"{endpoint}/refarch-emulator/connections/{connection.rsplit('/', 1)[1]}/available", method="POST"
    )
    urllib.request.urlopen(request, timeout=5).close()
    client(endpoint, "codebuild").create_project(
        name="build",
        source={"type": "CODEPIPELINE", "location": "unused"},
        artifacts={"type": "CODEPIPELINE", "location": "unused"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole="arn:aws:iam::123456789012:role/build",
    )
    eb = client(endpoint, "elasticbeanstalk")
    eb.create_application(ApplicationName="web")
    env = eb.create_environment(ApplicationName="web", EnvironmentName="web-env", SolutionStackName=STACK)
    eb.get_waiter("environment_exists").wait(EnvironmentIds=[env["EnvironmentId"]], WaiterConfig={"Delay": 1})
    return {"role": role, "connection": connection, "pending": pending}


def structure(name, world, connection=None, project="build"):
    def action(name, category, owner, provider, configuration, inputs=(), outputs=(), order=1):
        return {
            "name": name,
            "actionTypeId": {"category": category, "owner": owner, "provider": provider, "version": "1"},
            "configuration": configuration,
            "inputArtifacts": [{"name": i} for i in inputs],
            "outputArtifacts": [{"name": o} for o in outputs],
            "runOrder": order,
        }

    return {
        "name": name,
        "roleArn": world["role"],
        "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [
            {
                "name": "Source",
                "actions": [
                    action(
                        "Source",
                        "Source",
                        "AWS",
                        "CodeStarSourceConnection",
                        {
                            "ConnectionArn": connection or world["connection"],
                            "FullRepositoryId": "me/app",
                            "BranchName": "main",
                        },
                        outputs=["src"],
                    )
                ],
            },
            {
                "name": "Build",
                "actions": [
                    action("Build", "Build", "AWS", "CodeBuild", {"ProjectName": project}, ["src"], ["bundle"])
                ],
            },
            {"name": "Review", "actions": [action("Approve", "Approval", "AWS", "Manual", {})]},
            {
                "name": "Deploy",
                "actions": [
                    action(
                        "Deploy",
                        "Deploy",
                        "AWS",
                        "ElasticBeanstalk",
                        {"ApplicationName": "web", "EnvironmentName": "web-env"},
                        ["bundle"],
                    )
                ],
            },
        ],
    }


def stage_states(cp, name):
    return {s["stageName"]: s for s in cp.get_pipeline_state(name=name)["stageStates"]}


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def approval_token(cp, name):
    def token():
        review = stage_states(cp, name)["Review"]
        latest = review["actionStates"][0].get("latestExecution", {})
        return latest.get("token") if latest.get("status") == "InProgress" else None

    return wait_for(token)


def approve(cp, name, token, status, summary, stage="Review"):
    return cp.put_approval_result(
        pipelineName=name,
        stageName=stage,
        actionName="Approve",
        result={"summary": summary, "status": status},
        token=token,
    )


def test_create_starts_an_execution_that_stops_at_review_then_approve(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    executions = cp.list_pipeline_executions(pipelineName=name)["pipelineExecutionSummaries"]
    assert len(executions) == 1
    assert executions[0]["trigger"]["triggerType"] == "CreatePipeline"
    assert executions[0]["status"] == "InProgress"
    execution_id = executions[0]["pipelineExecutionId"]

    state = stage_states(cp, name)
    assert state["Source"]["latestExecution"]["status"] == "InProgress"
    assert "latestExecution" not in state["Deploy"]

    token = approval_token(cp, name)
    time.sleep(DELAY * 2)  # it stays at the approval: nothing moves on its own
    state = stage_states(cp, name)
    assert [state[s]["latestExecution"]["status"] for s in ("Source", "Build", "Review")] == [
        "Succeeded",
        "Succeeded",
        "InProgress",
    ]
    assert "latestExecution" not in state["Deploy"]
    build = state["Build"]["actionStates"][0]["latestExecution"]
    assert build["externalExecutionId"].startswith("build:")  # a real build of the emulator's CodeBuild
    assert (
        cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)["pipelineExecution"]["status"]
        == "InProgress"
    )

    with pytest.raises(ClientError) as bad_token:
        approve(cp, name, str(uuid.uuid4()), "Approved", "no")
    assert error(bad_token)[0] == "InvalidApprovalTokenException"

    answer = approve(cp, name, token, "Approved", "looks good")
    assert "approvedAt" in answer
    review = stage_states(cp, name)["Review"]
    assert review["latestExecution"]["status"] == "Succeeded"
    assert review["actionStates"][0]["latestExecution"]["summary"] == "looks good"
    assert "token" not in review["actionStates"][0]["latestExecution"]

    def succeeded():
        execution = cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)
        return execution["pipelineExecution"]["status"] == "Succeeded"

    eb = client(endpoint, "elasticbeanstalk")
    wait_for(succeeded)
    deploy = stage_states(cp, name)["Deploy"]["actionStates"][0]["latestExecution"]
    assert deploy["status"] == "Succeeded"
    # the deploy action ends when the environment is Ready again, not after the pipeline's own delay
    assert (deploy["lastStatusChange"] - answer["approvedAt"]).total_seconds() >= EB_DELAY - 0.05
    env = eb.describe_environments(EnvironmentNames=["web-env"], IncludeDeleted=False)["Environments"][0]
    assert env["Status"] == "Ready"
    assert env["VersionLabel"].startswith("code-pipeline-")
    messages = [e["Message"] for e in eb.describe_events(EnvironmentName="web-env", MaxRecords=2)["Events"]]
    assert messages[0] == "Environment update completed successfully."
    version = eb.describe_application_versions(ApplicationName="web", VersionLabels=[env["VersionLabel"]])
    assert version["ApplicationVersions"][0]["SourceBundle"]["S3Bucket"] == "artifacts"

    with pytest.raises(ClientError) as twice:
        approve(cp, name, token, "Approved", "again")
    assert error(twice)[0] == "ApprovalAlreadyCompletedException"

    actions = cp.list_action_executions(pipelineName=name, filter={"pipelineExecutionId": execution_id})
    names = [a["actionName"] for a in actions["actionExecutionDetails"]]
    assert names == ["Deploy", "Approve", "Build", "Source"]  # newest first


def test_rejection_fails_the_stage_and_the_execution(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    token = approval_token(cp, name)
    approve(cp, name, token, "Rejected", "not today")
    state = stage_states(cp, name)
    assert state["Review"]["latestExecution"]["status"] == "Failed"
    assert state["Review"]["actionStates"][0]["latestExecution"]["status"] == "Failed"
    assert "latestExecution" not in state["Deploy"]
    summary = cp.list_pipeline_executions(pipelineName=name)["pipelineExecutionSummaries"][0]
    assert summary["status"] == "Failed"


def test_start_execution_and_supersede_and_stop(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    approval_token(cp, name)  # the first execution holds Review
    second = cp.start_pipeline_execution(name=name)["pipelineExecutionId"]
    third = cp.start_pipeline_execution(name=name)["pipelineExecutionId"]

    def status(execution_id):
        return cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)["pipelineExecution"][
            "status"
        ]

    # the second waits before Review until the third reaches the same place and supersedes it
    wait_for(lambda: status(second) == "Superseded")
    assert status(third) == "InProgress"
    inbound = wait_for(lambda: stage_states(cp, name)["Review"].get("inboundExecution"))
    assert inbound["pipelineExecutionId"] == third

    first = cp.list_pipeline_executions(pipelineName=name)["pipelineExecutionSummaries"][-1]["pipelineExecutionId"]
    cp.stop_pipeline_execution(pipelineName=name, pipelineExecutionId=first, abandon=True, reason="test")
    assert status(first) == "Stopped"
    with pytest.raises(ClientError) as stopped:
        cp.stop_pipeline_execution(pipelineName=name, pipelineExecutionId=first)
    assert error(stopped)[0] == "PipelineExecutionNotStoppableException"
    # Review is free now: the third execution enters it and waits for its own approval
    wait_for(lambda: stage_states(cp, name)["Review"]["latestExecution"]["pipelineExecutionId"] == third)


def test_queued_mode_queues_instead_of_superseding(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=dict(structure(name, world), pipelineType="V2", executionMode="QUEUED"))
    approval_token(cp, name)
    second = cp.start_pipeline_execution(name=name)["pipelineExecutionId"]
    third = cp.start_pipeline_execution(name=name)["pipelineExecutionId"]
    review = wait_for(lambda: len(stage_states(cp, name)["Review"].get("inboundExecutions", [])) == 2)
    assert review
    for execution_id in (second, third):
        execution = cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)
        assert execution["pipelineExecution"]["status"] == "InProgress"
        assert execution["pipelineExecution"]["executionMode"] == "QUEUED"


def test_source_fails_while_the_connection_is_pending(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, connection=world["pending"]))

    def failed():
        summary = cp.list_pipeline_executions(pipelineName=name)["pipelineExecutionSummaries"][0]
        return summary["status"] == "Failed"

    wait_for(failed)
    source = stage_states(cp, name)["Source"]["actionStates"][0]["latestExecution"]
    assert source["status"] == "Failed"
    assert "AVAILABLE" in source["errorDetails"]["message"]


def test_deploy_to_a_missing_environment_fails(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    pipeline = structure(name, world)
    pipeline["stages"][3]["actions"][0]["configuration"]["EnvironmentName"] = "no-such-env"
    cp.create_pipeline(pipeline=pipeline)
    approve(cp, name, approval_token(cp, name), "Approved", "ok")
    wait_for(lambda: stage_states(cp, name)["Deploy"].get("latestExecution", {}).get("status") == "Failed")
    deploy = stage_states(cp, name)["Deploy"]["actionStates"][0]["latestExecution"]
    assert deploy["errorDetails"]["message"] == "No Environment found for EnvironmentName = 'no-such-env'."


def test_missing_build_project_fails_the_build_stage(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, project="no-such-project"))
    wait_for(lambda: stage_states(cp, name)["Build"].get("latestExecution", {}).get("status") == "Failed")
    assert "latestExecution" not in stage_states(cp, name)["Review"]


def test_pipeline_errors_and_update(endpoint, world):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    with pytest.raises(ClientError) as duplicate:
        cp.create_pipeline(pipeline=structure(name, world))
    assert error(duplicate)[0] == "PipelineNameInUseException"
    updated = cp.update_pipeline(pipeline=structure(name, world))["pipeline"]
    assert updated["version"] == 2
    assert cp.get_pipeline_state(name=name)["pipelineVersion"] == 2
    with pytest.raises(ClientError) as missing:
        cp.get_pipeline_state(name="no-such-pipeline")
    assert error(missing)[0] == "PipelineNotFoundException"
    with pytest.raises(ClientError) as no_execution:
        cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=str(uuid.uuid4()))
    assert error(no_execution)[0] == "PipelineExecutionNotFoundException"
    with pytest.raises(ClientError) as no_stage:
        approve(cp, name, str(uuid.uuid4()), "Approved", "x", stage="Nope")
    assert error(no_stage)[0] == "StageNotFoundException"
