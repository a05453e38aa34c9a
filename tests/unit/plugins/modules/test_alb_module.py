"""The alb module's waits with a stubbed client: a load balancer that exists and is still provisioning
(created by a task with wait=false, so that it provisions while the Auto Scaling group is made) is
waited for by a task with wait=true; an active one costs no read beyond the module's own."""

import functools

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.modules import alb as module_under_test

from ..module_utils.stubbed import stubbed
from ..module_utils.test_elbv2 import LB, LB_ARN, LISTENER_ARN, OWNED, TG, TG_ARN, params

LISTENER = {
    "ListenerArn": LISTENER_ARN,
    "LoadBalancerArn": LB_ARN,
    "Protocol": "HTTP",
    "Port": 80,
    "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
}
TAGS = [{"Key": "refarch:deployment", "Value": "refarch"}]


class FakeModule:
    def __init__(self, check_mode=False, **overrides):
        self.params = dict(
            params(), state="present", deployment="refarch", tags={}, purge_tags=False, wait=True, wait_timeout=60
        )
        self.params.update(overrides)
        self.check_mode = check_mode

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs["msg"])


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(aws, "wait_for", functools.partial(aws.wait_for, sleep=lambda seconds: None))


def api_shape(resource):
    """A test_elbv2 constant as DescribeLoadBalancers/DescribeTargetGroups answer it (other tests' runs
    may have added the tags the module reads into it)."""
    return dict((k, v) for k, v in resource.items() if k != "Tags")


def balancer(state, reason=None):
    return dict(api_shape(LB), State=dict(Code=state, **({"Reason": reason} if reason else {})))


def stub_reads(stub, state):
    """The module's reads of a stack that exists, its load balancer in ``state``."""
    stub.add_response("describe_load_balancers", {"LoadBalancers": [balancer(state)]}, {"Names": ["web-alb"]})
    stub.add_response("describe_target_groups", {"TargetGroups": [api_shape(TG)]}, {"Names": ["web-tg"]})
    stub.add_response(
        "describe_tags",
        {"TagDescriptions": [{"ResourceArn": LB_ARN, "Tags": TAGS}, {"ResourceArn": TG_ARN, "Tags": TAGS}]},
        {"ResourceArns": [LB_ARN, TG_ARN]},
    )
    stub.add_response(
        "describe_target_group_attributes",
        {"Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "90"}]},
        {"TargetGroupArn": TG_ARN},
    )
    stub.add_response("describe_listeners", {"Listeners": [LISTENER]}, {"LoadBalancerArn": LB_ARN})


def stub_polls(stub, *states):
    for state in states:
        stub.add_response("describe_load_balancers", {"LoadBalancers": [balancer(state)]}, {"Names": ["web-alb"]})


def run(stub, client, **overrides):
    module = FakeModule(**overrides)
    with stub:
        result = module_under_test.ensure_present(module, client, module_under_test.Current(client, module.params))
    stub.assert_no_pending_responses()
    return result


def test_an_existing_load_balancer_still_provisioning_is_waited_for_until_active():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    stub_polls(stub, "provisioning", "active")
    result = run(stub, client)
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["load_balancer"]["State"] == "active"
    assert result["load_balancer"]["Tags"] == OWNED


def test_without_wait_a_provisioning_load_balancer_is_left_to_a_later_task():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    result = run(stub, client, wait=False)
    assert result["changed"] is False and result["load_balancer"]["State"] == "provisioning"


def test_check_mode_never_waits():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    assert run(stub, client, check_mode=True)["changed"] is False


def test_an_active_load_balancer_costs_no_read_beyond_the_modules_own():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active")
    assert run(stub, client)["load_balancer"]["State"] == "active"


def test_a_load_balancer_aws_reports_failed_ends_the_wait_with_its_reason():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    stub.add_response(
        "describe_load_balancers", {"LoadBalancers": [balancer("failed", "capacity")]}, {"Names": ["web-alb"]}
    )
    with pytest.raises(AssertionError, match="load balancer web-alb to be active: AWS reports it failed: capacity"):
        run(stub, client)
