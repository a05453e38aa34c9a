"""CodeBuild's backend as AWS behaves: projects as AWS describes them, update, builds on AWS's clock."""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from moto.codebuild import models as cb_models
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.core.utils import unix_time

from refarch_emulator import awsclock

PHASES = tuple(phase for phase, _ in awsclock.CODEBUILD_PHASES)


def normalize(project: dict[str, Any]) -> dict[str, Any]:
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


def create_project(original, self, project_name, *args, **kwargs):
    return normalize(original(self, project_name, *args, **kwargs))


def update_project(self, name: str, changes: dict[str, Any]) -> dict[str, Any]:
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
    return normalize(metadata)


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


def start_build(self, project_name: str, source_version=None, artifact_override=None) -> dict[str, Any]:
    """StartBuild outside a pipeline: the project's own description, no permission to check here."""
    build = _record(self, Build(self, self.codebuild_projects[project_name], source_version, None))
    return build.describe(time.time())


def batch_get_builds(self, ids: list[str]) -> list[dict[str, Any]]:
    now = time.time()
    builds = _builds(self)
    return [builds[i].describe(now) for i in ids if i in builds]


def list_builds(self) -> list[str]:
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
