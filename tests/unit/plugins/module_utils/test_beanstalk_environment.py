"""The environment service's pure parts (validate, desired, plan) and the platform versions an
``elasticbeanstalk_platform_info`` task lists, against a stubbed client."""

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_environment import (
    EnvironmentService,
    PlatformVersionsInfo,
)

from .stubbed import stubbed

OWNED = {"refarch:deployment": "refarch"}
STACK = "64bit Amazon Linux 2023 v4.6.0 running Python 3.11"
SMALL = [{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]


def params(**overrides):
    base = dict(
        name="web-env",
        application_name="web",
        state="present",
        description=None,
        solution_stack_name=STACK,
        platform_arn=None,
        update_platform=True,
        attempts=3,
        version_label=None,
        initial_version_label=None,
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


def current(**overrides):
    """An environment as the service reads it (once settled: with the listed option settings)."""
    env = dict(
        name="web-env",
        id="e-abc",
        arn="arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/web/web-env",
        application_name="web",
        description="",
        solution_stack_name=STACK,
        platform_arn=None,
        version_label="v-1",
        tier="WebServer",
        status="Ready",
        health="Green",
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.micro"}],
        tags=OWNED,
    )
    env.update(overrides)
    return env


@pytest.mark.parametrize(
    ("overrides", "messages"),
    [
        ({}, []),
        ({"name": "abc"}, ["name must be 4 to 40 characters long, got 'abc'"]),
        ({"poll_interval": 0}, ["poll_interval and wait_timeout must be positive"]),
        (
            {"wait_timeout": -1, "attempts": 0},
            ["poll_interval and wait_timeout must be positive", "attempts must be at least 1, got 0"],
        ),
    ],
)
def test_bad_input_is_named_before_any_call(overrides, messages):
    assert EnvironmentService.validate(params(**overrides)) == messages


@pytest.mark.parametrize(
    ("overrides", "env", "changes"),
    [
        ({}, {}, []),
        ({"initial_version_label": "v-2"}, {}, []),  # applies at creation only
        ({"version_label": "v-2"}, {}, ["version_label"]),
        ({"description": "new"}, {}, ["description"]),
        ({"description": ""}, {}, []),
        ({"option_settings": SMALL}, {}, ["option_settings"]),
        ({}, {"option_settings": []}, ["option_settings"]),  # a listed setting the environment lacks
        ({"solution_stack_name": STACK.replace("4.6.0", "4.7.0")}, {}, ["solution_stack_name"]),
        ({"solution_stack_name": STACK.replace("4.6.0", "4.7.0"), "update_platform": False}, {}, []),
        (
            {"solution_stack_name": None, "platform_arn": "arn:p/4.10.0"},
            {"platform_arn": "arn:p/4.9.1"},
            ["platform_arn"],
        ),
    ],
)
def test_only_what_the_task_sets_is_compared(overrides, env, changes):
    service = EnvironmentService({}, params(**overrides))
    found = current(**env)
    assert service.plan(service.desired(found, OWNED), found) == changes


def test_a_tier_change_is_refused_before_any_change():
    service = EnvironmentService({}, params(tier="Worker"))
    with pytest.raises(runner.Refused, match="web-env is a WebServer environment; the tier cannot change in place"):
        service.plan(service.desired(current(), OWNED), current())


def test_a_new_environment_is_predicted_launching_with_its_first_version():
    service = EnvironmentService({}, params(initial_version_label="v-1", description="d"))
    predicted = service.predict(service.desired(None, OWNED), None)
    assert (predicted["status"], predicted["health"], predicted["version_label"]) == ("Launching", "Grey", "v-1")
    assert predicted["description"] == "d" and predicted["tags"] == OWNED and predicted["id"] is None
    assert predicted["option_settings"] == [
        {"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.micro"}
    ]


BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023"
PLATFORM = "arn:aws:elasticbeanstalk:us-east-1::platform/%s/" % BRANCH


def summary(version, state="Supported"):
    return dict(
        PlatformArn=PLATFORM + version,
        PlatformBranchName=BRANCH,
        PlatformVersion=version,
        PlatformStatus="Ready",
        PlatformBranchLifecycleState=state,
    )


def platform_info(summaries, **options):
    client, stub = stubbed("elasticbeanstalk")
    if summaries is not None:
        stub.add_response("list_platform_versions", {"PlatformSummaryList": summaries})
    task = dict(dict(branch=BRANCH, platform_arn=None), **options)
    with stub:
        result = runner.execute_info(PlatformVersionsInfo({"elasticbeanstalk": client}, task), task)
    stub.assert_no_pending_responses()
    return result


def test_the_branch_newest_version_is_the_platform_and_every_version_is_listed_oldest_first():
    result = platform_info([summary("4.10.0"), summary("4.9.1")])
    assert result["versions"] == ["4.9.1", "4.10.0"]
    assert result["platform"] == result["latest"] and result["platform"]["arn"] == PLATFORM + "4.10.0"
    assert "warnings" not in result


def test_a_pinned_platform_names_its_branch_and_a_deprecated_branch_is_warned_about():
    result = platform_info(
        [summary("4.10.0", "Deprecated"), summary("4.9.1", "Deprecated")], branch=None, platform_arn=PLATFORM + "4.9.1"
    )
    assert result["platform"]["version"] == "4.9.1" and result["latest"]["version"] == "4.10.0"
    assert result["warnings"] == [
        "the Elastic Beanstalk platform branch %r is Deprecated: AWS will retire it; move to a Supported one" % BRANCH
    ]


def test_a_platform_arn_that_is_not_one_is_refused_before_any_call():
    with pytest.raises(runner.Refused, match=r"platform_arn 'Python 3\.11' is not an Elastic Beanstalk platform ARN"):
        platform_info(None, platform_arn="Python 3.11")


def test_a_retired_branch_is_refused_with_its_message():
    with pytest.raises(runner.Refused, match="is retired"):
        platform_info([summary("3.6.2", "Retired")])
