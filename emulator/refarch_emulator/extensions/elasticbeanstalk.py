"""Elastic Beanstalk: application versions, the environment lifecycle, events, platforms.

moto 5.2.5 stores applications and creates environments that are Ready at once, without id, CNAME or
version; everything else answers 500. This extension adds, on moto's own ``EBBackend`` and
``EBResponse``:

* application versions from an S3 source bundle (the object must exist in the emulator's S3, in the
  backend's region, as AWS checks), ``Process`` → PROCESSING → PROCESSED, else UNPROCESSED;
  describe with filters, delete (optionally with the bundle), tags;
* environments with an ``e-`` id, a CNAME, version label, option settings, tier, solution stack or
  platform ARN; Launching → Ready, Updating → Ready, Terminating → Terminated after AWS's durations
  (``awsclock``: ``elasticbeanstalk-launch``/``-update``/``-terminate``, scaled), health Grey → Green;
  terminated environments stay
  visible for an hour (``IncludeDeleted``), as on AWS;
* ``describe_events``, ``describe_configuration_settings``, ``describe_environment_health``,
  ``describe_environment_resources`` (no resources: the emulator launches no instances),
  ``list_platform_versions``/``describe_platform_version`` (derived from moto's solution stacks),
  ``check_dns_availability``, application tags and descriptions.

State changes are evaluated lazily on every request (no background thread), so a waiter polling
``describe_environments`` sees the same transitions it would see on AWS, only faster.
"""

from __future__ import annotations

import json
import random
import re
import string
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.resource_tagging import TaggedResource
from moto.core.responses import ActionResult, EmptyResult
from moto.elasticbeanstalk import models as eb_models
from moto.elasticbeanstalk import responses as eb_responses
from moto.elasticbeanstalk.exceptions import InvalidParameterValueError, ResourceNotFoundException
from moto.elasticbeanstalk.utils import make_arn

from refarch_emulator import awsclock

DELETED_VISIBLE_FOR = timedelta(hours=1)
# How long each operation takes on AWS's clock (refarch_emulator.awsclock), by the status it shows.
OPERATION_DURATIONS = {
    "Launching": "elasticbeanstalk-launch",
    "Updating": "elasticbeanstalk-update",
    "Terminating": "elasticbeanstalk-terminate",
}
SEVERITIES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
WEB_TIER = {"Name": "WebServer", "Type": "Standard", "Version": "1.0"}
WORKER_TIER = {"Name": "Worker", "Type": "SQS/HTTP", "Version": "1.0"}

# Defaults AWS reports in describe_configuration_settings for a new environment (a small, realistic
# subset of the hundreds of options it returns); the caller's settings override them.
DEFAULT_OPTIONS = [
    ("aws:autoscaling:asg", "MinSize", "1"),
    ("aws:autoscaling:asg", "MaxSize", "4"),
    ("aws:ec2:instances", "InstanceTypes", "t3.micro, t3.small"),
    ("aws:elasticbeanstalk:command", "DeploymentPolicy", "AllAtOnce"),
    ("aws:elasticbeanstalk:environment", "EnvironmentType", "LoadBalanced"),
    ("aws:elasticbeanstalk:environment", "LoadBalancerType", "classic"),
    ("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
]

_LOCK = threading.RLock()
_NAMESPACE = re.compile(r"^aws:[a-z0-9]+(?:[:-][a-z0-9]+)*$", re.IGNORECASE)


class InvalidParameterCombination(ServiceException):
    code = "InvalidParameterCombination"


class MissingParameter(ServiceException):
    code = "MissingParameter"


class S3LocationNotInServiceRegion(ServiceException):
    code = "S3LocationNotInServiceRegionException"


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------- platforms

# The managed platform catalogue, shaped as AWS has it: platforms (Python, Node.js, Docker) with
# branches, each branch with a lifecycle state and several versions, oldest first. AWS's shapes
# (botocore PlatformSummary / PlatformBranchSummary): a branch is Beta, Supported, Deprecated or
# Retired; a version's PlatformLifecycleState is "Recommended" (one per branch, the newest) or absent.
# https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/platforms-support-policy.html
# Only the newest version of a branch that is not retired has a solution stack name AWS accepts
# (ListAvailableSolutionStacks lists only those; an older name → "No Solution Stack named '…' found.",
# cloudposse/terraform-aws-elastic-beanstalk-environment#80); older versions of such a branch are
# still usable by platform ARN; nothing of a retired branch is.
# (platform, branch runtime, OS, branch lifecycle, branch order, versions oldest first)
CATALOGUE = [
    ("Python", "Python 3.14", "Amazon Linux 2023", "Beta", 8, ["4.9.0", "4.10.0"]),
    ("Python", "Python 3.13", "Amazon Linux 2023", "Supported", 7, ["4.7.2", "4.9.1", "4.10.0"]),
    ("Python", "Python 3.12", "Amazon Linux 2023", "Supported", 6, ["4.3.0", "4.6.0", "4.9.1", "4.10.0"]),
    ("Python", "Python 3.11", "Amazon Linux 2023", "Supported", 5, ["4.3.0", "4.5.2", "4.6.0", "4.9.1", "4.10.0"]),
    ("Python", "Python 3.9", "Amazon Linux 2023", "Deprecated", 4, ["4.3.0", "4.6.0", "4.9.1"]),
    ("Python", "Python 3.8", "Amazon Linux 2", "Retired", 3, ["3.5.0", "3.6.2"]),
    ("Node.js", "Node.js 22", "Amazon Linux 2023", "Supported", 3, ["6.4.0", "6.6.2"]),
    ("Node.js", "Node.js 20", "Amazon Linux 2023", "Supported", 2, ["6.2.0", "6.4.0", "6.6.2"]),
    ("Docker", "Docker", "Amazon Linux 2023", "Supported", 2, ["4.4.0", "4.6.1"]),
]
# Versions AWS released since (test-only hook below), per branch; cleared by /moto-api/reset.
_RELEASES: dict[str, list[str]] = {}
RELEASE_PATH = re.compile(
    r"^/refarch-emulator/elasticbeanstalk/platforms/(?P<branch>[^/]+)/(?P<version>\d+\.\d+\.\d+)$"
)
TIERS = ["WebServer/Standard", "Worker/SQS/HTTP"]
ADDONS = ["Log/S3", "Monitoring/Healthd", "WorkerDaemon/SQSD"]


def _platforms(region: str) -> list[dict[str, Any]]:
    """Every version of every branch: name, ARN, lifecycle and summary as AWS shows them."""
    platforms = []
    for platform_name, runtime, os_name, branch_state, _, listed in CATALOGUE:
        branch = f"{runtime} running on 64bit {os_name}"
        os_version = os_name.rsplit(" ", 1)[1]
        versions = listed + _RELEASES.get(branch, [])
        for version in versions:
            newest = version == versions[-1]
            platforms.append(
                {
                    "SolutionStackName": f"64bit {os_name} v{version} running {runtime}",
                    "PlatformArn": f"arn:aws:elasticbeanstalk:{region}::platform/{branch}/{version}",
                    "PlatformOwner": "AWSElasticBeanstalk",
                    "PlatformStatus": "Ready",
                    "PlatformCategory": "Docker" if platform_name == "Docker" else "Language",
                    "OperatingSystemName": "Amazon Linux",
                    "OperatingSystemVersion": os_version,
                    "SupportedTierList": list(TIERS),
                    "SupportedAddonList": list(ADDONS),
                    "PlatformLifecycleState": "Recommended" if newest and branch_state != "Retired" else None,
                    "PlatformVersion": version,
                    "PlatformBranchName": branch,
                    "PlatformBranchLifecycleState": branch_state,
                    "PlatformName": branch,
                    "ProgrammingLanguageName": None if platform_name == "Docker" else platform_name,
                    "_current": newest and branch_state != "Retired",
                    "_retired": branch_state == "Retired",
                }
            )
    return platforms


def _branches() -> list[dict[str, Any]]:
    return [
        {
            "PlatformName": platform_name,
            "BranchName": f"{runtime} running on 64bit {os_name}",
            "LifecycleState": branch_state,
            "BranchOrder": order,
            "SupportedTierList": list(TIERS),
        }
        for platform_name, runtime, os_name, branch_state, order, _ in CATALOGUE
    ]


def _platform_by(region: str, key: str, value: str) -> dict[str, Any] | None:
    return next((p for p in _platforms(region) if p[key] == value), None)


def _version_key(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", value))


def _filter_matches(platform: dict[str, Any], flt: dict[str, Any]) -> bool:
    kind, operator, values = flt.get("Type"), flt.get("Operator", "="), flt.get("Values", [])
    field = {
        "PlatformStatus": "PlatformStatus",
        "PlatformName": "PlatformName",
        "PlatformVersion": "PlatformVersion",
        "PlatformLifecycleState": "PlatformLifecycleState",
        "PlatformOwner": "PlatformOwner",
        "PlatformBranchName": "PlatformBranchName",
        "ProgrammingLanguageName": "ProgrammingLanguageName",
        "OperatingSystemName": "OperatingSystemName",
    }.get(kind)
    if kind in ("SupportedTier", "SupportedAddon"):
        have = platform["SupportedTierList" if kind == "SupportedTier" else "SupportedAddonList"]
        return any(v in have for v in values) if operator == "=" else not any(v in have for v in values)
    if field is None:
        raise InvalidParameterValueError(f"Invalid filter type: {kind}")
    actual = platform.get(field) or ""
    if kind == "PlatformLifecycleState":  # documented in lower case ("recommended"), answered capitalised
        actual, values = actual.lower(), [v.lower() for v in values]
    if operator in ("<", "<=", ">", ">="):
        left, right = _version_key(actual), _version_key(values[0])
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]
    tests = {
        "=": lambda v: actual == v,
        "!=": lambda v: actual != v,
        "contains": lambda v: v in actual,
        "begins_with": actual.startswith,
        "ends_with": actual.endswith,
    }
    if operator not in tests:
        raise InvalidParameterValueError(f"Invalid filter operator: {operator}")
    if operator == "!=":
        return all(tests["!="](v) for v in values)
    return any(tests[operator](v) for v in values)


# ------------------------------------------------------------------------------------------- models


class ApplicationVersion:
    def __init__(self, backend, application_name, label, description, bundle, status, tags):
        self.application_name = application_name
        self.version_label = label
        self.description = description
        self.source_bundle = bundle
        self.status = status
        self.tags = tags
        self.date_created = self.date_updated = _now()
        self.arn = make_arn(
            backend.region_name, backend.account_id, "applicationversion", f"{application_name}/{label}"
        )
        processing = status == "PROCESSING"
        self.ready_at = time.monotonic() + awsclock.seconds("elasticbeanstalk-version") if processing else None

    def tick(self) -> None:
        if self.ready_at is not None and time.monotonic() >= self.ready_at:
            self.status, self.ready_at, self.date_updated = "PROCESSED", None, _now()

    def describe(self) -> dict[str, Any]:
        out = {
            "ApplicationVersionArn": self.arn,
            "ApplicationName": self.application_name,
            "VersionLabel": self.version_label,
            "DateCreated": self.date_created,
            "DateUpdated": self.date_updated,
            "Status": self.status,
        }
        if self.description:
            out["Description"] = self.description
        if self.source_bundle:
            out["SourceBundle"] = self.source_bundle
        return out


class Environment:
    """Replaces moto's Environment in ``Application.environments`` (same ``environment_arn``/``tags``)."""

    def __init__(self, backend, app, params: dict[str, Any], platform: dict[str, Any]):
        self.backend = backend
        self.application_name = app.application_name
        self.environment_name = params["EnvironmentName"]
        self.environment_id = "e-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
        self.description = params.get("Description")
        self.version_label = params.get("VersionLabel")
        self.platform = platform
        self.tier = dict(WORKER_TIER if (params.get("Tier") or {}).get("Name") == "Worker" else WEB_TIER)
        self.tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        self.options: dict[tuple[str, str, str], str] = {}
        for namespace, name, value in DEFAULT_OPTIONS:
            self.options[(namespace, name, "")] = value
        self.apply_options(params.get("OptionSettings") or [], [])
        region = backend.region_name
        if self.tier["Name"] == "Worker":
            self.cname = ""
        elif params.get("CNAMEPrefix"):
            self.cname = f"{params['CNAMEPrefix']}.{region}.elasticbeanstalk.com"
        else:
            suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=8))
            self.cname = f"{self.environment_name}.eba-{suffix}.{region}.elasticbeanstalk.com"
        self.date_created = self.date_updated = _now()
        self.status, self.health, self.health_status = "Launching", "Grey", "Pending"
        self.abortable = False
        self.pending: tuple[str, float, list[str]] | None = None
        self.errors: list[str] = []
        self.causes: list[str] = []
        self.terminated_at: datetime | None = None
        self.environment_arn = make_arn(
            region, backend.account_id, "environment", f"{self.application_name}/{self.environment_name}"
        )

    # -- state
    def apply_options(self, settings: list[dict[str, Any]], removals: list[dict[str, Any]]) -> None:
        _validate_options(settings + removals)
        for setting in settings:
            key = (setting["Namespace"], setting["OptionName"], setting.get("ResourceName", ""))
            self.options[key] = setting.get("Value", "")
        for removal in removals:
            self.options.pop((removal["Namespace"], removal["OptionName"], removal.get("ResourceName", "")), None)

    def begin(self, status: str, final: str, done_messages: list[str], errors: list[str] | None = None) -> float:
        """Move to ``status`` now and to ``final`` after AWS's duration of that operation (seconds,
        returned), with ``done_messages`` as INFO events; with ``errors`` the operation fails instead:
        they become ERROR events and nothing was launched."""
        seconds = awsclock.seconds(OPERATION_DURATIONS[status])
        self.status, self.date_updated = status, _now()
        self.pending = (final, time.monotonic() + seconds, done_messages)
        self.errors = list(errors or [])
        return seconds

    def service_role_cause(self) -> str | None:
        """Why Elastic Beanstalk cannot assume the environment's service role now, as enhanced health
        reports it ("Unable to assume role …", onnela-lab/beiwe-backend#31), or None."""
        from refarch_emulator.extensions.iam import models as iam

        role = self.options.get(("aws:elasticbeanstalk:environment", "ServiceRole", ""))
        if not role:
            return None
        arn = role if role.startswith("arn:") else f"arn:aws:iam::{self.backend.account_id}:role/{role}"
        if iam.role_problem(self.backend.account_id, arn, "elasticbeanstalk.amazonaws.com") is None:
            return None
        return f'Unable to assume role "{arn}". Verify that the role exists and is configured correctly.'

    def check_health(self) -> None:
        """A Ready environment's health: Severe (Red) while its service role cannot be assumed, Ok
        (Green) again once it can (for a role still propagating, seconds later)."""
        if self.status != "Ready" or self.health_status not in ("Ok", "Severe"):
            return
        cause = self.service_role_cause()
        if cause and self.health_status == "Ok":
            self.health, self.health_status, self.causes = "Red", "Severe", [cause]
            self.backend.rf_event(self, "WARN", f"Environment health has transitioned from Ok to Severe. {cause}")
        elif not cause and self.health_status == "Severe":
            self.health, self.health_status, self.causes = "Green", "Ok", []
            self.backend.rf_event(self, "INFO", "Environment health has transitioned from Severe to Ok.")

    def tick(self) -> None:
        if self.pending is None or time.monotonic() < self.pending[1]:
            self.check_health()
            return
        final, _, messages = self.pending
        self.pending, self.status, self.abortable, self.date_updated = None, final, False, _now()
        if self.errors:
            # A launch that failed ends Ready with no instance reporting health (Grey), as on AWS,
            # where only the events say why; the environment can be terminated or rebuilt. An update
            # that failed leaves the instances as they were (and their health).
            for message in self.errors:
                self.backend.rf_event(self, "ERROR", message)
            if self.health_status == "Pending":
                self.health, self.health_status = "Grey", "No Data"
            self.errors = []
            return
        if final == "Ready":
            if self.health == "Grey":
                self.backend.rf_event(self, "INFO", "Environment health has transitioned from Pending to Ok.")
            self.health, self.health_status = "Green", "Ok"
        else:
            self.health, self.health_status = "Grey", "No Data"
            self.terminated_at = _now()
            app = self.backend.applications.get(self.application_name)
            if app is not None and app.environments.get(self.environment_name) is self:
                del app.environments[self.environment_name]
        for message in messages:
            self.backend.rf_event(self, "INFO", message)
        self.check_health()

    @property
    def single_instance(self) -> bool:
        return self.options.get(("aws:elasticbeanstalk:environment", "EnvironmentType", "")) == "SingleInstance"

    @property
    def endpoint_url(self) -> str:
        if self.tier["Name"] == "Worker" or self.status == "Terminated":
            return ""
        if self.single_instance:
            return "203.0.113." + str(int(self.environment_id[2:], 36) % 250 + 1)
        short = self.environment_id[2:].upper()
        return f"awseb-{self.environment_id}-AWSEBLoa-{short}-1234567890.{self.backend.region_name}.elb.amazonaws.com"

    def describe(self) -> dict[str, Any]:
        out = {
            "EnvironmentName": self.environment_name,
            "EnvironmentId": self.environment_id,
            "ApplicationName": self.application_name,
            "SolutionStackName": self.platform["SolutionStackName"],
            "PlatformArn": self.platform["PlatformArn"],
            "EndpointURL": self.endpoint_url,
            "CNAME": self.cname,
            "DateCreated": self.date_created,
            "DateUpdated": self.date_updated,
            "Status": self.status,
            "AbortableOperationInProgress": self.abortable,
            "Health": self.health,
            "HealthStatus": self.health_status,
            "Tier": self.tier,
            "EnvironmentLinks": [],
            "EnvironmentArn": self.environment_arn,
        }
        if self.version_label:
            out["VersionLabel"] = self.version_label
        if self.description:
            out["Description"] = self.description
        if not self.cname:
            del out["CNAME"]
        return out

    def option_settings(self) -> list[dict[str, str]]:
        out = []
        for (namespace, name, resource), value in sorted(self.options.items()):
            item = {"Namespace": namespace, "OptionName": name, "Value": value}
            if resource:
                item["ResourceName"] = resource
            out.append(item)
        return out


def _validate_options(options: list[dict[str, Any]]) -> None:
    """AWS rejects namespaces it does not know; ours must at least look like AWS's (``aws:…``)."""
    for option in options:
        namespace, name = option.get("Namespace", ""), option.get("OptionName", "")
        if not _NAMESPACE.match(namespace) or not name:
            raise InvalidParameterValueError(
                f"Invalid option specification (Namespace: '{namespace}', OptionName: '{name}'): "
                "Unknown configuration setting."
            )


# -------------------------------------------------------------------------------- backend methods


def _state(backend) -> dict[str, Any]:
    state = backend.__dict__.get("_refarch")
    if state is None:
        state = backend.__dict__["_refarch"] = {
            "versions": {},
            "envs": [],
            "events": [],
            "app_meta": {},
            "used_platforms": set(),
        }
    return state


def _tick(backend) -> None:
    state = _state(backend)
    for version in state["versions"].values():
        version.tick()
    for env in state["envs"]:
        env.tick()


def rf_event(self, env: Environment | None, severity: str, message: str, **extra: Any) -> None:
    event = {
        "EventDate": _now(),
        "Message": message,
        "Severity": severity,
        # AWS also returns the RequestId of the call that caused the event; moto's response post-processing
        # rewrites every <RequestId> element with a greedy regex that would break the XML, so it is kept
        # internal (the RequestId filter of describe_events still works).
        "_request_id": str(uuid.uuid4()),
    }
    if env is not None:
        event.update(
            ApplicationName=env.application_name,
            EnvironmentName=env.environment_name,
            PlatformArn=env.platform["PlatformArn"],
            _env_id=env.environment_id,
        )
        if env.version_label:
            event["VersionLabel"] = env.version_label
    event.update(extra)
    _state(self)["events"].append(event)


def _application(backend, name: str | None):
    if not name or name not in backend.applications:
        raise InvalidParameterValueError(f"No Application named '{name}' found.")
    return backend.applications[name]


def _find_env(backend, env_id: str | None, env_name: str | None, app_name: str | None = None) -> Environment:
    """The live (not Terminated) environment named by id or name, as AWS resolves it."""
    if not env_id and not env_name:
        raise MissingParameter("Either EnvironmentId or EnvironmentName must be specified.")
    for env in _state(backend)["envs"]:
        if env.status == "Terminated":
            continue
        if env_id and env.environment_id != env_id:
            continue
        if not env_id and env.environment_name != env_name:
            continue
        if app_name and env.application_name != app_name:
            continue
        return env
    if env_id:
        raise InvalidParameterValueError(f"No Environment found for EnvironmentId = '{env_id}'.")
    raise InvalidParameterValueError(f"No Environment found for EnvironmentName = '{env_name}'.")


def _taggable(backend, arn: str):
    for env in _state(backend)["envs"]:
        if env.environment_arn == arn and env.status != "Terminated":
            return env
    for version in _state(backend)["versions"].values():
        if version.arn == arn:
            return version
    for app in backend.applications.values():
        if app.arn == arn:
            return _app_meta(backend, app)
    raise ResourceNotFoundException(f"Resource not found for ARN '{arn}'.")


class _AppMeta:
    def __init__(self) -> None:
        self.tags: dict[str, str] = {}
        self.description: str | None = None
        self.date_created = self.date_updated = _now()


def _app_meta(backend, app) -> _AppMeta:
    return _state(backend)["app_meta"].setdefault(app.application_name, _AppMeta())


def update_tags_for_resource(self, resource_arn, tags_to_add, tags_to_remove) -> None:
    with _LOCK:
        resource = _taggable(self, resource_arn)
        resource.tags.update(tags_to_add)
        for key in tags_to_remove:
            resource.tags.pop(key, None)


def list_tags_for_resource(self, resource_arn) -> dict[str, str]:
    with _LOCK:
        return dict(_taggable(self, resource_arn).tags)


def iter_tagged_resources(self):
    with _LOCK:
        _tick(self)
        for app in self.applications.values():
            meta = _app_meta(self, app)
            yield TaggedResource(
                arn=app.arn,
                tags=dict(meta.tags),
                resource_type="elasticbeanstalk:application",
                extra={"include_untagged": True},
            )
        for version in _state(self)["versions"].values():
            yield TaggedResource(
                arn=version.arn,
                tags=dict(version.tags),
                resource_type="elasticbeanstalk:applicationversion",
                extra={"include_untagged": True},
            )
        for env in _state(self)["envs"]:
            if env.status != "Terminated":
                yield TaggedResource(
                    arn=env.environment_arn,
                    tags=dict(env.tags),
                    resource_type="elasticbeanstalk:environment",
                    extra={"include_untagged": True},
                )


# ---------------------------------------------------------------------------- response methods


def _backend(response):
    backend = response.elasticbeanstalk_backend
    _tick(backend)
    return backend


def _app_description(backend, app) -> dict[str, Any]:
    meta = _app_meta(backend, app)
    versions = [v for (a, _), v in _state(backend)["versions"].items() if a == app.application_name]
    out = {
        "ApplicationArn": app.arn,
        "ApplicationName": app.application_name,
        "DateCreated": meta.date_created,
        "DateUpdated": meta.date_updated,
        "Versions": [v.version_label for v in sorted(versions, key=lambda v: v.date_created, reverse=True)],
        "ConfigurationTemplates": [],
    }
    if meta.description:
        out["Description"] = meta.description
    return out


def create_application(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        app = backend.create_application(application_name=name)
        meta = _app_meta(backend, app)
        meta.description = self._get_param("Description")
        meta.tags = {t["Key"]: t["Value"] for t in self._get_param("Tags", []) or []}
        return ActionResult({"Application": _app_description(backend, app)})


def describe_applications(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        names = self._get_param("ApplicationNames") or []
        apps = [a for n, a in backend.applications.items() if not names or n in names]
        return ActionResult({"Applications": [_app_description(backend, a) for a in apps]})


def update_application(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        app = _application(backend, self._get_param("ApplicationName"))
        meta = _app_meta(backend, app)
        description = self._get_param("Description")
        if description is not None:
            meta.description = description or None
            meta.date_updated = _now()
        return ActionResult({"Application": _app_description(backend, app)})


def delete_application(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        app = _application(backend, name)
        force = bool(self._get_param("TerminateEnvByForce"))
        live = [e for e in _state(backend)["envs"] if e.application_name == name and e.status != "Terminated"]
        if live and not force:
            raise InvalidParameterValueError(
                f"Unable to delete application {name} because it has running environments: "
                + ", ".join(e.environment_name for e in live)
                + ". Terminate the environments first or use TerminateEnvByForce."
            )
        for env in live:
            env.begin("Terminating", "Terminated", ["terminateEnvironment completed successfully."])
        for key in [k for k in _state(backend)["versions"] if k[0] == name]:
            del _state(backend)["versions"][key]
        _state(backend)["app_meta"].pop(name, None)
        backend.delete_application(application_name=app.application_name)
        return EmptyResult()


def create_application_version(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        if name not in backend.applications:
            if self._get_param("AutoCreateApplication"):
                backend.create_application(application_name=name)
            else:
                raise InvalidParameterValueError(f"No Application named '{name}' found.")
        if (name, label) in _state(backend)["versions"]:
            raise InvalidParameterValueError(f"Application Version {label} already exists.")
        bundle = self._get_param("SourceBundle")
        if bundle:
            _check_bundle(backend, bundle.get("S3Bucket"), bundle.get("S3Key"))
            bundle = {"S3Bucket": bundle["S3Bucket"], "S3Key": bundle["S3Key"]}
        status = "PROCESSING" if self._get_param("Process") else "UNPROCESSED"
        tags = {t["Key"]: t["Value"] for t in self._get_param("Tags", []) or []}
        version = ApplicationVersion(backend, name, label, self._get_param("Description"), bundle, status, tags)
        _state(backend)["versions"][(name, label)] = version
        return ActionResult({"ApplicationVersion": version.describe()})


def _s3_backend(backend):
    from moto.s3.models import s3_backends

    return s3_backends[backend.account_id][backend.partition]


def _check_bundle(backend, bucket: str | None, key: str | None) -> None:
    if not bucket or not key:
        raise InvalidParameterCombination("Both S3 bucket and key must be specified.")
    s3 = _s3_backend(backend)
    found = s3.buckets.get(bucket)
    if found is not None and found.region_name != backend.region_name:
        raise S3LocationNotInServiceRegion(f"S3 bucket '{bucket}' is not in the service region {backend.region_name}.")
    if found is None or s3.get_object(bucket, key) is None:
        raise InvalidParameterCombination(
            f"Unable to download from S3 location (Bucket: {bucket} Key: {key}). Reason: Not Found"
        )


def describe_application_versions(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        labels = self._get_param("VersionLabels") or []
        versions = [
            v
            for (app, label), v in _state(backend)["versions"].items()
            if (not name or app == name) and (not labels or label in labels)
        ]
        versions.sort(key=lambda v: v.date_created, reverse=True)
        page, token = _paginate(versions, self._get_param("MaxRecords"), self._get_param("NextToken"))
        result: dict[str, Any] = {"ApplicationVersions": [v.describe() for v in page]}
        if token:
            result["NextToken"] = token
        return ActionResult(result)


def delete_application_version(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        _application(backend, name)
        version = _state(backend)["versions"].get((name, label))
        if version is None:
            raise InvalidParameterValueError(f"No Application Version named '{label}' found.")
        users = [
            e.environment_name
            for e in _state(backend)["envs"]
            if e.application_name == name and e.version_label == label and e.status != "Terminated"
        ]
        if users:
            raise InvalidParameterValueError(
                f"Unable to delete application version '{label}' because it is being used by "
                f"environment(s): {', '.join(users)}."
            )
        if self._get_param("DeleteSourceBundle") and version.source_bundle:
            s3 = _s3_backend(backend)
            bundle = version.source_bundle
            if s3.buckets.get(bundle["S3Bucket"]) is not None:
                s3.delete_object(bundle["S3Bucket"], bundle["S3Key"])
        del _state(backend)["versions"][(name, label)]
        return EmptyResult()


def _paginate(items: list, max_records: int | None, token: str | None) -> tuple[list, str | None]:
    start = int(token) if token and str(token).isdigit() else 0
    if not max_records:
        return items[start:], None
    end = start + int(max_records)
    return items[start:end], (str(end) if end < len(items) else None)


def _resolve_platform(backend, stack: str | None, arn: str | None, template: str | None) -> dict[str, Any]:
    """The platform a request names: a solution stack name only of a current version; a platform ARN
    of a current version or of one this account has used, never of a retired branch (see CATALOGUE)."""
    region = backend.region_name
    if stack and arn:
        raise InvalidParameterCombination("You cannot specify both SolutionStackName and PlatformArn.")
    if stack:
        platform = _platform_by(region, "SolutionStackName", stack)
        if platform is None or not platform["_current"]:
            raise InvalidParameterValueError(f"No Solution Stack named '{stack}' found.")
        return platform
    if arn:
        platform = _platform_by(region, "PlatformArn", arn)
        # An older version stays available to an account that used it (platforms glossary: "accounts
        # ... still using an older platform version ... can still access it"); a retired branch to nobody.
        known = platform is not None and (platform["_current"] or arn in _state(backend)["used_platforms"])
        if not known or platform["_retired"]:
            raise InvalidParameterValueError(f"No Platform named '{arn}' found.")
        return platform
    if template:
        raise InvalidParameterValueError(f"No Configuration Template named '{template}' found.")
    raise MissingParameter("Either TemplateName, SolutionStackName or PlatformArn must be specified.")


def _launch_errors(backend, env: Environment) -> list[str]:
    """Why the launch of ``env`` fails, as the ERROR events AWS records, or [].

    Elastic Beanstalk accepts CreateEnvironment and only then finds the instance profile unknown, as
    it is for seconds after IAM creates it (IAM eventual consistency): the launch fails with these
    events (jhipster/generator-jhipster#2452, aws/aws-elastic-beanstalk-cli#26,
    cloudposse/terraform-aws-elastic-beanstalk-environment#267).
    """
    profile = env.options.get(("aws:autoscaling:launchconfiguration", "IamInstanceProfile", ""))
    errors = _profile_errors(
        backend,
        [{"Namespace": "aws:autoscaling:launchconfiguration", "OptionName": "IamInstanceProfile", "Value": profile}],
    )
    return [*errors, "Failed to launch environment."] if errors else []


def _profile_errors(backend, settings: list[dict[str, Any]]) -> list[str]:
    """The event for an ``IamInstanceProfile`` setting naming a profile IAM does not show (yet), or []."""
    from refarch_emulator.extensions.iam import models as iam

    for setting in settings:
        if (setting.get("Namespace"), setting.get("OptionName")) != (
            "aws:autoscaling:launchconfiguration",
            "IamInstanceProfile",
        ):
            continue
        profile = setting.get("Value")
        if profile and iam.instance_profile_problem(backend.account_id, profile) in ("missing", "propagating"):
            return [f"The instance profile {profile} associated with the environment does not exist."]
    return []


def create_environment(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        params = {
            key: self._get_param(key)
            for key in (
                "ApplicationName",
                "EnvironmentName",
                "Description",
                "CNAMEPrefix",
                "Tier",
                "Tags",
                "VersionLabel",
                "OptionSettings",
            )
        }
        app = _application(backend, params["ApplicationName"])
        name = params["EnvironmentName"]
        if not name:
            raise MissingParameter("EnvironmentName is required.")
        if any(e.environment_name == name and e.status != "Terminated" for e in _state(backend)["envs"]):
            raise InvalidParameterValueError(f"Environment {name} already exists.")
        platform = _resolve_platform(
            backend,
            self._get_param("SolutionStackName"),
            self._get_param("PlatformArn"),
            self._get_param("TemplateName"),
        )
        label = params["VersionLabel"]
        if label and (app.application_name, label) not in _state(backend)["versions"]:
            raise InvalidParameterValueError(f"No Application Version named '{label}' found.")
        tier = params["Tier"] or {}
        if tier and tier.get("Name") not in ("WebServer", "Worker"):
            raise InvalidParameterValueError(f"Invalid tier name: {tier.get('Name')}")
        if params["CNAMEPrefix"] and tier.get("Name") == "Worker":
            raise InvalidParameterCombination("Worker tier environments cannot have a CNAME prefix.")
        env = Environment(backend, app, params, platform)
        if env.cname and any(e.cname == env.cname and e.status != "Terminated" for e in _state(backend)["envs"]):
            raise InvalidParameterValueError(f"DNS name ({env.cname}) is not available.")
        _state(backend)["envs"].append(env)
        _state(backend)["used_platforms"].add(platform["PlatformArn"])
        app.environments[name] = env
        rf_event(backend, env, "INFO", "createEnvironment is starting.")
        errors = _launch_errors(backend, env)
        env.begin("Launching", "Ready", [] if errors else [f"Successfully launched environment: {name}"], errors)
        return ActionResult(env.describe())


def describe_environments(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        app_name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        ids = self._get_param("EnvironmentIds") or []
        names = self._get_param("EnvironmentNames") or []
        include_deleted = self._get_param("IncludeDeleted")
        include_deleted = True if include_deleted is None else include_deleted
        back_to = self._get_param("IncludedDeletedBackTo")
        oldest = _now() - DELETED_VISIBLE_FOR
        if back_to is not None:
            back_to = back_to if back_to.tzinfo else back_to.replace(tzinfo=UTC)
            oldest = max(oldest, back_to)
        envs = []
        for env in _state(backend)["envs"]:
            if env.status == "Terminated" and (not include_deleted or env.terminated_at < oldest):
                continue
            if app_name and env.application_name != app_name:
                continue
            if label and env.version_label != label:
                continue
            if ids and env.environment_id not in ids:
                continue
            if names and env.environment_name not in names:
                continue
            envs.append(env)
        page, token = _paginate(envs, self._get_param("MaxRecords"), self._get_param("NextToken"))
        result: dict[str, Any] = {"Environments": [e.describe() for e in page]}
        if token:
            result["NextToken"] = token
        return ActionResult(result)


def _require_ready(env: Environment) -> None:
    if env.status != "Ready":
        raise InvalidParameterValueError(
            f"Environment named {env.environment_name} is in an invalid state for this operation. Must be Ready."
        )


def update_environment(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        env = _find_env(
            backend,
            self._get_param("EnvironmentId"),
            self._get_param("EnvironmentName"),
            self._get_param("ApplicationName"),
        )
        _require_ready(env)
        label = self._get_param("VersionLabel")
        if label and (env.application_name, label) not in _state(backend)["versions"]:
            raise InvalidParameterValueError(f"No Application Version named '{label}' found.")
        stack, arn = self._get_param("SolutionStackName"), self._get_param("PlatformArn")
        platform = _resolve_platform(backend, stack, arn, None) if (stack or arn) else env.platform
        tier = self._get_param("Tier")
        if tier and tier.get("Name") and tier["Name"] != env.tier["Name"]:
            raise InvalidParameterValueError(f"Cannot change the tier of environment {env.environment_name}.")
        settings = self._get_param("OptionSettings") or []
        removals = self._get_param("OptionsToRemove") or []
        _validate_options(settings + removals)
        profile_errors = _profile_errors(backend, settings)
        if profile_errors:  # AWS rolls the configuration back; only the events say why
            rf_event(backend, env, "INFO", "Environment update is starting.")
            env.begin("Updating", "Ready", [], [*profile_errors, "Failed to deploy configuration."])
            return ActionResult(env.describe())
        description = self._get_param("Description")
        if description is not None:
            env.description = description or None
        env.platform = platform
        _state(backend)["used_platforms"].add(platform["PlatformArn"])
        env.apply_options(settings, removals)
        if label:
            env.version_label = label
            rf_event(backend, env, "INFO", "Environment update is starting.")
            env.abortable = True
            env.begin(
                "Updating",
                "Ready",
                [
                    "New application version was deployed to running EC2 instances.",
                    "Environment update completed successfully.",
                ],
            )
        else:
            rf_event(backend, env, "INFO", "Environment update is starting.")
            env.begin("Updating", "Ready", ["Environment update completed successfully."])
        return ActionResult(env.describe())


def terminate_environment(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        env = _find_env(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        if env.status not in ("Ready", "Launching"):
            _require_ready(env)
        rf_event(backend, env, "INFO", "terminateEnvironment is starting.")
        env.abortable = False
        env.begin("Terminating", "Terminated", ["terminateEnvironment completed successfully."])
        return ActionResult(env.describe())


def describe_events(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        filters = {
            "ApplicationName": self._get_param("ApplicationName"),
            "VersionLabel": self._get_param("VersionLabel"),
            "EnvironmentName": self._get_param("EnvironmentName"),
            "_request_id": self._get_param("RequestId"),
            "_env_id": self._get_param("EnvironmentId"),
        }
        severity = self._get_param("Severity")
        start, end = self._get_param("StartTime"), self._get_param("EndTime")
        start = start.replace(tzinfo=start.tzinfo or UTC) if start else None
        end = end.replace(tzinfo=end.tzinfo or UTC) if end else None
        events = []
        for event in reversed(_state(backend)["events"]):
            if any(v and event.get(k) != v for k, v in filters.items()):
                continue
            if severity and SEVERITIES.index(event["Severity"]) < SEVERITIES.index(severity):
                continue
            if start and event["EventDate"] < start:
                continue
            if end and event["EventDate"] >= end:
                continue
            events.append({k: v for k, v in event.items() if not k.startswith("_")})
        page, token = _paginate(events, self._get_param("MaxRecords"), self._get_param("NextToken"))
        result: dict[str, Any] = {"Events": page}
        if token:
            result["NextToken"] = token
        return ActionResult(result)


def describe_configuration_settings(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        app = _application(backend, self._get_param("ApplicationName"))
        template = self._get_param("TemplateName")
        if template:
            raise InvalidParameterValueError(f"No Configuration Template named '{template}' found.")
        env = _find_env(backend, None, self._get_param("EnvironmentName"), app.application_name)
        setting = {
            "SolutionStackName": env.platform["SolutionStackName"],
            "PlatformArn": env.platform["PlatformArn"],
            "ApplicationName": env.application_name,
            "EnvironmentName": env.environment_name,
            "DeploymentStatus": "deployed",
            "DateCreated": env.date_created,
            "DateUpdated": env.date_updated,
            "OptionSettings": env.option_settings(),
        }
        if env.description:
            setting["Description"] = env.description
        return ActionResult({"ConfigurationSettings": [setting]})


def describe_environment_health(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        env = _find_env(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        return ActionResult(
            {
                "EnvironmentName": env.environment_name,
                "HealthStatus": env.health_status,
                "Status": env.status,
                "Color": env.health,
                "Causes": list(env.causes),
                "RefreshedAt": _now(),
            }
        )


def describe_environment_resources(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        env = _find_env(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        # The emulator launches no instances, load balancers or groups for an environment.
        empty: dict[str, Any] = {
            k: []
            for k in (
                "AutoScalingGroups",
                "Instances",
                "LaunchConfigurations",
                "LaunchTemplates",
                "LoadBalancers",
                "Triggers",
                "Queues",
            )
        }
        return ActionResult({"EnvironmentResources": {"EnvironmentName": env.environment_name, **empty}})


_SUMMARY_KEYS = (
    "PlatformArn",
    "PlatformOwner",
    "PlatformStatus",
    "PlatformCategory",
    "OperatingSystemName",
    "OperatingSystemVersion",
    "SupportedTierList",
    "SupportedAddonList",
    "PlatformLifecycleState",
    "PlatformVersion",
    "PlatformBranchName",
    "PlatformBranchLifecycleState",
)


def list_platform_versions(self) -> ActionResult:
    backend = self.elasticbeanstalk_backend
    filters = self._get_param("Filters") or []
    found = [p for p in _platforms(backend.region_name) if all(_filter_matches(p, f) for f in filters)]
    page, token = _paginate(found, self._get_param("MaxRecords"), self._get_param("NextToken"))
    summaries = [{k: p[k] for k in _SUMMARY_KEYS if p.get(k) is not None} for p in page]
    result: dict[str, Any] = {"PlatformSummaryList": summaries}
    if token:
        result["NextToken"] = token
    return ActionResult(result)


# ListPlatformBranches: attributes and operators as the API reference lists them; LifecycleState values
# are given in lower case (beta | supported | deprecated | retired) and answered capitalised.
_BRANCH_FILTERS = {
    "BranchName": ("=", "!=", "begins_with", "ends_with", "contains", "in", "not_in"),
    "LifecycleState": ("=", "!=", "in", "not_in"),
    "PlatformName": ("=", "!=", "begins_with", "ends_with", "contains", "in", "not_in"),
    "TierType": ("=", "!="),
}


def _branch_matches(branch: dict[str, Any], flt: dict[str, Any]) -> bool:
    attribute, operator, values = flt.get("Attribute"), flt.get("Operator") or "=", flt.get("Values") or []
    if attribute not in _BRANCH_FILTERS:
        raise InvalidParameterValueError(f"Invalid filter attribute: {attribute}")
    if operator not in _BRANCH_FILTERS[attribute]:
        raise InvalidParameterValueError(f"Invalid filter operator {operator} for attribute {attribute}")
    if len(values) > 10:
        raise InvalidParameterValueError("A filter may have at most 10 values.")
    if attribute == "TierType":
        have = branch["SupportedTierList"]
        found = any(v in have for v in values)
        return found if operator == "=" else not found
    actual = branch[attribute]
    if attribute == "LifecycleState":
        actual, values = actual.lower(), [v.lower() for v in values]
    tests = {
        "=": lambda v: actual == v,
        "in": lambda v: actual == v,
        "contains": lambda v: v in actual,
        "begins_with": actual.startswith,
        "ends_with": actual.endswith,
    }
    if operator in ("!=", "not_in"):
        return all(actual != v for v in values)
    return any(tests[operator](v) for v in values)


def list_platform_branches(self) -> ActionResult:
    filters = self._get_param("Filters") or []
    if len(filters) > 10:
        raise InvalidParameterValueError("At most 10 filters may be given.")
    found = [b for b in _branches() if all(_branch_matches(b, f) for f in filters)]
    page, token = _paginate(found, self._get_param("MaxRecords"), self._get_param("NextToken"))
    result: dict[str, Any] = {"PlatformBranchSummaryList": page}
    if token:
        result["NextToken"] = token
    return ActionResult(result)


def list_available_solution_stacks(self) -> ActionResult:
    """Only the current version of each branch that is not retired, as AWS lists them."""
    current = [p for p in _platforms(self.elasticbeanstalk_backend.region_name) if p["_current"]]
    return ActionResult(
        {
            "SolutionStacks": [p["SolutionStackName"] for p in current],
            "SolutionStackDetails": [
                {"SolutionStackName": p["SolutionStackName"], "PermittedFileTypes": ["zip"]} for p in current
            ],
        }
    )


def describe_platform_version(self) -> ActionResult:
    backend = self.elasticbeanstalk_backend
    arn = self._get_param("PlatformArn")
    platform = _platform_by(backend.region_name, "PlatformArn", arn)
    if platform is None:
        raise InvalidParameterValueError(f"No Platform named '{arn}' found.")
    description = {
        k: v for k, v in platform.items() if v is not None and k != "ProgrammingLanguageName" and not k.startswith("_")
    }
    language = platform["ProgrammingLanguageName"]
    description["ProgrammingLanguages"] = [{"Name": language}] if language else []
    return ActionResult({"PlatformDescription": description})


def check_dns_availability(self) -> ActionResult:
    with _LOCK:
        backend = _backend(self)
        cname = f"{self._get_param('CNAMEPrefix')}.{backend.region_name}.elasticbeanstalk.com"
        taken = any(e.cname == cname and e.status != "Terminated" for e in _state(backend)["envs"])
        return ActionResult({"Available": not taken, "FullyQualifiedCNAME": cname})


def deploy_version(
    account: str, region: str, application: str, environment: str, bundle: dict[str, str], label: str
) -> tuple[float | None, str | None]:
    """What CodePipeline's Elastic Beanstalk deploy action does: an application version from the input
    artifact, then an environment update to it. (seconds until the environment is Ready, None) or
    (None, why it failed)."""
    with _LOCK:
        backend = eb_models.eb_backends[account][region]
        _tick(backend)
        if application not in backend.applications:
            return None, f"No Application named '{application}' found."
        try:
            env = _find_env(backend, None, environment, application)
        except InvalidParameterValueError as err:
            return None, err.message
        if env.status != "Ready":
            return None, (f"Environment named {environment} is in an invalid state for this operation. Must be Ready.")
        version = ApplicationVersion(backend, application, label, None, bundle, "UNPROCESSED", {})
        _state(backend)["versions"][(application, label)] = version
        env.version_label, env.abortable = label, True
        rf_event(backend, env, "INFO", "Environment update is starting.")
        seconds = env.begin(
            "Updating",
            "Ready",
            [
                "New application version was deployed to running EC2 instances.",
                "Environment update completed successfully.",
            ],
        )
        return seconds, None


RESPONSE_METHODS = (
    create_application,
    describe_applications,
    update_application,
    delete_application,
    create_application_version,
    describe_application_versions,
    delete_application_version,
    create_environment,
    describe_environments,
    update_environment,
    terminate_environment,
    describe_events,
    describe_configuration_settings,
    describe_environment_health,
    describe_environment_resources,
    list_platform_versions,
    list_platform_branches,
    list_available_solution_stacks,
    describe_platform_version,
    check_dns_availability,
)


# ------------------------------------------------------------------------------ test-only hook


def _release_hook(environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """``POST /refarch-emulator/elasticbeanstalk/platforms/<branch>/<version>`` (branch URL-encoded):
    AWS releases ``version`` on the branch, which becomes its Recommended one. Test-only, never on AWS."""
    from urllib.parse import unquote

    match = RELEASE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "POST":
        return None
    branch = unquote(match["branch"])
    if not any(branch == f"{runtime} running on 64bit {os_name}" for _, runtime, os_name, *_ in CATALOGUE):
        return "404 Not Found", {"message": f"no platform branch {branch}"}
    with _LOCK:
        if (
            _platform_by(
                "us-east-1", "PlatformArn", f"arn:aws:elasticbeanstalk:us-east-1::platform/{branch}/{match['version']}"
            )
            is None
        ):
            _RELEASES.setdefault(branch, []).append(match["version"])
    return "200 OK", {"PlatformBranchName": branch, "PlatformVersion": match["version"]}


def _wrap_dispatcher() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__
    if getattr(original, "_refarch_eb_releases", False):
        return

    def __call__(self, environ, start_response):
        answer = _release_hook(environ)
        if answer is None:
            return original(self, environ, start_response)
        status, body = answer
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    __call__._refarch_eb_releases = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = __call__


def _reset(self) -> None:
    _RELEASES.clear()
    _originals["reset"](self)


_originals: dict[str, Any] = {}


def install() -> None:
    # /moto-api/reset goes through MotoAPIBackend.reset whether or not an EB backend exists yet.
    from moto.moto_api._internal.models import MotoAPIBackend

    _wrap_dispatcher()
    if "reset" not in _originals:
        _originals["reset"] = MotoAPIBackend.reset
        MotoAPIBackend.reset = _reset
    for method in RESPONSE_METHODS:
        setattr(eb_responses.EBResponse, method.__name__, method)
    eb_models.EBBackend.rf_event = rf_event
    eb_models.EBBackend.update_tags_for_resource = update_tags_for_resource
    eb_models.EBBackend.list_tags_for_resource = list_tags_for_resource
    eb_models.EBBackend.iter_tagged_resources = iter_tagged_resources
