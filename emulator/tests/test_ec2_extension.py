"""EC2 extension: rules identified as on AWS (protocol, ports, peer); new groups not found for a moment;
groups in use not deleted; launch templates' metadata options on the instances they launch."""

import base64
import time

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, error, private_emulator, reset

EC2_WINDOW = 0.5
ENI_WINDOW = 1.0
AMI = "ami-0d27e0fb3bac4d724"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """An emulator whose windows this module knows: a new group is found after 0.5 s, a deleted load
    balancer's interfaces hold its groups for 1 s."""
    environment = {
        "REFARCH_EMULATOR_EC2_PROPAGATION_SECONDS": str(EC2_WINDOW),
        "REFARCH_EMULATOR_ELB_ENI_RELEASE_SECONDS": str(ENI_WINDOW),
    }
    with private_emulator(tmp_path_factory.mktemp("state"), **environment) as url:
        yield url


@pytest.fixture
def aws(endpoint):
    reset(endpoint)
    return lambda service: client(endpoint, service)


def default_vpc(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def groups(ec2, settle=True):
    vpc = default_vpc(ec2)
    alb = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    if settle:
        time.sleep(EC2_WINDOW + 0.1)
    return alb, web


def rule(group_id, description=None, cidr=None):
    peer = {"Description": description} if description else {}
    if cidr:
        return {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [dict(peer, CidrIp=cidr)]}
    return {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [dict(peer, GroupId=group_id)]}


def ingress(ec2, group_id):
    return ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]


def test_a_source_group_rule_description_changes_in_place(aws):
    ec2 = aws("ec2")
    alb, web = groups(ec2)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "old")])
    ec2.update_security_group_rule_descriptions_ingress(GroupId=web, IpPermissions=[rule(alb, "new")])
    pairs = ingress(ec2, web)[0]["UserIdGroupPairs"]
    assert [(p["GroupId"], p.get("Description")) for p in pairs] == [(alb, "new")]


def test_a_source_group_rule_is_revoked_without_its_description(aws):
    ec2 = aws("ec2")
    alb, web = groups(ec2)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "HTTP from the ALB")])
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[rule(alb)])
    assert ingress(ec2, web) == []


def test_the_same_rule_with_another_description_is_a_duplicate(aws):
    ec2 = aws("ec2")
    alb, web = groups(ec2)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "one")])
    with pytest.raises(ClientError, match=r"InvalidPermission\.Duplicate"):
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "two")])
    ec2.authorize_security_group_ingress(GroupId=alb, IpPermissions=[rule(None, "any", "0.0.0.0/0")])
    ec2.revoke_security_group_ingress(GroupId=alb, IpPermissions=[rule(None, cidr="0.0.0.0/0")])
    assert ingress(ec2, alb) == []


def test_a_new_group_is_not_found_as_source_or_target_for_a_moment(aws):
    ec2 = aws("ec2")
    alb, web = groups(ec2, settle=False)
    with pytest.raises(ClientError) as excinfo:
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb)])
    assert error(excinfo)[0] == "InvalidGroup.NotFound"
    assert error(excinfo)[1] == f"The security group '{web}' does not exist"  # the target is named first
    time.sleep(EC2_WINDOW + 0.1)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb)])
    assert [p["GroupId"] for p in ingress(ec2, web)[0]["UserIdGroupPairs"]] == [alb]


def test_a_new_source_group_alone_is_not_found(aws):
    ec2 = aws("ec2")
    old = ec2.create_security_group(GroupName="old", Description="old", VpcId=default_vpc(ec2))["GroupId"]
    time.sleep(EC2_WINDOW + 0.1)
    new = ec2.create_security_group(GroupName="new", Description="new", VpcId=default_vpc(ec2))["GroupId"]
    with pytest.raises(ClientError) as excinfo:
        ec2.authorize_security_group_ingress(GroupId=old, IpPermissions=[rule(new)])
    assert error(excinfo) == ("InvalidGroup.NotFound", f"The security group '{new}' does not exist")


def test_a_referenced_group_is_not_deleted(aws):
    ec2 = aws("ec2")
    alb, web = groups(ec2)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb)])
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_security_group(GroupId=alb)
    assert error(excinfo) == ("DependencyViolation", f"resource {alb} has a dependent object")
    ec2.delete_security_group(GroupId=web)
    ec2.delete_security_group(GroupId=alb)


def test_a_load_balancers_group_is_held_after_the_load_balancer_goes(aws):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    alb, _web = groups(ec2)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    arn = elbv2.create_load_balancer(Name="lb", Subnets=subnets, SecurityGroups=[alb])["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_security_group(GroupId=alb)
    assert error(excinfo)[0] == "DependencyViolation"
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_security_group(GroupId=alb)
    assert error(excinfo) == ("DependencyViolation", f"resource {alb} has a dependent object")
    time.sleep(ENI_WINDOW + 0.1)
    ec2.delete_security_group(GroupId=alb)


def test_a_running_instances_group_is_not_deleted(aws):
    ec2 = aws("ec2")
    _alb, web = groups(ec2)
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[web])["Instances"][0]
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_security_group(GroupId=web)
    assert error(excinfo)[0] == "DependencyViolation"
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
    ec2.delete_security_group(GroupId=web)


def test_a_template_s_metadata_options_reach_its_instances(aws):
    ec2 = aws("ec2")
    data = {
        "ImageId": AMI,
        "InstanceType": "c5.large",
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"},
        "UserData": base64.b64encode(b"#!/bin/bash").decode(),
    }
    ec2.create_launch_template(LaunchTemplateName="lt", LaunchTemplateData=data)
    launched = ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateName": "lt"})["Instances"][0]
    described = ec2.describe_instances(InstanceIds=[launched["InstanceId"]])["Reservations"][0]["Instances"][0]
    options = described["MetadataOptions"]
    assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("required", 2)


def test_in_process_groups_appear_late_and_are_held_while_referenced(in_process, monkeypatch):
    """The model behaviour meant for upstream, under moto's mock_aws (the window held open, then closed)."""
    from refarch_emulator import consistency

    monkeypatch.setenv("REFARCH_EMULATOR_EC2_PROPAGATION_SECONDS", "30")
    ec2 = in_process("ec2")
    alb, web = groups(ec2, settle=False)
    with pytest.raises(ClientError) as excinfo:
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "HTTP from the ALB")])
    assert error(excinfo) == ("InvalidGroup.NotFound", f"The security group '{web}' does not exist")
    consistency.RECORD.clear()
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[rule(alb, "HTTP from the ALB")])
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_security_group(GroupId=alb)
    assert error(excinfo) == ("DependencyViolation", f"resource {alb} has a dependent object")
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[rule(alb)])  # without its description
    assert ingress(ec2, web) == []
    ec2.delete_security_group(GroupId=alb)
