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
  - Lists the IAM roles under O(path_prefix) that carry this deployment's ownership tag, or reads one role by O(name).
  - Teardown uses it to find what to delete by tag, never by name alone.
options:
  name:
    description: Read only this role (returned only when it carries the ownership tag).
    type: str
  path_prefix:
    description: IAM path to search; roles created by M(refarch.aws.iam_role) live under C(/refarch/).
    type: str
    default: /refarch/
  deployment:
    description: The deployment whose ownership tag the roles must carry.
    type: str
    default: refarch
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
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
  description: The owned roles, as M(refarch.aws.iam_role) returns them.
  returned: always
  type: list
  elements: dict
role_names:
  description: Names of the owned roles, sorted.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import iam
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import DEFAULT_DEPLOYMENT
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing library


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str"),
            path_prefix=dict(type="str", default=iam.DEFAULT_PATH),
            deployment=dict(type="str", default=DEFAULT_DEPLOYMENT),
        ),
        supports_check_mode=True,
    )
    params = module.params
    client = aws_client(module, "iam")
    try:
        if params["name"]:
            role = iam.get_role(client, params["name"])
            roles = [role] if role and is_owned(role["tags"], params["deployment"]) else []
        else:
            names = iam.list_owned_roles(
                client, params["path_prefix"], lambda tags: is_owned(tags, params["deployment"])
            )
            roles = [iam.get_role(client, name) for name in names]
            roles = [role for role in roles if role]  # deleted meanwhile
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="reading IAM roles")
    module.exit_json(changed=False, roles=roles, role_names=sorted(r["role_name"] for r in roles))


if __name__ == "__main__":
    main()
