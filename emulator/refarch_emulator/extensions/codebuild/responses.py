"""CodeBuild's responses: UpdateProject, BatchGetProjects' projectsNotFound, AWS's input rules.

The ``validate_*`` wrappers replace moto's module-level checks in ``moto.codebuild.responses``
(``_validate_required_params_*``), which moto's own CreateProject calls too.
"""

from __future__ import annotations

from typing import Any

from moto.codebuild import responses as cb_responses
from moto.core.responses import ActionResult

from refarch_emulator.extensions.codebuild.exceptions import RoleNotAssumable
from refarch_emulator.extensions.codebuild.models import normalize
from refarch_emulator.extensions.iam import models as iam

PRINCIPAL = "codebuild.amazonaws.com"
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


def validate_service_role(original, account_id: str, region_name: str, service_role: str) -> None:
    """moto's format check, then whether CodeBuild can assume the role now (IAM extension)."""
    original(account_id, region_name, service_role)
    if iam.role_problem(account_id, service_role, PRINCIPAL) is not None:
        raise RoleNotAssumable()


def validate_source(original, source: dict[str, Any]) -> None:
    if source.get("type") in _NO_LOCATION_TYPES and not source.get("location"):
        source = dict(source, location="-")  # AWS needs no location for these types
    original(source)


def validate_artifacts(original, artifacts: dict[str, Any]) -> None:
    if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
        artifacts = dict(artifacts, location="-")
    original(artifacts)


def update_project(self) -> ActionResult:
    changes = {key: self._get_param(key) for key in UPDATABLE if self._get_param(key) is not None}
    if "source" in changes:
        cb_responses._validate_required_params_source(changes["source"])
    if "artifacts" in changes:
        cb_responses._validate_required_params_artifacts(changes["artifacts"])
    if "environment" in changes:
        cb_responses._validate_required_params_environment(changes["environment"])
    if "serviceRole" in changes:
        cb_responses._validate_required_params_service_role(self.current_account, self.region, changes["serviceRole"])
    project = self.codebuild_backend.update_project(self._get_param("name"), changes)
    return ActionResult({"project": project})


def batch_get_projects(self) -> ActionResult:
    names = self._get_param("names") or []
    projects = [normalize(p) for p in self.codebuild_backend.batch_get_projects(names)]
    found = {p["name"] for p in projects} | {p["arn"] for p in projects}
    result: dict[str, Any] = {"projects": projects}
    missing = [n for n in names if n not in found]
    if missing:
        result["projectsNotFound"] = missing
    return ActionResult(result)
