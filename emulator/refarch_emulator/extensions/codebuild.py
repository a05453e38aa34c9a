"""CodeBuild: ``update_project``, projects described as AWS describes them, AWS's input rules.

moto 5.2.5 answers ``update_project`` with 500, stores 0 for the timeouts AWS defaults to 60 and 480
minutes, returns ``tags: null`` and leaves out ``projectsNotFound``; it also demands a ``location``
for CODEPIPELINE (and NO_SOURCE) sources and CODEPIPELINE artifacts, which AWS does not. This
extension, on moto's backend and response class:

* ``update_project``: the fields given replace the stored ones, the others are kept (``tags`` given
  replaces all tags); ARN and ``created`` unchanged, ``lastModified`` updated; unknown project →
  ``ResourceNotFoundException``;
* fills the defaults AWS reports (timeouts, ``environmentVariables``, ``privilegedMode``,
  ``imagePullCredentialsType``, ``insecureSsl``, logs config, CODEPIPELINE artifact name/packaging,
  ``projectVisibility``, empty secondary lists, ``tags: []``), for created and updated projects;
* ``batch_get_projects`` lists the names it did not find in ``projectsNotFound``.

* ``create_project``/``update_project`` with a service role CodeBuild cannot assume yet (created or
  changed inside the IAM window, missing, or not trusting ``codebuild.amazonaws.com``) →
  ``InvalidInputException`` "CodeBuild is not authorized to perform: sts:AssumeRole on service role…",
  AWS's message (terraform-provider-aws retries CreateProject on it: internal/service/codebuild/project.go);
* builds: ``start_build`` records a build as AWS reports it — the project's own source (a CODEPIPELINE
  project's builds say CODEPIPELINE, not moto's CODECOMMIT), environment, artifacts and timeouts —
  IN_PROGRESS through its phases, each as long as AWS's duration of it (``awsclock``
  ``codebuild-<phase>``, scaled), then SUCCEEDED or FAILED in the phase where AWS fails it. A build
  started by a pipeline (:func:`pipeline_build`) runs with its service
  role's permissions: CloudWatch Logs (``logs:CreateLogGroup``/``CreateLogStream``/``PutLogEvents`` on
  ``/aws/codebuild/<project>``, PROVISIONING, ``ACCESS_DENIED``), the input artifact
  (``s3:GetObject``, DOWNLOAD_SOURCE, ``CLIENT_ERROR``) and the output artifact (``s3:PutObject``,
  UPLOAD_ARTIFACTS), checked with the IAM extension's ``role_allows``; the output artifact is written to
  the artifact bucket (a copy of the input: no buildspec runs here).
"""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from moto.codebuild import models as cb_models
from moto.codebuild import responses as cb_responses
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.core.responses import ActionResult
from moto.core.utils import unix_time

from refarch_emulator import awsclock

PRINCIPAL = "codebuild.amazonaws.com"
# AWS's message when CodeBuild cannot assume the service role (aws codebuild create-project, 2025).
ASSUME_ROLE_MESSAGE = (
    "CodeBuild is not authorized to perform: sts:AssumeRole on service role. Please verify that: 1) The "
    "provided service role exists, 2) The role name is case-sensitive and matches exactly, and 3) The role "
    "has the necessary trust policy configured."
)
PHASES = tuple(phase for phase, _ in awsclock.CODEBUILD_PHASES)

# UpdateProject members and the project keys they replace (same names in the CodeBuild model).
UPDATABLE = (
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "tags",
    "vpcConfig",
    "logsConfig",
    "fileSystemLocations",
    "buildBatchConfig",
    "concurrentBuildLimit",
    "autoRetryLimit",
)
_NO_LOCATION_TYPES = ("CODEPIPELINE", "NO_SOURCE")


def _normalize(project: dict[str, Any]) -> dict[str, Any]:
    """Add the defaults AWS reports for a project to moto's stored description (in place)."""
    project["timeoutInMinutes"] = project.get("timeoutInMinutes") or 60
    project["queuedTimeoutInMinutes"] = project.get("queuedTimeoutInMinutes") or 480
    project["tags"] = project.get("tags") or []
    project.setdefault("lastModified", project.get("lastModifiedDate"))  # moto's key is not in AWS's shape
    for key in ("secondarySources", "secondarySourceVersions", "secondaryArtifacts"):
        project.setdefault(key, [])
    project.setdefault("projectVisibility", "PRIVATE")
    project.setdefault(
        "logsConfig",
        {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED", "encryptionDisabled": False}},
    )
    environment = project.get("environment") or {}
    environment.setdefault("environmentVariables", [])
    environment.setdefault("privilegedMode", False)
    environment.setdefault("imagePullCredentialsType", "CODEBUILD")
    source = project.get("source") or {}
    source.setdefault("insecureSsl", False)
    artifacts = project.get("artifacts") or {}
    if artifacts.get("type") == "CODEPIPELINE":
        artifacts.setdefault("name", project["name"])
        artifacts.setdefault("packaging", "NONE")
        artifacts.setdefault("encryptionDisabled", False)
    project.setdefault("badge", {"badgeEnabled": False})
    return project


_moto_create = cb_models.CodeBuildBackend.create_project
_moto_validate_source = cb_responses._validate_required_params_source
_moto_validate_artifacts = cb_responses._validate_required_params_artifacts
_moto_validate_role = cb_responses._validate_required_params_service_role


def _validate_service_role(account_id: str, region_name: str, service_role: str) -> None:
    """moto's format check, then whether CodeBuild can assume the role now (IAM extension)."""
    from refarch_emulator.extensions.iam import models as iam

    _moto_validate_role(account_id, region_name, service_role)
    if iam.role_problem(account_id, service_role, PRINCIPAL) is not None:
        raise cb_responses.InvalidInputException(ASSUME_ROLE_MESSAGE)


def create_project(self, project_name, *args, **kwargs):
    metadata = _moto_create(self, project_name, *args, **kwargs)
    return _normalize(metadata)


def _validate_source(source: dict[str, Any]) -> None:
    if source.get("type") in _NO_LOCATION_TYPES and not source.get("location"):
        source = dict(source, location="-")  # AWS needs no location for these types
    _moto_validate_source(source)


def _validate_artifacts(artifacts: dict[str, Any]) -> None:
    if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
        artifacts = dict(artifacts, location="-")
    _moto_validate_artifacts(artifacts)


def update_project_model(self, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    project = self.codebuild_projects.get(name) or next(
        (p for p in self.codebuild_projects.values() if p.arn == name), None
    )
    if project is None:
        arn = f"arn:{self.partition}:codebuild:{self.region_name}:{self.account_id}:project/{name}"
        raise ResourceNotFoundException(f"Project cannot be found: {arn}")
    metadata = project.project_metadata
    for key, value in changes.items():
        if key == "serviceRole":
            project.service_role = value
        if key == "tags":
            project.tags = value
        if key == "description" and value == "":
            metadata.pop("description", None)
            continue
        metadata[key] = copy.deepcopy(value)
    metadata["lastModified"] = metadata["lastModifiedDate"] = unix_time()
    return _normalize(metadata)


def update_project(self) -> ActionResult:
    changes = {key: self._get_param(key) for key in UPDATABLE if self._get_param(key) is not None}
    if "source" in changes:
        _validate_source(changes["source"])
    if "artifacts" in changes:
        _validate_artifacts(changes["artifacts"])
    if "environment" in changes:
        cb_responses._validate_required_params_environment(changes["environment"])
    if "serviceRole" in changes:
        _validate_service_role(self.current_account, self.region, changes["serviceRole"])
    project = self.codebuild_backend.update_project(self._get_param("name"), changes)
    return ActionResult({"project": project})


def batch_get_projects(self) -> ActionResult:
    names = self._get_param("names") or []
    projects = [_normalize(p) for p in self.codebuild_backend.batch_get_projects(names)]
    found = {p["name"] for p in projects} | {p["arn"] for p in projects}
    result: dict[str, Any] = {"projects": projects}
    missing = [n for n in names if n not in found]
    if missing:
        result["projectsNotFound"] = missing
    return ActionResult(result)


# ------------------------------------------------------------------------------------------ builds


class Build:
    """One build: its AWS description, decided when it starts, revealed as the clock passes its end."""

    def __init__(self, backend, project, source_version: str | None, failure: tuple[str, str, str] | None):
        self.start = time.time()
        self.failure = failure  # (phase, context status code, message) or None
        # Each phase lasts AWS's duration of it (awsclock); a failed phase ends the build.
        self.lengths = [awsclock.seconds(kind) if kind else 0.0 for _, kind in awsclock.CODEBUILD_PHASES]
        self.starts = [self.start + sum(self.lengths[:i]) for i in range(len(PHASES))]
        last = PHASES.index(failure[0]) if failure else len(PHASES) - 1
        self.end = self.starts[last] + self.lengths[last]
        build_uuid = str(uuid.uuid4())
        metadata = project.project_metadata
        self.id = f"{project.project_metadata['name']}:{build_uuid}"
        group = f"/aws/codebuild/{metadata['name']}"
        prefix = f"arn:{backend.partition}"
        self.description: dict[str, Any] = {
            "id": self.id,
            "arn": f"{prefix}:codebuild:{backend.region_name}:{backend.account_id}:build/{self.id}",
            "buildNumber": len(backend.build_history.get(metadata["name"], [])) + 1,
            "startTime": self.start,
            "projectName": metadata["name"],
            "source": copy.deepcopy(metadata.get("source") or {}),
            "secondarySources": [],
            "secondarySourceVersions": [],
            "artifacts": {},
            "secondaryArtifacts": [],
            "cache": copy.deepcopy(metadata.get("cache") or {"type": "NO_CACHE"}),
            "environment": copy.deepcopy(metadata.get("environment") or {}),
            "serviceRole": metadata.get("serviceRole"),
            "logs": {
                "groupName": group,
                "streamName": build_uuid,
                "cloudWatchLogsArn": f"{prefix}:logs:{backend.region_name}:{backend.account_id}:log-group:{group}"
                f":log-stream:{build_uuid}",
                "cloudWatchLogs": {"status": "ENABLED"},
                "s3Logs": {"status": "DISABLED", "encryptionDisabled": False},
            },
            "timeoutInMinutes": metadata.get("timeoutInMinutes") or 60,
            "queuedTimeoutInMinutes": metadata.get("queuedTimeoutInMinutes") or 480,
            "initiator": "codepipeline",
            "encryptionKey": metadata.get("encryptionKey"),
        }
        if source_version:
            self.description["sourceVersion"] = source_version

    def describe(self, now: float) -> dict[str, Any]:
        out = copy.deepcopy(self.description)
        done = now >= self.end
        last = PHASES.index(self.failure[0]) if self.failure else len(PHASES) - 1
        reached = max(i for i in range(last + 1) if self.starts[i] <= now)
        phases = []
        for index, phase in enumerate(PHASES[: reached + 1]):
            begun = self.starts[index]
            entry: dict[str, Any] = {"phaseType": phase, "startTime": begun}
            if phase == "COMPLETED" or (not done and index == reached):
                phases.append(entry)
                continue
            length = self.lengths[index]
            entry.update(endTime=begun + length, durationInSeconds=int(length))
            failed = done and self.failure is not None and index == last
            entry["phaseStatus"] = "FAILED" if failed else "SUCCEEDED"
            if failed:
                entry["contexts"] = [{"statusCode": self.failure[1], "message": self.failure[2]}]
            phases.append(entry)
        if done and self.failure is not None:
            phases.append({"phaseType": "COMPLETED", "startTime": self.end})
        out["phases"] = phases
        out["currentPhase"] = "COMPLETED" if done else PHASES[reached]
        out["buildStatus"] = ("FAILED" if self.failure else "SUCCEEDED") if done else "IN_PROGRESS"
        out["buildComplete"] = done
        if done:
            out["endTime"] = self.end
        return out


def _builds(backend) -> dict[str, Build]:
    if not hasattr(backend, "rf_builds"):
        backend.rf_builds = {}
    return backend.rf_builds


def _record(backend, build: Build) -> Build:
    name = build.description["projectName"]
    _builds(backend)[build.id] = build
    backend.build_history.setdefault(name, []).append(build.id)
    return build


def start_build_model(self, project_name: str, source_version=None, artifact_override=None) -> dict[str, Any]:
    """StartBuild outside a pipeline: the project's own description, no permission to check here."""
    build = _record(self, Build(self, self.codebuild_projects[project_name], source_version, None))
    return build.describe(time.time())


def batch_get_builds_model(self, ids: list[str]) -> list[dict[str, Any]]:
    now = time.time()
    builds = _builds(self)
    return [builds[i].describe(now) for i in ids if i in builds]


def list_builds_model(self) -> list[str]:
    return [build_id for ids in self.build_history.values() for build_id in ids]


def _s3(account_id: str, partition: str):
    from moto.s3.models import s3_backends

    return s3_backends[account_id][partition]


def _permission_failure(account_id: str, role_arn: str, region: str, project, build_uuid: str, artifacts):
    """The first thing the service role may not do in a pipeline build, as (phase, code, message)."""
    from refarch_emulator.extensions.iam import models as iam

    logs_on = ((project.project_metadata.get("logsConfig") or {}).get("cloudWatchLogs") or {}).get("status")
    project = project.project_metadata["name"]

    partition = role_arn.split(":")[1]
    group = f"arn:{partition}:logs:{region}:{account_id}:log-group:/aws/codebuild/{project}"
    stream = f"{group}:log-stream:{build_uuid}"
    build_arn = f"arn:{partition}:codebuild:{region}:{account_id}:build/{project}:{build_uuid}"
    session = f"arn:{partition}:sts::{account_id}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/AWSCodeBuild-{build_uuid}"
    logging = () if logs_on == "DISABLED" else ("CreateLogGroup", "CreateLogStream", "PutLogEvents")
    for action, resource in ((f"logs:{name}", group if name == "CreateLogGroup" else stream) for name in logging):
        if not iam.role_allows(account_id, role_arn, action, resource):
            # AWS's build context, e.g. aws/aws-cdk#12179, juspay/hyperswitch-cdk#37.
            return (
                "PROVISIONING",
                "ACCESS_DENIED",
                f"Service role {role_arn} does not allow AWS CodeBuild to create Amazon CloudWatch Logs log "
                f"streams for build {build_arn}. Error message: User: {session} is not authorized to perform: "
                f"{action} on resource: {resource} because no identity-based policy allows the {action} action",
            )
    (in_bucket, in_key), (out_bucket, out_key) = artifacts
    s3 = _s3(account_id, partition)
    source = s3.get_object(in_bucket, in_key) if in_bucket in s3.buckets else None
    source_arn = f"arn:{partition}:s3:::{in_bucket}/{in_key}"
    request = uuid.uuid4().hex[:16].upper()
    readable = iam.role_allows(account_id, role_arn, "s3:GetObject", source_arn)
    if not readable or source is None:
        # AWS's DOWNLOAD_SOURCE context (awslabs/aws-refarch-cross-account-pipeline#5); S3 answers
        # NoSuchKey for a missing object only to a caller allowed to read it.
        reason, status = (
            ("AccessDenied: Access Denied", 403)
            if not readable
            else ("NoSuchKey: The specified key does not exist.", 404)
        )
        return (
            "DOWNLOAD_SOURCE",
            "CLIENT_ERROR",
            f"{reason}\n\tstatus code: {status}, request id: {request}, host id: {request} for primary source and "
            f"source version {source_arn}",
        )
    if not iam.role_allows(account_id, role_arn, "s3:PutObject", f"arn:{partition}:s3:::{out_bucket}/{out_key}"):
        return (
            "UPLOAD_ARTIFACTS",
            "CLIENT_ERROR",
            f"Error uploading artifacts: AccessDenied: Access Denied\n\tstatus code: 403, request id: {request}",
        )
    s3.put_object(out_bucket, out_key, source.value)
    return None


def pipeline_build(account_id: str, region: str, project_name: str, source: tuple[str, str], output: tuple[str, str]):
    """A build CodePipeline's CodeBuild action starts, reading ``source`` and writing ``output`` (bucket,
    key); returns (build id, seconds until it ends, None if it will succeed else the failure message as
    CodePipeline reports it)."""
    backend = cb_models.codebuild_backends[account_id][region]
    project = backend.codebuild_projects[project_name]
    build = Build(backend, project, None, None)
    build_uuid = build.id.split(":", 1)[1]
    build.failure = _permission_failure(
        account_id, project.project_metadata["serviceRole"], region, project, build_uuid, (source, output)
    )
    build.description["source"]["type"] = "CODEPIPELINE"
    build.description["artifacts"] = {"location": f"arn:aws:s3:::{output[0]}/{output[1]}"}
    _record(backend, build)
    summary = None
    if build.failure:
        phase, code, message = build.failure
        # CodePipeline's action error for a failed build.
        summary = f"Build terminated with state: FAILED. Phase: {phase}, Code: {code}, Message: {message}"
    return build.id, build.end - time.time(), summary


def install() -> None:
    cb_models.CodeBuildBackend.create_project = create_project
    cb_models.CodeBuildBackend.update_project = update_project_model
    cb_responses._validate_required_params_source = _validate_source
    cb_responses._validate_required_params_artifacts = _validate_artifacts
    cb_responses.CodeBuildResponse.update_project = update_project
    cb_responses.CodeBuildResponse.batch_get_projects = batch_get_projects
    cb_responses._validate_required_params_service_role = _validate_service_role
    cb_models.CodeBuildBackend.start_build = start_build_model
    cb_models.CodeBuildBackend.batch_get_builds = batch_get_builds_model
    cb_models.CodeBuildBackend.list_builds = list_builds_model
