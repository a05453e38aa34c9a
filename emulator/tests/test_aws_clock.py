"""AWS's clock in the extensions: each slow process shows its state before and after its duration.

Each duration is set here in explicit seconds through its own variable (awsclock.DURATIONS); the
load balancer's target health is derived from the target group's checks at the scale given.
"""

import time
import uuid

import pytest

from refarch_emulator import awsclock
from refarch_emulator.testing import client, durations, private_emulator, trust_policy

AMI = "ami-0d27e0fb3bac4d724"
SECONDS = 2.0  # long enough to see the state before on a busy machine
SCALE = 0.05  # target health: 10 s interval x 4 checks x 0.05 = 2 s
BUILD_ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}
BUILD_PHASES = [kind for _, kind in awsclock.CODEBUILD_PHASES if kind]
CLOCK = durations(
    {
        "elbv2-provisioning": SECONDS,
        "ec2-instance-pending": SECONDS,
        "autoscaling-inservice": SECONDS,
        "elasticbeanstalk-launch": SECONDS,
        "elasticbeanstalk-update": 2 * SECONDS,
        "elasticbeanstalk-terminate": SECONDS,
        "elasticbeanstalk-version": 0.1,
        **dict.fromkeys(BUILD_PHASES, 0.05),
        "codebuild-provisioning": SECONDS,
    }
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(
        tmp_path_factory.mktemp("state"),
        REFARCH_EMULATOR_TIME_SCALE=str(SCALE),
        REFARCH_EMULATOR_IAM_PROPAGATION_SECONDS="0",
        **CLOCK,
    ) as url:
        yield url


@pytest.fixture
def aws(endpoint):
    return lambda service: client(endpoint, service)


def subnets(aws):
    found = aws("ec2").describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return sorted(found, key=lambda s: s["AvailabilityZone"])


def settle(started, seconds):
    """Sleep until ``seconds`` (plus a margin) after ``started``: the moment the call that began the
    process returned (the emulator started its clock before that)."""
    time.sleep(max(0.0, started + seconds + 0.3 - time.monotonic()))


def test_load_balancer_is_provisioning_then_active(aws):
    elbv2 = aws("elbv2")
    created = elbv2.create_load_balancer(
        Name=f"lb-{uuid.uuid4().hex[:8]}", Subnets=[s["SubnetId"] for s in subnets(aws)][:2]
    )
    started = time.monotonic()
    arn = created["LoadBalancers"][0]["LoadBalancerArn"]
    assert created["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    # moto made it active at its first describe; AWS keeps it provisioning for minutes.
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    settle(started, SECONDS)
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "active"


def test_instance_is_pending_then_running(aws):
    ec2 = aws("ec2")
    launched = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    started = time.monotonic()
    assert launched["State"] == {"Code": 0, "Name": "pending"}
    described = ec2.describe_instances(InstanceIds=[launched["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert described["State"]["Name"] == "pending"
    settle(started, SECONDS)
    described = ec2.describe_instances(InstanceIds=[launched["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert described["State"] == {"Code": 16, "Name": "running"}


def test_group_instances_are_pending_then_in_service(aws):
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    name = f"asg-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={"ImageId": AMI, "InstanceType": "c5.large"})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MinSize=0,
        MaxSize=2,
        DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateName": name, "Version": "$Latest"},
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in subnets(aws)),
    )
    started = time.monotonic()
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    assert [i["LifecycleState"] for i in group["Instances"]] == ["Pending", "Pending"]
    ids = [i["InstanceId"] for i in group["Instances"]]
    one = autoscaling.describe_auto_scaling_instances(InstanceIds=ids[:1])["AutoScalingInstances"][0]
    assert one["LifecycleState"] == "Pending"
    settle(started, SECONDS)
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    assert [i["LifecycleState"] for i in group["Instances"]] == ["InService", "InService"]
    assert len(group["Instances"]) == 2  # the Pending ones counted: nothing extra was launched meanwhile


def test_target_is_initial_for_interval_times_threshold_then_healthy(aws):
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc_id = subnets(aws)[0]["VpcId"]
    group = elbv2.create_target_group(
        Name=f"tg-{uuid.uuid4().hex[:8]}",
        Protocol="HTTP",
        Port=80,
        VpcId=vpc_id,
        HealthCheckIntervalSeconds=10,
        HealthyThresholdCount=4,
    )["TargetGroups"][0]["TargetGroupArn"]
    instance = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": instance["InstanceId"]}])
    started = time.monotonic()
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"][0]["TargetHealth"]
    assert health == {
        "State": "initial",
        "Reason": "Elb.InitialHealthChecking",
        "Description": "Initial health checks in progress",
    }
    settle(started, 10 * 4 * SCALE)
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"][0]["TargetHealth"]
    assert health["State"] == "healthy"


def test_beanstalk_launch_update_and_terminate_each_take_their_own_duration(aws):
    eb, s3 = aws("elasticbeanstalk"), aws("s3")
    name = f"app-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="v1.zip", Body=b"PK")
    eb.create_application(ApplicationName=name)
    eb.create_application_version(
        ApplicationName=name, VersionLabel="v1", SourceBundle={"S3Bucket": name, "S3Key": "v1.zip"}
    )
    env = eb.create_environment(
        ApplicationName=name,
        EnvironmentName=name,
        SolutionStackName="64bit Amazon Linux 2023 v4.10.0 running Python 3.11",
        VersionLabel="v1",
    )
    started = time.monotonic()
    assert env["Status"] == "Launching"
    settle(started, SECONDS)
    assert eb.describe_environments(EnvironmentIds=[env["EnvironmentId"]])["Environments"][0]["Status"] == "Ready"

    eb.update_environment(EnvironmentId=env["EnvironmentId"], Description="changed")
    started = time.monotonic()
    time.sleep(SECONDS * 0.75)  # under the update's duration (2 x SECONDS): still Updating
    assert eb.describe_environments(EnvironmentIds=[env["EnvironmentId"]])["Environments"][0]["Status"] == "Updating"
    settle(started, 2 * SECONDS)
    assert eb.describe_environments(EnvironmentIds=[env["EnvironmentId"]])["Environments"][0]["Status"] == "Ready"

    assert eb.terminate_environment(EnvironmentId=env["EnvironmentId"])["Status"] == "Terminating"
    started = time.monotonic()
    settle(started, SECONDS)
    described = eb.describe_environments(EnvironmentIds=[env["EnvironmentId"]], IncludeDeleted=True)
    assert described["Environments"][0]["Status"] == "Terminated"


def test_build_phases_take_their_own_durations(aws):
    iam, codebuild = aws("iam"), aws("codebuild")
    role = iam.create_role(
        RoleName=f"build-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=trust_policy("codebuild.amazonaws.com")
    )
    name = f"build-{uuid.uuid4().hex[:8]}"
    codebuild.create_project(
        name=name,
        serviceRole=role["Role"]["Arn"],
        environment=BUILD_ENVIRONMENT,
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
    )
    build_id = codebuild.start_build(projectName=name)["build"]["id"]
    started = time.monotonic()
    time.sleep(0.3)  # past SUBMITTED and QUEUED (0.05 s), inside PROVISIONING (2 s)
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert (build["buildStatus"], build["currentPhase"]) == ("IN_PROGRESS", "PROVISIONING")
    settle(started, SECONDS + 0.05 * (len(BUILD_PHASES) - 1))
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert (build["buildStatus"], build["currentPhase"]) == ("SUCCEEDED", "COMPLETED")
    provisioning = next(p for p in build["phases"] if p["phaseType"] == "PROVISIONING")
    length = (provisioning["endTime"] - provisioning["startTime"]).total_seconds()
    assert length == pytest.approx(SECONDS, abs=0.01)
