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
  description: The roles that match the filter, sorted by name, as M(refarch.aws.iam_role) returns them.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.refarch.aws.plugins.module_utils import iam, runner


def main():
    runner.run_info(iam.RoleInfoService, dict(path_prefix=dict(type="str", default=iam.DEFAULT_PATH)))


if __name__ == "__main__":
    main()
