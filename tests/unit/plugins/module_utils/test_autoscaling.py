"""Spot Auto Scaling group logic, including what the emulator cannot show: real Spot pools per AZ,
instances spread over AZs, and instance refreshes (stubbed clients)."""

from datetime import datetime

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import autoscaling as asg
from ansible_collections.refarch.aws.plugins.module_utils import runner
from botocore.exceptions import ClientError

from .stubbed import stubbed

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"


def params(**overrides):
    value = dict(
        launch_template="web-lt",
        launch_template_version="$Latest",
        instance_types=["c5.large", "m5.large"],
        instance_weights=None,
        instance_requirements=None,
        on_demand_base_capacity=0,
        on_demand_percentage_above_base_capacity=0,
        on_demand_allocation_strategy=None,
        spot_allocation_strategy="price-capacity-optimized",
        capacity_rebalance=True,
        min_size=2,
        max_size=10,
        desired_capacity=None,
        subnet_ids=["subnet-b", "subnet-a"],
        health_check_type="ELB",
        health_check_grace_period=300,
        target_group_arns=[TG],
    )
    value.update(overrides)
    return value


def described(**overrides):
    """A group as describe_auto_scaling_groups returns it on AWS."""
    group = {
        "AutoScalingGroupName": "web-asg",
        "AutoScalingGroupARN": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/a",
        "MinSize": 2,
        "MaxSize": 10,
        "DesiredCapacity": 2,
        "DefaultCooldown": 300,
        "AvailabilityZones": ["us-east-1a", "us-east-1b"],
        "VPCZoneIdentifier": "subnet-a,subnet-b",
        "HealthCheckType": "ELB",
        "HealthCheckGracePeriod": 300,
        "CapacityRebalance": True,
        "CreatedTime": datetime(2026, 1, 1),
        "TargetGroupARNs": [TG],
        "MixedInstancesPolicy": {
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {
                    "LaunchTemplateId": "lt-1",
                    "LaunchTemplateName": "web-lt",
                    "Version": "$Latest",
                },
                "Overrides": [{"InstanceType": "c5.large"}, {"InstanceType": "m5.large"}],
            },
            "InstancesDistribution": {
                "OnDemandAllocationStrategy": "prioritized",
                "OnDemandBaseCapacity": 0,
                "OnDemandPercentageAboveBaseCapacity": 0,
                "SpotAllocationStrategy": "price-capacity-optimized",
            },
        },
        "Instances": [
            instance("i-1", "us-east-1a", "1"),
            instance("i-2", "us-east-1b", "1"),
        ],
        "Tags": [{"Key": "refarch:deployment", "Value": "refarch", "PropagateAtLaunch": True}],
    }
    group.update(overrides)
    return group


def instance(instance_id, zone, version, state="InService", health="Healthy"):
    return {
        "InstanceId": instance_id,
        "AvailabilityZone": zone,
        "InstanceType": "c5.large",
        "LifecycleState": state,
        "HealthStatus": health,
        "ProtectedFromScaleIn": False,
        "LaunchTemplate": {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "web-lt", "Version": version},
    }


@pytest.mark.parametrize(
    ("types", "weights", "requirements", "expected"),
    [
        (["c5.large"], None, None, [{"InstanceType": "c5.large"}]),
        (
            ["c5.large", "c5.xlarge"],
            {"c5.xlarge": 2},
            None,
            [{"InstanceType": "c5.large"}, {"InstanceType": "c5.xlarge", "WeightedCapacity": "2"}],
        ),
        (
            None,
            None,
            {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 4096}},
            [{"InstanceRequirements": {"VCpuCount": {"Min": 2}, "MemoryMiB": {"Min": 4096}}}],
        ),
        ([], None, None, []),
    ],
)
def test_build_overrides(types, weights, requirements, expected):
    assert asg.build_overrides(types, weights, requirements) == expected


def snake(group):
    return asg.snake_group(group)


def test_build_desired_matches_what_aws_describes():
    desired = asg.build_desired(params())
    assert desired["VPCZoneIdentifier"] == ["subnet-a", "subnet-b"]
    assert "DesiredCapacity" not in desired  # left alone when not given
    assert "OnDemandAllocationStrategy" not in desired["MixedInstancesPolicy"]["InstancesDistribution"]
    current = snake(asg.normalize_group(described()))
    assert asg.group_changes(snake(desired), current) == []
    assert asg.target_group_changes(snake(desired), current) == ([], [])


@pytest.mark.parametrize(
    ("overrides", "changes"),
    [
        (dict(max_size=12), ["max_size"]),
        (dict(desired_capacity=3), ["desired_capacity"]),
        (dict(capacity_rebalance=False), ["capacity_rebalance"]),
        (
            dict(launch_template_version="3"),
            ["mixed_instances_policy.launch_template.launch_template_specification.version"],
        ),
        (dict(instance_types=["c5.large"]), ["mixed_instances_policy.launch_template.overrides"]),
        (dict(instance_weights={"m5.large": 2}), ["mixed_instances_policy.launch_template.overrides"]),
        (dict(on_demand_base_capacity=1), ["mixed_instances_policy.instances_distribution.on_demand_base_capacity"]),
        (
            dict(spot_allocation_strategy="capacity-optimized"),
            ["mixed_instances_policy.instances_distribution.spot_allocation_strategy"],
        ),
        (dict(subnet_ids=["subnet-a", "subnet-b", "subnet-c"]), ["vpc_zone_identifier"]),
        (
            dict(health_check_type="EC2", health_check_grace_period=60),
            ["health_check_grace_period", "health_check_type"],
        ),
        (dict(subnet_ids=["subnet-b", "subnet-a"]), []),
        (dict(target_group_arns=[]), []),  # target groups have calls of their own
    ],
)
def test_group_changes(overrides, changes):
    desired = snake(asg.build_desired(params(**overrides)))
    assert asg.group_changes(desired, snake(asg.normalize_group(described()))) == changes


def test_target_group_changes():
    other = TG.replace("web-tg", "other")
    desired = snake(asg.build_desired(params(target_group_arns=[other])))
    assert asg.target_group_changes(desired, snake(asg.normalize_group(described()))) == ([other], [TG])


def test_instance_requirements_compare_equal_once_both_sides_are_snake_case():
    requirements = {"VCpuCount": {"Min": 2, "Max": 4}, "MemoryMiB": {"Min": 4096}}
    group = described()
    group["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] = [{"InstanceRequirements": requirements}]
    desired = snake(asg.build_desired(params(instance_types=None, instance_requirements=requirements)))
    assert asg.group_changes(desired, snake(asg.normalize_group(group))) == []
    wider = dict(requirements, VCpuCount={"Min": 2, "Max": 8})
    desired = snake(asg.build_desired(params(instance_types=None, instance_requirements=wider)))
    assert asg.group_changes(desired, snake(asg.normalize_group(group))) == [
        "mixed_instances_policy.launch_template.overrides"
    ]


def test_normalize_group_shape():
    group = asg.normalize_group(described())
    assert group["Tags"] == {"refarch:deployment": "refarch"}
    assert group["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"] == {
        "LaunchTemplateName": "web-lt",
        "Version": "$Latest",
    }
    assert [i["AvailabilityZone"] for i in group["Instances"]] == ["us-east-1a", "us-east-1b"]
    assert asg.normalize_group(None) == {}


def test_update_and_create_params_carry_the_whole_configuration():
    desired = asg.build_desired(params())
    update = asg.update_params("web-asg", desired)
    assert update["VPCZoneIdentifier"] == "subnet-a,subnet-b"
    assert "TargetGroupARNs" not in update and "DesiredCapacity" not in update
    create = asg.create_params("web-asg", desired, {"refarch:deployment": "refarch"})
    assert create["DesiredCapacity"] == 2  # min_size
    assert create["TargetGroupARNs"] == [TG]
    assert create["Tags"] == [
        {
            "ResourceId": "web-asg",
            "ResourceType": "auto-scaling-group",
            "Key": "refarch:deployment",
            "Value": "refarch",
            "PropagateAtLaunch": True,
        }
    ]


@pytest.mark.parametrize(
    ("instances", "desired", "reached"),
    [
        ([instance("i-1", "us-east-1a", "1"), instance("i-2", "us-east-1b", "1")], 2, True),
        ([instance("i-1", "us-east-1a", "1"), instance("i-2", "us-east-1b", "1", state="Pending")], 2, False),
        ([instance("i-1", "us-east-1a", "1"), instance("i-2", "us-east-1b", "1", health="Unhealthy")], 2, False),
        ([], 0, True),
    ],
)
def test_capacity_reached(instances, desired, reached):
    assert asg.capacity_reached(described(Instances=instances, DesiredCapacity=desired)) is reached
    assert asg.capacity_reached(None) is False


@pytest.mark.parametrize(
    ("versions", "latest", "outdated"),
    [
        (["1", "1"], 1, []),
        (["1", "2"], 2, ["i-0"]),
        (["$Latest", "1"], 2, ["i-1"]),  # an unresolved version cannot be judged
        (["3", "3"], 3, []),
    ],
)
def test_outdated_instances(versions, latest, outdated):
    instances = [instance("i-%d" % n, "us-east-1a", v) for n, v in enumerate(versions)]
    assert asg.outdated_instances(described(Instances=instances), latest) == outdated


@pytest.mark.parametrize(
    ("statuses", "active"),
    [([], None), (["Successful", "Failed"], None), (["InProgress"], "r0"), (["Cancelled", "Pending"], "r1")],
)
def test_refresh_active(statuses, active):
    refreshes = [{"InstanceRefreshId": "r%d" % n, "Status": s} for n, s in enumerate(statuses)]
    assert asg.refresh_active(refreshes) == active


def test_spot_pools_per_az():
    """On AWS some AZs (us-east-1e) offer few of the types: the figure counts real offerings only."""
    offerings = [(t, z) for t in ("c5.large", "m5.large") for z in ("us-east-1a", "us-east-1b")]
    offerings += [("c4.large", "us-east-1e"), ("c5.large", "us-west-2a")]
    pools = asg.spot_pools(offerings, ["c5.large", "m5.large", "x9.large"], ["us-east-1a", "us-east-1b", "us-east-1e"])
    assert pools == dict(
        count=4,
        instance_types=3,
        availability_zones=["us-east-1a", "us-east-1b", "us-east-1e"],
        by_availability_zone={"us-east-1a": 2, "us-east-1b": 2, "us-east-1e": 0},
        not_offered=["x9.large"],
    )


def test_instance_type_offerings_pages():
    client, stub = stubbed("ec2")
    request = {
        "LocationType": "availability-zone",
        "Filters": [
            {"Name": "instance-type", "Values": ["c5.large", "m5.large"]},
            {"Name": "location", "Values": ["us-east-1a", "us-east-1b"]},
        ],
    }
    page1 = [{"InstanceType": "c5.large", "LocationType": "availability-zone", "Location": "us-east-1a"}]
    page2 = [
        {"InstanceType": "m5.large", "LocationType": "availability-zone", "Location": "us-east-1b"},
        {"InstanceType": "c5.large", "LocationType": "availability-zone", "Location": "us-east-1a"},
    ]
    stub.add_response("describe_instance_type_offerings", {"InstanceTypeOfferings": page1, "NextToken": "n"}, request)
    stub.add_response(
        "describe_instance_type_offerings", {"InstanceTypeOfferings": page2}, dict(request, NextToken="n")
    )
    with stub:
        pairs = asg.instance_type_offerings(client, ["m5.large", "c5.large"], ["us-east-1b", "us-east-1a"])
    assert pairs == [("c5.large", "us-east-1a"), ("m5.large", "us-east-1b")]


def test_subnet_zones():
    client, stub = stubbed("ec2")
    subnets = [
        {"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az6"},
        {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az1"},
    ]
    stub.add_response("describe_subnets", {"Subnets": subnets}, {"SubnetIds": ["subnet-a", "subnet-b"]})
    with stub:
        assert asg.subnet_zones(client, ["subnet-a", "subnet-b"]) == {
            "subnet-a": "us-east-1a",
            "subnet-b": "us-east-1b",
        }


def test_get_group_found_missing_and_paged_owned_list():
    client, stub = stubbed("autoscaling")
    stub.add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": [described()]}, {"AutoScalingGroupNames": ["web-asg"]}
    )
    stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []}, {"AutoScalingGroupNames": ["gone"]})
    filters = [{"Name": "tag:refarch:deployment", "Values": ["refarch"]}]
    stub.add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": [described()], "NextToken": "n"}, {"Filters": filters}
    )
    stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []}, {"Filters": filters, "NextToken": "n"})
    with stub:
        assert asg.get_group(client, "web-asg")["AutoScalingGroupName"] == "web-asg"
        assert asg.get_group(client, "gone") is None
        assert len(asg.list_owned_groups(client, "refarch")) == 1
    stub.assert_no_pending_responses()


def test_delete_group_forces_and_tolerates_a_missing_group():
    client, stub = stubbed("autoscaling")
    stub.add_response("delete_auto_scaling_group", {}, {"AutoScalingGroupName": "web-asg", "ForceDelete": True})
    stub.add_client_error(
        "delete_auto_scaling_group",
        "ValidationError",
        "AutoScalingGroup name not found - AutoScalingGroup 'x' not found",
    )
    stub.add_client_error(
        "delete_auto_scaling_group",
        "ResourceInUse",
        "You cannot delete an AutoScalingGroup while there are scaling activities",
    )
    with stub:
        assert asg.delete_group(client, "web-asg") is True
        assert asg.delete_group(client, "x") is False
        with pytest.raises(ClientError):
            asg.delete_group(client, "busy")


def test_instance_refresh_calls():
    """The emulator completes a refresh at once; on AWS it runs for minutes: our side is the same."""
    client, stub = stubbed("autoscaling")
    stub.add_response(
        "start_instance_refresh",
        {"InstanceRefreshId": "r-1"},
        {
            "AutoScalingGroupName": "web-asg",
            "Strategy": "Rolling",
            "Preferences": {"MinHealthyPercentage": 90, "SkipMatching": True, "InstanceWarmup": 60},
        },
    )
    running = [
        {
            "InstanceRefreshId": "r-1",
            "AutoScalingGroupName": "web-asg",
            "Status": "InProgress",
            "PercentageComplete": 50,
        }
    ]
    stub.add_response(
        "describe_instance_refreshes", {"InstanceRefreshes": running}, {"AutoScalingGroupName": "web-asg"}
    )
    stub.add_client_error("start_instance_refresh", "InstanceRefreshInProgress")
    with stub:
        assert asg.start_instance_refresh(client, "web-asg", 90, instance_warmup=60) == "r-1"
        assert asg.refresh_active(asg.describe_instance_refreshes(client, "web-asg")) == "r-1"
        with pytest.raises(ClientError):
            asg.start_instance_refresh(client, "web-asg", 90)


def test_target_group_and_tag_calls():
    client, stub = stubbed("autoscaling")
    stub.add_response(
        "attach_load_balancer_target_groups", {}, {"AutoScalingGroupName": "web-asg", "TargetGroupARNs": [TG]}
    )
    stub.add_response(
        "detach_load_balancer_target_groups", {}, {"AutoScalingGroupName": "web-asg", "TargetGroupARNs": [TG]}
    )
    stub.add_response("create_or_update_tags", {}, {"Tags": asg.tag_list("web-asg", {"a": "1"})})
    stub.add_response("delete_tags", {}, {"Tags": asg.tag_list("web-asg", {"old": ""})})
    with stub:
        asg.attach_target_groups(client, "web-asg", [TG])
        asg.attach_target_groups(client, "web-asg", [])  # no call
        asg.detach_target_groups(client, "web-asg", [TG])
        asg.set_tags(client, "web-asg", {"a": "1"}, ["old"])
    stub.assert_no_pending_responses()


def test_latest_template_version():
    client, stub = stubbed("ec2")
    stub.add_response(
        "describe_launch_templates",
        {"LaunchTemplates": [{"LaunchTemplateName": "web-lt", "LatestVersionNumber": 7}]},
        {"LaunchTemplateNames": ["web-lt"]},
    )
    with stub:
        assert asg.latest_template_version(client, "web-lt") == 7


def test_describe_subnet_zones_gives_names_and_ids():
    client, stub = stubbed("ec2")
    subnets = [{"SubnetId": "subnet-e", "AvailabilityZone": "us-east-1e", "AvailabilityZoneId": "use1-az3"}]
    stub.add_response("describe_subnets", {"Subnets": subnets}, {"SubnetIds": ["subnet-e"]})
    with stub:
        assert asg.describe_subnet_zones(client, ["subnet-e"]) == [
            dict(subnet_id="subnet-e", availability_zone="us-east-1e", availability_zone_id="use1-az3")
        ]


def test_instance_type_offerings_by_az_id():
    client, stub = stubbed("ec2")
    request = {
        "LocationType": "availability-zone-id",
        "Filters": [
            {"Name": "instance-type", "Values": ["c5.large"]},
            {"Name": "location", "Values": ["use1-az1", "use1-az3"]},
        ],
    }
    found = [{"InstanceType": "c5.large", "LocationType": "availability-zone-id", "Location": "use1-az1"}]
    stub.add_response("describe_instance_type_offerings", {"InstanceTypeOfferings": found}, request)
    with stub:
        pairs = asg.instance_type_offerings(client, ["c5.large"], ["use1-az3", "use1-az1"], "availability-zone-id")
    assert pairs == [("c5.large", "use1-az1")]


SUBNETS = [
    dict(subnet_id="subnet-a", availability_zone="us-east-1a", availability_zone_id="use1-az6"),
    dict(subnet_id="subnet-e", availability_zone="us-east-1e", availability_zone_id="use1-az3"),
    dict(subnet_id="subnet-b", availability_zone="us-east-1b", availability_zone_id="use1-az1"),
]


@pytest.mark.parametrize(
    ("offerings", "types", "used", "left_out"),
    [
        # us-east-1 as EC2 offers the role's types: use1-az3 offers none of them.
        (
            [(t, z) for t in ("c5.large", "m5.large") for z in ("use1-az6", "use1-az1")],
            ["c5.large", "m5.large"],
            ["subnet-a", "subnet-b"],
            ["us-east-1e"],
        ),
        # One type offered in an AZ is enough.
        (
            [("c5.large", "use1-az6"), ("m4.large", "use1-az3")],
            ["c5.large", "m4.large"],
            ["subnet-a", "subnet-e"],
            ["us-east-1b"],
        ),
        # An offering of a type the group does not ask for does not count.
        (
            [("m4.large", "use1-az3"), ("c5.large", "use1-az1")],
            ["c5.large"],
            ["subnet-b"],
            ["us-east-1a", "us-east-1e"],
        ),
        # Matched by id: a name would point at another AZ in another account.
        ([("c5.large", "us-east-1e")], ["c5.large"], [], ["us-east-1a", "us-east-1b", "us-east-1e"]),
    ],
)
def test_placement_keeps_the_azs_that_offer_a_type(offerings, types, used, left_out):
    kept, out = asg.placement(SUBNETS, offerings, types)
    assert kept == used
    assert [o["availability_zone"] for o in out] == left_out
    for entry in out:
        assert entry["subnet_id"] == "subnet-" + entry["availability_zone"][-1]
        assert entry["availability_zone_id"].startswith("use1-az")
        assert "offers none of the %d instance types" % len(types) in entry["reason"]


def test_info_service_returns_snake_case_with_tags_a_dict_and_lists_all_without_deployment():
    client, stub = stubbed("autoscaling")
    tags = [{"Key": "refarch:deployment", "Value": "refarch", "PropagateAtLaunch": True}]
    stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described(Tags=tags)]}, {})
    params = {"name": None, "tags": {}, "deployment": None, "spot_pools": False}
    with stub:
        result = runner.execute_info(asg.GroupInfoService({"autoscaling": client, "ec2": None}, params), params)
    group = result["groups"][0]
    assert group["auto_scaling_group_name"] == "web-asg" and group["vpc_zone_identifier"] == ["subnet-a", "subnet-b"]
    assert group["target_group_arns"] == [TG] and group["tags"] == {"refarch:deployment": "refarch"}
    assert "spot_pools" not in group
