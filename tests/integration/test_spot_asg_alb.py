"""Stack 1 on the emulator: check → deploy → check unchanged → rerun unchanged, for every module of
the role; every seed property read back with boto3; a new instance type or user data makes exactly
one new template version that the group picks up at $Latest (and rolls to); teardown leaves nothing
of the stack and never touches a look-alike without our tag."""

from __future__ import annotations

import base64
import collections
import re

import pytest
from ansible.plugins.callback import CallbackBase

from tests.support.emulator import positions
from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration

DEPLOY = "site.yml"
TEARDOWN = "teardown.yml"
BAD_INPUT = "tests/integration/playbooks/spot_asg_alb_bad_input.yml"
NAME = "refarch-web"
OWNER = {"Key": "refarch:deployment", "Value": "refarch"}
AMI = "ami-0d27e0fb3bac4d724"
VARS = {"refarch_stacks_selected": "spot_asg_alb", "spot_asg_alb_wait_timeout": 60}
# The role's resource tasks, each backed by one module.
TASKS = {
    "sgs": "Security groups (ALB HTTP 80 from anywhere; instances HTTP 80 from the ALB's group only)",
    "template": "Launch template (IMDSv2, the page-serving user data)",
    "alb": "ALB, target group and HTTP 80 listener",
    "group": "Spot Auto Scaling group over the AZs that offer its types, at the template's $Latest",
}
SUMMARY = "refarch.aws.spot_asg_alb : What this stack deployed, for the deployment summary"
# The AZ of the emulator's us-east-1 that offers none of the role's 24 types (moto's AWS-derived offerings).
EMPTY_AZ = ("us-east-1e", "use1-az3")


def deploy(aws, *args, **extra):
    return ok(run_playbook(DEPLOY, aws.environment(), *args, extra_vars=dict(VARS, **extra)))


def ok(run):
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return run


def changed_by_task(run):
    return {
        key: run.task_results(f"refarch.aws.spot_asg_alb : {task}")[0].get("changed") for key, task in TASKS.items()
    }


def action_counts(aws):
    return dict(collections.Counter(f"{c.service}:{c.action}" for c in aws.calls()))


def seed_look_alikes(aws):
    """Resources that look like the stack's but lack our ownership tag."""
    ec2 = aws.client("ec2")
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ec2.create_security_group(GroupName=f"{NAME}-lookalike-sg", Description="not ours", VpcId=vpc_id)
    ec2.create_launch_template(LaunchTemplateName=f"{NAME}-lookalike-lt", LaunchTemplateData={"ImageId": AMI})
    aws.client("elbv2").create_target_group(Name=f"{NAME}-lookalike", Protocol="HTTP", Port=80, VpcId=vpc_id)
    aws.clear_calls()


def read_back(aws):
    """Every seed property of the stack, as AWS describes it."""
    ec2, elbv2, autoscaling = aws.client("ec2"), aws.client("elbv2"), aws.client("autoscaling")
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    groups = {
        g["GroupName"]: g
        for g in ec2.describe_security_groups(Filters=[{"Name": "tag:refarch:deployment", "Values": ["refarch"]}])[
            "SecurityGroups"
        ]
    }
    template = ec2.describe_launch_templates(LaunchTemplateNames=[f"{NAME}-lt"])["LaunchTemplates"][0]
    latest = ec2.describe_launch_template_versions(LaunchTemplateName=f"{NAME}-lt", Versions=["$Latest"])[
        "LaunchTemplateVersions"
    ][0]
    lb = elbv2.describe_load_balancers(Names=[f"{NAME}-alb"])["LoadBalancers"][0]
    tg = elbv2.describe_target_groups(Names=[f"{NAME}-tg"])["TargetGroups"][0]
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"])["Attributes"]
    }
    listeners = elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    activities = autoscaling.describe_scaling_activities(AutoScalingGroupName=f"{NAME}-asg")["Activities"]
    health = elbv2.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"{NAME}-asg"])["AutoScalingGroups"][0]
    tags = {
        "template": template["Tags"],
        "lb": elbv2.describe_tags(ResourceArns=[lb["LoadBalancerArn"]])["TagDescriptions"][0]["Tags"],
        "tg": elbv2.describe_tags(ResourceArns=[tg["TargetGroupArn"]])["TagDescriptions"][0]["Tags"],
        "group": [{"Key": t["Key"], "Value": t["Value"]} for t in group["Tags"]],
    }
    return dict(
        subnets=subnets,
        groups=groups,
        template=template,
        latest=latest,
        lb=lb,
        tg=tg,
        attributes=attributes,
        listeners=listeners,
        targets=sorted(t["Target"]["Id"] for t in health),
        group=group,
        activities=activities,
        tags=tags,
    )


def assert_seed(state):
    subnet_ids = sorted(s["SubnetId"] for s in state["subnets"])
    assert len({s["AvailabilityZone"] for s in state["subnets"]}) == 6  # every AZ of us-east-1
    group_subnet_ids = sorted(s["SubnetId"] for s in state["subnets"] if s["AvailabilityZoneId"] != EMPTY_AZ[1])
    assert len(group_subnet_ids) == 5

    alb_sg, web_sg = state["groups"][f"{NAME}-alb-sg"], state["groups"][f"{NAME}-web-sg"]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in alb_sg["IpPermissions"]] == [("tcp", 80, 80)]
    assert [r["CidrIp"] for r in alb_sg["IpPermissions"][0]["IpRanges"]] == ["0.0.0.0/0"]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in web_sg["IpPermissions"]] == [("tcp", 80, 80)]
    assert web_sg["IpPermissions"][0]["IpRanges"] == []
    assert [g["GroupId"] for g in web_sg["IpPermissions"][0]["UserIdGroupPairs"]] == [alb_sg["GroupId"]]

    data = state["latest"]["LaunchTemplateData"]
    assert data["ImageId"] == AMI  # the SSM parameter's value on the emulator
    assert data["InstanceType"] == "c5.large"
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["SecurityGroupIds"] == [web_sg["GroupId"]]
    page = base64.b64decode(data["UserData"]).decode()
    for field in ("instance-id", "instance-type", "placement/availability-zone", "instance-life-cycle"):
        assert field in page

    lb, tg = state["lb"], state["tg"]
    assert lb["Scheme"] == "internet-facing" and lb["Type"] == "application"
    assert sorted(z["SubnetId"] for z in lb["AvailabilityZones"]) == subnet_ids
    assert lb["SecurityGroups"] == [alb_sg["GroupId"]]
    assert (tg["Protocol"], tg["Port"], tg["TargetType"], tg["HealthCheckPath"]) == ("HTTP", 80, "instance", "/")
    assert (tg["HealthCheckIntervalSeconds"], tg["HealthyThresholdCount"], tg["UnhealthyThresholdCount"]) == (15, 2, 2)
    assert int(state["attributes"]["deregistration_delay.timeout_seconds"]) < 120  # drains within the Spot notice
    assert [(lst["Protocol"], lst["Port"]) for lst in state["listeners"]] == [("HTTP", 80)]
    assert state["listeners"][0]["DefaultActions"][0]["TargetGroupArn"] == tg["TargetGroupArn"]

    group = state["group"]
    policy = group["MixedInstancesPolicy"]
    assert policy["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] == "$Latest"
    assert policy["LaunchTemplate"]["LaunchTemplateSpecification"]["LaunchTemplateName"] == f"{NAME}-lt"
    assert len(policy["LaunchTemplate"]["Overrides"]) == 24
    assert policy["LaunchTemplate"]["Overrides"][0]["InstanceType"] == "c5.large"
    distribution = policy["InstancesDistribution"]
    assert distribution["SpotAllocationStrategy"] == "price-capacity-optimized"
    assert (distribution["OnDemandBaseCapacity"], distribution["OnDemandPercentageAboveBaseCapacity"]) == (0, 0)
    assert group["CapacityRebalance"] is True
    assert (group["HealthCheckType"], group["HealthCheckGracePeriod"]) == ("ELB", 300)
    assert sorted(group["VPCZoneIdentifier"].split(",")) == group_subnet_ids  # the ALB keeps every AZ
    assert group["TargetGroupARNs"] == [tg["TargetGroupArn"]]
    instances = group["Instances"]
    assert len(instances) == group["DesiredCapacity"] == 2
    assert {i["LifecycleState"] for i in instances} == {"InService"}
    assert len({i["AvailabilityZone"] for i in instances}) == 2  # spread over AZs (emulator extension)
    assert state["targets"] == sorted(i["InstanceId"] for i in instances)
    # AWS fails every launch into an AZ that offers none of the types: the group never tried one.
    assert state["activities"] and {a["StatusCode"] for a in state["activities"]} == {"Successful"}
    for kind, tags in state["tags"].items():
        assert OWNER in tags, kind


def assert_user_data_shown_as_text(run, added_line):
    """--diff of the template, as Ansible's default output prints it: the user data decoded, a line
    diff of its own, no base64 blob."""
    (result,) = run.task_results(f"refarch.aws.spot_asg_alb : {TASKS['template']}")
    shown = CallbackBase()._get_diff(result["diff"])
    assert "--- before: user data\n+++ after: user data\n" in shown, shown
    assert "\n" + added_line + "\n" in shown and "(user data: the text diff below)" in shown
    assert not re.search(r"[A-Za-z0-9+/=]{200}", shown)


def test_deploy_four_steps_versions_and_teardown(aws):
    seed_look_alikes(aws)

    check = deploy(aws, "--check")
    assert changed_by_task(check) == dict.fromkeys(TASKS, True)
    assert aws.mutating_calls() == []
    check_calls = action_counts(aws)

    aws.clear_calls()
    first = deploy(aws)
    assert changed_by_task(first) == dict.fromkeys(TASKS, True)
    pools = first.task_results(f"refarch.aws.spot_asg_alb : {TASKS['group']}")[0]["spot_pools"]
    assert pools["count"] >= 120 and pools["instance_types"] == 24
    assert "Spot pools: %d" % pools["count"] in first.stdout
    assert_summary_names_the_left_out_az(first)
    deploy_calls = action_counts(aws)
    assert_the_load_balancer_provisions_while_the_group_is_made(aws.actions())
    state = read_back(aws)
    assert_seed(state)
    assert state["template"]["LatestVersionNumber"] == 1

    aws.clear_calls()
    check_again = deploy(aws, "--check")
    assert changed_by_task(check_again) == dict.fromkeys(TASKS, False)
    assert aws.mutating_calls() == []

    aws.clear_calls()
    rerun = deploy(aws)
    assert rerun.changed == 0, rerun.changed_tasks()
    assert aws.mutating_calls() == []
    noop_calls = action_counts(aws)
    print("API calls: check", check_calls, "deploy", deploy_calls, "no-op rerun", noop_calls)

    # A new instance type: check mode predicts the new version and the group's refresh, mutating nothing;
    # the real run makes exactly one new version, the group stays at $Latest and rolls to it.
    aws.clear_calls()
    predicted = deploy(aws, "--check", spot_asg_alb_instance_type="m5.large")
    assert changed_by_task(predicted) == dict(dict.fromkeys(TASKS, False), template=True, group=True)
    assert aws.mutating_calls() == []
    aws.clear_calls()
    new_type = deploy(aws, spot_asg_alb_instance_type="m5.large")
    assert sorted(new_type.changed_tasks()) == sorted(
        f"spot_asg_alb: refarch.aws.spot_asg_alb : {TASKS[k]}" for k in ("template", "group")
    )
    assert aws.mutating_calls().count("ec2:CreateLaunchTemplateVersion") == 1
    assert "autoscaling:StartInstanceRefresh" in aws.mutating_calls()
    state = read_back(aws)
    assert state["template"]["LatestVersionNumber"] == 2
    assert state["latest"]["LaunchTemplateData"]["InstanceType"] == "m5.large"
    spec = state["group"]["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    assert spec["Version"] == "$Latest"
    assert {i["LaunchTemplate"]["Version"] for i in state["group"]["Instances"]} == {"2"}

    # New user data: one more version, nothing else; --diff shows it decoded, as a line diff.
    aws.clear_calls()
    assert_user_data_shown_as_text(
        deploy(aws, "--diff", spot_asg_alb_instance_type="m5.large", spot_asg_alb_page_title="second edition"),
        "+<html><body><h1>second edition</h1>",
    )
    assert aws.mutating_calls().count("ec2:CreateLaunchTemplateVersion") == 1
    state = read_back(aws)
    assert state["template"]["LatestVersionNumber"] == 3
    assert "second edition" in base64.b64decode(state["latest"]["LaunchTemplateData"]["UserData"]).decode()
    assert (
        state["group"]["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]["Version"] == "$Latest"
    )

    teardown_leaves_only_look_alikes(aws)


def assert_the_load_balancer_provisions_while_the_group_is_made(actions):
    """The load balancer is created before the group, and polled until active only once the group is made."""
    created = actions.index("elasticloadbalancing:CreateLoadBalancer")
    group = actions.index("autoscaling:CreateAutoScalingGroup")
    assert created < group
    polls = positions(actions, "elasticloadbalancing:DescribeLoadBalancers", after=created)
    assert polls and min(polls) > group, (created, group, polls)


def assert_the_load_balancer_goes_while_the_group_drains(actions):
    """The group's deletion is issued first, the load balancer's next, and the group waited for after it;
    the target group goes once the group is gone."""
    group = actions.index("autoscaling:DeleteAutoScalingGroup")
    balancer = actions.index("elasticloadbalancing:DeleteLoadBalancer")
    assert group < balancer
    waits = positions(actions, "autoscaling:DescribeAutoScalingGroups", after=group)
    assert waits and max(waits) > balancer, (group, balancer, waits)
    assert actions.index("elasticloadbalancing:DeleteTargetGroup") > max(waits)


def assert_summary_names_the_left_out_az(run):
    summary = run.task_results(SUMMARY)[0]["ansible_facts"]["refarch_stack_summary"]
    left_out = summary["availability_zones_left_out"]
    assert [(z["availability_zone"], z["availability_zone_id"]) for z in left_out] == [EMPTY_AZ]
    assert "offers none of the 24 instance types" in left_out[0]["reason"]
    assert len(summary["availability_zones"]) == 5
    assert "AZs left out: us-east-1e (use1-az3) offers none of the 24 instance types" in run.stdout


def teardown_leaves_only_look_alikes(aws):
    """Check mode mutates nothing; the real run removes the stack and only the stack; a rerun changes nothing."""
    aws.clear_calls()
    ok(run_playbook(TEARDOWN, aws.environment(), "--check", extra_vars=VARS))
    assert aws.mutating_calls() == []
    aws.clear_calls()
    ok(run_playbook(TEARDOWN, aws.environment(), extra_vars=VARS))
    assert_the_load_balancer_goes_while_the_group_drains(aws.actions())
    assert_nothing_left(aws)
    again = ok(run_playbook(TEARDOWN, aws.environment(), extra_vars=VARS))
    assert again.changed == 0


def assert_nothing_left(aws):
    ec2, elbv2, autoscaling = aws.client("ec2"), aws.client("elbv2"), aws.client("autoscaling")
    assert autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert [t["TargetGroupName"] for t in elbv2.describe_target_groups()["TargetGroups"]] == [f"{NAME}-lookalike"]
    assert [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]] == [
        f"{NAME}-lookalike-lt"
    ]
    names = {g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert f"{NAME}-lookalike-sg" in names
    assert not names & {f"{NAME}-alb-sg", f"{NAME}-web-sg"}
    reservations = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}])
    assert reservations["Reservations"] == []


def test_bad_input_fails_before_any_api_call(aws):
    run = run_playbook(BAD_INPUT, aws.environment())
    assert run.rc == 0, run.stdout[-3000:]
    messages = {task.lower(): run.task_results(task)[0]["msg"] for task in ("Template", "Group", "Alb")}
    assert "image_id" in messages["template"] and "metadata_hop_limit" in messages["template"]
    assert "instance_weights" in messages["group"] and "max_size" in messages["group"]
    assert "deregistration_delay" in messages["alb"] and "subnet_ids" in messages["alb"]
    assert [c for c in aws.calls() if c.service != "sts"] == []
