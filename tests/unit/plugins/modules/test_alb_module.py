"""The alb module's service on the runner with a stubbed client: a load balancer that exists and is still
provisioning (created by a task with wait=false, so that it provisions while the Auto Scaling group is
made) is waited for by a task with wait=true; an active one costs no read beyond the module's own; what
a run creates, changes and deletes, and in which order."""

import functools

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import elbv2, runner

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


def module_params(**overrides):
    value = dict(params(), state="present", deployment="refarch", tags={}, purge_tags=True, wait=True, wait_timeout=60)
    value.update(overrides)
    return value


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(elbv2, "wait_for", functools.partial(aws.wait_for, sleep=lambda seconds: None))


def api_shape(resource):
    """A test_elbv2 constant as DescribeLoadBalancers/DescribeTargetGroups answer it (other tests' runs
    may have added the tags the module reads into it)."""
    return dict((k, v) for k, v in resource.items() if k != "Tags")


def balancer(state, reason=None):
    return dict(api_shape(LB), State=dict(Code=state, **({"Reason": reason} if reason else {})))


def stub_reads(stub, state, lb_tags=None, tg_tags=None):
    """The module's reads of a stack that exists, its load balancer in ``state`` (both parts ours unless
    given other tags)."""
    lb_tags, tg_tags = lb_tags or TAGS, tg_tags or TAGS
    stub.add_response("describe_load_balancers", {"LoadBalancers": [balancer(state)]}, {"Names": ["web-alb"]})
    stub.add_response("describe_target_groups", {"TargetGroups": [api_shape(TG)]}, {"Names": ["web-tg"]})
    stub.add_response(
        "describe_tags",
        {"TagDescriptions": [{"ResourceArn": LB_ARN, "Tags": lb_tags}, {"ResourceArn": TG_ARN, "Tags": tg_tags}]},
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


def run(stub, client, check_mode=False, **overrides):
    service = elbv2.LoadBalancerService({"elbv2": client}, module_params(**overrides))
    with stub:
        result = runner.execute(service, service.params, check_mode)
    stub.assert_no_pending_responses()
    return result


def test_an_existing_load_balancer_still_provisioning_is_waited_for_until_active():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    stub_polls(stub, "provisioning", "active")
    result = run(stub, client)
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["load_balancer"]["state"] == "active"
    assert result["load_balancer"]["tags"] == OWNED
    assert result["diff"]["before"]["load_balancer"]["state"] == "provisioning"


def test_without_wait_a_provisioning_load_balancer_is_left_to_a_later_task():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    result = run(stub, client, wait=False)
    assert result["changed"] is False and result["load_balancer"]["state"] == "provisioning"


def test_check_mode_never_waits():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    assert run(stub, client, check_mode=True)["changed"] is False


def test_an_active_load_balancer_costs_no_read_beyond_the_modules_own():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active")
    result = run(stub, client)
    assert result["load_balancer"]["state"] == "active"
    assert result["load_balancer"]["dns_name"] == LB["DNSName"]
    assert result["target_group"]["target_group_arn"] == TG_ARN and result["target_group"]["tags"] == OWNED
    assert result["listener"]["default_actions"] == [{"type": "forward", "target_group_arn": TG_ARN}]


def test_a_load_balancer_aws_reports_failed_ends_the_wait_with_its_reason():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "provisioning")
    stub.add_response(
        "describe_load_balancers", {"LoadBalancers": [balancer("failed", "capacity")]}, {"Names": ["web-alb"]}
    )
    with pytest.raises(aws.WaitTimeout, match="load balancer web-alb to be active: AWS reports it failed: capacity"):
        run(stub, client)


def stub_nothing(stub):
    stub.add_client_error("describe_load_balancers", "LoadBalancerNotFound")
    stub.add_client_error("describe_target_groups", "TargetGroupNotFound")


def test_check_mode_on_an_empty_account_predicts_the_three_parts_without_a_mutating_call():
    client, stub = stubbed("elbv2")
    stub_nothing(stub)
    result = run(stub, client, check_mode=True)
    assert result["changed"] is True and result["changed_keys"] == []
    assert result["target_group"]["target_group_name"] == "web-tg" and result["target_group"]["tags"] == OWNED
    assert result["load_balancer"]["subnets"] == ["subnet-a", "subnet-b"] and result["load_balancer"]["tags"] == OWNED
    assert result["listener"]["default_actions"] == [{"type": "forward", "target_group_arn": None}]


def test_create_makes_the_target_group_then_the_load_balancer_then_the_listener_and_waits():
    client, stub = stubbed("elbv2")
    stub_nothing(stub)
    stub.add_response("create_target_group", {"TargetGroups": [api_shape(TG)]})
    stub.add_response("modify_target_group_attributes", {})
    stub.add_response("create_load_balancer", {"LoadBalancers": [balancer("provisioning")]})
    stub.add_response(
        "create_listener",
        {"Listeners": [LISTENER]},
        dict(elbv2.build_listener(params(), TG_ARN), LoadBalancerArn=LB_ARN),
    )
    stub_polls(stub, "active")
    result = run(stub, client)
    assert result["changed"] is True and result["load_balancer"]["state"] == "active"
    assert result["listener"]["listener_arn"] == LISTENER_ARN
    assert result["diff"]["before"] == {}


def test_changes_are_named_per_part_and_made_with_one_call_each():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active", tg_tags=[*TAGS, {"Key": "old", "Value": "x"}])
    desired = elbv2.build_target_group(params(health_check_path="/health"))
    stub.add_response(
        "modify_target_group", {}, dict(dict((k, desired[k]) for k in elbv2.TG_HEALTH_KEYS), TargetGroupArn=TG_ARN)
    )
    stub.add_response("remove_tags", {}, {"ResourceArns": [TG_ARN], "TagKeys": ["old"]})
    stub.add_response("set_subnets", {}, {"LoadBalancerArn": LB_ARN, "Subnets": ["subnet-a", "subnet-b", "subnet-c"]})
    result = run(stub, client, health_check_path="/health", subnet_ids=["subnet-a", "subnet-b", "subnet-c"])
    assert result["changed_keys"] == ["target_group.health_check_path", "target_group.tags", "load_balancer.subnets"]
    assert result["target_group"]["tags"] == OWNED and result["target_group"]["health_check_path"] == "/health"
    assert result["diff"]["before"]["target_group"]["tags"] == dict(OWNED, old="x")


def test_tags_not_set_leave_each_parts_tags_alone():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active", tg_tags=[*TAGS, {"Key": "team", "Value": "web"}])
    result = run(stub, client, tags=None)
    assert result["changed"] is False and result["target_group"]["tags"] == dict(OWNED, team="web")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (dict(target_port=8080), "target group web-tg: port cannot change in place"),
        (dict(scheme="internal"), "load balancer web-alb: scheme cannot change in place"),
    ],
)
def test_what_cannot_change_in_place_is_refused_before_any_change(overrides, message):
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active")
    with pytest.raises(runner.Refused, match=message):
        run(stub, client, **overrides)


@pytest.mark.parametrize(
    ("lb_tags", "tg_tags", "named"),
    [
        ([{"Key": "team", "Value": "web"}], TAGS, "load balancer web-alb"),
        (TAGS, [{"Key": "refarch:deployment", "Value": "x"}], "target group web-tg"),
    ],
)
def test_a_part_without_our_tag_is_refused_naming_it(lb_tags, tg_tags, named):
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active", lb_tags=lb_tags, tg_tags=tg_tags)
    with pytest.raises(runner.Refused, match="%s exists but has no refarch:deployment=refarch tag" % named):
        run(stub, client, state="absent")


def test_absent_deletes_the_load_balancer_waits_until_it_is_gone_then_the_target_group():
    client, stub = stubbed("elbv2")
    stub_reads(stub, "active")
    stub.add_response("delete_load_balancer", {}, {"LoadBalancerArn": LB_ARN})
    stub_polls(stub, "active")
    stub.add_client_error("describe_load_balancers", "LoadBalancerNotFound")
    stub.add_response("delete_target_group", {}, {"TargetGroupArn": TG_ARN})
    result = run(stub, client, state="absent")
    assert result["changed"] is True and result["changed_keys"] == []
    assert (result["load_balancer"], result["target_group"], result["listener"]) == ({}, {}, {})
    assert result["diff"]["after"] == {} and result["diff"]["before"]["listener"]["listener_arn"] == LISTENER_ARN


def test_absent_by_target_group_name_alone_deletes_only_the_target_group():
    client, stub = stubbed("elbv2")
    stub.add_response("describe_target_groups", {"TargetGroups": [api_shape(TG)]}, {"Names": ["web-tg"]})
    stub.add_response("describe_tags", {"TagDescriptions": [{"ResourceArn": TG_ARN, "Tags": TAGS}]})
    stub.add_response("describe_target_group_attributes", {"Attributes": []})
    stub.add_response("delete_target_group", {}, {"TargetGroupArn": TG_ARN})
    assert run(stub, client, state="absent", name=None)["changed"] is True
