import pytest
from ansible_collections.refarch.aws.plugins.module_utils import elbv2, runner
from botocore.exceptions import ClientError

from .stubbed import stubbed

LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/0123456789abcdef"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"
LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/0123456789abcdef/0123456789abcdef"
)


def params(**overrides):
    value = dict(
        name="web-alb",
        target_group_name="web-tg",
        vpc_id="vpc-1",
        subnet_ids=["subnet-b", "subnet-a"],
        security_group_ids=["sg-1"],
        scheme="internet-facing",
        listener_port=80,
        target_port=80,
        health_check_path="/",
        health_check_interval=15,
        health_check_timeout=5,
        healthy_threshold=2,
        unhealthy_threshold=2,
        health_check_matcher="200",
        deregistration_delay=90,
    )
    value.update(overrides)
    return value


TG = {
    "TargetGroupArn": TG_ARN,
    "TargetGroupName": "web-tg",
    "Protocol": "HTTP",
    "Port": 80,
    "VpcId": "vpc-1",
    "TargetType": "instance",
    "HealthCheckProtocol": "HTTP",
    "HealthCheckPort": "traffic-port",
    "HealthCheckPath": "/",
    "HealthCheckIntervalSeconds": 15,
    "HealthCheckTimeoutSeconds": 5,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 2,
    "Matcher": {"HttpCode": "200"},
    "LoadBalancerArns": [LB_ARN],
}
LB = {
    "LoadBalancerArn": LB_ARN,
    "LoadBalancerName": "web-alb",
    "DNSName": "web-alb-1.us-east-1.elb.amazonaws.com",
    "Scheme": "internet-facing",
    "IpAddressType": "ipv4",
    "VpcId": "vpc-1",
    "State": {"Code": "active"},
    "Type": "application",
    "AvailabilityZones": [
        {"ZoneName": "us-east-1b", "SubnetId": "subnet-b"},
        {"ZoneName": "us-east-1a", "SubnetId": "subnet-a"},
    ],
    "SecurityGroups": ["sg-1"],
}
OWNED = {"refarch:deployment": "refarch"}


def snake_tg(**overrides):
    return elbv2.snake_target_group(elbv2.build_target_group(params(**overrides)))


def test_build_and_normalize_target_group_agree():
    """What the module wants and what it reads compare equal in the shape it returns (snake_case)."""
    current = elbv2.snake_target_group(elbv2.normalize_target_group(TG, 90, OWNED))
    assert elbv2.target_group_changes(snake_tg(), current) == ([], False, [])
    assert current["tags"] == OWNED and current["deregistration_delay"] == 90
    assert current["target_group_name"] == "web-tg" and current["health_check_interval_seconds"] == 15


@pytest.mark.parametrize(
    ("overrides", "health", "delay", "immutable"),
    [
        (dict(health_check_path="/health"), ["health_check_path"], False, []),
        (dict(health_check_matcher="200-299"), ["matcher.http_code"], False, []),
        (
            dict(healthy_threshold=3, health_check_interval=30),
            ["health_check_interval_seconds", "healthy_threshold_count"],
            False,
            [],
        ),
        (dict(deregistration_delay=300), [], True, []),
        (dict(target_port=8080), [], False, ["port"]),
        (dict(vpc_id="vpc-2"), [], False, ["vpc_id"]),
    ],
)
def test_target_group_changes(overrides, health, delay, immutable):
    current = elbv2.snake_target_group(elbv2.normalize_target_group(TG, 90, OWNED))
    assert elbv2.target_group_changes(snake_tg(**overrides), current) == (health, delay, immutable)


@pytest.mark.parametrize(
    ("overrides", "changes"),
    [
        ({}, []),
        (dict(subnet_ids=["subnet-a", "subnet-b", "subnet-c"]), ["subnets"]),
        (dict(security_group_ids=["sg-2"]), ["security_groups"]),
        (dict(security_group_ids=[]), []),  # left alone
        (dict(scheme="internal"), ["scheme"]),
    ],
)
def test_load_balancer_changes(overrides, changes):
    desired = dict(elbv2.snake_load_balancer(elbv2.build_load_balancer(params(**overrides))), tags={"other": "x"})
    current = elbv2.snake_load_balancer(elbv2.normalize_load_balancer(LB, OWNED))
    assert elbv2.load_balancer_changes(desired, current) == changes


def test_normalize_load_balancer_and_listener():
    lb = elbv2.normalize_load_balancer(LB, OWNED)
    assert lb["Subnets"] == ["subnet-a", "subnet-b"] and lb["AvailabilityZones"] == ["us-east-1a", "us-east-1b"]
    assert lb["State"] == "active"
    listener = {
        "ListenerArn": LISTENER_ARN,
        "Protocol": "HTTP",
        "Port": 80,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN, "Order": 1, "ForwardConfig": {}}],
    }
    normalized = elbv2.normalize_listener(listener)
    assert normalized["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": TG_ARN}]
    assert elbv2.normalize_listener(None) == {} and elbv2.normalize_load_balancer(None) == {}
    assert elbv2.normalize_target_group(None) == {}


@pytest.mark.parametrize(("tg_arn", "changes"), [(TG_ARN, []), ("other", ["DefaultActions"])])
def test_listener_compare(tg_arn, changes):
    from ansible_collections.refarch.aws.plugins.module_utils import diffing

    current = {
        "ListenerArn": LISTENER_ARN,
        "Protocol": "HTTP",
        "Port": 80,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
    }
    assert diffing.changed_keys(elbv2.build_listener(params(), tg_arn), current) == changes


def test_lookups_map_not_found_to_none():
    client, stub = stubbed("elbv2")
    stub.add_response("describe_load_balancers", {"LoadBalancers": [LB]}, {"Names": ["web-alb"]})
    stub.add_client_error("describe_load_balancers", "LoadBalancerNotFound")
    stub.add_response("describe_target_groups", {"TargetGroups": [TG]}, {"Names": ["web-tg"]})
    stub.add_client_error("describe_target_groups", "TargetGroupNotFound")
    stub.add_client_error("describe_target_groups", "AccessDenied", http_status_code=403)
    with stub:
        assert elbv2.get_load_balancer(client, "web-alb") == LB
        assert elbv2.get_load_balancer(client, "gone") is None
        assert elbv2.get_target_group(client, "web-tg") == TG
        assert elbv2.get_target_group(client, "gone") is None
        with pytest.raises(ClientError):
            elbv2.get_target_group(client, "secret")


def test_tags_attributes_listener_lookups():
    client, stub = stubbed("elbv2")
    stub.add_response(
        "describe_tags",
        {"TagDescriptions": [{"ResourceArn": LB_ARN, "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}]}]},
        {"ResourceArns": [LB_ARN]},
    )
    stub.add_response(
        "describe_target_group_attributes",
        {
            "Attributes": [
                {"Key": "stickiness.enabled", "Value": "false"},
                {"Key": "deregistration_delay.timeout_seconds", "Value": "90"},
            ]
        },
        {"TargetGroupArn": TG_ARN},
    )
    stub.add_response(
        "describe_listeners",
        {
            "Listeners": [
                {"ListenerArn": LISTENER_ARN, "Port": 443, "Protocol": "HTTPS"},
                {"ListenerArn": LISTENER_ARN, "Port": 80, "Protocol": "HTTP"},
            ]
        },
        {"LoadBalancerArn": LB_ARN},
    )
    with stub:
        assert elbv2.get_tags(client, [LB_ARN, None]) == {LB_ARN: OWNED}
        assert elbv2.get_tags(client, [None]) == {}  # no call
        assert elbv2.get_deregistration_delay(client, TG_ARN) == 90
        assert elbv2.get_listener(client, LB_ARN, 80)["Protocol"] == "HTTP"


def test_create_calls():
    client, stub = stubbed("elbv2")
    desired_tg = elbv2.build_target_group(params())
    expected_tg = {k: v for k, v in desired_tg.items() if k != "DeregistrationDelay"}
    expected_tg["Tags"] = [{"Key": "refarch:deployment", "Value": "refarch"}]
    stub.add_response("create_target_group", {"TargetGroups": [TG]}, expected_tg)
    stub.add_response(
        "modify_target_group_attributes",
        {},
        {"TargetGroupArn": TG_ARN, "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "90"}]},
    )
    desired_lb = elbv2.build_load_balancer(params())
    stub.add_response(
        "create_load_balancer",
        {"LoadBalancers": [LB]},
        {
            "Name": "web-alb",
            "Subnets": ["subnet-a", "subnet-b"],
            "SecurityGroups": ["sg-1"],
            "Scheme": "internet-facing",
            "Type": "application",
            "IpAddressType": "ipv4",
            "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}],
        },
    )
    listener = elbv2.build_listener(params(), TG_ARN)
    stub.add_response(
        "create_listener",
        {"Listeners": [dict(listener, ListenerArn=LISTENER_ARN)]},
        dict(listener, LoadBalancerArn=LB_ARN),
    )
    with stub:
        assert elbv2.create_target_group(client, desired_tg, OWNED) == TG
        elbv2.set_deregistration_delay(client, TG_ARN, 90)
        assert elbv2.create_load_balancer(client, desired_lb, OWNED) == LB
        assert elbv2.create_listener(client, LB_ARN, listener)["ListenerArn"] == LISTENER_ARN
    stub.assert_no_pending_responses()


def test_update_and_delete_calls():
    client, stub = stubbed("elbv2")
    desired = elbv2.build_target_group(params(health_check_path="/health"))
    health = {k: desired[k] for k in elbv2.TG_HEALTH_KEYS}
    stub.add_response("modify_target_group", {}, dict(health, TargetGroupArn=TG_ARN))
    stub.add_response("set_subnets", {}, {"LoadBalancerArn": LB_ARN, "Subnets": ["subnet-a"]})
    stub.add_response("set_security_groups", {}, {"LoadBalancerArn": LB_ARN, "SecurityGroups": ["sg-2"]})
    stub.add_response("add_tags", {}, {"ResourceArns": [LB_ARN], "Tags": [{"Key": "a", "Value": "1"}]})
    stub.add_response("remove_tags", {}, {"ResourceArns": [LB_ARN], "TagKeys": ["old"]})
    listener = elbv2.build_listener(params(), TG_ARN)
    stub.add_response(
        "modify_listener",
        {},
        {"ListenerArn": LISTENER_ARN, "Protocol": "HTTP", "DefaultActions": listener["DefaultActions"]},
    )
    stub.add_response("delete_load_balancer", {}, {"LoadBalancerArn": LB_ARN})
    stub.add_client_error("delete_load_balancer", "LoadBalancerNotFound")
    stub.add_response("delete_target_group", {}, {"TargetGroupArn": TG_ARN})
    stub.add_client_error("delete_target_group", "TargetGroupNotFound")
    with stub:
        elbv2.modify_health_check(client, TG_ARN, desired)
        elbv2.set_subnets(client, LB_ARN, ["subnet-a"])
        elbv2.set_security_groups(client, LB_ARN, ["sg-2"])
        elbv2.set_tags(client, LB_ARN, {"a": "1"}, ["old"])
        elbv2.modify_listener(client, LISTENER_ARN, listener)
        assert elbv2.delete_load_balancer(client, LB_ARN) is True
        assert elbv2.delete_load_balancer(client, LB_ARN) is False
        assert elbv2.delete_target_group(client, TG_ARN) is True
        assert elbv2.delete_target_group(client, TG_ARN) is False
    stub.assert_no_pending_responses()


def test_list_calls_page_with_markers():
    client, stub = stubbed("elbv2")
    stub.add_response("describe_load_balancers", {"LoadBalancers": [LB], "NextMarker": "m"}, {})
    stub.add_response("describe_load_balancers", {"LoadBalancers": []}, {"Marker": "m"})
    stub.add_response("describe_target_groups", {"TargetGroups": [TG]}, {})
    with stub:
        assert elbv2.list_load_balancers(client) == [LB]
        assert elbv2.list_target_groups(client) == [TG]


def test_info_service_filters_both_kinds_and_reads_details_only_of_the_matching():
    client, stub = stubbed("elbv2")
    other_lb = dict(LB, LoadBalancerArn=LB_ARN + "0", LoadBalancerName="other")
    stub.add_response("describe_load_balancers", {"LoadBalancers": [LB, other_lb]}, {})
    owned = [{"Key": "refarch:deployment", "Value": "refarch"}]
    stub.add_response(
        "describe_tags",
        {
            "TagDescriptions": [
                {"ResourceArn": LB_ARN, "Tags": owned},
                {"ResourceArn": other_lb["LoadBalancerArn"], "Tags": [{"Key": "refarch:deployment", "Value": "x"}]},
            ]
        },
    )
    listener = {
        "ListenerArn": LISTENER_ARN,
        "Protocol": "HTTP",
        "Port": 80,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": TG_ARN}],
    }
    stub.add_response("describe_listeners", {"Listeners": [listener]}, {"LoadBalancerArn": LB_ARN})
    params = {"name": None, "tags": {}, "deployment": "refarch"}
    service = elbv2.LoadBalancerInfoService({"elbv2": client}, params)
    service.further_results = lambda: {"target_groups": []}
    with stub:
        result = runner.execute_info(service, params)
    stub.assert_no_pending_responses()
    lb = result["load_balancers"][0]
    assert [lb["load_balancer_name"] for lb in result["load_balancers"]] == ["web-alb"]
    assert lb["dns_name"] == LB["DNSName"] and lb["tags"] == OWNED
    assert lb["listeners"][0]["default_actions"] == [{"type": "forward", "target_group_arn": TG_ARN}]


def test_snake_target_group_names_it_as_the_api_does():
    group = elbv2.snake_target_group(elbv2.normalize_target_group(TG, 90, OWNED))
    assert group["target_group_name"] == "web-tg" and group["deregistration_delay"] == 90
    assert group["health_check_path"] == "/" and group["matcher"] == {"http_code": "200"} and group["tags"] == OWNED
