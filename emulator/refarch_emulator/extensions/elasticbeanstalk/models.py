"""Elastic Beanstalk's backend as AWS runs it: versions, environments and their lifecycle, events, platforms."""

from __future__ import annotations

import random
import re
import string
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.core.resource_tagging import TaggedResource
from moto.elasticbeanstalk import models as eb_models
from moto.elasticbeanstalk.exceptions import InvalidParameterValueError, ResourceNotFoundException
from moto.elasticbeanstalk.utils import make_arn

from refarch_emulator import awsclock
from refarch_emulator.extensions.elasticbeanstalk.exceptions import (
    InvalidParameterCombination,
    MissingParameter,
    S3LocationNotInServiceRegion,
)

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

LOCK = threading.RLock()
_NAMESPACE = re.compile(r"^aws:[a-z0-9]+(?:[:-][a-z0-9]+)*$", re.IGNORECASE)


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
            record_event(self.backend, self, "WARN", f"Environment health has transitioned from Ok to Severe. {cause}")
        elif not cause and self.health_status == "Severe":
            self.health, self.health_status, self.causes = "Green", "Ok", []
            record_event(self.backend, self, "INFO", "Environment health has transitioned from Severe to Ok.")

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
                record_event(self.backend, self, "ERROR", message)
            if self.health_status == "Pending":
                self.health, self.health_status = "Grey", "No Data"
            self.errors = []
            return
        if final == "Ready":
            if self.health == "Grey":
                record_event(self.backend, self, "INFO", "Environment health has transitioned from Pending to Ok.")
            self.health, self.health_status = "Green", "Ok"
        else:
            self.health, self.health_status = "Grey", "No Data"
            self.terminated_at = _now()
            app = self.backend.applications.get(self.application_name)
            if app is not None and app.environments.get(self.environment_name) is self:
                del app.environments[self.environment_name]
        for message in messages:
            record_event(self.backend, self, "INFO", message)
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


def record_event(backend, env: Environment | None, severity: str, message: str, **extra: Any) -> None:
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
    _state(backend)["events"].append(event)


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
    with LOCK:
        resource = _taggable(self, resource_arn)
        resource.tags.update(tags_to_add)
        for key in tags_to_remove:
            resource.tags.pop(key, None)


def list_tags_for_resource(self, resource_arn) -> dict[str, str]:
    with LOCK:
        return dict(_taggable(self, resource_arn).tags)


def iter_tagged_resources(self):
    with LOCK:
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


def _require_ready(env: Environment) -> None:
    if env.status != "Ready":
        raise InvalidParameterValueError(
            f"Environment named {env.environment_name} is in an invalid state for this operation. Must be Ready."
        )


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


def deploy_version(
    account: str, region: str, application: str, environment: str, bundle: dict[str, str], label: str
) -> tuple[float | None, str | None]:
    """What CodePipeline's Elastic Beanstalk deploy action does: an application version from the input
    artifact, then an environment update to it. (seconds until the environment is Ready, None) or
    (None, why it failed)."""
    with LOCK:
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
        record_event(backend, env, "INFO", "Environment update is starting.")
        seconds = env.begin(
            "Updating",
            "Ready",
            [
                "New application version was deployed to running EC2 instances.",
                "Environment update completed successfully.",
            ],
        )
        return seconds, None


def reset(original, self) -> None:
    """``/moto-api/reset`` (MotoAPIBackend.reset) forgets the platform versions released since."""
    _RELEASES.clear()
    original(self)
