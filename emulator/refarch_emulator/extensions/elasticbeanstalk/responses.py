"""Elastic Beanstalk's responses (the operations moto answers 500 to, and those it answers unlike AWS)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.elasticbeanstalk.exceptions import InvalidParameterValueError

from refarch_emulator.extensions.elasticbeanstalk.exceptions import InvalidParameterCombination, MissingParameter
from refarch_emulator.extensions.elasticbeanstalk.models import (
    _SUMMARY_KEYS,
    DELETED_VISIBLE_FOR,
    LOCK,
    SEVERITIES,
    ApplicationVersion,
    Environment,
    _app_description,
    _app_meta,
    _application,
    _branch_matches,
    _branches,
    _check_bundle,
    _filter_matches,
    _find_env,
    _launch_errors,
    _now,
    _paginate,
    _platform_by,
    _platforms,
    _profile_errors,
    _require_ready,
    _resolve_platform,
    _s3_backend,
    _state,
    _tick,
    _validate_options,
    record_event,
)


def _backend(response):
    backend = response.elasticbeanstalk_backend
    _tick(backend)
    return backend


def create_application(self) -> ActionResult:
    with LOCK:
        backend = _backend(self)
        name = self._get_param("ApplicationName")
        app = backend.create_application(application_name=name)
        meta = _app_meta(backend, app)
        meta.description = self._get_param("Description")
        meta.tags = {t["Key"]: t["Value"] for t in self._get_param("Tags", []) or []}
        return ActionResult({"Application": _app_description(backend, app)})


def describe_applications(self) -> ActionResult:
    with LOCK:
        backend = _backend(self)
        names = self._get_param("ApplicationNames") or []
        apps = [a for n, a in backend.applications.items() if not names or n in names]
        return ActionResult({"Applications": [_app_description(backend, a) for a in apps]})


def update_application(self) -> ActionResult:
    with LOCK:
        backend = _backend(self)
        app = _application(backend, self._get_param("ApplicationName"))
        meta = _app_meta(backend, app)
        description = self._get_param("Description")
        if description is not None:
            meta.description = description or None
            meta.date_updated = _now()
        return ActionResult({"Application": _app_description(backend, app)})


def delete_application(self) -> ActionResult:
    with LOCK:
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
    with LOCK:
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


def describe_application_versions(self) -> ActionResult:
    with LOCK:
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
    with LOCK:
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


def create_environment(self) -> ActionResult:
    with LOCK:
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
        record_event(backend, env, "INFO", "createEnvironment is starting.")
        errors = _launch_errors(backend, env)
        env.begin("Launching", "Ready", [] if errors else [f"Successfully launched environment: {name}"], errors)
        return ActionResult(env.describe())


def describe_environments(self) -> ActionResult:
    with LOCK:
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


def update_environment(self) -> ActionResult:
    with LOCK:
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
            record_event(backend, env, "INFO", "Environment update is starting.")
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
            record_event(backend, env, "INFO", "Environment update is starting.")
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
            record_event(backend, env, "INFO", "Environment update is starting.")
            env.begin("Updating", "Ready", ["Environment update completed successfully."])
        return ActionResult(env.describe())


def terminate_environment(self) -> ActionResult:
    with LOCK:
        backend = _backend(self)
        env = _find_env(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        if env.status not in ("Ready", "Launching"):
            _require_ready(env)
        record_event(backend, env, "INFO", "terminateEnvironment is starting.")
        env.abortable = False
        env.begin("Terminating", "Terminated", ["terminateEnvironment completed successfully."])
        return ActionResult(env.describe())


def describe_events(self) -> ActionResult:
    with LOCK:
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
    with LOCK:
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
    with LOCK:
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
    with LOCK:
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
    with LOCK:
        backend = _backend(self)
        cname = f"{self._get_param('CNAMEPrefix')}.{backend.region_name}.elasticbeanstalk.com"
        taken = any(e.cname == cname and e.status != "Terminated" for e in _state(backend)["envs"])
        return ActionResult({"Available": not taken, "FullyQualifiedCNAME": cname})


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
