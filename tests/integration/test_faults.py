"""Faults: with 20% of AWS calls throttled or failing (the fault proxy in front of the emulator), a
stack deploys, a rerun finds nothing to change, and its teardown leaves nothing with our tag.

The stack is ``sfn_sqs_callback`` (IAM over the query protocol, SQS and Step Functions over JSON,
Lambda over REST-JSON); ``REFARCH_FAULT_STACKS=a,b`` runs others too. ``bench/soak.py`` does the
same for the whole site.yml, with interruptions, over many seeded rounds.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest

from refarch_emulator.faults import FaultProxy
from tests.support import leftovers
from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration
STACKS = [s for s in os.environ.get("REFARCH_FAULT_STACKS", "sfn_sqs_callback").split(",") if s]
RATE = 0.2


def report(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


@pytest.mark.parametrize("stack", STACKS)
def test_a_stack_converges_through_20_percent_faults_and_teardown_leaves_nothing(aws, capsys, stack):
    only = {"refarch_stacks_selected": stack}
    with FaultProxy(aws.url, rate=RATE, seed=8) as proxy:
        env = dict(aws.environment(), AWS_ENDPOINT_URL=proxy.url)

        first = run_playbook("site.yml", env, extra_vars=only)
        assert first.rc == 0, first.stdout[-4000:] + first.stderr[-2000:]
        assert first.changed > 0
        deployed = leftovers.leftovers(aws.url)  # read past the proxy: the emulator's own state
        assert deployed, "the deployment created nothing the leftovers reader can see"
        after_deploy = proxy.stats()["injected"]

        aws.clear_calls()
        again = run_playbook("site.yml", env, extra_vars=only)
        assert again.rc == 0, again.stdout[-4000:] + again.stderr[-2000:]
        assert again.changed_tasks() == []
        assert aws.mutating_calls() == [], "a rerun through faults made mutating calls"
        assert leftovers.snapshot(leftovers.leftovers(aws.url)) == leftovers.snapshot(deployed)

        gone = run_playbook("teardown.yml", env, extra_vars=only)
        assert gone.rc == 0, gone.stdout[-4000:] + gone.stderr[-2000:]
        stats = proxy.stats()
    left = leftovers.leftovers(aws.url)
    report(
        capsys,
        f"faults ({stack}, {RATE:.0%}): {stats['injected']} injected and survived "
        f"({after_deploy} in the deploy), {stats['forwarded']} calls forwarded; "
        f"by kind {stats['per_kind']}; by service {stats['per_service']}; "
        f"{len(deployed)} resources deployed, {len(left)} left after teardown",
    )
    assert after_deploy > 0 and stats["injected"] > after_deploy
    assert [str(r) for r in left] == []


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_the_leftovers_reader_sees_every_kind_it_reads(aws):
    """Each reader finds a resource carrying the tag, and tells an untagged look-alike apart."""
    tag = {"Key": leftovers.TAG_KEY, "Value": "probe"}
    lower = {"key": leftovers.TAG_KEY, "value": "probe"}
    services = (f"{s}.amazonaws.com" for s in ("lambda", "states", "codebuild", "codepipeline"))
    statements = [{"Effect": "Allow", "Principal": {"Service": s}, "Action": "sts:AssumeRole"} for s in services]
    trust = json.dumps({"Version": "2012-10-17", "Statement": statements})
    iam = aws.client("iam")
    role = iam.create_role(RoleName="probe-role", AssumeRolePolicyDocument=trust, Tags=[tag])["Role"]["Arn"]
    iam.create_role(RoleName="probe-role-lookalike", AssumeRolePolicyDocument=trust)
    aws.wait_for_iam()
    iam.create_policy(
        PolicyName="probe-policy",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:GetQueueUrl", "Resource": "*"}]}
        ),
        Tags=[tag],
    )
    iam.create_instance_profile(InstanceProfileName="probe-profile", Tags=[tag])
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    ec2.create_security_group(
        GroupName="probe-sg",
        Description="probe",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [tag]}],
    )
    ec2.create_launch_template(
        LaunchTemplateName="probe-lt",
        LaunchTemplateData={"InstanceType": "t3.micro", "ImageId": "ami-0d27e0fb3bac4d724"},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [tag]}],
    )
    aws.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="probe-asg",
        LaunchTemplate={"LaunchTemplateName": "probe-lt"},
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnets[0],
        Tags=[dict(tag, PropagateAtLaunch=True)],
    )
    elb = aws.client("elbv2")
    elb.create_load_balancer(Name="probe-alb", Subnets=subnets, Tags=[tag])
    elb.create_target_group(Name="probe-tg", Protocol="HTTP", Port=80, VpcId=vpc, Tags=[tag])
    aws.client("sqs").create_queue(QueueName="probe-queue", tags={leftovers.TAG_KEY: "probe"})
    aws.client("lambda").create_function(
        FunctionName="probe-fn", Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": _zip()}
    )
    aws.client("lambda").tag_resource(
        Resource=aws.client("lambda").get_function(FunctionName="probe-fn")["Configuration"]["FunctionArn"],
        Tags={leftovers.TAG_KEY: "probe"},
    )
    aws.client("stepfunctions").create_state_machine(
        name="probe-sm",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}),
        roleArn=role,
        tags=[lower],
    )
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="probe-bucket")
    s3.put_bucket_tagging(Bucket="probe-bucket", Tagging={"TagSet": [tag]})
    aws.client("codebuild").create_project(
        name="probe-build",
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=role,
        tags=[lower],
    )
    aws.client("codepipeline").create_pipeline(
        pipeline={
            "name": "probe-pipeline",
            "roleArn": role,
            "artifactStore": {"type": "S3", "location": "probe-bucket"},
            "stages": [
                {
                    "name": name,
                    "actions": [
                        {
                            "name": name,
                            "actionTypeId": {
                                "category": category,
                                "owner": "AWS",
                                "provider": provider,
                                "version": "1",
                            },
                            "configuration": configuration,
                            **io_,
                        }
                    ],
                }
                for name, category, provider, configuration, io_ in (
                    (
                        "Source",
                        "Source",
                        "S3",
                        {"S3Bucket": "probe-bucket", "S3ObjectKey": "k"},
                        {"outputArtifacts": [{"name": "src"}]},
                    ),
                    (
                        "Build",
                        "Build",
                        "CodeBuild",
                        {"ProjectName": "probe-build"},
                        {"inputArtifacts": [{"name": "src"}]},
                    ),
                )
            ],
        },
        tags=[lower],
    )
    aws.client("codeconnections").create_connection(ConnectionName="probe-conn", ProviderType="GitHub", Tags=[tag])
    aws.client("elasticbeanstalk").create_application(ApplicationName="probe-app", Tags=[tag])
    aws.client("logs").create_log_group(logGroupName="/probe/logs", tags={leftovers.TAG_KEY: "probe"})

    resources, errors = leftovers.inventory(aws.url)
    assert errors == {}
    found = {(r.kind, r.name) for r in leftovers.owned(resources, "probe")}
    expected = {
        ("iam:role", "probe-role"),
        ("iam:policy", "probe-policy"),
        ("iam:instance-profile", "probe-profile"),
        ("ec2:security-group", "probe-sg"),
        ("ec2:launch-template", "probe-lt"),
        ("autoscaling:group", "probe-asg"),
        ("elbv2:load-balancer", "probe-alb"),
        ("elbv2:target-group", "probe-tg"),
        ("sqs:queue", "probe-queue"),
        ("lambda:function", "probe-fn"),
        ("stepfunctions:state-machine", "probe-sm"),
        ("s3:bucket", "probe-bucket"),
        ("codebuild:project", "probe-build"),
        ("codepipeline:pipeline", "probe-pipeline"),
        ("codeconnections:connection", "probe-conn"),
        ("elasticbeanstalk:application", "probe-app"),
        ("logs:log-group", "/probe/logs"),
    }
    assert expected - found == set()
    assert {kind.split(":", maxsplit=1)[0] for kind, _name in expected} == set(leftovers.READERS)  # every reader proven
    assert ("iam:role", "probe-role-lookalike") in {(r.kind, r.name) for r in resources}
    assert ("iam:role", "probe-role-lookalike") not in found
    assert leftovers.owned(resources, "another-deployment") == []
