"""EC2 launch templates: user data of new versions, and template tags kept out of version data.

moto 5.2.5 stores the ``UserData`` of ``create_launch_template_version`` as a plain string, so an
Auto Scaling group launching that version fails with a 500 (an assertion in moto); and it copies the
template's own tags (``TagSpecifications`` of resource type ``launch-template``) into version 1's
``LaunchTemplateData``, where AWS never shows them. Both are fixed on moto's ``LaunchTemplate``.

Security group rules: moto compares a rule's peer group *with its description*, so a source-group
rule cannot be revoked without repeating its description, nor its description changed by
UpdateSecurityGroupRuleDescriptionsIngress (silently ignored). AWS identifies a rule by protocol,
ports and peer only; ``SecurityGroupRule.__eq__`` is made to do the same.

Eventual consistency (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html):
a security group created a moment ago (window ``ec2``) is not found by the calls that name it as the
group whose rules change or as a rule's source group: ``InvalidGroup.NotFound`` "The security group
'sg-…' does not exist", as AuthorizeSecurityGroupIngress answers on AWS.

Groups in use: moto deletes any group. AWS refuses, with ``DependencyViolation`` "resource sg-… has a
dependent object", a group that another group's rule references, that a load balancer or a running
instance uses (through their network interfaces), and — for window ``elb-eni`` after the load
balancer is deleted — a group its network interfaces still hold
(https://repost.aws/knowledge-center/troubleshoot-dependency-error-delete-vpc).

Instances launched from a launch template get the template's ``MetadataOptions`` (moto drops them,
so ``HttpTokens: required`` never showed in DescribeInstances).

A launched instance is ``pending`` in DescribeInstances (and RunInstances' answer) for AWS's launch time
(``awsclock`` ``ec2-instance-pending``, scaled), then ``running``; moto had it running at once.

Only the backend changes (``models``); moto's responses serve it unchanged.
"""

from __future__ import annotations


def install() -> None:
    from moto.ec2.models import instances, launch_templates, security_groups

    from refarch_emulator.extensions.ec2 import models
    from refarch_emulator.extensions.patching import replace, wrap

    groups = security_groups.SecurityGroupBackend
    wrap(groups, "create_security_group", models.create_security_group)
    for name in models.RULE_CALLS:
        wrap(groups, name, models.not_yet_seen)
    wrap(groups, "delete_security_group", models.delete_security_group)
    wrap(instances.InstanceBackend, "run_instances", models.run_instances)
    replace(instances.Instance, "instance_state", property(models.instance_state))
    replace(security_groups.SecurityGroupRule, "__eq__", models.rule_eq)
    wrap(launch_templates.LaunchTemplate, "create_version", models.create_version)
