"""The environment service on the runner with a stubbed client: the Stubber fails on any call not
queued, so these tests prove which calls check mode and a no-op run make."""

from datetime import UTC, datetime

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_environment import EnvironmentService
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout

from ..module_utils.stubbed import stubbed

ARN = "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/web/web-env"
OWNED = [{"Key": "refarch:deployment", "Value": "refarch"}]
SETTINGS = [{"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t3.micro"}]


def params(**overrides):
    base = dict(
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
        tags=None,
        purge_tags=True,
    )
    base.update(overrides)
    return base


def execute(client, check_mode=False, **overrides):
    """The runner on the environment service, as the module runs it."""
    task = params(**overrides)
    return runner.execute(EnvironmentService({"elasticbeanstalk": client}, task), task, check_mode)


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
        result = execute(client)
    stub.assert_no_pending_responses()
    assert result["changed"] is False
    assert result["environment"]["version_label"] == "v-9"  # initial_version_label applies at creation only


def test_check_mode_predicts_an_update_without_calling_it():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    options = dict(
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]
    )
    with stub:
        result = execute(client, check_mode=True, **options)
    assert result["changed"] is True and result["changed_keys"] == ["option_settings"]
    assert result["diff"]["after"]["option_settings"][0]["value"] == "t3.small"
    assert result["diff"]["before"]["option_settings"][0]["value"] == "t3.micro"


def test_an_update_is_one_call_then_a_wait_for_ready_and_green():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    changed = [{"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t3.small"}]
    queue_update(stub, changed, [])
    stub.add_response("describe_environments", {"Environments": [environment(Status="Ready", Health="Green")]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": changed}]})
    options = dict(
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]
    )
    with stub:
        result = execute(client, **options)
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
    with stub, pytest.raises(runner.Refused, match="not ours"):
        execute(client, state="absent")


def test_a_tier_change_is_refused_with_a_message():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    with stub, pytest.raises(runner.Refused, match="tier cannot change in place"):
        execute(client, tier="Worker")


def test_creation_needs_a_platform():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    with stub, pytest.raises(runner.Refused, match="solution_stack_name or platform_arn"):
        execute(client, solution_stack_name=None)


PLATFORM = "arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/"
PROFILE_EVENT = "The instance profile web-ec2 associated with the environment does not exist."


def test_a_rerun_keeps_the_platform_the_environment_runs_unless_asked_to_move_it():
    options = dict(solution_stack_name=None, platform_arn=PLATFORM + "4.10.0", update_platform=False)
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment(PlatformArn=PLATFORM + "4.9.1"))
    with stub:
        kept = execute(client, **options)
    stub.assert_no_pending_responses()  # no UpdateEnvironment
    assert kept["changed"] is False
    assert kept["environment"]["platform_arn"] == PLATFORM + "4.9.1"

    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment(PlatformArn=PLATFORM + "4.9.1"))
    with stub:
        moved = execute(client, check_mode=True, solution_stack_name=None, platform_arn=PLATFORM + "4.10.0")
    assert moved["changed_keys"] == ["platform_arn"]
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
        result = execute(client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["environment"]["status"] == "Ready"


def test_launch_attempts_are_bounded(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    for env_id in ("e-1", "e-2"):
        queue_launch(stub, env_id, ["Failed to launch environment.", PROFILE_EVENT])
        queue_terminate(stub)
    with (
        stub,
        pytest.raises(runner.Refused, match=r"the launch failed \(attempt 2 of 2\): Failed to launch environment"),
    ):
        execute(client, attempts=2)
    stub.assert_no_pending_responses()


def test_any_other_launch_failure_is_reported_at_once_and_the_environment_left_to_inspect(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": []})
    queue_launch(
        stub, "e-1", ["Failed to launch environment.", "Environment must have instance profile associated with it."]
    )
    with stub, pytest.raises(runner.Refused, match=r"attempt 1 of 3.*must have instance profile"):
        execute(client)
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
        result = execute(client, option_settings=NEW_PROFILE)
    stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["environment"]["option_settings"][0]["value"] == "web-ec2"


def test_a_failed_update_is_reported_with_its_events_not_as_success(monkeypatch):
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    queue_update(stub, NEW_PROFILE_API, ["Failed to deploy configuration.", "Invalid option value."])
    with (
        stub,
        pytest.raises(runner.Refused, match=r"the update failed \(attempt 1 of 3\): Failed to deploy configuration"),
    ):
        execute(client, option_settings=NEW_PROFILE)
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
        result = execute(client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True


def test_a_rerun_reports_an_environment_whose_launch_failed_otherwise():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment(EnvironmentId="e-old", Health="Grey")]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    events = [{"Message": "Failed to launch environment.", "Severity": "ERROR"}]
    stub.add_response("describe_events", {"Events": events}, {"EnvironmentId": "e-old", "Severity": "ERROR"})
    with stub, pytest.raises(runner.Refused, match=r"failed to launch: Failed to launch environment\.; terminate it"):
        execute(client)
    stub.assert_no_pending_responses()


def run_queued(client, stub, **options):
    """The module run with these parameters, which must make exactly the calls queued on ``stub``."""
    with stub:
        result = execute(client, **options)
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


def test_an_environment_being_terminated_is_waited_for_then_launched_anew(monkeypatch):
    """A relaunch or a teardown an earlier run started: no TerminateEnvironment, a new launch once it is gone."""
    no_sleep(monkeypatch)
    client, stub = stubbed("elasticbeanstalk")
    going = environment(EnvironmentId="e-old", Status="Terminating", Health="Grey")
    stub.add_response("describe_environments", {"Environments": [going]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    stub.add_response("describe_environments", {"Environments": []})
    stub.add_response("create_environment", environment(EnvironmentId="e-new", Status="Launching", Health="Grey"))
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    result = run_queued(client, stub, wait=False)
    assert result["changed"] is True and result["environment"]["id"] == "e-new"
    assert result["diff"]["before"] == {}


@pytest.mark.parametrize("check_mode", [True, False])
def test_terminating_what_is_already_terminating_is_no_change_and_without_wait_no_wait(check_mode):
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment(Status="Terminating")]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    with stub:
        result = execute(client, check_mode=check_mode, state="absent", wait=check_mode)  # check mode: no wait
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["environment"] == {}


def test_absent_terminates_and_waits_until_gone_and_check_mode_only_reads():
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    with stub:
        checked = execute(client, check_mode=True, state="absent")
    stub.assert_no_pending_responses()
    assert checked["changed"] is True and checked["diff"]["before"]["name"] == "web-env"

    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    queue_terminate(stub)
    result = run_queued(client, stub, state="absent")
    assert result["changed"] is True and result["environment"] == {} and result["changed_keys"] == []


def test_unset_tags_are_left_alone_and_set_ones_purge_the_others():
    tagged = [*OWNED, {"Key": "team", "Value": "web"}]
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": tagged})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    kept = run_queued(client, stub)
    assert kept["changed"] is False and kept["environment"]["tags"] == {"refarch:deployment": "refarch", "team": "web"}

    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": tagged})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    stub.add_response(
        "update_tags_for_resource",
        {},
        {"ResourceArn": ARN, "TagsToAdd": [{"Key": "cost", "Value": "1"}], "TagsToRemove": ["team"]},
    )
    result = run_queued(client, stub, tags={"cost": "1"}, wait=False)  # no UpdateEnvironment
    assert result["changed_keys"] == ["tags"]
    assert result["environment"]["tags"] == {"refarch:deployment": "refarch", "cost": "1"}


def test_without_wait_an_update_is_one_call_and_the_result_predicted():
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment())
    stub.add_response(
        "update_environment",
        {"EnvironmentName": "web-env"},
        {"ApplicationName": "web", "EnvironmentName": "web-env", "VersionLabel": "v-2"},
    )
    result = run_queued(client, stub, version_label="v-2", initial_version_label=None, wait=False)
    assert result["changed_keys"] == ["version_label"] and result["environment"]["version_label"] == "v-2"


def test_an_update_under_way_is_waited_for_before_the_next_one():
    """AWS refuses an update while one is in progress (a pipeline deploying, an earlier run's)."""
    client, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_environments", {"Environments": [environment(Status="Updating")]})
    stub.add_response("list_tags_for_resource", {"ResourceArn": ARN, "ResourceTags": OWNED})
    stub.add_response("describe_environments", {"Environments": [environment()]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": SETTINGS}]})
    stub.add_response(
        "update_environment", {}, {"ApplicationName": "web", "EnvironmentName": "web-env", "Description": "d"}
    )
    result = run_queued(client, stub, description="d", wait=False)
    assert result["changed_keys"] == ["description"] and result["environment"]["status"] == "Ready"


def test_a_wait_that_times_out_names_the_status_health_and_latest_errors():
    """One second's wait (really slept): a look, a look at the deadline, then one more for the message."""
    client, stub = stubbed("elasticbeanstalk")
    queue_reads(stub, environment(Health="Red"))
    for look in ("first", "at the deadline", "for the message"):
        stub.add_response("describe_environments", {"Environments": [environment(Health="Red", Description=look)]})
    stub.add_response("describe_events", {"Events": [{"Message": "Instance failed health check"}]})
    with stub, pytest.raises(WaitTimeout) as timed_out:
        execute(client, wait_timeout=1)
    stub.assert_no_pending_responses()
    assert str(timed_out.value) == (
        "timed out after 1s waiting for environment web-env to be Ready and Green (status Ready, health Red); "
        "latest errors: Instance failed health check"
    )
