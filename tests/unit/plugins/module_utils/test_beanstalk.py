import zipfile
from io import BytesIO

import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import beanstalk
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_while

from .fake_clock import FakeClock
from .stubbed import stubbed

OWNED = {"refarch:deployment": "refarch"}


def params(**overrides):
    base = dict(
        name="web-env",
        application_name="web",
        description=None,
        solution_stack_name="64bit Amazon Linux 2023 v4.6.0 running Python 3.11",
        platform_arn=None,
        version_label=None,
        tier="WebServer",
        cname_prefix=None,
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.micro"}],
    )
    base.update(overrides)
    return base


def current_env(**overrides):
    env = dict(
        EnvironmentName="web-env",
        EnvironmentId="e-abc",
        EnvironmentArn="arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/web/web-env",
        ApplicationName="web",
        SolutionStackName="64bit Amazon Linux 2023 v4.6.0 running Python 3.11",
        VersionLabel="v-1",
        Tier={"Name": "WebServer", "Type": "Standard", "Version": "1.0"},
        Status="Ready",
        Health="Green",
    )
    env.update(overrides)
    return env


SETTINGS = [
    {"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t3.micro"},
    {"Namespace": "aws:autoscaling:asg", "OptionName": "MaxSize", "Value": "4"},
]


def test_bundle_is_deterministic_and_leaves_caches_out(tmp_path):
    (tmp_path / "application.py").write_text("application = None\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "application.cpython-311.pyc").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    first, digest = beanstalk.build_bundle(str(tmp_path))
    second, again = beanstalk.build_bundle(str(tmp_path))
    assert first == second and digest == again
    assert zipfile.ZipFile(BytesIO(first)).namelist() == ["application.py", "sub/b.txt"]
    (tmp_path / "application.py").write_text("application = 1\n")
    assert beanstalk.build_bundle(str(tmp_path))[1] != digest


def test_only_a_bundle_with_something_to_validate_is_processed(tmp_path):
    (tmp_path / "application.py").write_text("app = None\n")
    assert beanstalk.bundle_needs_processing(str(tmp_path)) is False
    (tmp_path / "env.yaml").write_text("EnvironmentName: web\n")
    assert beanstalk.bundle_needs_processing(str(tmp_path)) is True
    (tmp_path / "env.yaml").unlink()
    (tmp_path / ".ebextensions").mkdir()
    assert beanstalk.bundle_needs_processing(str(tmp_path)) is True


def test_version_label_comes_from_the_hash():
    assert beanstalk.version_label("0123456789abcdef0123") == "v-0123456789abcdef"


def test_build_environment_drops_unset_and_sorts_settings():
    desired = beanstalk.build_environment(
        params(
            option_settings=[
                {"namespace": "b", "option_name": "x", "value": 1},
                {"namespace": "a", "option_name": "y", "value": "2", "resource_name": "R"},
            ]
        ),
        [{"Key": "k", "Value": "v"}],
    )
    assert "PlatformArn" not in desired and "VersionLabel" not in desired and "Description" not in desired
    assert desired["Tier"] == {"Name": "WebServer", "Type": "Standard"}
    assert desired["OptionSettings"] == [
        {"Namespace": "b", "OptionName": "x", "Value": "1"},
        {"Namespace": "a", "OptionName": "y", "Value": "2", "ResourceName": "R"},
    ]


def test_worker_tier_has_no_cname_prefix():
    desired = beanstalk.build_environment(params(tier="Worker", cname_prefix="web"), [])
    assert desired["Tier"] == {"Name": "Worker", "Type": "SQS/HTTP"}
    assert "CNAMEPrefix" not in desired


def test_only_listed_settings_are_compared():
    assert beanstalk.option_settings_changes([SETTINGS[0]], SETTINGS) == []
    assert beanstalk.option_settings_changes([dict(SETTINGS[1], Value="5")], SETTINGS) == [dict(SETTINGS[1], Value="5")]


def test_only_listed_settings_are_read_back():
    listed = beanstalk.listed_option_settings(SETTINGS, [dict(SETTINGS[1], Value="5")])
    assert listed == [SETTINGS[1]]
    assert beanstalk.listed_option_settings(SETTINGS, [dict(SETTINGS[1], ResourceName="R")]) == []


@pytest.mark.parametrize(
    "env, require_health, ready",
    [
        (None, True, False),
        ({"Status": "Launching", "Health": "Grey"}, True, False),
        ({"Status": "Ready", "Health": "Grey"}, True, False),
        ({"Status": "Ready", "Health": "Grey"}, False, True),
        ({"Status": "Ready", "Health": "Green"}, True, True),
    ],
)
def test_environment_ready(env, require_health, ready):
    assert beanstalk.environment_ready(env, require_health) is ready


def test_normalize_environment_keeps_only_what_users_read():
    shown = beanstalk.normalize_environment(current_env(), SETTINGS[:1], OWNED)
    assert shown["status"] == "Ready" and shown["tier"] == "WebServer" and shown["tags"] == OWNED
    assert shown["option_settings"] == [
        {"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.micro"}
    ]


def test_describe_environment_skips_terminated_and_other_names():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response(
        "describe_environments",
        {"Environments": [current_env(Status="Terminated"), current_env(EnvironmentName="web-env-2")]},
        {"ApplicationName": "web", "EnvironmentNames": ["web-env"], "IncludeDeleted": False},
    )
    with stub:
        assert beanstalk.describe_environment(client, "web", "web-env") is None


def test_describe_option_settings_of_a_missing_environment_is_empty():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_client_error("describe_configuration_settings", "InvalidParameterValue", "No Environment found")
    with stub:
        assert beanstalk.describe_option_settings(client, "web", "web-env") == []


def test_describe_option_settings_returns_the_first_configuration():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response(
        "describe_configuration_settings",
        {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]},
        {"ApplicationName": "web", "EnvironmentName": "web-env"},
    )
    with stub:
        assert beanstalk.describe_option_settings(client, "web", "web-env") == SETTINGS


def test_terminate_a_missing_environment_is_not_an_error():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_client_error("terminate_environment", "InvalidParameterValue", "No Environment found")
    with stub:
        assert beanstalk.terminate_environment(client, "web-env") is False


def test_other_errors_propagate():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_client_error("terminate_environment", "AccessDenied", "no", http_status_code=403)
    with stub, pytest.raises(botocore.exceptions.ClientError):
        beanstalk.terminate_environment(client, "web-env")


def test_create_application_version_sends_the_bundle_location_and_tags():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response(
        "create_application_version",
        {"ApplicationVersion": {"ApplicationName": "web", "VersionLabel": "v-1"}},
        {
            "ApplicationName": "web",
            "VersionLabel": "v-1",
            "SourceBundle": {"S3Bucket": "b", "S3Key": "web/v-1.zip"},
            "Process": True,
            "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}],
        },
    )
    with stub:
        assert beanstalk.create_application_version(client, "web", "v-1", "b", "web/v-1.zip", None, OWNED)


def test_describe_application_version_not_found_is_none():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_application_versions", {"ApplicationVersions": []})
    with stub:
        assert beanstalk.describe_application_version(client, "web", "v-1") is None


@pytest.mark.parametrize(
    ("listed", "answer", "exists"),
    [
        (None, None, False),  # no application: no call
        (["v-0", "v-1"], None, True),  # DescribeApplications listed it: no call (the no-op rerun)
        (["v-0"], [], False),  # not listed: asked once
        ([], [{"ApplicationName": "web", "VersionLabel": "v-1"}], True),  # listed late: asked once
    ],
)
def test_application_version_exists_asks_only_when_the_application_does_not_list_the_label(listed, answer, exists):
    client, stub = stubbed("elasticbeanstalk")
    if answer is not None:
        stub.add_response(
            "describe_application_versions",
            {"ApplicationVersions": answer},
            {"ApplicationName": "web", "VersionLabels": ["v-1"]},
        )
    with stub:
        assert beanstalk.application_version_exists(client, "web", "v-1", listed) is exists
    stub.assert_no_pending_responses()


def test_update_tags_sends_only_what_changes():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response(
        "update_tags_for_resource",
        {},
        {"ResourceArn": "arn", "TagsToAdd": [{"Key": "a", "Value": "1"}], "TagsToRemove": ["b"]},
    )
    with stub:
        beanstalk.update_tags(client, "arn", {"a": "1"}, ["b"])
    stub.assert_no_pending_responses()


def test_recent_error_events_swallows_errors():
    client, stub = stubbed("elasticbeanstalk")
    expected = {"ApplicationName": "web", "EnvironmentName": "web-env", "Severity": "WARN", "MaxRecords": 5}
    stub.add_response("describe_events", {"Events": [{"Message": "Instance failed health check"}]}, expected)
    stub.add_client_error("describe_events", "InvalidParameterValue", "x")
    with stub:
        assert beanstalk.recent_error_events(client, "web", "web-env") == ["Instance failed health check"]
        assert beanstalk.recent_error_events(client, "web", "web-env") == []


BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023"
PLATFORM = "arn:aws:elasticbeanstalk:us-east-1::platform/%s/" % BRANCH


def summary(version, state="Supported", status="Ready", branch=BRANCH, lifecycle=None):
    found = dict(
        PlatformArn="arn:aws:elasticbeanstalk:us-east-1::platform/%s/%s" % (branch, version),
        PlatformBranchName=branch,
        PlatformVersion=version,
        PlatformStatus=status,
        PlatformBranchLifecycleState=state,
    )
    if lifecycle:
        found["PlatformLifecycleState"] = lifecycle
    return found


@pytest.mark.parametrize(
    ("summaries", "expected"),
    [
        ([summary("4.9.1"), summary("4.10.0", lifecycle="Recommended"), summary("4.3.0")], "4.10.0"),  # not as text
        ([summary("4.10.0", status="Deleting"), summary("4.9.1")], "4.9.1"),  # only Ready versions
        ([summary("5.0.0", branch="Python 3.12 running on 64bit Amazon Linux 2023"), summary("4.6.0")], "4.6.0"),
        ([summary("4.9.1", state="Deprecated"), summary("4.9.2", state="Deprecated")], "4.9.2"),  # still takes new ones
    ],
)
def test_the_newest_ready_version_of_the_branch_is_chosen(summaries, expected):
    platform, latest = beanstalk.choose_platform(summaries, BRANCH)
    assert platform == latest
    assert platform["version"] == expected and platform["arn"] == PLATFORM + expected


@pytest.mark.parametrize(
    ("summaries", "message"),
    [
        ([], "no Ready platform version"),
        ([summary("4.9.1", status="Failed")], "no Ready platform version"),
        ([summary("3.6.2", state="Retired")], "is retired"),
    ],
)
def test_a_branch_without_a_usable_version_is_refused(summaries, message):
    with pytest.raises(beanstalk.PlatformChoiceError, match=message):
        beanstalk.choose_platform(summaries, BRANCH)


def test_a_pinned_platform_is_kept_and_the_newest_still_reported():
    listed = [summary("4.6.0"), summary("4.10.0", lifecycle="Recommended")]
    platform, latest = beanstalk.choose_platform(listed, BRANCH, PLATFORM + "4.6.0")
    assert (platform["version"], platform["recommended"], latest["version"], latest["recommended"]) == (
        "4.6.0",
        False,
        "4.10.0",
        True,
    )
    unlisted, _latest = beanstalk.choose_platform(listed, BRANCH, PLATFORM + "4.1.0")  # AWS decides on it
    assert unlisted["arn"] == PLATFORM + "4.1.0" and unlisted["version"] == "4.1.0" and unlisted["status"] is None


def test_platform_arns_are_parsed():
    assert beanstalk.parse_platform_arn(PLATFORM + "4.10.0") == (BRANCH, "4.10.0")
    custom = "arn:aws:elasticbeanstalk:us-east-1:123456789012:platform/MyPlatform/1.0.2"
    assert beanstalk.parse_platform_arn(custom) == ("MyPlatform", "1.0.2")
    assert beanstalk.parse_platform_arn("64bit Amazon Linux 2023 v4.10.0 running Python 3.11") is None


@pytest.mark.parametrize(
    ("messages", "failed", "profile"),
    [
        (
            [
                "Failed to launch environment.",
                "The instance profile web-ec2 associated with the environment does not exist.",
            ],
            True,
            True,
        ),
        (["Failed to launch environment.", "Environment must have instance profile associated with it."], True, False),
        (["Create environment operation is complete, but with errors."], True, False),
        (
            [
                "Failed to deploy configuration.",
                "The instance profile p associated with the environment does not exist.",
            ],
            True,
            True,
        ),
        (["The instance profile web-ec2 associated with the environment does not exist."], False, False),  # no failure
        ([], False, False),
    ],
)
def test_a_failed_launch_or_update_is_read_from_its_events(messages, failed, profile):
    errors = beanstalk.failure_messages([{"Message": m, "Severity": "ERROR"} for m in messages])
    assert bool(errors) is failed
    assert beanstalk.OperationFailed("e-1", errors).instance_profile_not_visible is profile


def test_the_branch_versions_are_one_filtered_query():
    client, stub = stubbed("elasticbeanstalk")
    filters = [
        {"Type": "PlatformBranchName", "Operator": "=", "Values": [BRANCH]},
        {"Type": "PlatformStatus", "Operator": "=", "Values": ["Ready"]},
    ]
    stub.add_response(
        "list_platform_versions", {"PlatformSummaryList": [summary("4.9.1")], "NextToken": "2"}, {"Filters": filters}
    )
    stub.add_response(
        "list_platform_versions", {"PlatformSummaryList": [summary("4.10.0")]}, {"Filters": filters, "NextToken": "2"}
    )
    with stub:
        found = beanstalk.list_platform_versions(client, BRANCH)
    assert [s["PlatformVersion"] for s in found] == ["4.9.1", "4.10.0"]


def test_retry_while_retries_a_failed_launch_only_when_the_profile_was_not_visible():
    clock = FakeClock()
    profile_event = "The instance profile p associated with the environment does not exist."
    not_visible = beanstalk.OperationFailed("e-1", ["Failed to launch environment.", profile_event])
    other = beanstalk.OperationFailed("e-2", ["Failed to launch environment.", "Stack creation failed."])
    answers = [not_visible, not_visible]

    def launch():
        if answers:
            raise answers.pop(0)
        return "launched"

    retryable = beanstalk.instance_profile_not_visible
    assert retry_while(launch, retryable, timeout=60, delay=5, sleep=clock.sleep, clock=clock) == "launched"
    assert clock.now == 10

    def fails_otherwise():
        raise other

    with pytest.raises(beanstalk.OperationFailed):
        retry_while(fails_otherwise, retryable, timeout=60, delay=5, sleep=clock.sleep, clock=clock)
    assert clock.now == 10  # no wait
