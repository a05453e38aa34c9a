"""Auto Scaling extension: AZ spread, launched versions, Spot lifecycle, deregistration, instance refresh."""

import base64

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.extensions.autoscaling import models as autoscaling
from refarch_emulator.testing import client, error, private_emulator, reset

AMI = "ami-0d27e0fb3bac4d724"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(tmp_path_factory.mktemp("state")) as url:
        yield url


@pytest.fixture
def aws(endpoint):
    reset(endpoint)
    return lambda service: client(endpoint, service)


def subnets(aws):
    found = aws("ec2").describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return sorted(found, key=lambda s: s["AvailabilityZone"])


def template(aws, user_data="v1"):
    ec2 = aws("ec2")
    data = {"ImageId": AMI, "InstanceType": "c5.large", "UserData": base64.b64encode(user_data.encode()).decode()}
    ec2.create_launch_template(LaunchTemplateName="web-lt", LaunchTemplateData=data)


def target_group(aws):
    vpc_id = subnets(aws)[0]["VpcId"]
    return aws("elbv2").create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc_id)["TargetGroups"][0][
        "TargetGroupArn"
    ]


def group(aws, capacity=6, on_demand_base=0, on_demand_percentage=0, overrides=None, **extra):
    extra.setdefault("VPCZoneIdentifier", ",".join(s["SubnetId"] for s in subnets(aws)))
    aws("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="asg",
        MinSize=0,
        MaxSize=12,
        DesiredCapacity=capacity,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "web-lt", "Version": "$Latest"},
                "Overrides": overrides or [{"InstanceType": "c5.large"}, {"InstanceType": "m5.large"}],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": on_demand_base,
                "OnDemandPercentageAboveBaseCapacity": on_demand_percentage,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        CapacityRebalance=True,
        **extra,
    )
    return describe(aws)


def describe(aws):
    return aws("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["asg"])["AutoScalingGroups"][0]


def targets(aws, arn):
    return sorted(
        t["Target"]["Id"] for t in aws("elbv2").describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
    )


@pytest.mark.parametrize(
    ("counts", "zones", "needed", "expected"),
    [
        ({}, ["a", "b", "c"], 4, ["a", "b", "c", "a"]),
        ({"a": 2, "b": 1}, ["a", "b", "c"], 2, ["c", "b"]),
        ({}, ["a"], 2, ["a", "a"]),
        ({"a": 1}, ["a", "b"], 0, []),
    ],
)
def test_plan_placements_balances_azs(counts, zones, needed, expected):
    assert autoscaling.plan_placements(counts, zones, needed) == expected


@pytest.mark.parametrize(
    ("policy", "capacity", "spot"),
    [
        (None, 4, 0),
        ({"InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 0}}, 4, 4),
        ({"InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 0}}, 4, 3),
        ({"InstancesDistribution": {"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 50}}, 3, 1),
        ({"InstancesDistribution": {}}, 4, 0),
    ],
)
def test_spot_count_follows_the_distribution(policy, capacity, spot):
    assert autoscaling.spot_count(policy, capacity) == spot


def offering_subnets(aws):
    """The default subnets whose AZ offers c5.large (every us-east-1 AZ but us-east-1e, AZ id use1-az3)."""
    return [s for s in subnets(aws) if s["AvailabilityZone"] != "us-east-1e"]


def test_instances_spread_over_every_offering_az_with_launched_version(aws):
    template(aws)
    found = group(aws, capacity=5, VPCZoneIdentifier=",".join(s["SubnetId"] for s in offering_subnets(aws)))
    zones = sorted(i["AvailabilityZone"] for i in found["Instances"])
    assert zones == sorted(s["AvailabilityZone"] for s in offering_subnets(aws))
    assert {i["LaunchTemplate"]["Version"] for i in found["Instances"]} == {"1"}
    described = aws("ec2").describe_instances(InstanceIds=[i["InstanceId"] for i in found["Instances"]])
    instances = [i for r in described["Reservations"] for i in r["Instances"]]
    assert {i["SubnetId"] for i in instances} == {s["SubnetId"] for s in offering_subnets(aws)}
    assert {i.get("InstanceLifecycle") for i in instances} == {"spot"}
    activities = aws("autoscaling").describe_scaling_activities(AutoScalingGroupName="asg")["Activities"]
    assert [a["StatusCode"] for a in activities] == ["Successful"] * 5


def test_the_types_offerings_in_us_east_1():
    """The figure the role's defaults state: us-east-1e (use1-az3) offers none of the 24 types."""
    from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS

    types = set(yaml_defaults()["spot_asg_alb_instance_types"])
    for location_type, empty in (("availability-zone", "us-east-1e"), ("availability-zone-id", "use1-az3")):
        offerings = INSTANCE_TYPE_OFFERINGS[location_type]["us-east-1"]
        zones = {o["Location"] for o in offerings}
        offering = {o["Location"] for o in offerings if o["InstanceType"] in types}
        assert zones - offering == {empty}


def yaml_defaults():
    import pathlib

    import yaml

    path = pathlib.Path(__file__).parents[2] / "roles" / "spot_asg_alb" / "defaults" / "main.yml"
    return yaml.safe_load(path.read_text())


def test_an_az_offering_none_of_the_types_fails_its_launches_as_a_scaling_activity(aws):
    template(aws)
    found = group(aws, capacity=6)  # every default subnet, us-east-1e among them
    assert "us-east-1e" not in {i["AvailabilityZone"] for i in found["Instances"]}
    assert len(found["Instances"]) == 6  # the capacity goes to the AZs that can take it
    described = aws("ec2").describe_instances(InstanceIds=[i["InstanceId"] for i in found["Instances"]])
    for instance in (i for r in described["Reservations"] for i in r["Instances"]):
        assert instance["Placement"]["AvailabilityZone"] != "us-east-1e"
    activities = aws("autoscaling").describe_scaling_activities(AutoScalingGroupName="asg")["Activities"]
    failed = [a for a in activities if a["StatusCode"] == "Failed"]
    assert failed, activities
    message = (
        "Could not launch Spot Instances. InvalidFleetConfiguration - Your requested instance type (c5.large) is not "
        "supported in your requested Availability Zone (us-east-1e). Please retry your request by not specifying an "
        "Availability Zone or choosing us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f. "
        "Launching EC2 instance failed."
    )
    assert failed[0]["StatusMessage"] == message
    assert failed[0]["Description"] == f"Launching a new EC2 instance.  Status Reason: {message}"
    assert '"Availability Zone": "us-east-1e"' in failed[0]["Details"]


def test_the_templates_type_where_offered_then_the_first_offered_override(aws):
    """a1.large is offered in us-east-1a-c only; m4.large everywhere, us-east-1e included."""
    ec2 = aws("ec2")
    data = {"ImageId": AMI, "InstanceType": "a1.large"}
    ec2.create_launch_template(LaunchTemplateName="web-lt", LaunchTemplateData=data)
    overrides = [{"InstanceType": "c5.large"}, {"InstanceType": "a1.large"}, {"InstanceType": "m4.large"}]
    found = group(aws, capacity=6, overrides=overrides)
    types = {i["AvailabilityZone"]: i["InstanceType"] for i in found["Instances"]}
    assert types == {
        "us-east-1a": "a1.large",
        "us-east-1b": "a1.large",
        "us-east-1c": "a1.large",
        "us-east-1d": "c5.large",
        "us-east-1e": "m4.large",
        "us-east-1f": "c5.large",
    }
    activities = aws("autoscaling").describe_scaling_activities(AutoScalingGroupName="asg")["Activities"]
    assert {a["StatusCode"] for a in activities} == {"Successful"}


@pytest.mark.parametrize(
    ("overrides", "template_type", "expected"),
    [
        (None, "c5.large", ["c5.large"]),
        ([{"InstanceType": "m5.large"}, {"InstanceType": "c5.large"}], "c5.large", ["c5.large", "m5.large"]),
        ([{"InstanceType": "m5.large"}], "c5.large", ["m5.large"]),
    ],
)
def test_candidate_types(overrides, template_type, expected):
    class Group:
        instance_type = template_type
        mixed_instances_policy = {"LaunchTemplate": {"Overrides": overrides}} if overrides else None

    assert autoscaling.candidate_types(Group()) == expected


def test_on_demand_base_is_not_spot(aws):
    template(aws)
    found = group(aws, capacity=3, on_demand_base=1)
    described = aws("ec2").describe_instances(InstanceIds=[i["InstanceId"] for i in found["Instances"]])
    lifecycles = sorted(str(i.get("InstanceLifecycle")) for r in described["Reservations"] for i in r["Instances"])
    assert lifecycles == ["None", "spot", "spot"]


def test_update_keeps_the_policy_and_sets_capacity_rebalance(aws):
    template(aws)
    group(aws, capacity=1)
    aws("autoscaling").update_auto_scaling_group(AutoScalingGroupName="asg", MaxSize=8, CapacityRebalance=False)
    found = describe(aws)
    assert found["MaxSize"] == 8
    assert found["CapacityRebalance"] is False
    assert [o["InstanceType"] for o in found["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"]] == [
        "c5.large",
        "m5.large",
    ]


def test_scale_in_and_delete_deregister_targets(aws):
    template(aws)
    arn = target_group(aws)
    found = group(aws, capacity=3, TargetGroupARNs=[arn])
    assert targets(aws, arn) == sorted(i["InstanceId"] for i in found["Instances"])
    aws("autoscaling").set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=1)
    assert targets(aws, arn) == [i["InstanceId"] for i in describe(aws)["Instances"]]
    aws("autoscaling").delete_auto_scaling_group(AutoScalingGroupName="asg", ForceDelete=True)
    assert targets(aws, arn) == []


def test_instance_refresh_replaces_only_outdated_instances(aws):
    template(aws)
    arn = target_group(aws)
    before = group(aws, capacity=2, TargetGroupARNs=[arn])
    autoscaling_client = aws("autoscaling")
    assert autoscaling_client.describe_instance_refreshes(AutoScalingGroupName="asg")["InstanceRefreshes"] == []
    aws("ec2").create_launch_template_version(
        LaunchTemplateName="web-lt", LaunchTemplateData={"ImageId": AMI, "InstanceType": "m5.large"}
    )
    refresh_id = autoscaling_client.start_instance_refresh(
        AutoScalingGroupName="asg", Strategy="Rolling", Preferences={"MinHealthyPercentage": 90, "SkipMatching": True}
    )["InstanceRefreshId"]
    after = describe(aws)
    old, new = {i["InstanceId"] for i in before["Instances"]}, {i["InstanceId"] for i in after["Instances"]}
    assert len(new) == 2 and not old & new
    assert {i["LaunchTemplate"]["Version"] for i in after["Instances"]} == {"2"}
    assert {i["InstanceType"] for i in after["Instances"]} == {"m5.large"}
    assert targets(aws, arn) == sorted(new)
    refreshes = autoscaling_client.describe_instance_refreshes(AutoScalingGroupName="asg")["InstanceRefreshes"]
    assert [(r["InstanceRefreshId"], r["Status"], r["PercentageComplete"]) for r in refreshes] == [
        (refresh_id, "Successful", 100)
    ]
    autoscaling_client.start_instance_refresh(AutoScalingGroupName="asg", Preferences={"SkipMatching": True})
    assert {i["InstanceId"] for i in describe(aws)["Instances"]} == new  # nothing left to replace


def test_refresh_errors_are_awss(aws):
    template(aws)
    group(aws, capacity=1)
    autoscaling_client = aws("autoscaling")
    with pytest.raises(ClientError) as excinfo:
        autoscaling_client.cancel_instance_refresh(AutoScalingGroupName="asg")
    assert error(excinfo)[0] == "ActiveInstanceRefreshNotFound"
    with pytest.raises(ClientError) as excinfo:
        autoscaling_client.start_instance_refresh(AutoScalingGroupName="nope")
    assert error(excinfo)[0] == "ValidationError"


def test_a_new_template_version_with_user_data_launches(aws):
    """moto kept a new version's user data as a plain string and failed the group's next launch."""
    template(aws)
    group(aws, capacity=1)
    data = {"ImageId": AMI, "InstanceType": "c5.large", "UserData": base64.b64encode(b"v2").decode()}
    aws("ec2").create_launch_template_version(LaunchTemplateName="web-lt", LaunchTemplateData=data)
    aws("autoscaling").set_desired_capacity(AutoScalingGroupName="asg", DesiredCapacity=2)
    assert sorted(i["LaunchTemplate"]["Version"] for i in describe(aws)["Instances"]) == ["1", "2"]


def test_template_tags_stay_out_of_version_data(aws):
    tags = [{"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "me"}]}]
    instance_tags = [{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}]
    ec2 = aws("ec2")
    data = {"ImageId": AMI, "TagSpecifications": instance_tags}
    ec2.create_launch_template(LaunchTemplateName="web-lt", LaunchTemplateData=data, TagSpecifications=tags)
    version = ec2.describe_launch_template_versions(LaunchTemplateName="web-lt")["LaunchTemplateVersions"][0]
    assert version["LaunchTemplateData"]["TagSpecifications"] == instance_tags
    found = ec2.describe_launch_templates(LaunchTemplateNames=["web-lt"])["LaunchTemplates"][0]
    assert found["Tags"] == [{"Key": "owner", "Value": "me"}]


def test_in_process_spread_spot_and_refresh_errors(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    template(in_process)
    described = group(in_process, capacity=6, on_demand_base=2)
    zones = {i["AvailabilityZone"] for i in described["Instances"]}
    assert len(zones) > 1  # spread over the AZs, not all in the first subnet
    assert {i["LaunchTemplate"]["Version"] for i in described["Instances"]} == {"1"}
    instances = in_process("ec2").describe_instances()["Reservations"]
    lifecycles = [i.get("InstanceLifecycle") for r in instances for i in r["Instances"]]
    assert lifecycles.count("spot") == 4
    client = in_process("autoscaling")
    with pytest.raises(ClientError) as excinfo:
        client.cancel_instance_refresh(AutoScalingGroupName="asg")
    assert error(excinfo)[0] == "ActiveInstanceRefreshNotFound"
    refresh_id = client.start_instance_refresh(AutoScalingGroupName="asg")["InstanceRefreshId"]
    refreshes = client.describe_instance_refreshes(AutoScalingGroupName="asg")["InstanceRefreshes"]
    assert [(r["InstanceRefreshId"], r["Status"]) for r in refreshes] == [(refresh_id, "Successful")]
