#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: iam_role
short_description: An IAM role with its trust policy, inline and managed policies and instance profile
version_added: 0.1.0
description:
  - Creates, updates or deletes an IAM role together with everything a stack hangs off it, in one task.
  - Why not M(amazon.aws.iam_role) plus M(amazon.aws.iam_policy)? They take one task per inline policy,
    re-read the role for each, and cannot put roles under a path that teardown can list cheaply.
    This module reads the role once, compares trust, inline and managed policies and tags as policy
    documents (order-insensitive), and makes only the calls that change something.
  - Roles live under O(path) (default C(/refarch/)) so M(refarch.aws.iam_role_info) lists owned roles
    without reading every role's tags in the account.
  - Updating or deleting a role that lacks this deployment's ownership tag fails; the role is not ours.
  - O(roles) manages several roles in one task (one module run instead of one per role); every role is
    read and checked (ownership, path) before any changes, so a refusal leaves all of them as they were.
options:
  name:
    description:
      - Name of the role (and of its instance profile when O(instance_profile=true)).
      - Exactly one of O(name) and O(roles) is required.
    type: str
  roles:
    description:
      - Several roles managed by this one task, each with the options of one role; O(path), O(state),
        the C(purge_*) options, O(wait), O(wait_timeout), O(deployment) and O(tags) apply to every role.
      - Mutually exclusive with O(name) and with the per-role options at the top level.
      - With O(state=absent) an element needs only O(roles[].name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the role (and of its instance profile when O(roles[].instance_profile=true)).
        type: str
        required: true
      description:
        description: Description of the role.
        type: str
      max_session_duration:
        description: Maximum session duration in seconds (3600 to 43200).
        type: int
      assume_role_policy:
        description: The trust policy document. Required when O(state=present).
        type: dict
      inline_policies:
        description: Inline policies, policy name to policy document. Omit to leave them alone.
        type: dict
      managed_policy_arns:
        description: ARNs of managed policies to attach. Omit to leave attachments alone.
        type: list
        elements: str
      instance_profile:
        description: Also keep an instance profile of the same name that holds the role. Default V(false).
        type: bool
  state:
    description: Whether the role should exist.
    type: str
    choices: [present, absent]
    default: present
  path:
    description: IAM path of the role and its instance profile. Fixed at creation.
    type: str
    default: /refarch/
  description:
    description: Description of the role.
    type: str
  max_session_duration:
    description: Maximum session duration in seconds (3600 to 43200).
    type: int
  assume_role_policy:
    description: The trust policy document. Required when O(state=present) (with O(name)).
    type: dict
  inline_policies:
    description:
      - Inline policies, policy name to policy document.
      - Omit to leave the role's inline policies alone.
    type: dict
  purge_inline_policies:
    description: Delete inline policies not named in O(inline_policies).
    type: bool
    default: true
  managed_policy_arns:
    description: ARNs of managed policies to attach. Omit to leave attachments alone.
    type: list
    elements: str
  purge_managed_policies:
    description: Detach managed policies not listed in O(managed_policy_arns).
    type: bool
    default: true
  purge_tags:
    description: Remove tags not given in O(tags) (the ownership tag always stays).
    type: bool
    default: true
  instance_profile:
    description:
      - Also keep an instance profile of the same name that holds the role (for EC2 instances).
      - Default V(false).
    type: bool
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Role the verifier Lambda function runs as
  refarch.aws.iam_role:
    name: refarch-inventory-verifier
    deployment: refarch
    assume_role_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: lambda.amazonaws.com}
          Action: sts:AssumeRole
    inline_policies:
      consume-queue:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]
            Resource: arn:aws:sqs:us-east-1:123456789012:refarch-orders
    managed_policy_arns: []

- name: Remove it
  refarch.aws.iam_role:
    name: refarch-inventory-verifier
    deployment: refarch
    state: absent

- name: Two roles in one task
  refarch.aws.iam_role:
    deployment: refarch
    roles:
      - name: refarch-build
        description: CodeBuild service role
        assume_role_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: codebuild.amazonaws.com}
              Action: sts:AssumeRole
        inline_policies: {}
      - name: refarch-instances
        assume_role_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ec2.amazonaws.com}
              Action: sts:AssumeRole
        managed_policy_arns: [arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier]
        instance_profile: true
  register: roles

- name: Remove both (names are enough)
  refarch.aws.iam_role:
    deployment: refarch
    state: absent
    roles:
      - name: refarch-build
      - name: refarch-instances
"""

RETURN = r"""
role:
  description: The role after the task (predicted in check mode); empty when absent.
  returned: with O(name)
  type: dict
  contains:
    arn: {description: Role ARN., type: str, returned: when present}
    role_name: {description: Role name., type: str, returned: when present}
    path: {description: IAM path., type: str, returned: when present}
    assume_role_policy: {description: Trust policy., type: dict, returned: when present}
    inline_policies: {description: Inline policies by name., type: dict, returned: when present}
    managed_policy_arns: {description: Attached managed policies., type: list, elements: str, returned: when present}
    instance_profile_arn:
      description: ARN of the instance profile holding the role, or null.
      type: str
      returned: when present and O(instance_profile=true)
    tags: {description: Tags., type: dict, returned: when present}
roles:
  description:
    - Role name to the role after the task, each as RV(role) is returned with O(name); empty dicts when absent.
  returned: with O(roles)
  type: dict
  sample: {"refarch-build": {"role_name": "refarch-build", "path": "/refarch/"}, "refarch-old": {}}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import iam
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing library

# Options of one role: at the top level with ``name``, per element with ``roles``.
PER_ROLE = (
    "description",
    "max_session_duration",
    "assume_role_policy",
    "inline_policies",
    "managed_policy_arns",
    "instance_profile",
)
# Options that apply to every role the task manages.
SETTINGS = (
    "state",
    "path",
    "purge_inline_policies",
    "purge_managed_policies",
    "purge_tags",
    "wait",
    "wait_timeout",
    "deployment",
    "tags",
)


def role_options():
    return dict(
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        assume_role_policy=dict(type="dict"),
        inline_policies=dict(type="dict"),
        managed_policy_arns=dict(type="list", elements="str"),
        instance_profile=dict(type="bool"),
    )


def argument_spec():
    spec = dict(
        name=dict(type="str"),
        roles=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True), **role_options())),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        path=dict(type="str", default=iam.DEFAULT_PATH),
        purge_inline_policies=dict(type="bool", default=True),
        purge_managed_policies=dict(type="bool", default=True),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    spec.update(role_options())
    spec.update(OWNERSHIP_ARGUMENT_SPEC)
    return spec


def run_module(module):
    params = module.params
    problems = iam.options_problems(params)
    if problems:
        module.fail_json(msg="; ".join(problems))
    settings = dict((key, params[key]) for key in SETTINGS)
    specs = [spec for _where, spec in iam.role_specs(params)]
    client = aws_client(module, "iam")
    name = None
    results = []
    try:
        # Every role is read and planned before anything changes: a refusal leaves all of them alone.
        works = []
        for spec in specs:
            name = spec["name"]
            current = iam.read_role(client, spec, settings)
            desired, plan = iam.plan_role(spec, settings, current)
            works.append((spec, current, desired, plan))
        for spec, current, desired, plan in works:
            name = spec["name"]
            if plan and not module.check_mode:
                after = iam.apply_role(client, spec, settings, desired, plan)
            else:
                after = iam.expected_after(desired, current, plan)
            results.append((name, bool(plan), current, after or {}))
    except iam.RoleRefused as e:
        module.fail_json(msg=str(e))
    except is_boto3_error_code("MalformedPolicyDocument") as e:
        module.fail_json_aws(e, msg="IAM rejected a policy document of role %s" % name)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="IAM role %s" % name)
    except WaitTimeout as e:
        module.fail_json(msg=str(e))
    module.exit_json(**result_of(params, results, module._diff))


def result_of(params, results, with_diff):
    """The return values: ``role`` for the ``name`` form, ``roles`` (name → role) for the list form."""
    result = dict(changed=any(changed for _name, changed, _before, _after in results))
    if params.get("roles") is None:
        _name, _changed, before, after = results[0]
        result["role"] = after
    else:
        result["roles"] = dict((name, after) for name, _changed, _before, after in results)
        before = dict((name, before or {}) for name, _changed, before, _after in results)
        after = result["roles"]
    if with_diff:
        result["diff"] = diff_result(before, after)
    return result


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("name", "roles")] + [("roles", option) for option in PER_ROLE],
        required_one_of=[("name", "roles")],
    )
    run_module(module)


if __name__ == "__main__":
    main()
