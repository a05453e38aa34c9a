"""CodePipeline's backend as AWS runs it: executions that walk the stages, actions with the role's permissions."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from moto.codepipeline.exceptions import PipelineExecutionNotFoundException, PipelineNotFoundException

from refarch_emulator import awsclock
from refarch_emulator.extensions.codepipeline.exceptions import InvalidStructureException, PipelineNameInUseException

PRINCIPAL = "codepipeline.amazonaws.com"
CODEPIPELINE_GUIDE = "https://docs.aws.amazon.com/codepipeline/latest/userguide"
BEANSTALK_GUIDE = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg"
# What the Elastic Beanstalk deploy action does with the pipeline role's credentials, in order: the
# action itself (CodePipeline reads the input artifact, creates the version, updates the environment
# and polls it), then what UpdateEnvironment does with the caller's permissions — Elastic Beanstalk
# "uses user permissions" for the environment's CloudFormation stack, its S3 bucket and its Auto
# Scaling group (concepts-roles-user.html). AWS documents a broad minimum for the action
# (elasticbeanstalk:*, ec2:*, elasticloadbalancing:*, autoscaling:*, cloudwatch:*, s3:*, sns:*,
# cloudformation:*, rds:*, sqs:*, ecs:*, "replace the wildcards with your resources"); the emulator
# checks what a code deployment to a running web environment calls. (action, resource, source).
BEANSTALK_DEPLOY = (
    ("s3:GetObject", "arn:{p}:s3:::{bucket}/{key}", f"{CODEPIPELINE_GUIDE}/security-iam.html#how-to-custom-role"),
    (
        "elasticbeanstalk:CreateApplicationVersion",
        "arn:{p}:elasticbeanstalk:{region}:{account}:applicationversion/{app}/{label}",
        f"{CODEPIPELINE_GUIDE}/action-reference-Beanstalk.html; {BEANSTALK_GUIDE}/AWSHowTo.iam.policies.actions.html",
    ),
    (
        "elasticbeanstalk:DescribeApplicationVersions",
        "arn:{p}:elasticbeanstalk:{region}:{account}:applicationversion/{app}/{label}",
        f"{BEANSTALK_GUIDE}/AWSHowTo.iam.policies.actions.html",
    ),
    (
        "elasticbeanstalk:UpdateEnvironment",
        "arn:{p}:elasticbeanstalk:{region}:{account}:environment/{app}/{env}",
        f"{BEANSTALK_GUIDE}/AWSHowTo.iam.policies.actions.html",
    ),
    (
        "elasticbeanstalk:DescribeEnvironments",
        "arn:{p}:elasticbeanstalk:{region}:{account}:environment/{app}/{env}",
        f"{BEANSTALK_GUIDE}/AWSHowTo.iam.policies.actions.html",
    ),
    (
        "elasticbeanstalk:DescribeEvents",
        "arn:{p}:elasticbeanstalk:{region}:{account}:environment/{app}/{env}",
        f"{BEANSTALK_GUIDE}/AWSHowTo.iam.policies.actions.html",
    ),
    # UpdateEnvironment with the caller's permissions: the environment's stack (a deploy without them
    # is refused "not authorized to perform: cloudformation:GetTemplate on resource: ...stack/awseb-e-…",
    # as reported by github.com/4front/ebdeploy), the bundle copied to Beanstalk's bucket, the group's
    # processes suspended during the deployment, and the reads of its resources.
    ("cloudformation:GetTemplate", "{stack}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("cloudformation:DescribeStacks", "{stack}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("cloudformation:DescribeStackResources", "{stack}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("cloudformation:UpdateStack", "{stack}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    (
        "s3:PutObject",
        "arn:{p}:s3:::elasticbeanstalk-{region}-{account}/resources/environments/{env_id}/_runtime/_versions/"
        "{app}/{label}",
        f"{BEANSTALK_GUIDE}/concepts-roles-user.html",
    ),
    (
        "s3:ListBucket",
        "arn:{p}:s3:::elasticbeanstalk-{region}-{account}",
        f"{BEANSTALK_GUIDE}/concepts-roles-user.html",
    ),
    ("autoscaling:SuspendProcesses", "{group}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("autoscaling:ResumeProcesses", "{group}", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("autoscaling:DescribeAutoScalingGroups", "*", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("ec2:DescribeInstances", "*", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("elasticloadbalancing:DescribeTargetHealth", "*", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
    ("cloudwatch:DescribeAlarms", "*", f"{BEANSTALK_GUIDE}/concepts-roles-user.html"),
)
# A source artifact's content: an empty zip archive (CODE_ZIP), standing in for the repository.
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18

LOCK = threading.RLock()


def _check_role(backend, role_arn: str) -> None:
    """CreatePipeline/UpdatePipeline: CodePipeline must be able to assume the role now."""
    from refarch_emulator.extensions.iam import models as iam

    if iam.role_problem(backend.account_id, role_arn or "", PRINCIPAL) is not None:
        raise InvalidStructureException(f"CodePipeline is not authorized to perform AssumeRole on role {role_arn}")


def ts(epoch: float) -> float:
    return round(epoch, 3)


def _is_approval(action: dict[str, Any]) -> bool:
    type_id = action.get("actionTypeId", {})
    return type_id.get("category") == "Approval" and type_id.get("provider") == "Manual"


# ------------------------------------------------------------------------------------ execution


class ActionRun:
    def __init__(self, execution: Execution, stage: str, action: dict[str, Any], start: float):
        self.execution = execution
        self.stage = stage
        self.action = action
        self.name = action["name"]
        self.id = str(uuid.uuid4())
        self.start = start
        self.last_change = start
        self.status = "InProgress"
        self.summary: str | None = None
        self.error: dict[str, str] | None = None
        self.external_id: str | None = None
        self.token = str(uuid.uuid4()) if _is_approval(action) else None
        self.finish_at: float | None = None if _is_approval(action) else start + awsclock.seconds("codepipeline-action")
        self.outcome: tuple[str, str | None, dict[str, str] | None] | None = None

    def state(self) -> dict[str, Any]:
        latest: dict[str, Any] = {
            "actionExecutionId": self.id,
            "status": self.status,
            "lastStatusChange": ts(self.last_change),
        }
        if self.summary:
            latest["summary"] = self.summary
        if self.token and self.status == "InProgress":
            latest["token"] = self.token
        if self.external_id:
            latest["externalExecutionId"] = self.external_id
        if self.error:
            latest["errorDetails"] = self.error
        return latest

    def detail(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pipelineExecutionId": self.execution.id,
            "actionExecutionId": self.id,
            "pipelineVersion": self.execution.pipeline_version,
            "stageName": self.stage,
            "actionName": self.name,
            "startTime": ts(self.start),
            "lastUpdateTime": ts(self.last_change),
            "status": self.status,
            "input": {
                "actionTypeId": self.action["actionTypeId"],
                "configuration": self.action.get("configuration", {}),
                "resolvedConfiguration": self.action.get("configuration", {}),
                "inputArtifacts": [{"name": a["name"]} for a in self.action.get("inputArtifacts", [])],
            },
            "output": {"outputArtifacts": [{"name": a["name"]} for a in self.action.get("outputArtifacts", [])]},
        }
        if self.external_id or self.summary:
            result = {}
            if self.external_id:
                result["externalExecutionId"] = self.external_id
            if self.summary:
                result["externalExecutionSummary"] = self.summary
            out["output"]["executionResult"] = result
        if self.error:
            out["output"]["executionResult"] = dict(out["output"].get("executionResult", {}), errorDetails=self.error)
        return out


class Execution:
    """One pipeline execution; ``to_dict``/``to_summary_dict`` keep moto's PipelineExecution interface."""

    def __init__(self, backend, pipeline, trigger: str, variables: list[dict[str, str]] | None):
        self.backend = backend
        self.pipeline = pipeline
        self.id = str(uuid.uuid4())
        self.pipeline_execution_id = self.id
        self.pipeline_name = pipeline.pipeline["name"]
        self.pipeline_version = pipeline.pipeline["version"]
        self.stages = json.loads(json.dumps(pipeline.pipeline["stages"]))  # the structure it started with
        self.variables = variables or []
        self.trigger = trigger
        self.mode = pipeline.pipeline.get("executionMode") or "SUPERSEDED"
        self.start = time.time()
        self.last_update = self.start
        self.status = "InProgress"
        self.status_summary: str | None = None
        self.stage_index = 0
        self.in_stage = False
        self.ready_at = self.start  # when it may enter stage_index
        self.group_runs: list[ActionRun] = []
        self.runs: list[ActionRun] = []  # every action run, in order
        self.stage_status: dict[str, tuple[str, float]] = {}  # stage → (status, when it entered)
        self.stop_requested: tuple[bool, str | None] | None = None
        self.artifacts: dict[str, tuple[str, str]] = {}  # output artifact name → (bucket, key) in S3

    # -- AWS shapes
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pipelineName": self.pipeline_name,
            "pipelineVersion": self.pipeline_version,
            "pipelineExecutionId": self.id,
            "status": self.status,
            "artifactRevisions": [],
            "variables": [{"name": v["name"], "resolvedValue": v["value"]} for v in self.variables],
            "trigger": {"triggerType": self.trigger, "triggerDetail": ""},
            "executionMode": self.mode,
            "executionType": "STANDARD",
        }
        if self.status_summary:
            out["statusSummary"] = self.status_summary
        return out

    def to_summary_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pipelineExecutionId": self.id,
            "status": self.status,
            "startTime": ts(self.start),
            "lastUpdateTime": ts(self.last_update),
            "sourceRevisions": [],
            "trigger": {"triggerType": self.trigger, "triggerDetail": ""},
            "executionMode": self.mode,
            "executionType": "STANDARD",
        }
        if self.status_summary:
            out["statusSummary"] = self.status_summary
        if self.stop_requested is not None:
            out["stopTrigger"] = {"reason": self.stop_requested[1] or ""}
        return out

    @property
    def current_stage(self) -> dict[str, Any] | None:
        return self.stages[self.stage_index] if self.stage_index < len(self.stages) else None

    def finish(self, status: str, at: float, summary: str | None = None) -> None:
        self.status, self.last_update = status, at
        if summary:
            self.status_summary = summary
        self.in_stage = False

    # -- progress
    def enter_stage(self, at: float) -> None:
        self.in_stage = True
        self.stage_status[self.current_stage["name"]] = ("InProgress", at)
        self.last_update = at
        self.start_group(self._orders()[0], at)

    def _orders(self) -> list[int]:
        return sorted({a.get("runOrder", 1) for a in self.current_stage["actions"]})

    def start_group(self, order: int, at: float) -> None:
        self.group_order = order
        self.group_runs = [
            ActionRun(self, self.current_stage["name"], action, at)
            for action in self.current_stage["actions"]
            if action.get("runOrder", 1) == order
        ]
        self.runs.extend(self.group_runs)
        for run in self.group_runs:
            if run.token is None:
                begin_action(self.backend, run)

    def step(self, now: float) -> bool:
        """Advance as far as ``now`` allows; True if anything changed."""
        if self.status not in ("InProgress", "Stopping"):
            return False
        if not self.in_stage:
            return self._try_enter(now)
        changed = False
        for run in self.group_runs:
            if run.status == "InProgress" and run.finish_at is not None and now >= run.finish_at:
                run.status, run.summary, run.error = run.outcome or ("Succeeded", None, None)
                run.last_change = run.finish_at
                changed = True
        if any(run.status == "InProgress" for run in self.group_runs):
            return changed
        end = max(run.last_change for run in self.group_runs)
        stage = self.current_stage["name"]
        failed = [run for run in self.group_runs if run.status == "Failed"]
        if self.status == "Stopping":
            self.stage_status[stage] = ("Stopped", self.stage_status[stage][1])
            self.finish("Stopped", end)
        elif failed:
            self.stage_status[stage] = ("Failed", self.stage_status[stage][1])
            self.finish("Failed", end)
        else:
            later = [order for order in self._orders() if order > self.group_order]
            if later:
                self.start_group(later[0], end)
                return True
            self.stage_status[stage] = ("Succeeded", self.stage_status[stage][1])
            self.in_stage, self.stage_index, self.ready_at, self.last_update = False, self.stage_index + 1, end, end
            if self.current_stage is None:
                self.finish("Succeeded", end)
        self.pipeline.rf_free[stage] = end
        return True

    def _try_enter(self, now: float) -> bool:
        stage = self.current_stage
        if stage is None:
            self.finish("Succeeded", self.ready_at)
            return True
        others = [
            e for e in self.pipeline.executions.values() if e is not self and e.status in ("InProgress", "Stopping")
        ]
        if self.mode == "PARALLEL":  # V2: executions do not wait for each other
            others = []
        newer_waiting = any(
            not e.in_stage and e.stage_index == self.stage_index and e.start > self.start for e in others
        )
        if self.mode == "SUPERSEDED" and newer_waiting:
            self.finish("Superseded", max(self.ready_at, min(now, time.time())), "Superseded by a newer execution")
            return True
        if any(e.in_stage and e.stage_index == self.stage_index for e in others):
            return False  # QUEUED and SUPERSEDED: one execution per stage
        free = self.pipeline.rf_free.get(stage["name"], 0.0) if self.mode != "PARALLEL" else 0.0
        entered = max(self.ready_at, free)
        if entered > now:
            return False
        self.enter_stage(entered)
        return True


# ------------------------------------------------------------------------------ backend helpers


def advance(pipeline) -> None:
    now = time.time()
    for _ in range(1000):
        if not any(e.step(now) for e in list(pipeline.executions.values())):
            return


def find_pipeline(backend, name: str):
    pipeline = backend.pipelines.get(name)
    if pipeline is None:
        raise PipelineNotFoundException(f"Account '{backend.account_id}' does not have a pipeline with name '{name}'")
    if not hasattr(pipeline, "rf_free"):
        pipeline.rf_free = {}
    with LOCK:
        advance(pipeline)
    return pipeline


def start_execution(backend, name: str, trigger: str, variables=None) -> Execution:
    pipeline = find_pipeline(backend, name)
    execution = Execution(backend, pipeline, trigger, variables)
    pipeline.executions[execution.id] = execution
    advance(pipeline)
    return execution


def begin_action(backend, run: ActionRun) -> None:
    """Decide how a non-approval action will end (succeed or fail) when it starts, as AWS would."""
    provider = run.action["actionTypeId"].get("provider")
    config = run.action.get("configuration", {})
    failure = None
    if run.action["actionTypeId"].get("category") == "Source":
        failure = _source(backend, run, config)
    elif provider == "CodeBuild":
        failure = _build(backend, run, config)
    elif provider == "ElasticBeanstalk":
        failure = _beanstalk_deploy(backend, run, config)
    if failure:
        run.outcome = ("Failed", None, {"code": failure[0], "message": failure[1]})


def _role(run: ActionRun) -> str:
    return run.execution.pipeline.pipeline.get("roleArn", "")


def _allows(backend, run: ActionRun, action: str, resource: str) -> bool:
    from refarch_emulator.extensions.iam import models as iam

    return iam.role_allows(backend.account_id, _role(run), action, resource)


def _session(backend, run: ActionRun) -> str:
    role = _role(run)
    return f"arn:{role.split(':')[1]}:sts::{backend.account_id}:assumed-role/{role.rsplit('/', 1)[-1]}/{run.id[:32]}"


def _store(run: ActionRun) -> str:
    return (run.execution.pipeline.pipeline.get("artifactStore") or {}).get("location", "")


def _s3(backend):
    from moto.s3.models import s3_backends

    return s3_backends[backend.account_id][backend.partition]


def _artifact_denied(bucket: str, key: str) -> tuple[str, str]:
    # CodePipeline's message when its role cannot read or write an artifact (seen on AWS in many
    # reports, e.g. "Unable to access the artifact with Amazon S3 object key 'p/BuildArtif/mDNbhDK' ...").
    return (
        "PermissionError",
        f"Unable to access the artifact with Amazon S3 object key '{key}' located in the Amazon S3 artifact "
        f"bucket '{bucket}'. The provided role does not have sufficient permissions.",
    )


def _output_key(run: ActionRun, artifact: str) -> str:
    # AWS's layout: <pipeline name, 20 chars>/<artifact name, 10 chars>/<7 random characters>.
    pipeline = run.execution.pipeline.pipeline["name"]
    return f"{pipeline[:20]}/{artifact[:10]}/{uuid.uuid4().hex[:7]}"


def _write_outputs(backend, run: ActionRun, content: bytes) -> tuple[str, str] | None:
    bucket = _store(run)
    for artifact in run.action.get("outputArtifacts") or []:
        key = _output_key(run, artifact["name"])
        allowed = _allows(backend, run, "s3:PutObject", f"arn:{backend.partition}:s3:::{bucket}/{key}")
        if bucket not in _s3(backend).buckets or not allowed:
            return _artifact_denied(bucket, key)
        _s3(backend).put_object(bucket, key, content)
        run.execution.artifacts[artifact["name"]] = (bucket, key)
    return None


def _input(run: ActionRun) -> tuple[str, str]:
    name = ((run.action.get("inputArtifacts") or [{}])[0]).get("name", "")
    return run.execution.artifacts.get(name) or (_store(run), f"{run.execution.pipeline_name[:20]}/{name[:10]}/-")


def _source(backend, run: ActionRun, config: dict[str, str]) -> tuple[str, str] | None:
    if run.action["actionTypeId"].get("provider") == "CodeStarSourceConnection":
        arn = config.get("ConnectionArn", "")
        status = _connection_status(backend.account_id, backend.region_name, arn)
        if status != "AVAILABLE":
            return (
                "ConfigurationError",
                f"Unable to use Connection: {arn}. The provided connection is not in "
                f"AVAILABLE state (status: {status or 'not found'}).",
            )
        # IAM evaluates the action of the service that owns the ARN (codeconnections: or
        # codestar-connections:), https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
        service = arn.split(":")[2] if arn.count(":") >= 5 else "codestar-connections"
        if not _allows(backend, run, f"{service}:UseConnection", arn):
            return (
                "PermissionError",
                f"Unable to use Connection: {arn}. The provided role does not have sufficient permissions.",
            )
    return _write_outputs(backend, run, EMPTY_ZIP)


def _build(backend, run: ActionRun, config: dict[str, str]) -> tuple[str, str] | None:
    from moto.codebuild.models import codebuild_backends

    from refarch_emulator.extensions.codebuild import models as codebuild

    name = config.get("ProjectName", "")
    arn = f"arn:{backend.partition}:codebuild:{backend.region_name}:{backend.account_id}:project/{name}"
    for action in ("codebuild:StartBuild", "codebuild:BatchGetBuilds"):
        if not _allows(backend, run, action, arn):
            # CodePipeline's message for a denied StartBuild (reported from AWS, e.g. "Error calling
            # startBuild: User: ...assumed-role/... is not authorized to perform: codebuild:StartBuild").
            return (
                "JobFailed",
                f"Error calling startBuild: User: {_session(backend, run)} is not authorized to perform: {action} "
                f"on resource: {arn} because no identity-based policy allows the {action} action "
                "(Service: AWSCodeBuild; Status Code: 400; Error Code: AccessDeniedException)",
            )
    if name not in codebuild_backends[backend.account_id][backend.region_name].codebuild_projects:
        return ("JobFailed", f"Error calling startBuild: Project cannot be found: {arn}")
    outputs = run.action.get("outputArtifacts") or []
    output = (_store(run), _output_key(run, outputs[0]["name"] if outputs else "output"))
    build_id, seconds, failure = codebuild.pipeline_build(
        backend.account_id, backend.region_name, name, _input(run), output
    )
    run.external_id = build_id
    run.finish_at = max(run.finish_at or 0.0, time.time() + seconds)
    if failure:
        return ("JobFailed", failure)
    for artifact in outputs:
        run.execution.artifacts[artifact["name"]] = output
    return None


def _connection_status(account: str, region: str, arn: str) -> str | None:
    try:
        from refarch_emulator.extensions.codeconnections.models import connection_status
    except ImportError:
        return None
    return connection_status(account, region, arn)


def _deploy_targets(backend, app: str, env_name: str) -> dict[str, str]:
    """The environment's own resources a deployment touches (ids as Elastic Beanstalk names them)."""

    env_id = "e-unknown"
    try:
        from moto.elasticbeanstalk.models import eb_backends

        application = eb_backends[backend.account_id][backend.region_name].applications.get(app)
        environment = (application.environments or {}).get(env_name) if application else None
        env_id = getattr(environment, "environment_id", env_id)
    except (ImportError, KeyError, AttributeError):
        pass
    region, account, p = backend.region_name, backend.account_id, backend.partition
    return {
        "env_id": env_id,
        "stack": f"arn:{p}:cloudformation:{region}:{account}:stack/awseb-{env_id}-stack/"
        f"{uuid.uuid5(uuid.NAMESPACE_URL, env_id)}",
        "group": f"arn:{p}:autoscaling:{region}:{account}:autoScalingGroup:{uuid.uuid5(uuid.NAMESPACE_DNS, env_id)}:"
        f"autoScalingGroupName/awseb-{env_id}-AWSEBAutoScalingGroup-{env_id[2:].upper()}",
    }


def _beanstalk_deploy(backend, run: ActionRun, config: dict[str, str]) -> tuple[str, str] | None:
    """Deploy the input artifact as a new application version, as the action does; None if it started."""
    from refarch_emulator.extensions.elasticbeanstalk.models import deploy_version

    app, env = config.get("ApplicationName", ""), config.get("EnvironmentName", "")
    artifact = (run.action.get("inputArtifacts") or [{"name": "artifact"}])[0]["name"]
    bucket, key = _input(run)
    label = f"code-pipeline-{int(run.start * 1000)}-{artifact}-{uuid.uuid4()}"
    values = dict(
        p=backend.partition,
        region=backend.region_name,
        account=backend.account_id,
        app=app,
        env=env,
        label=label,
        bucket=bucket,
        key=key,
        **_deploy_targets(backend, app, env),
    )
    for action, resource, _source_page in BEANSTALK_DEPLOY:
        arn = resource.format(**values)
        if _allows(backend, run, action, arn):
            continue
        if action.startswith("s3:") and arn.endswith(f"{bucket}/{key}"):
            return _artifact_denied(bucket, key)
        if action.startswith("elasticbeanstalk:"):
            # CodePipeline's check of the role before it calls Elastic Beanstalk.
            return ("PermissionError", f"The provided role does not have the {action} permission")
        # Elastic Beanstalk's failure when the caller may not touch the environment's resources.
        service = {"cloudformation": "AmazonCloudFormation", "autoscaling": "AmazonAutoScaling", "s3": "Amazon S3"}
        return (
            "JobFailed",
            f"Deployment failed. Service:{service.get(action.split(':')[0], action.split(':')[0])}, "
            f"Message:User: {_session(backend, run)} is not authorized to perform: {action} on resource: {arn}",
        )
    s3 = _s3(backend)
    if bucket not in s3.buckets or s3.get_object(bucket, key) is None:
        # CreateApplicationVersion's error for a bundle that is not in S3 (elasticbeanstalk extension).
        return (
            "JobFailed",
            f"Unable to create application version: Unable to download from S3 location (Bucket: {bucket} "
            f"Key: {key}). Reason: Not Found",
        )
    wait, failure = deploy_version(
        backend.account_id, backend.region_name, app, env, {"S3Bucket": bucket, "S3Key": key}, label
    )
    if failure:
        return ("JobFailed", failure)
    run.finish_at = max(run.finish_at or 0.0, time.time() + wait)  # done when the environment is Ready again
    run.summary = f"Deployed application version {label}"
    return None


def find_execution(pipeline, execution_id: str):
    execution = pipeline.executions.get(execution_id)
    if execution is None:
        raise PipelineExecutionNotFoundException(
            f"Pipeline execution with id '{execution_id}' does not exist in pipeline '{pipeline.pipeline['name']}'"
        )
    return execution


def create_pipeline(original, self, pipeline, tags):
    if pipeline["name"] in self.pipelines:
        raise PipelineNameInUseException(f"Pipeline name '{pipeline['name']}' is already in use.")
    _check_role(self, pipeline.get("roleArn"))
    created = original(self, pipeline, tags)
    with LOCK:
        start_execution(self, pipeline["name"], "CreatePipeline")
    return created


def update_pipeline(original, self, pipeline):
    _check_role(self, pipeline.get("roleArn"))
    return original(self, pipeline)
