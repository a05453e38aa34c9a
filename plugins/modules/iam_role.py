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
  - O(wait) waits after a create until the role (and its instance profile) answer reads.
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
  instance_profile:
    description:
      - Also keep an instance profile of the same name that holds the role (for EC2 instances).
      - Default V(false).
    type: bool
seealso:
  - module: amazon.aws.iam_role
    description: The stock module this one is written instead of (see the description for why).
  - module: amazon.aws.iam_policy
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.iam_role_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Role the verifier Lambda function runs as
  refarch.aws.iam_role:
    name: refarch-orders-verifier
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
            Resource: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
    managed_policy_arns: []

- name: Remove it
  refarch.aws.iam_role:
    name: refarch-orders-verifier
    deployment: refarch
    state: absent

- name: Two roles in one task
  refarch.aws.iam_role:
    deployment: refarch
    roles:
      - name: refarch-webapp-codebuild
        description: CodeBuild service role
        assume_role_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: codebuild.amazonaws.com}
              Action: sts:AssumeRole
        inline_policies: {}
      - name: refarch-webapp-eb-ec2
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
      - name: refarch-webapp-codebuild
      - name: refarch-webapp-eb-ec2
"""

RETURN = r"""
changed_keys:
  description:
    - What differed (C(description), C(max_session_duration), C(assume_role_policy), C(inline_policies),
      C(managed_policy_arns), C(instance_profile_arn), C(tags)); empty when nothing changed or the role is created.
    - With O(roles), role name to that role's list.
  returned: always
  type: raw
  sample: [inline_policies, tags]
role:
  description: The role after the task (predicted in check mode); empty when absent.
  returned: with O(name)
  type: dict
  sample:
    arn: "arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier"
    role_name: refarch-orders-verifier
    role_id: AROA3XFRBF535PLBIFPI4
    path: /refarch/
    description: CodeBuild service role
    max_session_duration: 3600
    assume_role_policy:
      Version: '2012-10-17'
      Statement:
        - Effect: Allow
          Principal:
            Service: lambda.amazonaws.com
          Action: sts:AssumeRole
    inline_policies:
      consume-queue:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action:
              - sqs:ReceiveMessage
              - sqs:DeleteMessage
              - sqs:GetQueueAttributes
            Resource: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests"
    managed_policy_arns:
      - "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier"
    instance_profile_arn: "arn:aws:iam::123456789012:instance-profile/refarch/refarch-webapp-eb-ec2"
    tags:
      refarch:deployment: refarch
  contains:
    arn:
      description: Role ARN (unknown in check mode before creation).
      returned: when the role exists
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier
    role_name:
      description: Role name.
      returned: when present
      type: str
      sample: refarch-orders-verifier
    role_id:
      description: The role's unique id.
      returned: when the role exists
      type: str
      sample: AROA3XFRBF535PLBIFPI4
    path:
      description: IAM path.
      returned: when present
      type: str
      sample: /refarch/
    description:
      description: Description (an empty string when none).
      returned: when present
      type: str
      sample: CodeBuild service role
    max_session_duration:
      description: Longest session in seconds.
      returned: when present
      type: int
      sample: 3600
    assume_role_policy:
      description: Trust policy, as a dict.
      returned: when present
      type: dict
      sample:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}
    inline_policies:
      description: Inline policy name to its document (a dict).
      returned: when present
      type: dict
      sample:
        consume-queue:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
              Resource: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
    managed_policy_arns:
      description: Attached managed policies, sorted.
      returned: when present
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier]
    instance_profile_arn:
      description:
        - ARN of the instance profile of the role's name, or null; C((known after creation)) in check mode
          when one would be created.
      returned: when O(instance_profile=true), and after the role is created or updated
      type: str
      sample: arn:aws:iam::123456789012:instance-profile/refarch/refarch-webapp-eb-ec2
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch"}
roles:
  description:
    - Role name to the role after the task, each with the keys of RV(role); empty dicts when absent.
  returned: with O(roles)
  type: dict
  sample:
    refarch-webapp-codebuild:
      arn: arn:aws:iam::123456789012:role/refarch/refarch-webapp-codebuild
      role_name: refarch-webapp-codebuild
      role_id: AROA3XFRBF535PLBIFPI5
      path: /refarch/
      description: CodeBuild service role
      max_session_duration: 3600
      assume_role_policy:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: "sts:AssumeRole"}
      inline_policies: {}
      managed_policy_arns: []
      instance_profile_arn: null
      tags: {"refarch:deployment": "refarch"}
    refarch-old: {}
"""

from ansible_collections.refarch.aws.plugins.module_utils import iam, runner


def role_options():
    return dict(
        description=dict(type="str"),
        max_session_duration=dict(type="int"),
        assume_role_policy=dict(type="dict"),
        inline_policies=dict(type="dict"),
        managed_policy_arns=dict(type="list", elements="str"),
        instance_profile=dict(type="bool"),
    )


def main():
    options = dict(
        name=dict(type="str"),
        roles=dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True), **role_options())),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        path=dict(type="str", default=iam.DEFAULT_PATH),
        purge_inline_policies=dict(type="bool", default=True),
        purge_managed_policies=dict(type="bool", default=True),
        **role_options(),
    )
    runner.run(
        iam.RoleService,
        options,
        mutually_exclusive=[("name", "roles")] + [("roles", option) for option in role_options()],
        required_one_of=[("name", "roles")],
    )


if __name__ == "__main__":
    main()
