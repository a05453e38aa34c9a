#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: caller_identity
short_description: Account, partition and ARN of the credentials in use, in one call
version_added: 0.1.0
description:
  - One C(sts:GetCallerIdentity) call; returns the account and the partition a role needs to build
    the names and ARNs of its resources.
  - Why not M(amazon.aws.aws_caller_info)? It also calls C(iam:ListAccountAliases) for the account
    alias, which no role here uses (one call and one permission more on every run).
author:
  - refarch.aws maintainers (@refarch)
options: {}
seealso:
  - module: amazon.aws.aws_caller_info
    description: The stock module this one is written instead of (see the description for why).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Account and partition of the target
  refarch.aws.caller_identity:
  register: caller

- name: An ARN in that account
  ansible.builtin.debug:
    msg: "arn:{{ caller.partition }}:iam::{{ caller.account }}:role/refarch/example"
"""

RETURN = r"""
account:
  description: The account ID.
  returned: always
  type: str
  sample: "123456789012"
partition:
  description: The partition (V(aws), V(aws-cn), V(aws-us-gov)), from the caller's ARN.
  returned: always
  type: str
  sample: aws
arn:
  description: ARN of the caller (user, assumed role, ...).
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/deployer/session
user_id:
  description: Unique ID of the caller (for an assumed role, the role's id and the session name).
  returned: always
  type: str
  sample: AROA3XFRBF535PLBIFPI4:session
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client, caller_identity


def main():
    module = AnsibleAWSModule(argument_spec={}, supports_check_mode=True)
    client = aws_client(module, "sts")
    try:
        identity = caller_identity(client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="reading the caller identity")
    module.exit_json(changed=False, **identity)


if __name__ == "__main__":
    main()
