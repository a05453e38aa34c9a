"""EC2 extension: a security group rule is identified as on AWS (protocol, ports, peer), not by its description."""

import pytest
from botocore.exceptions import ClientError


def groups(ec2):
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    alb = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
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
