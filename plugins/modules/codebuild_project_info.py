#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codebuild_project_info
short_description: The CodeBuild projects a deployment owns
version_added: 0.1.0
description:
  - Lists the CodeBuild projects whose C(refarch:deployment) tag equals O(deployment); teardown
    finds what to delete with it.
author:
  - refarch.aws maintainers (@refarch)
options:
  deployment:
    description: The deployment whose projects to list.
    type: str
    default: refarch
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Build projects of this deployment
  refarch.aws.codebuild_project_info:
    deployment: refarch
  register: projects
"""

RETURN = r"""
projects:
  description: The deployment's projects.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    tags: {description: Tags., type: dict}
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codebuild
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(deployment=dict(type="str", default="refarch")), supports_check_mode=True
    )
    client = aws_client(module, "codebuild")
    try:
        names = codebuild.list_project_names(client)
        projects = [codebuild.normalize_project(p) for p in codebuild.get_projects(client, names)]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="listing CodeBuild projects")
    owned = [p for p in projects if is_owned(p["tags"], module.params["deployment"])]
    module.exit_json(changed=False, projects=owned)


if __name__ == "__main__":
    main()
