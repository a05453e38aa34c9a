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
options:
  name:
    description: Name of the role (and of its instance profile when O(instance_profile=true)).
    type: str
    required: true
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
    description: The trust policy document. Required when O(state=present).
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
    description: Also keep an instance profile of the same name that holds the role (for EC2 instances).
    type: bool
    default: false
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
"""

RETURN = r"""
role:
  description: The role after the task (predicted in check mode); empty when absent.
  returned: always
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
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import iam
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.client import wait_for
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.refarch.aws.plugins.module_utils.ownership import OWNERSHIP_TAG_KEY
from ansible_collections.refarch.aws.plugins.module_utils.ownership import desired_tags
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing library


def argument_spec():
    spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        path=dict(type="str", default=iam.DEFAULT_PATH),
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        assume_role_policy=dict(type="dict"),
        inline_policies=dict(type="dict"),
        purge_inline_policies=dict(type="bool", default=True),
        managed_policy_arns=dict(type="list", elements="str"),
        purge_managed_policies=dict(type="bool", default=True),
        purge_tags=dict(type="bool", default=True),
        instance_profile=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    spec.update(OWNERSHIP_ARGUMENT_SPEC)
    return spec


def validate(module):
    params = module.params
    path = params["path"]
    if not (path.startswith("/") and path.endswith("/")):
        module.fail_json(msg="path must begin and end with '/', got %r" % path)
    if len(params["name"]) > 64:
        module.fail_json(msg="name must be at most 64 characters for an IAM role, got %d" % len(params["name"]))
    for arn in params.get("managed_policy_arns") or []:
        if not re.fullmatch(r"arn:[^:]+:iam::([0-9]{12}|aws):policy/.+", arn):
            module.fail_json(msg="managed_policy_arns: %r is not a managed policy ARN" % arn)
    duration = params.get("max_session_duration")
    if duration is not None and not 3600 <= duration <= 43200:
        module.fail_json(msg="max_session_duration must be between 3600 and 43200, got %d" % duration)
    for policy_name, document in (params.get("inline_policies") or {}).items():
        if not isinstance(document, dict) or "Statement" not in document:
            module.fail_json(msg="inline_policies.%s must be a policy document with a Statement" % policy_name)
    trust = params.get("assume_role_policy")
    if trust is not None and "Statement" not in trust:
        module.fail_json(msg="assume_role_policy must be a policy document with a Statement")


def ensure_present(module, client, current):
    params = module.params
    name = params["name"]
    if current is not None and not is_owned(current["tags"], params["deployment"]):
        module.fail_json(
            msg="IAM role %s exists but its %s tag is not %r: it is not this deployment's, refusing to change it"
            % (name, OWNERSHIP_TAG_KEY, params["deployment"])
        )
    desired = iam.build_desired(params, desired_tags(params["deployment"], params["tags"]))
    plan = iam.plan_changes(
        desired,
        current,
        purge_inline=params["purge_inline_policies"],
        purge_managed=params["purge_managed_policies"],
        purge_tags=params["purge_tags"],
    )
    if "path_mismatch" in plan:
        module.fail_json(
            msg="IAM role %s exists with path %s, not %s; a role's path cannot change"
            % ((name,) + plan["path_mismatch"])
        )
    if not plan:
        return False, current
    if module.check_mode:
        return True, iam.predicted_after(desired, current, plan)
    iam.apply_plan(client, name, desired, plan)
    if params["wait"] and plan.get("create"):
        # Reads after create are eventually consistent; wait until the role (and profile) answer.
        wait_for(
            lambda: iam.get_role(client, name, inline=False, managed=False, profile=params["instance_profile"]),
            lambda role: role is not None and (not params["instance_profile"] or role["instance_profile_arn"]),
            params["wait_timeout"],
            "IAM role %s to exist" % name,
            delay=2,
        )
    return True, iam.get_role(client, name)


def ensure_absent(module, client, current):
    params = module.params
    if current is None:
        return False, {}
    if not is_owned(current["tags"], params["deployment"]):
        module.fail_json(
            msg="IAM role %s lacks the %s=%s tag: it is not this deployment's, refusing to delete it"
            % (params["name"], OWNERSHIP_TAG_KEY, params["deployment"])
        )
    if not module.check_mode:
        iam.delete_role(client, params["name"])
    return True, {}


def run_module(module):
    validate(module)
    params = module.params
    client = aws_client(module, "iam")
    try:
        # The instance profile is read only when it is managed: one call less for every other role.
        current = iam.get_role(
            client, params["name"], profile=params["state"] == "present" and params["instance_profile"]
        )
        if params["state"] == "present":
            changed, after = ensure_present(module, client, current)
        else:
            changed, after = ensure_absent(module, client, current)
    except is_boto3_error_code("MalformedPolicyDocument") as e:
        module.fail_json_aws(e, msg="IAM rejected a policy document of role %s" % params["name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="IAM role %s" % params["name"])
    except WaitTimeout as e:
        module.fail_json(msg=str(e))
    result = dict(changed=changed, role=after or {})
    if module._diff:
        result["diff"] = diff_result(current, after)
    module.exit_json(**result)


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_if=[("state", "present", ["assume_role_policy"])],
    )
    run_module(module)


if __name__ == "__main__":
    main()
