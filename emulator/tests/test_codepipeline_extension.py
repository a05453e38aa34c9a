"""CodePipeline extension: executions walk the stages, stop at a Manual approval, approve/reject, stop."""

import json
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from refarch_emulator import awsclock
from refarch_emulator.testing import client, durations, error, private_emulator, trust_policy

DELAY = 0.3  # a pipeline action, and a whole build
EB_DELAY = 0.8  # an environment update, longer than an action, so the deploy visibly waits for it
BUILD_PHASES = [kind for _, kind in awsclock.CODEBUILD_PHASES if kind]
CLOCK = durations(
    {
        "codepipeline-action": DELAY,
        **dict.fromkeys(BUILD_PHASES, DELAY / len(BUILD_PHASES)),
        **dict.fromkeys(["elasticbeanstalk-launch", "elasticbeanstalk-update", "elasticbeanstalk-version"], EB_DELAY),
    }
)
STACK = "64bit Amazon Linux 2023 v4.10.0 running Python 3.11"  # current in the emulator's platform catalogue


IAM_WINDOW = 0.5
ACCOUNT = "123456789012"
EB = f"arn:aws:elasticbeanstalk:us-east-1:{ACCOUNT}:"
EB_BUCKET = f"arn:aws:s3:::elasticbeanstalk-us-east-1-{ACCOUNT}"


def pipeline_policy(connection):
    """The pipeline role's statements, by Sid, as the beanstalk_codepipeline role grants them."""
    return {
        "Artifacts": {
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"],
        },
        "GitHubConnection": {
            "Action": ["codeconnections:UseConnection", "codestar-connections:UseConnection"],
            "Resource": connection,
        },
        "Build": {
            "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
            "Resource": f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/*",
        },
        "BeanstalkDeploy": {
            "Action": [
                "elasticbeanstalk:CreateApplicationVersion",
                "elasticbeanstalk:DescribeApplicationVersions",
                "elasticbeanstalk:DescribeEnvironments",
                "elasticbeanstalk:DescribeEvents",
                "elasticbeanstalk:UpdateEnvironment",
            ],
            "Resource": [f"{EB}application/web", f"{EB}applicationversion/web/*", f"{EB}environment/web/*"],
        },
        "BeanstalkStack": {
            "Action": [
                "cloudformation:GetTemplate",
                "cloudformation:DescribeStackResources",
                "cloudformation:DescribeStacks",
                "cloudformation:UpdateStack",
            ],
            "Resource": f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/awseb-e-*",
        },
        "BeanstalkBucket": {"Action": ["s3:PutObject", "s3:ListBucket"], "Resource": [EB_BUCKET, f"{EB_BUCKET}/*"]},
        "BeanstalkScaling": {
            "Action": ["autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses"],
            "Resource": f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/awseb-e-*",
        },
        "ReadOnlyDescribes": {
            "Action": [
                "autoscaling:Describe*",
                "ec2:Describe*",
                "elasticloadbalancing:Describe*",
                "cloudwatch:DescribeAlarms",
            ],
            "Resource": "*",
        },
    }


BUILD_POLICY = {
    "Logs": {
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/codebuild/build*",
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/codebuild/build:*",
        ],
    },
    "Artifacts": {"Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::artifacts/*"},
}


def document(statements, without=()):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                dict(statement, Sid=sid, Effect="Allow") for sid, statement in statements.items() if sid not in without
            ],
        }
    )


def make_role(iam, name, service, statements, without=()):
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(service))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=document(statements, without))
    return role


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(
        tmp_path_factory.mktemp("state"),
        **CLOCK,
        REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS=str(IAM_WINDOW),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def world(endpoint):
    """Roles, the artifact bucket, an AVAILABLE connection, a build project, a Ready Beanstalk environment."""
    iam = client(endpoint, "iam")
    client(endpoint, "s3").create_bucket(Bucket="artifacts")
    connections = client(endpoint, "codeconnections")
    connection = connections.create_connection(ProviderType="GitHub", ConnectionName="gh")["ConnectionArn"]
    pending = connections.create_connection(ProviderType="GitHub", ConnectionName="gh-pending")["ConnectionArn"]
    request = urllib.request.Request(
        f"{endpoint}/refarch-emulator/connections/{connection.rsplit('/', 1)[1]}/available", method="POST"
    )
    urllib.request.urlopen(request, timeout=5).close()
    policy = pipeline_policy([connection, pending])
    role = make_role(iam, "pipeline", "codepipeline.amazonaws.com", policy)
    # One pipeline role per statement left out, and build roles without logs / artifacts.
    partial = {sid: make_role(iam, f"pipeline-no-{sid}", "codepipeline.amazonaws.com", policy, [sid]) for sid in policy}
    build_role = make_role(iam, "build", "codebuild.amazonaws.com", BUILD_POLICY)
    for sid in BUILD_POLICY:
        make_role(iam, f"build-no-{sid}", "codebuild.amazonaws.com", BUILD_POLICY, [sid])
    time.sleep(IAM_WINDOW + 0.1)
    codebuild = client(endpoint, "codebuild")
    for project, service_role in [("build", build_role)] + [
        (f"build-no-{sid}", f"arn:aws:iam::{ACCOUNT}:role/build-no-{sid}") for sid in BUILD_POLICY
    ]:
        codebuild.create_project(
            name=project,
            source={"type": "CODEPIPELINE"},
            artifacts={"type": "CODEPIPELINE"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            serviceRole=service_role,
        )
    eb = client(endpoint, "elasticbeanstalk")
    eb.create_application(ApplicationName="web")
    env = eb.create_environment(ApplicationName="web", EnvironmentName="web-env", SolutionStackName=STACK)
    eb.get_waiter("environment_exists").wait(EnvironmentIds=[env["EnvironmentId"]], WaiterConfig={"Delay": 1})
    return {"role": role, "connection": connection, "pending": pending, "partial": partial}


def structure(name, world, connection=None, project="build", role=None):
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
        "roleArn": role or world["role"],
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


def failed_action(cp, name, stage, timeout=10):
    """The failed action execution of ``stage`` once the execution has failed there."""
    wait_for(lambda: stage_states(cp, name)[stage].get("latestExecution", {}).get("status") == "Failed", timeout)
    return stage_states(cp, name)[stage]["actionStates"][0]["latestExecution"]


def test_a_role_codepipeline_cannot_assume_yet_is_refused_with_aws_message(endpoint, world):
    iam, cp = client(endpoint, "iam"), client(endpoint, "codepipeline")
    fresh = iam.create_role(
        RoleName="fresh-pipeline", AssumeRolePolicyDocument=trust_policy("codepipeline.amazonaws.com")
    )
    arn = fresh["Role"]["Arn"]
    name = f"p-{uuid.uuid4().hex[:6]}"
    with pytest.raises(ClientError) as propagating:
        cp.create_pipeline(pipeline=structure(name, world, role=arn))
    assert error(propagating) == (
        "InvalidStructureException",
        f"CodePipeline is not authorized to perform AssumeRole on role {arn}",
    )
    time.sleep(IAM_WINDOW + 0.1)
    cp.create_pipeline(pipeline=structure(name, world, role=arn))
    # a changed trust policy is not seen at once either: UpdatePipeline is refused the same way
    iam.update_assume_role_policy(RoleName="fresh-pipeline", PolicyDocument=trust_policy("codepipeline.amazonaws.com"))
    with pytest.raises(ClientError) as changed:
        cp.update_pipeline(pipeline=structure(name, world, role=arn))
    assert error(changed)[0] == "InvalidStructureException"
    untrusted = iam.create_role(RoleName="ec2-only", AssumeRolePolicyDocument=trust_policy("ec2.amazonaws.com"))
    time.sleep(IAM_WINDOW + 0.1)
    with pytest.raises(ClientError) as refused:
        cp.update_pipeline(pipeline=structure(name, world, role=untrusted["Role"]["Arn"]))
    assert "is not authorized to perform AssumeRole" in error(refused)[1]


@pytest.mark.parametrize(
    ("statement", "stage", "message"),
    [
        ("Artifacts", "Source", "Unable to access the artifact with Amazon S3 object key 'p-"),
        ("GitHubConnection", "Source", "The provided role does not have sufficient permissions."),
        ("Build", "Build", "is not authorized to perform: codebuild:StartBuild on resource: arn:aws:codebuild:"),
    ],
)
def test_a_pipeline_role_without_a_statement_fails_the_action_that_needs_it(endpoint, world, statement, stage, message):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, role=world["partial"][statement]))
    failed = failed_action(cp, name, stage)
    assert message in failed["errorDetails"]["message"]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("BeanstalkDeploy", "The provided role does not have the elasticbeanstalk:CreateApplicationVersion permission"),
        (
            "BeanstalkStack",
            "is not authorized to perform: cloudformation:GetTemplate on resource: arn:aws:cloudformation:",
        ),
        ("BeanstalkBucket", "is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::elasticbeanstalk-"),
        ("BeanstalkScaling", "is not authorized to perform: autoscaling:SuspendProcesses on resource: "),
        ("ReadOnlyDescribes", "is not authorized to perform: autoscaling:DescribeAutoScalingGroups on resource: *"),
    ],
)
def test_the_beanstalk_deploy_needs_what_update_environment_uses(endpoint, world, statement, message):
    cp = client(endpoint, "codepipeline")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, role=world["partial"][statement]))
    approve(cp, name, approval_token(cp, name), "Approved", "ok")
    failed = failed_action(cp, name, "Deploy")
    assert message in failed["errorDetails"]["message"]
    eb = client(endpoint, "elasticbeanstalk")
    assert eb.describe_environments(EnvironmentNames=["web-env"])["Environments"][0]["Status"] == "Ready"


@pytest.mark.parametrize(
    ("project", "phase", "code"),
    [("build-no-Logs", "PROVISIONING", "ACCESS_DENIED"), ("build-no-Artifacts", "DOWNLOAD_SOURCE", "CLIENT_ERROR")],
)
def test_a_build_role_without_logs_or_artifacts_fails_the_build_in_its_phase(endpoint, world, project, phase, code):
    cp, codebuild = client(endpoint, "codepipeline"), client(endpoint, "codebuild")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, project=project))
    failed = failed_action(cp, name, "Build")
    assert failed["errorDetails"]["message"].startswith(
        f"Build terminated with state: FAILED. Phase: {phase}, Code: {code}, Message: "
    )
    build = codebuild.batch_get_builds(ids=[failed["externalExecutionId"]])["builds"][0]
    assert build["buildStatus"] == "FAILED"
    assert next(p for p in build["phases"] if p.get("phaseStatus") == "FAILED")["phaseType"] == phase


def test_artifacts_live_in_s3_and_the_build_reports_a_codepipeline_source(endpoint, world):
    cp, codebuild, s3 = client(endpoint, "codepipeline"), client(endpoint, "codebuild"), client(endpoint, "s3")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    approval_token(cp, name)
    build_id = stage_states(cp, name)["Build"]["actionStates"][0]["latestExecution"]["externalExecutionId"]
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert build["source"]["type"] == "CODEPIPELINE"  # moto says CODECOMMIT for every build
    assert build["buildStatus"] == "SUCCEEDED"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="artifacts", Prefix=f"{name}/")["Contents"])
    assert [k.split("/")[1] for k in keys] == ["bundle", "src"]  # <pipeline>/<artifact>/<id>, as AWS lays them out


def test_a_deploy_from_a_bundle_not_in_s3_fails_like_create_application_version(endpoint, world):
    cp, s3 = client(endpoint, "codepipeline"), client(endpoint, "s3")
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world))
    token = approval_token(cp, name)
    (bundle,) = [o["Key"] for o in s3.list_objects_v2(Bucket="artifacts", Prefix=f"{name}/bundle/")["Contents"]]
    s3.delete_object(Bucket="artifacts", Key=bundle)
    approve(cp, name, token, "Approved", "ok")
    failed = failed_action(cp, name, "Deploy")
    assert failed["errorDetails"]["message"] == (
        "Unable to create application version: Unable to download from S3 location "
        f"(Bucket: artifacts Key: {bundle}). Reason: Not Found"
    )


def test_a_build_with_cloudwatch_logs_disabled_needs_no_logs_permission(endpoint, world):
    cp, codebuild = client(endpoint, "codepipeline"), client(endpoint, "codebuild")
    codebuild.create_project(
        name="build-quiet",
        source={"type": "CODEPIPELINE"},
        artifacts={"type": "CODEPIPELINE"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=f"arn:aws:iam::{ACCOUNT}:role/build-no-Logs",
        logsConfig={"cloudWatchLogs": {"status": "DISABLED"}},
    )
    name = f"p-{uuid.uuid4().hex[:6]}"
    cp.create_pipeline(pipeline=structure(name, world, project="build-quiet"))
    approval_token(cp, name)  # the build succeeded: the execution waits at Review
    assert stage_states(cp, name)["Build"]["latestExecution"]["status"] == "Succeeded"


def test_in_process_an_execution_waits_for_its_approval(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    from refarch_emulator import consistency

    role = make_role(
        in_process("iam"), "in-process", "codepipeline.amazonaws.com", {"All": {"Action": "*", "Resource": "*"}}
    )
    in_process("s3").create_bucket(Bucket="artifacts")
    source = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    approval = {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"}
    pipeline = {
        "name": "in-process",
        "roleArn": role,
        "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": [
            {
                "name": "Source",
                "actions": [
                    {
                        "name": "Src",
                        "actionTypeId": source,
                        "configuration": {"S3Bucket": "artifacts", "S3ObjectKey": "src.zip"},
                        "outputArtifacts": [{"name": "src"}],
                    }
                ],
            },
            {"name": "Review", "actions": [{"name": "Approve", "actionTypeId": approval}]},
        ],
    }
    cp = in_process("codepipeline")
    with pytest.raises(ClientError) as excinfo:
        cp.create_pipeline(pipeline=pipeline)  # the role was created a moment ago
    assert error(excinfo) == (
        "InvalidStructureException",
        f"CodePipeline is not authorized to perform AssumeRole on role {role}",
    )
    consistency.RECORD.clear()
    cp.create_pipeline(pipeline=pipeline)
    with pytest.raises(ClientError) as excinfo:
        cp.create_pipeline(pipeline=pipeline)
    assert error(excinfo)[0] == "PipelineNameInUseException"
    token = approval_token(cp, "in-process")
    (execution,) = cp.list_pipeline_executions(pipelineName="in-process")["pipelineExecutionSummaries"]
    assert execution["status"] == "InProgress"
    approve(cp, "in-process", token, "Approved", "fine")
    assert wait_for(
        lambda: (
            cp.get_pipeline_execution(pipelineName="in-process", pipelineExecutionId=execution["pipelineExecutionId"])[
                "pipelineExecution"
            ]["status"]
            == "Succeeded"
        )
    )
