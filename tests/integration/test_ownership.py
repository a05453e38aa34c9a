"""Ownership: what lacks our tag (refarch:deployment=refarch) is never adopted, changed or deleted.

1. Look-alikes with the stacks' exact names but no tag: every module refuses them (present and
   absent), and the spot role refuses a security group of its name (the stock module would adopt it).
2. Look-alikes with the stacks' name prefixes, untagged or tagged by another deployment: site.yml
   deploys around them and teardown.yml removes everything of ours but leaves each of them as it was.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
import yaml

from tests.integration.conftest import SITE_VARS
from tests.support import leftovers
from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration

ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/refarch/"
# The look-alike role is used by Lambda, Step Functions and CodeBuild: each checks it trusts them.
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": f"{service}.amazonaws.com"}, "Action": "sts:AssumeRole"}
        for service in ("lambda", "states", "codebuild")
    ],
}
MACHINE = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
NOT_OURS = re.compile(r"not (owned|ours|this deployment)")
OTHER = {"refarch:deployment": "someone-else"}


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def create_look_alikes(aws, names: dict, tags: dict | None = None) -> None:
    """One resource of each kind the stacks create, named as given; tagged only when tags are given."""
    tags = tags or {}
    pairs = [{"Key": k, "Value": v} for k, v in tags.items()]
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    spec = [{"ResourceType": "security-group", "Tags": pairs}] if pairs else []
    ec2.create_security_group(GroupName=names["sg"], Description="not ours", VpcId=vpc, TagSpecifications=spec)
    template = {"ImageId": "ami-12345678", "InstanceType": "t3.micro"}
    spec = [{"ResourceType": "launch-template", "Tags": pairs}] if pairs else []
    ec2.create_launch_template(LaunchTemplateName=names["lt"], LaunchTemplateData=template, TagSpecifications=spec)
    aws.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=names["asg"],
        LaunchTemplate={"LaunchTemplateName": names["lt"]},
        MinSize=0,
        MaxSize=0,
        VPCZoneIdentifier=",".join(subnets[:2]),
        Tags=[dict(p, PropagateAtLaunch=False) for p in pairs],
    )
    elb = aws.client("elbv2")
    elb.create_target_group(Name=names["tg"], Protocol="HTTP", Port=80, VpcId=vpc, **({"Tags": pairs} if pairs else {}))
    aws.client("sqs").create_queue(QueueName=names["queue"], **({"tags": tags} if tags else {}))
    iam = aws.client("iam")
    iam.create_role(RoleName=names["role"], Path="/refarch/", AssumeRolePolicyDocument=json.dumps(TRUST), Tags=pairs)
    aws.wait_for_iam()
    aws.client("stepfunctions").create_state_machine(
        name=names["machine"],
        definition=json.dumps(MACHINE),
        roleArn=ACCOUNT_ROLE + names["role"],
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )
    aws.client("lambda").create_function(
        FunctionName=names["function"],
        Runtime="python3.12",
        Handler="handler.handler",
        Role=ACCOUNT_ROLE + names["role"],
        Code={"ZipFile": zipped()},
        Tags=tags,
    )
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=names["bucket"])
    if pairs:
        s3.put_bucket_tagging(Bucket=names["bucket"], Tagging={"TagSet": pairs})
    aws.client("codebuild").create_project(
        name=names["project"],
        source={"type": "CODEPIPELINE"},
        artifacts={"type": "CODEPIPELINE"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=ACCOUNT_ROLE + names["role"],
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )
    eb_tags = {"Tags": pairs} if pairs else {}
    aws.client("elasticbeanstalk").create_application(ApplicationName=names["application"], **eb_tags)


def state_of(aws, names) -> dict:
    """(kind, name) -> (ownership tag, attributes) of every resource with one of these names."""
    resources, errors = leftovers.inventory(aws.url)
    assert errors == {}
    wanted = set(names)
    return {(r.kind, r.name): (r.deployment, r.detail) for r in resources if r.name in wanted}


EXACT = {
    "sg": "refarch-web-alb-sg",
    "lt": "refarch-web-lt",
    "asg": "refarch-web-asg",
    "tg": "refarch-web-tg",
    "queue": "refarch-orders-inventory-requests",
    "role": "refarch-orders-states",
    "machine": "refarch-orders-verify",
    "function": "refarch-orders-verifier",
    "bucket": "refarch-webapp-artifacts-123456789012-us-east-1",
    "project": "refarch-webapp-build",
    "application": "refarch-webapp",
}
ROLE = ACCOUNT_ROLE + "x"
PRESENT = {
    "launch_template": {"name": EXACT["lt"], "image_id": "ami-12345678", "instance_type": "c5.large"},
    "sqs_queue": {"name": EXACT["queue"]},
    "iam_role": {"name": EXACT["role"], "assume_role_policy": TRUST},
    "stepfunctions_state_machine": {"name": EXACT["machine"], "role_arn": ROLE, "definition": MACHINE},
    "lambda_function": {
        "name": EXACT["function"],
        "runtime": "python3.12",
        "handler": "handler.handler",
        "role": ROLE,
        "source_files": ["{{ playbook_dir }}/refuse.yml"],
    },
    "s3_artifact_bucket": {"name": EXACT["bucket"]},
    "codebuild_project": {"name": EXACT["project"], "service_role": ROLE, "environment": {"image": "i"}},
    "elasticbeanstalk_application": {"name": EXACT["application"]},
}
ABSENT = {
    **{module: {"name": params["name"]} for module, params in PRESENT.items()},
    "autoscaling_spot_group": {"name": EXACT["asg"]},
    "alb": {"target_group_name": EXACT["tg"]},
    "ec2_security_groups": {"groups": [{"name": EXACT["sg"]}]},
}


def test_modules_and_roles_refuse_exact_name_look_alikes(aws, tmp_path):
    create_look_alikes(aws, EXACT)
    before = state_of(aws, EXACT.values())
    assert len(before) == len(EXACT) and all(owner is None for owner, _attributes in before.values())

    cases = [(f"{m} present", m, dict(p)) for m, p in PRESENT.items()]
    cases += [(f"{m} absent", m, dict(p, state="absent")) for m, p in ABSENT.items()]
    tasks = [
        {
            "name": case,
            "block": [{"name": f"{case} runs", f"refarch.aws.{module}": dict(params, deployment="refarch")}],
            "rescue": [
                {"name": f"{case} refused", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}
            ],
        }
        for case, module, params in cases
    ]
    defaults = {"group/refarch.aws.aws": "{{ refarch_module_defaults }}"}  # the inventory's
    play = {"hosts": "localhost", "gather_facts": False, "module_defaults": defaults}
    (tmp_path / "refuse.yml").write_text(yaml.safe_dump([dict(play, name="refuse", tasks=tasks)], sort_keys=False))
    aws.clear_calls()
    run = run_playbook(str(tmp_path / "refuse.yml"), aws.environment())
    assert run.rc == 0, run.stdout[-3000:]
    messages = {case[0]: run.task_results(f"{case[0]} refused") for case in cases}
    accepted = [case for case, found in messages.items() if not found]
    unclear = [
        f"{case}: {found[0]['msg']}"
        for case, found in messages.items()
        if found and not NOT_OURS.search(found[0]["msg"])
    ]
    assert accepted == [] and unclear == [], (accepted, unclear)
    assert aws.mutating_calls() == []

    # The spot role adopts no security group of its name (amazon.aws.ec2_security_group would).
    spot = run_playbook("site.yml", aws.environment(), extra_vars={"refarch_stacks_selected": "spot_asg_alb"})
    assert (
        spot.rc != 0
        and "security group refarch-web-alb-sg exists but has no refarch:deployment=refarch tag" in spot.stdout
    ), spot.stdout[-3000:]
    assert aws.mutating_calls() == []
    assert state_of(aws, EXACT.values()) == before


PREFIXED = {kind: name + "-copy" for kind, name in EXACT.items()}
PREFIXED["bucket"] = "refarch-webapp-artifacts-copy"
OTHERS = {kind: name + "-other" for kind, name in EXACT.items()}
OTHERS["bucket"] = "refarch-webapp-artifacts-other"


def test_deploy_and_teardown_leave_look_alikes_untouched(aws):
    create_look_alikes(aws, PREFIXED)
    create_look_alikes(aws, OTHERS, dict(OTHER, **{"refarch:stack": "spot_asg_alb"}))
    names = [*PREFIXED.values(), *OTHERS.values()]
    before = state_of(aws, names)
    assert len(before) == len(names)

    deploy = run_playbook("site.yml", aws.environment(), extra_vars=SITE_VARS)
    assert deploy.rc == 0, deploy.stdout[-4000:]
    assert state_of(aws, names) == before
    assert leftovers.owned(leftovers.inventory(aws.url)[0], "refarch") != []

    teardown = run_playbook("teardown.yml", aws.environment(), extra_vars=SITE_VARS)
    assert teardown.rc == 0, teardown.stdout[-4000:]
    assert state_of(aws, names) == before
    assert leftovers.leftovers(aws.url, "refarch") == []
