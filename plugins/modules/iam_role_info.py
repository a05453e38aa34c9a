#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: iam_role_info
short_description: IAM roles owned by a deployment, or one role by name
version_added: 0.1.0
description:
  - Lists the IAM roles under O(path_prefix) that match the filter (O(deployment), O(tags)), or reads one
    role by O(name).
  - Teardown uses it to find what to delete by tag, never by name alone.
options:
  path_prefix:
    description: IAM path to search; roles created by M(refarch.aws.iam_role) live under C(/refarch/).
    type: str
    default: /refarch/
seealso:
  - module: refarch.aws.iam_role
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Roles this deployment owns
  refarch.aws.iam_role_info:
    deployment: refarch
  register: owned_roles
"""

RETURN = r"""
roles:
  description:
    - The roles that match the filter, sorted by name, each with the keys M(refarch.aws.iam_role) returns
      in its RV(refarch.aws.iam_role#module:role).
  returned: always
  type: list
  sample:
    - arn: "arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier"
      role_name: refarch-orders-verifier
      role_id: AROA3XFRBF535PLBIFPI4
      path: /refarch/
      description: ''
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
          Statement: []
      managed_policy_arns:
        - "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
      instance_profile_arn: "arn:aws:iam::123456789012:instance-profile/refarch/refarch-webapp-eb-ec2"
      tags:
        refarch:deployment: refarch
        refarch:stack: sfn_sqs_callback
  elements: dict
  contains:
    arn:
      description: Role ARN.
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-orders-verifier
    role_name:
      description: Role name.
      returned: always
      type: str
      sample: refarch-orders-verifier
    role_id:
      description: The role's unique id.
      returned: always
      type: str
      sample: AROA3XFRBF535PLBIFPI4
    path:
      description: IAM path.
      returned: always
      type: str
      sample: /refarch/
    description:
      description: Description (an empty string when none).
      returned: always
      type: str
      sample: ""
    max_session_duration:
      description: Longest session in seconds.
      returned: always
      type: int
      sample: 3600
    assume_role_policy:
      description: Trust policy, as a dict.
      returned: always
      type: dict
      sample:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}
    inline_policies:
      description: Inline policy name to its document.
      returned: always
      type: dict
      sample: {"consume-queue": {"Version": "2012-10-17", "Statement": []}}
    managed_policy_arns:
      description: Attached managed policies, sorted.
      returned: always
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
    instance_profile_arn:
      description: ARN of the instance profile of the role's name, or null (a Lambda function's role has none).
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:instance-profile/refarch/refarch-webapp-eb-ec2
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import iam, runner


def main():
    runner.run_info(iam.RoleInfoService, dict(path_prefix=dict(type="str", default=iam.DEFAULT_PATH)))


if __name__ == "__main__":
    main()
