"""The group module's service on the runner with stubbed clients: what the emulator cannot show on its
own (instance refresh on AWS stays InProgress for minutes; Spot pools per AZ come from EC2)."""

import copy
import functools

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import autoscaling as asg
from ansible_collections.refarch.aws.plugins.module_utils import client as aws_client
from ansible_collections.refarch.aws.plugins.module_utils import runner

from ..module_utils.stubbed import stubbed
from ..module_utils.test_autoscaling import described, instance, params


def module_params(**overrides):
    value = dict(
        params(),
        name="web-asg",
        state="present",
        offered_zones_only=True,
        instance_refresh=True,
        instance_refresh_min_healthy_percentage=90,
        launch_template_latest_version=None,
        deployment="refarch",
        tags={},
        purge_tags=False,
        wait=False,
        wait_timeout=60,
    )
    value.update(overrides)
    return value


class FakeModule:
    """The clients and parameters of a run (the runner's module, as far as the service sees it)."""

    def __init__(self, clients, check_mode=False, **overrides):
        self.params = module_params(**overrides)
        self.check_mode = check_mode
        self.clients = clients


def group_stubbed(group):
    """The Auto Scaling client and its stub, the run's first call (its read) answered with ``group``
    (None: there is none); the test adds the calls it expects next."""
    autoscaling, as_stub = stubbed("autoscaling")
    as_stub.add_response(
        "describe_auto_scaling_groups",
        {"AutoScalingGroups": [copy.deepcopy(group)] if group else []},
        {"AutoScalingGroupNames": ["web-asg"]},
    )
    return autoscaling, as_stub


def ensure(module):
    """The runner's run of the service, as the module's main() makes it."""
    service = asg.GroupService(module.clients, module.params)
    return runner.execute(service, module.params, module.check_mode)


SUBNETS = (
    {"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az6"},
    {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b", "AvailabilityZoneId": "use1-az1"},
)


SUBNET_E = {"SubnetId": "subnet-e", "AvailabilityZone": "us-east-1e", "AvailabilityZoneId": "use1-az3"}


def ec2_reads(stub, latest_version, subnets=SUBNETS, offered_in=("use1-az6", "use1-az1")):
    """The EC2 reads of a run: the subnets' AZs, the types' offerings by AZ id, maybe the latest version."""
    stub.add_response("describe_subnets", {"Subnets": list(subnets)})
    offerings = [
        {"InstanceType": t, "LocationType": "availability-zone-id", "Location": z}
        for t in ("c5.large", "m5.large")
        for z in offered_in
    ]
    stub.add_response("describe_instance_type_offerings", {"InstanceTypeOfferings": offerings})
    if latest_version is not None:
        stub.add_response(
            "describe_launch_templates",
            {"LaunchTemplates": [{"LaunchTemplateName": "web-lt", "LatestVersionNumber": latest_version}]},
        )


def run(group, latest_version, refreshes=None, check_mode=False, expect_start=False, **overrides):
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(group)
    ec2_reads(ec2_stub, latest_version)
    if refreshes is not None:
        as_stub.add_response("describe_instance_refreshes", {"InstanceRefreshes": refreshes})
    if expect_start:
        as_stub.add_response("start_instance_refresh", {"InstanceRefreshId": "r-new"})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=check_mode, **overrides)
    with ec2_stub, as_stub:
        result = ensure(module)
    ec2_stub.assert_no_pending_responses()
    as_stub.assert_no_pending_responses()
    return result


def test_up_to_date_group_is_unchanged_and_reports_pools():
    result = run(described(), latest_version=1)
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["spot_pools"]["count"] == 4
    assert result["spot_pools"]["by_availability_zone"] == {"us-east-1a": 2, "us-east-1b": 2}
    assert result["group"]["auto_scaling_group_name"] == "web-asg" and result["group"]["tags"] == {
        "refarch:deployment": "refarch"
    }


def test_changed_subnets_are_mapped_to_azs_with_describe_subnets():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(described(VPCZoneIdentifier="subnet-a", AvailabilityZones=["us-east-1a"]))
    ec2_reads(ec2_stub, latest_version=1)
    as_stub.add_response("update_auto_scaling_group", {})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-a", "subnet-b"])
    with ec2_stub, as_stub:
        result = ensure(module)
    ec2_stub.assert_no_pending_responses()
    as_stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["vpc_zone_identifier"]
    assert result["group"]["vpc_zone_identifier"] == ["subnet-a", "subnet-b"]
    assert result["spot_pools"]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_outdated_instances_start_one_refresh():
    result = run(described(), latest_version=2, refreshes=[], expect_start=True)
    assert result["changed"] is True and result["changed_keys"] == ["instance_refresh"]
    assert result["instance_refresh_id"] == "r-new"
    assert result["outdated_instances"] == ["i-1", "i-2"]


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr(asg, "wait_for", functools.partial(aws_client.wait_for, sleep=lambda s: None))


def test_with_wait_the_refresh_starts_after_the_capacity_is_in_service(no_sleep):
    """An update and a refresh in one run: the refresh (it replaces instances) waits for the capacity."""
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(described())
    ec2_reads(ec2_stub, latest_version=2)
    as_stub.add_response("describe_instance_refreshes", {"InstanceRefreshes": []})
    as_stub.add_response("update_auto_scaling_group", {})
    pending = [instance("i-1", "us-east-1a", "1"), instance("i-3", "us-east-1b", "2", state="Pending")]
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described(Instances=pending)]})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    as_stub.add_response("start_instance_refresh", {"InstanceRefreshId": "r-new"})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, max_size=12, wait=True)
    with ec2_stub, as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["max_size", "instance_refresh"] and result["instance_refresh_id"] == "r-new"


def test_a_running_refresh_is_left_alone():
    running = [{"InstanceRefreshId": "r-1", "Status": "InProgress"}]
    result = run(described(), latest_version=2, refreshes=running)
    assert result["changed"] is False and result["instance_refresh_id"] is None


def test_check_mode_predicts_the_refresh_without_starting_it():
    result = run(described(), latest_version=2, refreshes=[], check_mode=True)
    assert result["changed"] is True and result["instance_refresh_id"] is None


def test_instances_spread_over_azs_need_no_refresh_when_current():
    group = described(
        Instances=[instance("i-%d" % n, "us-east-1%s" % z, "3") for n, z in enumerate("abcdef")], DesiredCapacity=6
    )
    assert run(group, latest_version=3)["changed"] is False


@pytest.mark.parametrize(
    ("overrides", "key"), [(dict(max_size=12), "max_size"), (dict(capacity_rebalance=False), "capacity_rebalance")]
)
def test_check_mode_predicts_an_update_without_calling_it(overrides, key):
    result = run(described(), latest_version=1, check_mode=True, **overrides)
    assert result["changed"] is True and result["changed_keys"] == [key]
    assert result["diff"]["after"][key] == overrides[key] and result["group"][key] == overrides[key]


def test_tags_are_purged_by_default_and_propagate_to_the_instances():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(
        described(Tags=[{"Key": "refarch:deployment", "Value": "refarch"}, {"Key": "old", "Value": "x"}])
    )
    ec2_reads(ec2_stub, latest_version=1)
    as_stub.add_response("create_or_update_tags", {}, {"Tags": asg.tag_list("web-asg", {"team": "web"})})
    as_stub.add_response("delete_tags", {}, {"Tags": asg.tag_list("web-asg", {"old": ""})})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, tags={"team": "web"}, purge_tags=True)
    with ec2_stub, as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["tags"]


def test_a_group_without_our_tag_is_refused():
    ec2, _ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(described(Tags=[]))
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling})
    with as_stub, pytest.raises(runner.Refused, match="web-asg exists but has no refarch:deployment=refarch tag"):
        ensure(module)


def test_a_known_latest_version_saves_the_lookup_and_predicts_the_refresh_in_check_mode():
    """The launch_template module predicts latest_version + 1 in check mode; the group predicts the refresh."""
    result = run(described(), latest_version=None, refreshes=[], check_mode=True, launch_template_latest_version=2)
    assert result["changed"] is True and result["outdated_instances"] == ["i-1", "i-2"]


def test_an_az_that_offers_none_of_the_types_is_left_out_of_the_group_and_reported():
    """us-east-1e (use1-az3) offers none of the types: the group stays on us-east-1a and us-east-1b."""
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(described())
    ec2_reads(ec2_stub, latest_version=1, subnets=[*SUBNETS, SUBNET_E])
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-a", "subnet-b", "subnet-e"])
    with ec2_stub, as_stub:
        result = ensure(module)
    assert result["changed"] is False  # the group already is on subnet-a and subnet-b only
    assert result["placement"]["subnet_ids"] == ["subnet-a", "subnet-b"]
    assert result["placement"]["availability_zones"] == [
        {"availability_zone": "us-east-1a", "availability_zone_id": "use1-az6"},
        {"availability_zone": "us-east-1b", "availability_zone_id": "use1-az1"},
    ]
    [left_out] = result["placement"]["left_out"]
    assert (left_out["availability_zone"], left_out["availability_zone_id"], left_out["subnet_id"]) == (
        "us-east-1e",
        "use1-az3",
        "subnet-e",
    )
    assert result["spot_pools"]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_a_new_group_is_created_only_in_the_offering_azs():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(None)
    ec2_reads(ec2_stub, latest_version=None, subnets=[*SUBNETS, SUBNET_E])
    desired = asg.build_desired(dict(params(), subnet_ids=["subnet-a", "subnet-b"]))
    expected = asg.create_params("web-asg", desired, {"refarch:deployment": "refarch"})
    assert expected["VPCZoneIdentifier"] == "subnet-a,subnet-b"
    as_stub.add_response("create_auto_scaling_group", {}, expected)
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-e", "subnet-a", "subnet-b"])
    with ec2_stub, as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert result["changed"] is True and result["changed_keys"] == []
    assert result["diff"]["before"] == {} and result["group"]["auto_scaling_group_arn"]


def test_check_mode_predicts_a_new_group_at_min_size():
    result = run(None, latest_version=None, check_mode=True)
    assert result["changed"] is True
    assert result["group"]["desired_capacity"] == 2 and result["group"]["tags"] == {"refarch:deployment": "refarch"}
    assert result["group"]["mixed_instances_policy"]["launch_template"]["overrides"] == [
        {"instance_type": "c5.large"},
        {"instance_type": "m5.large"},
    ]


def test_a_new_group_with_wait_is_read_once_its_capacity_is_in_service(no_sleep):
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(None)
    ec2_reads(ec2_stub, latest_version=None)
    as_stub.add_response("create_auto_scaling_group", {})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described(Instances=[])]})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, wait=True)
    with ec2_stub, as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert [i["lifecycle_state"] for i in result["group"]["instances"]] == ["InService", "InService"]


def test_no_offering_az_at_all_fails_naming_subnet_ids():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(None)
    ec2_reads(ec2_stub, latest_version=None, offered_in=())
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling})
    with ec2_stub, as_stub, pytest.raises(runner.Refused, match="subnet_ids: none of their AZs"):
        ensure(module)


def test_offered_zones_only_off_keeps_every_subnet():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = group_stubbed(None)
    ec2_reads(ec2_stub, latest_version=None, offered_in=("use1-az6",))
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=True, offered_zones_only=False)
    with ec2_stub, as_stub:
        result = ensure(module)
    assert result["placement"]["subnet_ids"] == ["subnet-a", "subnet-b"] and result["placement"]["left_out"] == []


def delete(group, **overrides):
    """A client, its stub (the caller adds the calls it expects after the read) and a module with state=absent."""
    autoscaling, as_stub = group_stubbed(group)
    module = FakeModule({"autoscaling": autoscaling}, state="absent", **overrides)
    return as_stub, module


def test_without_wait_the_deletion_is_started_and_not_waited_for():
    as_stub, module = delete(described())
    as_stub.add_response("delete_auto_scaling_group", {}, {"AutoScalingGroupName": "web-asg", "ForceDelete": True})
    with as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert result["changed"] is True and result["diff"]["after"] == {} and result["group"] == {}
    assert result["instance_refresh_id"] is None and "spot_pools" not in result


def test_with_wait_the_deletion_is_waited_for_until_the_group_is_gone(no_sleep):
    as_stub, module = delete(described(), wait=True)
    as_stub.add_response("delete_auto_scaling_group", {}, {"AutoScalingGroupName": "web-asg", "ForceDelete": True})
    as_stub.add_response(
        "describe_auto_scaling_groups", {"AutoScalingGroups": [described(Status="Delete in progress")]}
    )
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []})
    with as_stub:
        assert ensure(module)["changed"] is True
    as_stub.assert_no_pending_responses()


def test_a_group_being_deleted_is_only_waited_for(no_sleep):
    """What a second task with wait=true finds after one with wait=false: no second DeleteAutoScalingGroup."""
    deleting = described(Status="Delete in progress")
    as_stub, module = delete(deleting, wait=True)
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [deleting]})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []})
    with as_stub:
        result = ensure(module)
    as_stub.assert_no_pending_responses()
    assert result["changed"] is False and result["diff"] == {"before": {}, "after": {}}


def test_check_mode_on_a_group_being_deleted_predicts_no_change():
    as_stub, module = delete(described(Status="Delete in progress"), wait=True)
    module.check_mode = True
    with as_stub:
        assert ensure(module)["changed"] is False
    as_stub.assert_no_pending_responses()
