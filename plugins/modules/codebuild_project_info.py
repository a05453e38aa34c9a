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
  description:
    - The projects found, each with the keys M(refarch.aws.codebuild_project) returns in its
      RV(refarch.aws.codebuild_project#module:project).
  returned: always
  type: list
  sample:
    - name: refarch-webapp-build
      arn: "arn:aws:codebuild:us-east-1:123456789012:project/refarch-webapp-build"
      service_role: "arn:aws:iam::123456789012:role/refarch/refarch-webapp-codebuild"
      environment:
        type: LINUX_CONTAINER
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0"
        compute_type: BUILD_GENERAL1_SMALL
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-webapp-build
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:codebuild:us-east-1:123456789012:project/refarch-webapp-build
    service_role:
      description: Service role ARN.
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-webapp-codebuild
    environment:
      description: Build environment, snake_case.
      returned: always
      type: dict
      sample:
        type: LINUX_CONTAINER
        image: aws/codebuild/amazonlinux-x86_64-standard:5.0
        compute_type: BUILD_GENERAL1_SMALL
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codebuild import ProjectsInfo


def main():
    runner.run_info(ProjectsInfo)


if __name__ == "__main__":
    main()
