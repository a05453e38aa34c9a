#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codebuild_project_info
short_description: CodeBuild projects, by name, tags or owning deployment
version_added: 0.1.0
description:
  - Lists the CodeBuild projects, or the one named O(name), that carry every tag in O(tags) and,
    when O(deployment) is set, whose C(refarch:deployment) tag equals it; teardown finds what to
    delete with it.
author:
  - refarch.aws maintainers (@refarch)
seealso:
  - module: refarch.aws.codebuild_project
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Build projects of this deployment
  refarch.aws.codebuild_project_info:
    deployment: refarch
  register: projects

- name: One project
  refarch.aws.codebuild_project_info:
    name: refarch-webapp-build
  register: project
"""

RETURN = r"""
projects:
  description: The projects found.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    tags: {description: Tags., type: dict}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codebuild import ProjectsInfo


def main():
    runner.run_info(ProjectsInfo)


if __name__ == "__main__":
    main()
