"""The environment module's runner with a stubbed client: the Stubber fails on any call not queued,
so these tests prove which calls check mode and a no-op run make."""

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
    stub.add_response(
        "update_environment",
        {},
        {"ApplicationName": "web", "EnvironmentName": "web-env", "OptionSettings": changed},
    )
    stub.add_response("describe_environments", {"Environments": [environment(Status="Ready", Health="Green")]})
    stub.add_response("describe_configuration_settings", {"ConfigurationSettings": [{"OptionSettings": changed}]})
    params = dict(
        option_settings=[{"namespace": "aws:ec2:instances", "option_name": "InstanceTypes", "value": "t3.small"}]
    )
    with stub:
        result = module_under_test.run(FakeModule(**params), client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True


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
