"""The environment module's runner with a stubbed client: the Stubber fails on any call not queued,
so these tests prove which calls check mode and a no-op run make."""

from datetime import UTC, datetime

import pytest
from ansible_collections.refarch.aws.plugins.modules import elasticbeanstalk_environment as module_under_test

from ..module_utils.stubbed import stubbed

ARN = "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/web/web-env"
OWNED = [{"Key": "refarch:deployment", "Value": "refarch"}]
SETTINGS = [{"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t3.micro"}]


class Failed(Exception):
    pass


class FakeModule:
    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self.params = dict(
            name="web-env",
            application_name="web",
            state="present",
            description=None,
            solution_stack_name="64bit Amazon Linux 2023 v4.6.0 running Python 3.11",
            platform_arn=None,
            update_platform=True,
            attempts=3,
            version_label=None,
            initial_version_label="v-1",
            tier="WebServer",
            cname_prefix=None,
            option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.micro"}],
            wait=True,
            wait_timeout=30,
            wait_for_health=True,
            poll_interval=1,
            deployment="refarch",
            tags={},
        )
        self.params.update(params)

    def fail_json(self, **kwargs):
        raise Failed(kwargs["msg"])


def environment(**overrides):
    env = dict(
        EnvironmentName="web-env",
        EnvironmentArn=ARN,
        ApplicationName="web",
        SolutionStackName="64bit Amazon Linux 2023 v4.6.0 running Python 3.11",
        VersionLabel="v-9",
        Tier={"Name": "WebServer", "Type": "Standard", "Version": "1.0"},
        Status="Ready",
        Health="Green",
    )
    env.update(overrides)
    return env


def queue_reads(stub, env):
    stub.add_response("describe_environments", {"Environments": [env]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})


def test_a_matching_environment_is_left_alone_and_keeps_the_version_the_pipeline_deployed():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    with stub:
        result = module_under_test.run(FakeModule(), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is False
    assert result["environment"]["version_label"] == "v-9"  # initial_version_label applies at creation only


def test_check_mode_predicts_an_update_without_calling_it():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    params = dict(
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]
    )
    with stub:
        result = module_under_test.run(FakeModule(check_mode=True, **params), client)
    assert result["changed"] is True and result["changed_attributes"] == ["OptionSettings"]
    assert result["diff"]["after"]["option_settings"][0]["value"] == "t3.small"
    assert result["diff"]["before"]["option_settings"][0]["value"] == "t3.micro"


def test_an_update_is_one_call_then_a_wait_for_ready_and_green():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    changed = [{"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t3.small"}]
    queue_update(stub, changed, [])
    stub.add_response("describe_environments", {"Environments": [environment(Status="Ready", Health="Green")]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": changed}]})
    params = dict(
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]
    )
    with stub:
        result = module_under_test.run(FakeModule(**params), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True


UPDATED_AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def queue_update(stub, changed, errors):
    """One UpdateEnvironment, the wait for Ready, and the error events since the update."""
    stub.add_response(
        "update_environment",
        {"EnvironmentId": "e-abc", "EnvironmentName": "web-env", "DateUpdated": UPDATED_AT},
        {"ApplicationName": "web", "EnvironmentName": "web-env", "OptionSettings": changed},
    )
    stub.add_response("describe_environments", {"Environments": [environment(Status="Ready", Health="Green")]})
    stub.add_response(
        "describe_events",
        {"Events": [{"Message": m, "Severity": "ERROR"} for m in errors]},
        {"EnvironmentId": "e-abc", "Severity": "ERROR", "StartTime": UPDATED_AT},
    )


def test_an_environment_without_our_tag_is_refused():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": []})
    with stub, pytest.raises(Failed, match="not ours"):
        module_under_test.run(FakeModule(state="absent"), client)


def test_a_tier_change_is_refused_with_a_message():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    with stub, pytest.raises(Failed, match="tier cannot change in place"):
        module_under_test.run(FakeModule(tier="Worker"), client)


def test_creation_needs_a_platform():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    with stub, pytest.raises(Failed, match="solution_stack_name or platform_arn"):
        module_under_test.run(FakeModule(solution_stack_name=None), client)


PLATFORM = "arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/"
PROFILE_EVENT = "The instance profile web-ec2 associated with the environment does not exist."


def test_a_rerun_keeps_the_platform_the_environment_runs_unless_asked_to_move_it():
    params = dict(solution_stack_name=None, platform_arn=PLATFORM + "4.10.0", update_platform=False)
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment(PlatformArn=PLATFORM + "4.9.1"))
    with stub:
        kept = module_under_test.run(FakeModule(**params), client)
    stub.assert_no_pending_responses()  # no UpdateEnvironment
    assert kept["changed"] is False
    assert kept["environment"]["platform_arn"] == PLATFORM + "4.9.1"

    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment(PlatformArn=PLATFORM + "4.9.1"))
    with stub:
        moving = FakeModule(
            check_mode=True, solution_stack_name=None, platform_arn=PLATFORM + "4.10.0", update_platform=True
        )
        moved = module_under_test.run(moving, client)
    assert moved["changed_attributes"] == ["PlatformArn"]
    assert moved["environment"]["platform_arn"] == PLATFORM + "4.10.0"


def queue_launch(stub, env_id, errors):
    stub.add_response("create_environment", {"EnvironmentId": env_id, "EnvironmentName": "web-env"})
    stub.add_response(
        "describe_environments",
        {"Environments": [environment(EnvironmentId=env_id, Health="Grey" if errors else "Green")]},
    )
    events = [{"Message": m, "Severity": "ERROR"} for m in errors]
    stub.add_response("describe_events", {"Events": events}, {"EnvironmentId": env_id, "Severity": "ERROR"})


def queue_terminate(stub):
    stub.add_response("terminate_environment", {}, {"EnvironmentName": "web-env"})
    stub.add_response("describe_environments", {"Environments": []})


def no_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


def test_a_launch_that_failed_on_a_not_yet_visible_instance_profile_is_terminated_and_launched_again(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    queue_launch(stub, "e-first", ["Failed to launch environment.", PROFILE_EVENT])
    queue_terminate(stub)
    queue_launch(stub, "e-second", [])
    stub.add_response("describe_environments", {"Environments": [environment(EnvironmentId="e-second")]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    with stub:
        result = module_under_test.run(FakeModule(), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["environment"]["status"] == "Ready"


def test_launch_attempts_are_bounded(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    for env_id in ("e-1", "e-2"):
        queue_launch(stub, env_id, ["Failed to launch environment.", PROFILE_EVENT])
        queue_terminate(stub)
    with stub, pytest.raises(Failed, match=r"the launch failed \(attempt 2 of 2\): Failed to launch environment"):
        module_under_test.run(FakeModule(attempts=2), client)
    stub.assert_no_pending_responses()


def test_any_other_launch_failure_is_reported_at_once_and_the_environment_left_to_inspect(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    queue_launch(
        stub, "e-1", ["Failed to launch environment.", "Environment must have instance profile associated with it."]
    )
    with stub, pytest.raises(Failed, match=r"attempt 1 of 3.*must have instance profile"):
        module_under_test.run(FakeModule(), client)
    stub.assert_no_pending_responses()  # no TerminateEnvironment, no second CreateEnvironment


NEW_PROFILE = [
    {"namespace": "aws:autoscaling:launchconfiguration", "option_name": "IamInstanceProfile", "value": "web-ec2"}
]
NEW_PROFILE_API = [
    {"Namespace": "aws:autoscaling:launchconfiguration", "OptionName": "IamInstanceProfile", "Value": "web-ec2"}
]


def test_an_update_that_failed_on_a_not_yet_visible_instance_profile_is_applied_again(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    queue_update(stub, NEW_PROFILE_API, ["Failed to deploy configuration.", PROFILE_EVENT])
    queue_update(stub, NEW_PROFILE_API, [])
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response(
        "describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": NEW_PROFILE_API}]}
    )
    with stub:
        result = module_under_test.run(FakeModule(option_settings=NEW_PROFILE), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["environment"]["option_settings"][0]["value"] == "web-ec2"


def test_a_failed_update_is_reported_with_its_events_not_as_success(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    queue_update(stub, NEW_PROFILE_API, ["Failed to deploy configuration.", "Invalid option value."])
    with stub, pytest.raises(Failed, match=r"the update failed \(attempt 1 of 3\): Failed to deploy configuration"):
        module_under_test.run(FakeModule(option_settings=NEW_PROFILE), client)
    stub.assert_no_pending_responses()


def test_a_rerun_relaunches_an_environment_left_failed_by_a_not_yet_visible_profile(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment(EnvironmentId="e-old", Health="Grey")]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    events = [{"Message": m, "Severity": "ERROR"} for m in ("Failed to launch environment.", PROFILE_EVENT)]
    stub.add_response("describe_events", {"Events": events}, {"EnvironmentId": "e-old", "Severity": "ERROR"})
    queue_terminate(stub)
    queue_launch(stub, "e-new", [])
    stub.add_response("describe_environments", {"Environments": [environment(EnvironmentId="e-new")]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    with stub:
        result = module_under_test.run(FakeModule(), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True


def test_a_rerun_reports_an_environment_whose_launch_failed_otherwise():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment(EnvironmentId="e-old", Health="Grey")]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    events = [{"Message": "Failed to launch environment.", "Severity": "ERROR"}]
    stub.add_response("describe_events", {"Events": events}, {"EnvironmentId": "e-old", "Severity": "ERROR"})
    with stub, pytest.raises(Failed, match=r"failed to launch: Failed to launch environment\.; terminate it"):
        module_under_test.run(FakeModule(), client)
    stub.assert_no_pending_responses()


def run_queued(client, stub, **params):
    """The module run with these parameters, which must make exactly the calls queued on ``stub``."""
    with stub:
        result = module_under_test.run(FakeModule(**params), client)
    stub.assert_no_pending_responses()
    return result


def test_without_wait_a_launch_is_started_and_the_environment_returned_as_aws_answered():
    """CreateEnvironment answers with the environment: no DescribeEnvironments, no poll."""
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    stub.add_response("create_environment", environment(EnvironmentId="e-1", Status="Launching", Health="Grey"))
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    result = run_queued(client, stub, wait=False)
    assert result["changed"] is True and result["environment"]["status"] == "Launching"


@pytest.mark.parametrize(
    ("state", "status", "gone"),
    [("present", "Launching", False), ("absent", "Terminating", True)],
)
def test_a_later_run_with_wait_only_waits_for_what_an_earlier_run_without_wait_started(
    monkeypatch, state, status, gone
):
    """No second CreateEnvironment or TerminateEnvironment: a look, polls until Ready (or gone), no change."""
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    busy = environment(EnvironmentId="e-1", Status=status, Health="Grey")
    stub.add_response("describe_environments", {"Environments": [busy]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    stub.add_response("describe_environments", {"Environments": [busy]})
    stub.add_response("describe_environments", {"Environments": [] if gone else [environment(EnvironmentId="e-1")]})
    if not gone:
        stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    result = run_queued(client, stub, state=state)
    assert result["changed"] is False
    assert (result["environment"] == {}) if gone else (result["environment"]["status"] == "Ready")
