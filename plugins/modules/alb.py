#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: alb
short_description: An Application Load Balancer with its instance target group and HTTP listener
version_added: 0.1.0
description:
  - Creates, updates or deletes, as one unit, an Application Load Balancer, the target group it
    forwards to (HTTP health checks; a deregistration delay sized for the two-minute Spot
    interruption notice) and its HTTP listener.
  - O(state=absent) deletes in the order that works on AWS - the load balancer (its listeners go
    with it), waiting until it is gone, then the target group.
  - With O(wait=true) the module returns once the load balancer is C(active) - also one that exists
    and is still C(provisioning), so a first task with O(wait=false) can create it (and return the
    target group other resources need) and a second task, later, waits for it; the load balancer
    provisions in the meantime (a few minutes on AWS). A load balancer AWS reports C(failed) ends the
    wait at once.
  - Written instead of using M(amazon.aws.elb_application_lb) with M(community.aws.elb_target_group)
    because those have no check mode for the target group, deregister an Auto Scaling group's
    targets unless told not to, and return no diff.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  name:
    description:
      - Name of the load balancer. Required when O(state=present).
      - With O(state=absent), either or both of O(name) and O(target_group_name) are deleted.
    type: str
  state:
    description: Whether the load balancer, listener and target group should exist.
    type: str
    choices: [present, absent]
    default: present
  target_group_name:
    description: Name of the target group. Required when O(state=present).
    type: str
  vpc_id:
    description: VPC of the target group. Required when O(state=present).
    type: str
  subnet_ids:
    description: Subnets of the load balancer (at least two AZs). Required when O(state=present).
    type: list
    elements: str
  security_group_ids:
    description: Security groups of the load balancer; left alone when empty (AWS then uses the VPC's default group).
    type: list
    elements: str
    default: []
  scheme:
    description: C(internet-facing) or C(internal). Cannot change once created.
    type: str
    choices: [internet-facing, internal]
    default: internet-facing
  listener_port:
    description: Port of the HTTP listener.
    type: int
    default: 80
  target_port:
    description: Port the targets serve HTTP on.
    type: int
    default: 80
  health_check_path:
    description: Path of the HTTP health check.
    type: str
    default: /
  health_check_interval:
    description: Seconds between health checks.
    type: int
    default: 15
  health_check_timeout:
    description: Seconds before a health check fails; less than O(health_check_interval).
    type: int
    default: 5
  healthy_threshold:
    description: Consecutive successes before a target is healthy.
    type: int
    default: 2
  unhealthy_threshold:
    description: Consecutive failures before a target is unhealthy.
    type: int
    default: 2
  health_check_matcher:
    description: HTTP codes that count as healthy.
    type: str
    default: "200"
  deregistration_delay:
    description:
      - Seconds the load balancer keeps draining a deregistering target.
      - A Spot instance gets a two-minute notice; a delay well under 120 s lets in-flight requests
        finish before the instance is interrupted.
    type: int
    default: 90
  purge_tags:
    description: Remove tags that are not in O(tags) (the ownership tag always stays).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Internet-facing ALB on port 80 over every default subnet
  refarch.aws.alb:
    name: web-alb
    target_group_name: web-tg
    vpc_id: "{{ vpc_id }}"
    subnet_ids: "{{ subnet_ids }}"
    security_group_ids: ["{{ alb_sg_id }}"]
    deployment: refarch
  register: alb
"""

RETURN = r"""
load_balancer:
  description:
    - The load balancer (ARN, name, DNS name, scheme, subnets, security groups, state, tags).
    - Empty when absent.
  returned: always
  type: dict
target_group:
  description: The target group (ARN, name, health check settings, deregistration delay, tags); empty when absent.
  returned: always
  type: dict
listener:
  description: The HTTP listener (ARN, protocol, port, default actions); empty when absent.
  returned: always
  type: dict
changed_keys:
  description: What differed, as C(<resource>.<key>) paths.
  returned: always
  type: list
  elements: str
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import diffing
from ansible_collections.refarch.aws.plugins.module_utils import elbv2
from ansible_collections.refarch.aws.plugins.module_utils import ownership
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks


def validate(params):
    """Messages naming each bad parameter, checked before any API call."""
    errors = [
        checks.check_elb_name("name", params["name"]),
        checks.check_elb_name("target_group_name", params["target_group_name"]),
    ]
    if params["state"] == "absent":
        return checks.collect(*errors)
    for option in ("vpc_id", "subnet_ids"):
        if not params[option]:
            errors.append("%s is required when state=present" % option)
    errors.append(checks.check_pattern("vpc_id", params["vpc_id"], r"vpc-[0-9a-f]{8,17}"))
    for subnet_id in params["subnet_ids"] or []:
        errors.append(checks.check_pattern("subnet_ids", subnet_id, r"subnet-[0-9a-f]{8,17}"))
    if params["subnet_ids"] is not None and len(set(params["subnet_ids"])) < 2:
        errors.append("subnet_ids: an Application Load Balancer needs subnets in at least two AZs")
    for group_id in params["security_group_ids"]:
        errors.append(checks.check_pattern("security_group_ids", group_id, r"sg-[0-9a-f]{8,17}"))
    errors.append(checks.check_pattern("health_check_path", params["health_check_path"], r"/[^ ]{0,1023}"))
    errors.append(
        checks.check_pattern("health_check_matcher", params["health_check_matcher"], r"[0-9]{3}([-,][0-9]{3})*")
    )
    errors.append(checks.check_range("listener_port", params["listener_port"], 1, 65535))
    errors.append(checks.check_range("target_port", params["target_port"], 1, 65535))
    errors.append(checks.check_range("health_check_interval", params["health_check_interval"], 5, 300))
    errors.append(
        checks.check_range(
            "health_check_timeout", params["health_check_timeout"], 2, params["health_check_interval"] - 1
        )
    )
    errors.append(checks.check_range("healthy_threshold", params["healthy_threshold"], 2, 10))
    errors.append(checks.check_range("unhealthy_threshold", params["unhealthy_threshold"], 2, 10))
    errors.append(checks.check_range("deregistration_delay", params["deregistration_delay"], 0, 3600))
    errors.append(checks.check_range("wait_timeout", params["wait_timeout"], 1, 86400))
    return checks.collect(*errors)


class Current(object):
    """What exists now: raw resources and their normalized forms."""

    def __init__(self, client, params):
        self.lb = elbv2.get_load_balancer(client, params["name"]) if params["name"] else None
        self.tg = elbv2.get_target_group(client, params["target_group_name"]) if params["target_group_name"] else None
        lb_arn = self.lb and self.lb["LoadBalancerArn"]
        tg_arn = self.tg and self.tg["TargetGroupArn"]
        tags = elbv2.get_tags(client, [lb_arn, tg_arn])
        delay = elbv2.get_deregistration_delay(client, tg_arn) if tg_arn else None
        self.listener = elbv2.get_listener(client, lb_arn, params["listener_port"]) if lb_arn else None
        self.load_balancer = elbv2.normalize_load_balancer(self.lb, tags.get(lb_arn))
        self.target_group = elbv2.normalize_target_group(self.tg, delay, tags.get(tg_arn))
        self.listener_n = elbv2.normalize_listener(self.listener)

    def view(self):
        return dict(load_balancer=self.load_balancer, target_group=self.target_group, listener=self.listener_n)


def check_owned(module, current):
    deployment = module.params["deployment"]
    for kind, resource in (("load balancer", current.load_balancer), ("target group", current.target_group)):
        if resource and not ownership.is_owned(resource.get("Tags"), deployment):
            module.fail_json(
                msg="%s %s exists but is not owned by deployment %s (tag %s)"
                % (
                    kind,
                    resource.get("LoadBalancerName") or resource.get("Name"),
                    deployment,
                    ownership.OWNERSHIP_TAG_KEY,
                )
            )


def wait_for_state(module, client, done, what, failed=None):
    """The load balancer once ``done``; None without waiting (wait=false, check mode)."""
    if not module.params["wait"] or module.check_mode:
        return None
    try:
        return aws.wait_for(
            lambda: elbv2.get_load_balancer(client, module.params["name"]),
            done,
            module.params["wait_timeout"],
            what,
            failed=failed,
        )
    except aws.WaitTimeout as e:
        module.fail_json(msg=str(e))


def provisioning_problem(lb):
    """Why waiting for the load balancer to be active is pointless, or None."""
    if lb is None:
        return "it no longer exists"
    if lb["State"]["Code"] == "failed":
        return "AWS reports it failed: %s" % lb["State"].get("Reason", "no reason given")
    return None


def wait_active(module, client):
    """The load balancer once active; None without waiting (wait=false, check mode)."""
    return wait_for_state(
        module,
        client,
        lambda lb: lb and lb["State"]["Code"] == "active",
        "load balancer %s to be active" % module.params["name"],
        failed=provisioning_problem,
    )


def ensure_absent(module, client, current):
    before = current.view()
    if not (current.lb or current.tg):
        return dict(changed=False, changed_keys=[], load_balancer={}, target_group={}, listener={})
    check_owned(module, current)
    if not module.check_mode:
        if current.lb:
            elbv2.delete_load_balancer(client, current.lb["LoadBalancerArn"])
            wait_for_state(
                module, client, lambda lb: lb is None, "load balancer %s to be deleted" % module.params["name"]
            )
        if current.tg:
            elbv2.delete_target_group(client, current.tg["TargetGroupArn"])
    return dict(
        changed=True,
        changed_keys=[k for k, v in before.items() if v],
        load_balancer={},
        target_group={},
        listener={},
        diff=diffing.diff_result(before, {}),
    )


def ensure_target_group(module, client, current, want_tags, changes):
    desired = elbv2.build_target_group(module.params)
    if not current.tg:
        changes.append("target_group")
        after = dict(desired, Tags=want_tags)
        if not module.check_mode:
            created = elbv2.create_target_group(client, desired, want_tags)
            elbv2.set_deregistration_delay(client, created["TargetGroupArn"], desired["DeregistrationDelay"])
            after = elbv2.normalize_target_group(created, desired["DeregistrationDelay"], want_tags)
        return after
    health, delay_changed, immutable = elbv2.target_group_changes(desired, current.target_group)
    if immutable:
        module.fail_json(
            msg="target group %s: %s cannot change in place; delete the stack and deploy again"
            % (module.params["target_group_name"], ", ".join(immutable))
        )
    arn = current.tg["TargetGroupArn"]
    to_set, to_remove = ownership.tag_changes(
        current.target_group["Tags"], want_tags, purge=module.params["purge_tags"]
    )
    changes.extend("target_group." + k for k in health + (["DeregistrationDelay"] if delay_changed else []))
    if to_set or to_remove:
        changes.append("target_group.Tags")
    if not module.check_mode:
        if health:
            elbv2.modify_health_check(client, arn, desired)
        if delay_changed:
            elbv2.set_deregistration_delay(client, arn, desired["DeregistrationDelay"])
        elbv2.set_tags(client, arn, to_set, to_remove)
    after = diffing.merged(current.target_group, desired)
    after["Tags"] = dict(
        (k, v) for k, v in diffing.merged(current.target_group["Tags"], to_set).items() if k not in to_remove
    )
    return after


def ensure_load_balancer(module, client, current, want_tags, changes):
    desired = elbv2.build_load_balancer(module.params)
    if not current.lb:
        changes.append("load_balancer")
        after = dict(desired, Tags=want_tags)
        if not module.check_mode:
            created = elbv2.create_load_balancer(client, desired, want_tags)
            after = elbv2.normalize_load_balancer(wait_active(module, client) or created, want_tags)
        return after
    differ = elbv2.load_balancer_changes(desired, current.load_balancer)
    fixed = [k for k in differ if k not in ("Subnets", "SecurityGroups")]
    if fixed:
        module.fail_json(msg="load balancer %s: %s cannot change in place" % (module.params["name"], ", ".join(fixed)))
    arn = current.lb["LoadBalancerArn"]
    to_set, to_remove = ownership.tag_changes(
        current.load_balancer["Tags"], want_tags, purge=module.params["purge_tags"]
    )
    changes.extend("load_balancer." + k for k in differ)
    if to_set or to_remove:
        changes.append("load_balancer.Tags")
    if not module.check_mode:
        if "Subnets" in differ:
            elbv2.set_subnets(client, arn, desired["Subnets"])
        if "SecurityGroups" in differ:
            elbv2.set_security_groups(client, arn, desired["SecurityGroups"])
        elbv2.set_tags(client, arn, to_set, to_remove)
    after = diffing.merged(current.load_balancer, desired)
    after["Tags"] = dict(
        (k, v) for k, v in diffing.merged(current.load_balancer["Tags"], to_set).items() if k not in to_remove
    )
    # One created by an earlier run with wait=false (or one interrupted) is waited for here, so a
    # second task can wait for a load balancer that provisioned while other resources were made.
    if current.load_balancer.get("State") == "provisioning":
        active = wait_active(module, client)
        if active:
            after["State"] = active["State"]["Code"]
    return after


def ensure_listener(module, client, current, load_balancer, target_group, changes):
    desired = elbv2.build_listener(module.params, target_group.get("TargetGroupArn"))
    if not current.listener:
        changes.append("listener")
        if module.check_mode:
            return desired
        return elbv2.normalize_listener(elbv2.create_listener(client, load_balancer["LoadBalancerArn"], desired))
    differ = diffing.changed_keys(desired, current.listener_n)
    changes.extend("listener." + k for k in differ)
    if differ and not module.check_mode:
        elbv2.modify_listener(client, current.listener["ListenerArn"], desired)
    return diffing.merged(current.listener_n, desired)


def ensure_present(module, client, current):
    before = current.view()
    check_owned(module, current)
    want_tags = ownership.desired_tags(module.params["deployment"], module.params["tags"])
    changes = []
    target_group = ensure_target_group(module, client, current, want_tags, changes)
    load_balancer = ensure_load_balancer(module, client, current, want_tags, changes)
    listener = ensure_listener(module, client, current, load_balancer, target_group, changes)
    after = dict(load_balancer=load_balancer, target_group=target_group, listener=listener)
    result = dict(changed=bool(changes), changed_keys=changes, **after)
    if changes:
        result["diff"] = diffing.diff_result(before, after)
    return result


def main():
    argument_spec = dict(
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        target_group_name=dict(type="str"),
        vpc_id=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str", default=[]),
        scheme=dict(type="str", choices=["internet-facing", "internal"], default="internet-facing"),
        listener_port=dict(type="int", default=80),
        target_port=dict(type="int", default=80),
        health_check_path=dict(type="str", default="/"),
        health_check_interval=dict(type="int", default=15),
        health_check_timeout=dict(type="int", default=5),
        healthy_threshold=dict(type="int", default=2),
        unhealthy_threshold=dict(type="int", default=2),
        health_check_matcher=dict(type="str", default="200"),
        deregistration_delay=dict(type="int", default=90),
        purge_tags=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ("name", "target_group_name"))],
        required_one_of=[("name", "target_group_name")],
        supports_check_mode=True,
    )
    errors = validate(module.params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    client = aws.aws_client(module, "elbv2", extra_error_codes=["ResourceInUse"])
    try:
        current = Current(client, module.params)
        if module.params["state"] == "absent":
            result = ensure_absent(module, client, current)
        else:
            result = ensure_present(module, client, current)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="load balancer %s" % (module.params["name"] or module.params["target_group_name"]))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
