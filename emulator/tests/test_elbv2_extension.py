"""ELBv2 extension: no SSL policy on a listener that is not HTTPS/TLS."""

import time

import pytest
from botocore.exceptions import ClientError

from refarch_emulator import awsclock
from refarch_emulator.extensions.elbv2 import models as elbv2
from refarch_emulator.testing import error


@pytest.mark.parametrize(
    ("protocol", "policy", "problem"),
    [
        ("HTTP", "ELBSecurityPolicy-2016-08", "An SSL policy cannot be specifed for HTTP listeners"),
        ("tcp", "ELBSecurityPolicy-2016-08", "An SSL policy cannot be specifed for TCP listeners"),
        ("HTTPS", "ELBSecurityPolicy-2016-08", None),
        ("HTTP", None, None),
    ],
)
def test_ssl_policy_problem(protocol, policy, problem):
    assert elbv2.ssl_policy_problem(protocol, policy) == problem


def balancer(aws):
    ec2, client = aws("ec2"), aws("elbv2")
    subnets = ec2.describe_subnets()["Subnets"][:2]
    lb = client.create_load_balancer(Name="lb", Subnets=[s["SubnetId"] for s in subnets])["LoadBalancers"][0]
    tg = client.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=subnets[0]["VpcId"])["TargetGroups"][0]
    return client, lb["LoadBalancerArn"], [{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]


def test_an_http_listener_takes_no_ssl_policy(aws):
    client, arn, actions = balancer(aws)
    with pytest.raises(ClientError) as excinfo:
        client.create_listener(
            LoadBalancerArn=arn, Protocol="HTTP", Port=80, SslPolicy="ELBSecurityPolicy-2016-08", DefaultActions=actions
        )
    assert error(excinfo) == ("ValidationError", "An SSL policy cannot be specifed for HTTP listeners")
    listener = client.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=actions)
    listener_arn = listener["Listeners"][0]["ListenerArn"]
    assert "SslPolicy" not in client.describe_listeners(ListenerArns=[listener_arn])["Listeners"][0]
    with pytest.raises(ClientError) as excinfo:
        client.modify_listener(ListenerArn=listener_arn, SslPolicy="ELBSecurityPolicy-2016-08")
    assert error(excinfo)[0] == "ValidationError"


def test_in_process_listener_refuses_an_ssl_policy_on_http(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    client, lb_arn, actions = balancer(in_process)
    with pytest.raises(ClientError) as caught:
        client.create_listener(
            LoadBalancerArn=lb_arn,
            Protocol="HTTP",
            Port=80,
            SslPolicy="ELBSecurityPolicy-2016-08",
            DefaultActions=actions,
        )
    assert error(caught) == ("ValidationError", "An SSL policy cannot be specifed for HTTP listeners")
    listener = client.create_listener(LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=actions)
    assert "SslPolicy" not in listener["Listeners"][0]


def test_in_process_a_new_load_balancer_is_provisioning(in_process):
    client, lb_arn, _actions = balancer(in_process)
    state = client.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]["State"]
    assert state["Code"] == "provisioning"
    time.sleep(awsclock.seconds("elbv2-provisioning") + 0.1)
    state = client.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]["State"]
    assert state["Code"] == "active"
