"""Stack 3 on the emulator: deploy → read back → rerun changes nothing → --check mutates nothing →
a pipeline execution stops at Review, approve.yml lets it continue, a rejection stops it →
teardown leaves nothing of the stack and never touches a look-alike without our tag."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

import pytest

from tests.support.emulator import Emulator, positions
from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration

DEPLOY = "site.yml"
TEARDOWN = "teardown.yml"
STACK = {"refarch_stacks_selected": "beanstalk_codepipeline"}
APPROVE = "playbooks/approve.yml"
CONNECT = "playbooks/connect.yml"
NAME = "refarch-webapp"
PIPELINE = f"{NAME}-pipeline"
BUCKET = f"{NAME}-artifacts-123456789012-us-east-1"
ROLES = [f"{NAME}-codebuild", f"{NAME}-codepipeline", f"{NAME}-eb-ec2", f"{NAME}-eb-service"]
TOKEN = "ghp_NeverPrintThisToken0123456789"
UPDATED = {"beanstalk_codepipeline_build_timeout": 20, "beanstalk_codepipeline_instance_type": "t3.small"}
VARS = {
    **STACK,
    "beanstalk_codepipeline_github_repository": "octo-org/webapp-fork",
    "beanstalk_codepipeline_poll_interval": 1,
    "beanstalk_codepipeline_wait_timeout": 120,
}


def deploy(aws, *args, **extra):
    return run_playbook(DEPLOY, aws.environment(), *args, extra_vars=dict(VARS, **extra))


def ok(run):
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return run


def live_environment(aws):
    """The stack's environment; not a terminated one of the same name (a relaunch leaves one, visible
    for an hour as on AWS)."""
    eb = aws.client("elasticbeanstalk")
    (env,) = eb.describe_environments(ApplicationName=NAME, EnvironmentNames=[f"{NAME}-env"], IncludeDeleted=False)[
        "Environments"
    ]
    return env


def read_back(aws):
    eb, cb, cp = aws.client("elasticbeanstalk"), aws.client("codebuild"), aws.client("codepipeline")
    envs = eb.describe_environments(ApplicationName=NAME, IncludeDeleted=False)["Environments"]
    pipeline = cp.get_pipeline(name=PIPELINE)
    return dict(
        applications=[a["ApplicationName"] for a in eb.describe_applications()["Applications"]],
        environments=[(e["EnvironmentName"], e["Status"], e["Health"]) for e in envs],
        projects=[p["name"] for p in cb.batch_get_projects(names=[f"{NAME}-build"])["projects"]],
        stages=[
            (s["name"], [(a["actionTypeId"]["category"], a["actionTypeId"]["provider"]) for a in s["actions"]])
            for s in pipeline["pipeline"]["stages"]
        ],
        version=pipeline["pipeline"]["version"],
    )


def test_deploy_rerun_check_update_approve_reject_teardown(aws):
    check = ok(deploy(aws, "--check"))
    assert check.changed > 0
    assert aws.mutating_calls() == []

    aws.clear_calls()
    assert_the_summary_names_the_stages_and_the_next_step(ok(deploy(aws)))
    assert_the_environment_launches_while_the_pipeline_is_made(aws.actions())
    state = read_back(aws)
    assert state["applications"] == [NAME]
    assert state["environments"] == [(f"{NAME}-env", "Ready", "Green")]
    assert state["projects"] == [f"{NAME}-build"]
    assert state["stages"] == [
        ("Source", [("Source", "CodeStarSourceConnection")]),
        ("Build", [("Build", "CodeBuild")]),
        ("Review", [("Approval", "Manual")]),
        ("Deploy", [("Deploy", "ElasticBeanstalk")]),
    ]
    s3 = aws.client("s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    iam = aws.client("iam")
    profile = iam.get_instance_profile(InstanceProfileName=f"{NAME}-eb-ec2")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [f"{NAME}-eb-ec2"]
    policy = iam.get_role_policy(RoleName=f"{NAME}-codebuild", PolicyName="build")["PolicyDocument"]
    assert all(s["Resource"] != "*" for s in policy["Statement"])
    env = live_environment(aws)
    assert env["VersionLabel"].startswith("v-")

    aws.clear_calls()
    assert ok(deploy(aws, "--check")).changed == 0
    assert aws.mutating_calls() == []
    again = ok(deploy(aws))
    assert again.changed == 0, again.changed_tasks()
    assert aws.mutating_calls() == []
    assert read_back(aws)["version"] == state["version"]  # no UpdatePipeline, no version bump

    aws.clear_calls()
    changed = ok(deploy(aws, **UPDATED))
    assert sorted(set(aws.mutating_calls())) == ["codebuild:UpdateProject", "elasticbeanstalk:UpdateEnvironment"]
    assert changed.changed == 2
    assert aws.client("codebuild").batch_get_projects(names=[f"{NAME}-build"])["projects"][0]["timeoutInMinutes"] == 20
    assert read_back(aws)["environments"] == [(f"{NAME}-env", "Ready", "Green")]

    review_approval_and_rejection(aws)
    teardown_leaves_only_look_alikes(aws)


def assert_the_environment_launches_while_the_pipeline_is_made(actions):
    """CreateEnvironment comes before the build project and the pipeline, and the environment is
    polled until Ready only once they are made."""
    launched = actions.index("elasticbeanstalk:CreateEnvironment")
    project = actions.index("codebuild:CreateProject")
    pipeline = actions.index("codepipeline:CreatePipeline")
    assert launched < project < pipeline
    polls = positions(actions, "elasticbeanstalk:DescribeEnvironments", after=launched)
    assert polls and min(polls) > pipeline, (launched, project, pipeline, polls)


def assert_the_environment_terminates_while_the_rest_goes(actions):
    """TerminateEnvironment comes before the pipeline's, the build project's and the bucket's deletions,
    the environment is waited for only after them, and the application goes once it is gone."""
    terminated = actions.index("elasticbeanstalk:TerminateEnvironment")
    deleted = ("codepipeline:DeletePipeline", "codebuild:DeleteProject", "s3:DeleteBucket")
    deletions = [actions.index(a) for a in deleted]
    assert terminated < min(deletions)
    polls = positions(actions, "elasticbeanstalk:DescribeEnvironments", after=terminated)
    assert polls and min(polls) > max(deletions), (terminated, deletions, polls)
    assert actions.index("elasticbeanstalk:DeleteApplication") > max(polls)


def connect_and_run(aws, after):
    """playbooks/connect.yml: --check predicts and calls nothing mutating; the run completes the
    handshake (the emulator's endpoint) and starts one execution; a rerun starts none."""
    connections = aws.client("codeconnections")
    aws.clear_calls()
    checked = ok(run_playbook(CONNECT, aws.environment(), "--check"))
    assert aws.mutating_calls() == [], aws.mutating_calls()
    assert connections.list_connections()["Connections"][0]["ConnectionStatus"] == "PENDING"
    (said,) = checked.task_results("What runs now")
    assert said["msg"].startswith("Started execution (predicted) of refarch-webapp-pipeline (InProgress)."), said
    run = ok(run_playbook(CONNECT, aws.environment()))
    assert connections.list_connections()["Connections"][0]["ConnectionStatus"] == "AVAILABLE"
    (started,) = run.task_results("Run the pipeline unless an execution is already running or succeeded")
    execution = started["pipeline_execution"]
    assert started["changed"] and execution["started"] and execution["pipeline_execution_id"] != after
    assert (
        aws.client("codepipeline").list_pipeline_executions(pipelineName=PIPELINE)["pipelineExecutionSummaries"][0][
            "pipelineExecutionId"
        ]
        == execution["pipeline_execution_id"]
    )
    aws.clear_calls()
    again = ok(run_playbook(CONNECT, aws.environment()))
    assert again.changed == 0 and aws.mutating_calls() == [], aws.mutating_calls()
    (said,) = again.task_results("What runs now")
    assert said["msg"].startswith(f"Left alone execution {execution['pipeline_execution_id']} "), said
    return execution["pipeline_execution_id"]


def wait_for(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stage_status(aws, execution_id, stage):
    state = aws.client("codepipeline").get_pipeline_state(name=PIPELINE)
    for found in state["stageStates"]:
        latest = found.get("latestExecution") or {}
        if found["stageName"] == stage and latest.get("pipelineExecutionId") == execution_id:
            return latest["status"]
    return None


def execution_status(aws, execution_id):
    cp = aws.client("codepipeline")
    return cp.get_pipeline_execution(pipelineName=PIPELINE, pipelineExecutionId=execution_id)["pipelineExecution"][
        "status"
    ]


def approve(aws, **extra):
    return run_playbook(APPROVE, aws.environment(), extra_vars=extra or None)


def review_approval_and_rejection(aws):
    initial_label = live_environment(aws)["VersionLabel"]
    cp = aws.client("codepipeline")
    # Before the GitHub handshake an execution ends Failed at Source: a waiting approve.yml says so at
    # once, naming the stage and the connection's error, instead of waiting out its timeout.
    early = cp.start_pipeline_execution(name=PIPELINE)["pipelineExecutionId"]
    wait_for(lambda: stage_status(aws, early, "Source") == "Failed", "the execution to fail at Source")
    blocked = approve(aws, comment="Looks good", wait_timeout=900)
    (refused,) = blocked.task_results("Approve or reject the pending approval of the Review stage")
    assert blocked.rc != 0 and f"execution {early} ended Failed in stage Source" in refused["msg"], refused["msg"]
    assert "Unable to use Connection" in refused["msg"] and "timed out" not in refused["msg"]
    first = connect_and_run(aws, after=early)
    wait_for(lambda: stage_status(aws, first, "Review") == "InProgress", "the execution to reach Review")
    time.sleep(1.5)  # longer than an action takes on the emulator: it must still wait
    assert execution_status(aws, first) == "InProgress"
    assert stage_status(aws, first, "Deploy") is None
    aws.clear_calls()
    checked = run_playbook(APPROVE, aws.environment(), "--check", extra_vars={"comment": "Looks good"})
    assert checked.rc == 0 and checked.changed == 1, checked.stdout[-3000:]
    assert aws.mutating_calls() == []
    assert stage_status(aws, first, "Review") == "InProgress"  # check mode decided nothing
    approved = approve(aws, comment="Looks good")
    assert approved.rc == 0, approved.stdout[-3000:]
    decision = approved.task_results("Approve or reject the pending approval of the Review stage")[0]["approval"]
    assert decision["status"] == "Approved" and decision["pipeline_execution_id"] == first
    assert (
        wait_for(
            lambda: execution_status(aws, first) in ("Succeeded", "Failed") and execution_status(aws, first),
            "the deploy",
        )
        == "Succeeded"
    )
    assert stage_status(aws, first, "Deploy") == "Succeeded"
    shipped = live_environment(aws)
    assert shipped["VersionLabel"] != initial_label  # the pipeline deployed its own version
    # It deployed the Build stage's output, an object really in the artifact bucket (the emulator used
    # to deploy from a key it never wrote), built by a CODEPIPELINE-source build, with the pipeline
    # role's and the CodeBuild role's permissions as the emulator checks them.
    eb = aws.client("elasticbeanstalk")
    versions = eb.describe_application_versions(ApplicationName=NAME, VersionLabels=[shipped["VersionLabel"]])
    bundle = versions["ApplicationVersions"][0]["SourceBundle"]
    assert bundle["S3Bucket"] == BUCKET and bundle["S3Key"].startswith(f"{PIPELINE[:20]}/BuildOutpu/")
    aws.client("s3").head_object(Bucket=BUCKET, Key=bundle["S3Key"])
    details = cp.list_action_executions(pipelineName=PIPELINE, filter={"pipelineExecutionId": first})
    (build_run,) = [a for a in details["actionExecutionDetails"] if a["stageName"] == "Build"]
    build_id = build_run["output"]["executionResult"]["externalExecutionId"]
    build = aws.client("codebuild").batch_get_builds(ids=[build_id])["builds"][0]
    assert (build["source"]["type"], build["buildStatus"]) == ("CODEPIPELINE", "SUCCEEDED")
    aws.clear_calls()
    rerun = ok(deploy(aws, **UPDATED))  # a rerun of the role never rolls the pipeline's deployment back
    assert rerun.changed == 0 and aws.mutating_calls() == []

    second = cp.start_pipeline_execution(name=PIPELINE)["pipelineExecutionId"]
    wait_for(lambda: stage_status(aws, second, "Review") == "InProgress", "the second execution to reach Review")
    assert approve(aws, decision="reject", comment="Not this one").rc == 0
    assert (
        wait_for(
            lambda: execution_status(aws, second) != "InProgress" and execution_status(aws, second), "the rejection"
        )
        == "Failed"
    )
    assert stage_status(aws, second, "Deploy") is None
    nothing = approve(aws, comment="again")
    assert nothing.rc != 0 and "no approval is pending in stage Review" in nothing.stdout


def teardown_leaves_only_look_alikes(aws):
    cp = aws.client("codepipeline")

    # Look-alikes with our names' prefix but without our tag.
    aws.client("s3").create_bucket(Bucket=f"{NAME}-artifacts-lookalike")
    aws.client("iam").create_role(RoleName=f"{NAME}-lookalike", Path="/refarch/", AssumeRolePolicyDocument="{}")
    aws.client("elasticbeanstalk").create_application(ApplicationName=f"{NAME}-lookalike")

    aws.clear_calls()
    checked = ok(run_playbook(TEARDOWN, aws.environment(), "--check", extra_vars=STACK))
    assert checked.changed > 0 and aws.mutating_calls() == []
    aws.clear_calls()
    down = run_playbook(TEARDOWN, aws.environment(), extra_vars={**STACK, "beanstalk_codepipeline_poll_interval": 1})
    assert down.rc == 0, down.stdout[-4000:]
    assert_the_environment_terminates_while_the_rest_goes(aws.actions())
    assert cp.list_pipelines()["pipelines"] == []
    assert aws.client("codebuild").list_projects()["projects"] == []
    eb = aws.client("elasticbeanstalk")
    assert [a["ApplicationName"] for a in eb.describe_applications()["Applications"]] == [f"{NAME}-lookalike"]
    assert eb.describe_environments(IncludeDeleted=False)["Environments"] == []
    assert [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]] == [f"{NAME}-artifacts-lookalike"]
    assert [r["RoleName"] for r in aws.client("iam").list_roles(PathPrefix="/refarch/")["Roles"]] == [
        f"{NAME}-lookalike"
    ]
    assert aws.client("iam").list_instance_profiles()["InstanceProfiles"] == []
    assert aws.client("codeconnections").list_connections()["Connections"] == []
    assert ok(run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)).changed == 0


BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023"
PLATFORM = f"arn:aws:elasticbeanstalk:us-east-1::platform/{BRANCH}/"
SUMMARY = "refarch.aws.beanstalk_codepipeline : What this stack deployed, for the deployment summary"


def summary(run):
    return run.task_results(SUMMARY)[0]["ansible_facts"]["refarch_stack_summary"]


def assert_the_summary_names_the_stages_and_the_next_step(run):
    lines = printed_summary(run)
    assert lines[1] == "beanstalk_codepipeline: deployed", lines
    assert lines[2].startswith(f"  environment {NAME}-env: Ready, health Green, http://{NAME}-env.")
    assert lines[3] == f"  platform: {PLATFORM}4.10.0"
    assert lines[4] == f"  pipeline {PIPELINE}: Source Failed, Build not run, Review not run, Deploy not run"
    assert lines[5].startswith("  next: complete the GitHub connection, then run the pipeline: make connect")


def printed_summary(run):
    (printed,) = run.task_results("Deployment summary")
    return printed["msg"].split("\n")


def environment_platform(aws):
    return live_environment(aws)["PlatformArn"]


def release_platform(aws, version):
    """AWS releases a new version of the branch (the emulator's test-only hook)."""
    path = f"/refarch-emulator/elasticbeanstalk/platforms/{urllib.parse.quote(BRANCH)}/{version}"
    with urllib.request.urlopen(urllib.request.Request(aws.url + path, method="POST"), timeout=10):
        pass


def test_the_platform_comes_from_the_branch_and_stays_until_the_user_moves_it(aws):
    first = ok(deploy(aws))
    assert environment_platform(aws) == PLATFORM + "4.10.0"  # the branch's newest in the emulator's catalogue
    assert summary(first)["platform"] == PLATFORM + "4.10.0" and summary(first)["platform_newer"] == "none"

    release_platform(aws, "4.11.0")
    aws.clear_calls()
    rerun = ok(deploy(aws))
    assert rerun.changed == 0 and aws.mutating_calls() == []
    assert environment_platform(aws) == PLATFORM + "4.10.0"  # a rerun leaves a running environment's platform
    assert summary(rerun)["platform"] == PLATFORM + "4.10.0"
    assert summary(rerun)["platform_newer"].startswith(PLATFORM + "4.11.0 is newer on the branch")

    moved = ok(deploy(aws, beanstalk_codepipeline_platform_update=True))
    assert moved.changed == 1 and aws.mutating_calls() == ["elasticbeanstalk:UpdateEnvironment"]
    assert environment_platform(aws) == PLATFORM + "4.11.0"
    assert summary(moved)["platform_newer"] == "none"


@pytest.mark.parametrize(
    ("platform", "message", "tried"),
    [
        # The old fixed default's version, pinned: AWS refuses it at CreateEnvironment, with its message.
        (
            {"beanstalk_codepipeline_platform_arn": PLATFORM + "4.6.0"},
            f"No Platform named '{PLATFORM}4.6.0' found.",
            True,
        ),
        # A retired branch, or no such branch: refused before any environment call.
        (
            {"beanstalk_codepipeline_platform_branch": "Python 3.8 running on 64bit Amazon Linux 2"},
            "the Elastic Beanstalk platform branch 'Python 3.8 running on 64bit Amazon Linux 2' is retired",
            False,
        ),
        (
            {"beanstalk_codepipeline_platform_branch": "Python 2.7 running on 64bit Amazon Linux"},
            "no Ready platform version on the Elastic Beanstalk platform branch",
            False,
        ),
    ],
)
def test_a_platform_aws_does_not_take_is_refused_with_its_message(aws, platform, message, tried):
    run = deploy(aws, **platform)
    assert run.rc != 0 and message in run.stdout, run.stdout[-3000:]
    assert ("elasticbeanstalk:CreateEnvironment" in aws.mutating_calls()) is tried


def test_a_launch_before_the_instance_profile_is_visible_is_launched_again(tmp_path, monkeypatch):
    """On an emulator of its own whose IAM changes take 15 s to be seen: the environment is created
    seconds after its instance profile, so its first launch fails as on AWS, and is launched again."""
    monkeypatch.setenv("REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS", "15")
    slow_iam = Emulator(tmp_path).start()
    try:
        run = ok(
            run_playbook(
                DEPLOY,
                slow_iam.environment(),
                # No wait for IAM: the launch meets the window, and the module's fallback is what is tested.
                extra_vars=dict(
                    VARS, beanstalk_codepipeline_poll_interval=5, beanstalk_codepipeline_iam_propagation_seconds=0
                ),
            )
        )
        eb = slow_iam.client("elasticbeanstalk")
        messages = [e["Message"] for e in reversed(eb.describe_events(ApplicationName=NAME)["Events"])]
        assert messages.index(f"The instance profile {NAME}-eb-ec2 associated with the environment does not exist.") < (
            messages.index(f"Successfully launched environment: {NAME}-env")
        )
        launches = [c.action for c in slow_iam.calls() if c.action in ("CreateEnvironment", "TerminateEnvironment")]
        assert launches[:3] == ["CreateEnvironment", "TerminateEnvironment", "CreateEnvironment"]
        env = eb.describe_environments(ApplicationName=NAME, IncludeDeleted=False)["Environments"]
        assert [(e["Status"], e["Health"]) for e in env] == [("Ready", "Green")]
        assert run.changed > 0
    finally:
        slow_iam.stop()


def test_the_environment_launches_once_after_iam_propagated_the_profile(tmp_path, monkeypatch):
    """IAM changes take 4 s to be seen (the local inventory passes the emulator's window to the role):
    the role lets them propagate before the environment starts, so it launches once — no failed
    launch, terminate and relaunch (minutes on AWS)."""
    monkeypatch.setenv("REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS", "4")
    slow_iam = Emulator(tmp_path).start()
    try:
        run = ok(run_playbook(DEPLOY, slow_iam.environment(), extra_vars=VARS))
        (waited,) = run.task_results(
            "refarch.aws.beanstalk_codepipeline : Let IAM propagate the roles and instance profile this run changed"
        )
        assert waited.get("elapsed", 0) >= 4 and not waited.get("skipped"), waited
        launches = [c.action for c in slow_iam.calls() if c.action in ("CreateEnvironment", "TerminateEnvironment")]
        assert launches == ["CreateEnvironment"]
        env = slow_iam.client("elasticbeanstalk").describe_environments(ApplicationName=NAME, IncludeDeleted=False)
        assert [(e["Status"], e["Health"]) for e in env["Environments"]] == [("Ready", "Green")]
    finally:
        slow_iam.stop()


def test_the_github_token_never_appears_in_output(aws):
    run = deploy(aws, "-vvv", beanstalk_codepipeline_source="oauth", beanstalk_codepipeline_github_oauth_token=TOKEN)
    ok(run)
    assert TOKEN not in run.stdout + run.stderr
    source = aws.client("codepipeline").get_pipeline(name=PIPELINE)["pipeline"]["stages"][0]["actions"][0]
    assert source["actionTypeId"] == {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"}
    rerun = deploy(
        aws, "--diff", beanstalk_codepipeline_source="oauth", beanstalk_codepipeline_github_oauth_token=TOKEN
    )
    assert ok(rerun).changed == 0
    assert TOKEN not in rerun.stdout + rerun.stderr


def test_a_missing_github_source_fails_before_any_api_call(aws):
    run = run_playbook(DEPLOY, aws.environment(), extra_vars={**STACK, "beanstalk_codepipeline_github_repository": ""})
    assert run.rc != 0
    assert "beanstalk_codepipeline_github_repository" in run.stdout
    assert aws.calls() == []
