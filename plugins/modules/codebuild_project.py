#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codebuild_project
short_description: A CodeBuild project that compares before it updates
version_added: 0.1.0
description:
  - Creates, updates or deletes a CodeBuild project (for a pipeline's build stage, or a plain one).
  - Compares what you set with what C(BatchGetProjects) returns (defaults AWS adds are ignored) and
    calls C(UpdateProject) only when something differs, so a rerun makes no mutating call.
  - A service role created or changed seconds before is not yet assumable; C(CreateProject) and
    C(UpdateProject) are retried for up to 90 seconds while AWS answers C(InvalidInputException)
    saying CodeBuild is not authorized to perform C(sts:AssumeRole), and only then.
  - Written because M(community.aws.codebuild_project) calls C(UpdateProject) on every run.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the project.
    type: str
    required: true
  state:
    description: Whether the project should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description; left alone when not set.
    type: str
  source_type:
    description:
      - Source and artifacts type. C(CODEPIPELINE) takes both from the pipeline (no location).
    type: str
    choices: [CODEPIPELINE, NO_SOURCE]
    default: CODEPIPELINE
  buildspec:
    description: Inline buildspec (YAML text); the source's C(buildspec.yml) when not set.
    type: str
  service_role:
    description: ARN of the role CodeBuild assumes. Required with O(state=present).
    type: str
  environment:
    description: The build environment. Required with O(state=present).
    type: dict
    suboptions:
      type:
        description: Environment type.
        type: str
        default: LINUX_CONTAINER
      image:
        description: Image, for example C(aws/codebuild/amazonlinux-x86_64-standard:5.0).
        type: str
        required: true
      compute_type:
        description: Compute type.
        type: str
        default: BUILD_GENERAL1_SMALL
      privileged_mode:
        description: Run Docker in the build; left alone when not set.
        type: bool
      variables:
        description: Plain-text environment variables (never put secrets here).
        type: dict
  timeout_in_minutes:
    description: Build timeout; left alone when not set.
    type: int
seealso:
  - module: community.aws.codebuild_project
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.codebuild_project_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: The project's service role
  refarch.aws.iam_role_info:
    name: refarch-webapp-codebuild
  register: codebuild_role

- name: Build project of the pipeline (buildspec.yml from the source)
  refarch.aws.codebuild_project:
    name: refarch-webapp-build
    service_role: "{{ codebuild_role.roles[0].arn }}"
    environment:
      image: aws/codebuild/amazonlinux-x86_64-standard:5.0
    timeout_in_minutes: 15
"""

RETURN = r"""
changed_keys:
  description: What differed from the parameters (dotted paths, e.g. C(environment.image)); empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [environment.image, tags]
project:
  description: The project (predicted in check mode), snake_case; empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-webapp-build
    arn: "arn:aws:codebuild:us-east-1:123456789012:project/refarch-webapp-build"
    description: Builds example-org/webapp for refarch-webapp-env
    source:
      type: CODEPIPELINE
    artifacts:
      type: CODEPIPELINE
    environment:
      type: LINUX_CONTAINER
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0"
      compute_type: BUILD_GENERAL1_SMALL
      privileged_mode: false
      environment_variables:
        - name: APP_ENV
          value: production
          type: PLAINTEXT
    service_role: "arn:aws:iam::123456789012:role/refarch/refarch-webapp-codebuild"
    timeout_in_minutes: 15
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-webapp-build
    arn:
      description: ARN (not known in check mode before it is created).
      returned: when the project exists
      type: str
      sample: arn:aws:codebuild:us-east-1:123456789012:project/refarch-webapp-build
    description:
      description: Description.
      returned: when set
      type: str
      sample: Builds example-org/webapp for refarch-webapp-env
    source:
      description: Source, C(type) (C(CODEPIPELINE) or C(NO_SOURCE)) and C(buildspec) when given.
      returned: when present
      type: dict
      sample: {"type": "CODEPIPELINE"}
    artifacts:
      description: Artifacts, C(type) as the source's.
      returned: when present
      type: dict
      sample: {"type": "CODEPIPELINE"}
    environment:
      description:
        - Build environment as the API describes it, snake_case (C(type), C(image), C(compute_type),
          C(privileged_mode), C(environment_variables) each with C(name), C(value), C(type), ...).
      returned: when present
      type: dict
      sample:
        type: LINUX_CONTAINER
        image: aws/codebuild/amazonlinux-x86_64-standard:5.0
        compute_type: BUILD_GENERAL1_SMALL
        privileged_mode: false
        environment_variables:
          - {name: APP_ENV, value: production, type: PLAINTEXT}
    service_role:
      description: Service role ARN.
      returned: when present
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-webapp-codebuild
    timeout_in_minutes:
      description: Build timeout in minutes.
      returned: when set, and once the project exists
      type: int
      sample: 15
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codebuild import ProjectService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        source_type=dict(type="str", choices=["CODEPIPELINE", "NO_SOURCE"], default="CODEPIPELINE"),
        buildspec=dict(type="str"),
        service_role=dict(type="str"),
        environment=dict(
            type="dict",
            options=dict(
                type=dict(type="str", default="LINUX_CONTAINER"),
                image=dict(type="str", required=True),
                compute_type=dict(type="str", default="BUILD_GENERAL1_SMALL"),
                privileged_mode=dict(type="bool"),
                variables=dict(type="dict"),
            ),
        ),
        timeout_in_minutes=dict(type="int"),
    )
    runner.run(ProjectService, options, required_if=[("state", "present", ("service_role", "environment"))])


if __name__ == "__main__":
    main()
