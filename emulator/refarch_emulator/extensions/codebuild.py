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

``start_build`` is moto's (the build "succeeds" as soon as it is described).
"""

from __future__ import annotations

import copy
from typing import Any

from moto.codebuild import models as cb_models
from moto.codebuild import responses as cb_responses
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.core.responses import ActionResult
from moto.core.utils import unix_time

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
        cb_responses._validate_required_params_service_role(self.current_account, self.region, changes["serviceRole"])
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


def install() -> None:
    cb_models.CodeBuildBackend.create_project = create_project
    cb_models.CodeBuildBackend.update_project = update_project_model
    cb_responses._validate_required_params_source = _validate_source
    cb_responses._validate_required_params_artifacts = _validate_artifacts
    cb_responses.CodeBuildResponse.update_project = update_project
    cb_responses.CodeBuildResponse.batch_get_projects = batch_get_projects
