"""The group module's decisions with stubbed clients: what the emulator cannot show on its own
(instance refresh on AWS stays InProgress for minutes; Spot pools per AZ come from EC2)."""

import copy
import functools

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import client as aws_client
from ansible_collections.refarch.aws.plugins.modules import autoscaling_spot_group as module_under_test

from ..module_utils.stubbed import stubbed
from ..module_utils.test_autoscaling import described, instance, params


class FakeModule:
    def __init__(self, clients, check_mode=False, **overrides):
        self.params = dict(
            params(),
            name="web-asg",
            state="present",
            instance_refresh=True,
            instance_refresh_min_healthy_percentage=90,
            launch_template_latest_version=None,
            deployment="refarch",
            tags={},
            purge_tags=False,
            wait=False,
            wait_timeout=60,
        )
        self.params.setdefault("offered_zones_only", True)
        self.params.update(overrides)
        self.check_mode = check_mode
        self.clients = clients

    def client(self, service, retry_decorator=None):
        return self.clients[service]

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs["msg"])


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


def run(group, latest_version, refreshes=None, check_mode=False, expect_start=False):
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version)
    if refreshes is not None:
        as_stub.add_response("describe_instance_refreshes", {"InstanceRefreshes": refreshes})
    if expect_start:
        as_stub.add_response("start_instance_refresh", {"InstanceRefreshId": "r-new"})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=check_mode)
    with ec2_stub, as_stub:
        result = module_under_test.ensure_present(module, autoscaling, copy.deepcopy(group))
    ec2_stub.assert_no_pending_responses()
    as_stub.assert_no_pending_responses()
    return result


def test_up_to_date_group_is_unchanged_and_reports_pools():
    result = run(described(), latest_version=1)
    assert result["changed"] is False and "diff" not in result
    assert result["spot_pools"]["count"] == 4
    assert result["spot_pools"]["by_availability_zone"] == {"us-east-1a": 2, "us-east-1b": 2}


def test_changed_subnets_are_mapped_to_azs_with_describe_subnets():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=1)
    as_stub.add_response("update_auto_scaling_group", {})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-a"])
    module.params["subnet_ids"] = ["subnet-a", "subnet-b"]
    group = described(VPCZoneIdentifier="subnet-a", AvailabilityZones=["us-east-1a"])
    with ec2_stub, as_stub:
        result = module_under_test.ensure_present(module, autoscaling, group)
    ec2_stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["VPCZoneIdentifier"]
    assert result["spot_pools"]["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_outdated_instances_start_one_refresh():
    result = run(described(), latest_version=2, refreshes=[], expect_start=True)
    assert result["changed"] is True
    assert result["instance_refresh_id"] == "r-new"
    assert result["outdated_instances"] == ["i-1", "i-2"]


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
    ("overrides", "key"), [(dict(max_size=12), "MaxSize"), (dict(capacity_rebalance=False), "CapacityRebalance")]
)
def test_check_mode_predicts_an_update_without_calling_it(overrides, key):
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=1)
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=True, **overrides)
    with ec2_stub, as_stub:
        result = module_under_test.ensure_present(module, autoscaling, described())
    assert result["changed"] is True and result["changed_keys"] == [key]
    assert (
        result["diff"]["after"][key]
        == module.params[{"MaxSize": "max_size", "CapacityRebalance": "capacity_rebalance"}[key]]
    )


def test_a_group_without_our_tag_is_refused():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, _as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=None)
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling})
    with ec2_stub, pytest.raises(AssertionError, match="not owned by deployment refarch"):
        module_under_test.ensure_present(module, autoscaling, described(Tags=[]))


def test_a_known_latest_version_saves_the_lookup_and_predicts_the_refresh_in_check_mode():
    """The launch_template module predicts latest_version + 1 in check mode; the group predicts the refresh."""
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=None)  # no describe_launch_templates
    as_stub.add_response("describe_instance_refreshes", {"InstanceRefreshes": []})
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=True, launch_template_latest_version=2)
    with ec2_stub, as_stub:
        result = module_under_test.ensure_present(module, autoscaling, described())
    as_stub.assert_no_pending_responses()
    assert result["changed"] is True and result["outdated_instances"] == ["i-1", "i-2"]


def test_an_az_that_offers_none_of_the_types_is_left_out_of_the_group_and_reported():
    """us-east-1e (use1-az3) offers none of the types: the group stays on us-east-1a and us-east-1b."""
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    subnets = [*SUBNETS, SUBNET_E]
    ec2_reads(ec2_stub, latest_version=1, subnets=subnets)
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-a", "subnet-b", "subnet-e"])
    with ec2_stub, as_stub:
        result = module_under_test.ensure_present(module, autoscaling, described())
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


def test_a_new_group_is_created_only_in_the_offering_azs(monkeypatch):
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=None, subnets=[*SUBNETS, SUBNET_E])
    as_stub.add_response("create_auto_scaling_group", {})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [described()]})
    created = []
    real_create = module_under_test.asg.create_group
    monkeypatch.setattr(
        module_under_test.asg,
        "create_group",
        lambda client, params: created.append(params) or real_create(client, params),
    )
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, subnet_ids=["subnet-e", "subnet-a", "subnet-b"])
    with ec2_stub, as_stub:
        module_under_test.ensure_present(module, autoscaling, None)
    as_stub.assert_no_pending_responses()
    assert created[0]["VPCZoneIdentifier"] == "subnet-a,subnet-b"


def test_no_offering_az_at_all_fails_naming_subnet_ids():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, _as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=None, offered_in=())
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling})
    with ec2_stub, pytest.raises(AssertionError, match="subnet_ids: none of their AZs"):
        module_under_test.ensure_present(module, autoscaling, None)


def test_offered_zones_only_off_keeps_every_subnet():
    ec2, ec2_stub = stubbed("ec2")
    autoscaling, _as_stub = stubbed("autoscaling")
    ec2_reads(ec2_stub, latest_version=None, offered_in=("use1-az6",))
    module = FakeModule({"ec2": ec2, "autoscaling": autoscaling}, check_mode=True, offered_zones_only=False)
    with ec2_stub:
        result = module_under_test.ensure_present(module, autoscaling, None)
    assert result["placement"]["subnet_ids"] == ["subnet-a", "subnet-b"] and result["placement"]["left_out"] == []


def delete(**overrides):
    """A client, its stub (the caller adds the calls it expects) and a module with state=absent."""
    autoscaling, as_stub = stubbed("autoscaling")
    module = FakeModule({"autoscaling": autoscaling}, state="absent", **overrides)
    return autoscaling, as_stub, module


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr(aws_client, "wait_for", functools.partial(aws_client.wait_for, sleep=lambda s: None))


def test_without_wait_the_deletion_is_started_and_not_waited_for():
    autoscaling, as_stub, module = delete()
    as_stub.add_response("delete_auto_scaling_group", {}, {"AutoScalingGroupName": "web-asg", "ForceDelete": True})
    with as_stub:
        result = module_under_test.ensure_absent(module, autoscaling, described())
    as_stub.assert_no_pending_responses()
    assert result["changed"] is True and result["diff"]["after"] == {}


def test_a_group_being_deleted_is_only_waited_for(no_sleep):
    """What a second task with wait=true finds after one with wait=false: no second DeleteAutoScalingGroup."""
    autoscaling, as_stub, module = delete(wait=True)
    deleting = described(Status="Delete in progress")
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": [deleting]})
    as_stub.add_response("describe_auto_scaling_groups", {"AutoScalingGroups": []})
    with as_stub:
        result = module_under_test.ensure_absent(module, autoscaling, deleting)
    as_stub.assert_no_pending_responses()
    assert result["changed"] is False and "diff" not in result


def test_check_mode_on_a_group_being_deleted_predicts_no_change():
    autoscaling, as_stub, module = delete(wait=True)
    module.check_mode = True
    with as_stub:
        assert (
            module_under_test.ensure_absent(module, autoscaling, described(Status="Delete in progress"))["changed"]
            is False
        )
