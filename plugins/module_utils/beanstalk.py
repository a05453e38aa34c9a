# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Elastic Beanstalk: applications, application versions, environments.

API calls (each with ``aws_retry=True``; "not found" → ``None``) and pure functions that build the
desired state, normalize what AWS returns and compare the two. No module object below this line.
"""

from __future__ import absolute_import, division, print_function

import hashlib
import io
import os
import re
import zipfile

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils.client import LaterAnswer, paginate

# Statuses of an environment that are settled; anything else is on its way somewhere.
STABLE_STATUSES = ("Ready", "Terminated")
# Zip entries carry this timestamp, so the same files always make the same bytes (and label).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
BUNDLE_EXCLUDES = ("__pycache__", ".pytest_cache", ".git")


# A platform branch in this state takes no new environment ("Retired platform branches are no longer
# available for creating new environments", Elastic Beanstalk platforms guide); a Deprecated one still
# does but is not recommended.
RETIRED = "Retired"
DEPRECATED = "Deprecated"
# The events of a launch or an update that failed: the call was accepted, the environment ends Ready
# (with health Grey after a launch; an update is rolled back), and only these events say so.
FAILED_OPERATION = (
    "Failed to launch environment.",
    "Create environment operation is complete, but with errors.",
    "Failed to deploy configuration.",
    "Update environment operation is complete, but with errors.",
)
# Elastic Beanstalk's event while IAM does not show it the instance profile yet (seconds after it was
# created; cloudposse/terraform-aws-elastic-beanstalk-environment#267): the launch fails with it.
PROFILE_NOT_VISIBLE = re.compile(
    r"^The instance profile \S+ associated with the environment does not exist\.$", re.MULTILINE
)


def instance_profile_not_visible(code, message):
    """Whether a failed operation's events (``message``: one per line) say only that Elastic Beanstalk
    does not see the instance profile yet; for :func:`client.retry_while`."""
    return code is None and PROFILE_NOT_VISIBLE.search(message) is not None


class OperationFailed(LaterAnswer):
    """A launch or update of an environment that failed; ``messages``: its ERROR events, newest first
    (the ``message`` of the answer, one per line; AWS gives no code)."""

    def __init__(self, environment_id, messages):
        super(OperationFailed, self).__init__(None, "\n".join(messages))
        self.environment_id = environment_id
        self.messages = messages

    @property
    def instance_profile_not_visible(self):
        return instance_profile_not_visible(self.code, self.message)


# ---------------------------------------------------------------- pure functions


def platform_version_key(version):
    """``"4.10.0"`` → ``(4, 10, 0)``: platform versions are semantic versions, compared as numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", version or ""))


def parse_platform_arn(arn):
    """``(branch, version)`` of a platform ARN, or None when it is not one.

    ``arn:aws:elasticbeanstalk:<region>:<account, empty for AWS's>:platform/<branch>/<version>``"""
    match = re.match(r"^arn:[^:]+:elasticbeanstalk:[^:]*:[^:]*:platform/(?P<branch>.+)/(?P<version>[^/]+)$", arn or "")
    return (match.group("branch"), match.group("version")) if match else None


def normalize_platform(summary):
    """A PlatformSummary as the modules return it."""
    return dict(
        arn=summary["PlatformArn"],
        branch=summary.get("PlatformBranchName"),
        version=summary.get("PlatformVersion"),
        status=summary.get("PlatformStatus"),
        branch_lifecycle_state=summary.get("PlatformBranchLifecycleState"),
        recommended=(summary.get("PlatformLifecycleState") or "").lower() == "recommended",
    )


class PlatformChoiceError(Exception):
    pass


def newest_platform(summaries, branch):
    """The newest Ready version of ``branch`` (by semantic version) among ``summaries``, normalized;
    raises PlatformChoiceError when the branch has none or is retired."""
    ready = [s for s in summaries or [] if s.get("PlatformBranchName") == branch and s.get("PlatformStatus") == "Ready"]
    if not ready:
        raise PlatformChoiceError(
            "no Ready platform version on the Elastic Beanstalk platform branch %r (ListPlatformBranches lists the "
            "branches, e.g. 'Python 3.11 running on 64bit Amazon Linux 2023')" % branch
        )
    newest = normalize_platform(max(ready, key=lambda s: platform_version_key(s.get("PlatformVersion"))))
    if newest["branch_lifecycle_state"] == RETIRED:
        raise PlatformChoiceError(
            "the Elastic Beanstalk platform branch %r is retired: AWS creates no environment on it; choose a "
            "Supported branch" % branch
        )
    return newest


def choose_platform(summaries, branch, pinned_arn=None):
    """``(platform, latest)``: the platform a new environment gets and the newest one of its branch.

    ``platform`` is ``pinned_arn`` when given (as listed, or as its ARN says when the branch does not
    list it: AWS then decides), else ``latest``, the branch's newest Ready version.
    """
    latest = newest_platform(summaries, branch)
    if not pinned_arn:
        return latest, latest
    listed = [normalize_platform(s) for s in summaries or [] if s.get("PlatformArn") == pinned_arn]
    if listed:
        return listed[0], latest
    version = (parse_platform_arn(pinned_arn) or (branch, None))[1]
    return dict(
        arn=pinned_arn, branch=branch, version=version, status=None, branch_lifecycle_state=None, recommended=False
    ), latest


def failure_messages(events):
    """The ERROR messages of a launch or update that failed, or [] when ``events`` (DescribeEvents,
    newest first) say nothing failed."""
    messages = [e.get("Message", "") for e in events or [] if e.get("Severity") in ("ERROR", "FATAL")]
    return messages if any(m in FAILED_OPERATION for m in messages) else []


def build_bundle(source_dir, excludes=BUNDLE_EXCLUDES):
    """A deterministic zip of ``source_dir`` (sorted entries, fixed timestamps): ``(bytes, sha256 hex)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for base, dirs, files in os.walk(source_dir):
            dirs[:] = sorted(d for d in dirs if d not in excludes)
            for name in sorted(files):
                if name.endswith(".pyc"):
                    continue
                path = os.path.join(base, name)
                arcname = os.path.relpath(path, source_dir).replace(os.sep, "/")
                info = zipfile.ZipInfo(arcname, date_time=ZIP_EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as handle:
                    archive.writestr(info, handle.read())
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def bundle_needs_processing(source_dir):
    """Whether AWS has anything to validate in the bundle (``Process=true``): configuration files
    (``.ebextensions/``) or an environment manifest (``env.yaml``) at its root. Without them
    processing only delays the version, which an environment can use unprocessed."""
    return os.path.isdir(os.path.join(source_dir, ".ebextensions")) or os.path.isfile(
        os.path.join(source_dir, "env.yaml")
    )


def version_label(digest, prefix="v"):
    """The version label for a bundle: its content hash, so unchanged code makes no new version."""
    return "%s-%s" % (prefix, digest[:16])


def normalize_application(app, tags):
    if app is None:
        return None
    return dict(
        name=app["ApplicationName"],
        arn=app.get("ApplicationArn"),
        description=app.get("Description", ""),
        versions=sorted(app.get("Versions", [])),
        tags=tags,
    )


def build_option_settings(option_settings):
    """The module's ``option_settings`` list as the API's ``OptionSettings``, sorted."""
    result = []
    for item in option_settings or []:
        setting = dict(Namespace=item["namespace"], OptionName=item["option_name"], Value=str(item["value"]))
        if item.get("resource_name"):
            setting["ResourceName"] = item["resource_name"]
        result.append(setting)
    return sorted(result, key=_setting_key)


def _setting_key(setting):
    return (setting.get("ResourceName") or "", setting["Namespace"], setting["OptionName"])


def option_settings_changes(desired, current):
    """Desired settings whose value differs from what the environment has; only settings the user set count."""
    have = dict((_setting_key(s), s.get("Value")) for s in current or [])
    return [s for s in desired or [] if have.get(_setting_key(s)) != s["Value"]]


def listed_option_settings(current, desired):
    """The environment's settings (``current``, of the hundreds AWS sets) that ``desired`` lists."""
    wanted = set(_setting_key(s) for s in desired or [])
    return [s for s in current or [] if _setting_key(s) in wanted]


def normalize_option_settings(settings):
    """API option settings as the module returns them, sorted."""
    return [
        dict(namespace=s["Namespace"], option_name=s["OptionName"], value=s["Value"])
        for s in sorted(settings, key=_setting_key)
    ]


def build_environment(params, tags):
    """The desired environment in the shape of ``CreateEnvironment``; ``None`` values mean "leave alone"."""
    tier = params.get("tier") or "WebServer"
    desired = dict(
        ApplicationName=params["application_name"],
        EnvironmentName=params["name"],
        Description=params.get("description"),
        SolutionStackName=params.get("solution_stack_name"),
        PlatformArn=params.get("platform_arn"),
        VersionLabel=params.get("version_label"),
        CNAMEPrefix=params.get("cname_prefix") if tier == "WebServer" else None,
        Tier=dict(Name=tier, Type="Standard" if tier == "WebServer" else "SQS/HTTP"),
        OptionSettings=build_option_settings(params.get("option_settings")),
        Tags=tags,
    )
    return dict((k, v) for k, v in desired.items() if v is not None)


def normalize_environment(env, option_settings=None, tags=None):
    if env is None:
        return None
    result = dict(
        name=env["EnvironmentName"],
        id=env.get("EnvironmentId"),
        arn=env.get("EnvironmentArn"),
        application_name=env.get("ApplicationName"),
        description=env.get("Description", ""),
        solution_stack_name=env.get("SolutionStackName"),
        platform_arn=env.get("PlatformArn"),
        version_label=env.get("VersionLabel"),
        tier=(env.get("Tier") or {}).get("Name"),
        status=env.get("Status"),
        health=env.get("Health"),
        health_status=env.get("HealthStatus"),
        cname=env.get("CNAME"),
        endpoint_url=env.get("EndpointURL"),
    )
    if option_settings is not None:
        result["option_settings"] = normalize_option_settings(option_settings)
    if tags is not None:
        result["tags"] = tags
    return result


def environment_ready(env, require_health=True):
    """True when the environment is Ready (and Green when ``require_health``)."""
    if env is None:
        return False
    if env.get("Status") != "Ready":
        return False
    return not require_health or env.get("Health") == "Green"


# ---------------------------------------------------------------- API calls


def describe_application(client, name):
    apps = client.describe_applications(ApplicationNames=[name], aws_retry=True)["Applications"]
    return apps[0] if apps else None


def list_tags(client, arn):
    try:
        tags = client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("ResourceTags")
        return boto3_tag_list_to_ansible_dict(tags)
    except is_boto3_error_code("ResourceNotFoundException"):
        return {}


def update_tags(client, arn, to_set, to_remove):
    kwargs = dict(ResourceArn=arn)
    if to_set:
        kwargs["TagsToAdd"] = ansible_dict_to_boto3_tag_list(to_set)
    if to_remove:
        kwargs["TagsToRemove"] = list(to_remove)
    client.update_tags_for_resource(aws_retry=True, **kwargs)


def create_application(client, name, description, tags):
    kwargs = dict(ApplicationName=name, Tags=ansible_dict_to_boto3_tag_list(tags))
    if description is not None:
        kwargs["Description"] = description
    return client.create_application(aws_retry=True, **kwargs)["Application"]


def update_application(client, name, description):
    return client.update_application(ApplicationName=name, Description=description, aws_retry=True)["Application"]


def delete_application(client, name):
    try:
        client.delete_application(ApplicationName=name, TerminateEnvByForce=False, aws_retry=True)
    except is_boto3_error_code("InvalidParameterValue"):  # already gone
        return False
    return True


def describe_application_version(client, application, label):
    versions = client.describe_application_versions(ApplicationName=application, VersionLabels=[label], aws_retry=True)
    found = versions.get("ApplicationVersions") or []
    return found[0] if found else None


def application_version_exists(client, application, label, listed):
    """Whether ``application`` has the version ``label``. ``listed``: the labels DescribeApplications
    returned for it (``Versions``), or None when there is no application. A listed label answers without
    a call (the no-op rerun); an unlisted one is asked with DescribeApplicationVersions, in case the
    list lags behind a version created moments ago."""
    if listed is None:
        return False
    if label in listed:
        return True
    return describe_application_version(client, application, label) is not None


def create_application_version(client, application, label, bucket, key, description, tags, process=True):
    kwargs = dict(
        ApplicationName=application,
        VersionLabel=label,
        SourceBundle=dict(S3Bucket=bucket, S3Key=key),
        Process=process,
        Tags=ansible_dict_to_boto3_tag_list(tags),
    )
    if description:
        kwargs["Description"] = description
    return client.create_application_version(aws_retry=True, **kwargs)["ApplicationVersion"]


def describe_environment(client, application, name):
    """The live (not terminated) environment of this name, or None."""
    kwargs = dict(EnvironmentNames=[name], IncludeDeleted=False)
    if application:
        kwargs["ApplicationName"] = application
    envs = client.describe_environments(aws_retry=True, **kwargs)["Environments"]
    envs = [e for e in envs if e.get("EnvironmentName") == name and e.get("Status") != "Terminated"]
    return envs[0] if envs else None


def describe_environments(client, application=None):
    kwargs = dict(IncludeDeleted=False)
    if application:
        kwargs["ApplicationName"] = application
    envs = client.describe_environments(aws_retry=True, **kwargs)["Environments"]
    return [e for e in envs if e.get("Status") != "Terminated"]


def describe_option_settings(client, application, name):
    try:
        result = client.describe_configuration_settings(
            ApplicationName=application, EnvironmentName=name, aws_retry=True
        )
    except is_boto3_error_code("InvalidParameterValue"):
        return []
    settings = result.get("ConfigurationSettings") or []
    return settings[0].get("OptionSettings", []) if settings else []


def create_environment(client, desired):
    # No retry on the answer itself: Elastic Beanstalk accepts an instance profile it cannot see yet and
    # fails the launch later, in the events (see OperationFailed); its InvalidParameterValue answers are
    # input errors (e.g. "No Solution Stack named '…' found."), raised at once.
    return client.create_environment(aws_retry=True, **desired)


def list_platform_versions(client, branch):
    """Every Ready version of the platform branch (one ListPlatformVersions query, all pages)."""
    filters = [
        dict(Type="PlatformBranchName", Operator="=", Values=[branch]),
        dict(Type="PlatformStatus", Operator="=", Values=["Ready"]),
    ]
    return paginate(client, "list_platform_versions", Filters=filters).get("PlatformSummaryList", [])


def environment_error_events(client, environment_id, since=None):
    """The ERROR and FATAL events of one environment (by id: a relaunch has a new one), newest first;
    only those from ``since`` on when given."""
    kwargs = dict(EnvironmentId=environment_id, Severity="ERROR")
    if since is not None:
        kwargs["StartTime"] = since
    return client.describe_events(aws_retry=True, **kwargs)["Events"]


def update_environment(client, application, name, update):
    return client.update_environment(ApplicationName=application, EnvironmentName=name, aws_retry=True, **update)


def terminate_environment(client, name):
    try:
        client.terminate_environment(EnvironmentName=name, aws_retry=True)
    except is_boto3_error_code("InvalidParameterValue"):  # no such environment: already gone
        return False
    return True


def recent_error_events(client, application, name, limit=5):
    """The latest WARN, ERROR and FATAL events of an environment, for a failure message (WARN: health
    transitions name their cause, e.g. a service role Elastic Beanstalk cannot assume)."""
    try:
        events = client.describe_events(
            ApplicationName=application, EnvironmentName=name, Severity="WARN", MaxRecords=limit, aws_retry=True
        )["Events"]
    except botocore.exceptions.ClientError:
        return []
    return [e.get("Message", "") for e in events]
