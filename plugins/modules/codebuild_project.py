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
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Build project of the pipeline (buildspec.yml from the source)
  refarch.aws.codebuild_project:
    name: refarch-webapp-build
    service_role: "{{ roles.codebuild.arn }}"
    environment:
      image: aws/codebuild/amazonlinux-x86_64-standard:5.0
    timeout_in_minutes: 15
"""

RETURN = r"""
project:
  description: The project (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str, returned: when present}
    arn: {description: ARN., type: str, returned: when present}
    service_role: {description: Service role ARN., type: str, returned: when present}
    environment: {description: Build environment as the API describes it., type: dict, returned: when present}
    tags: {description: Tags., type: dict, returned: when present}
"""

import re

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codebuild
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result, merged
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    not_ours_message,
)


def run(module, client):
    params = module.params
    name = params["name"]
    current = codebuild.get_project(client, name)
    before = codebuild.normalize_project(current)
    if before is not None and not is_owned(before["tags"], params["deployment"]):
        module.fail_json(msg=not_ours_message("CodeBuild project", name, params["deployment"]))
    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, project={}, diff=diff_result(None, None))
        if not module.check_mode:
            codebuild.delete_project(client, name)
        return dict(changed=True, project={}, diff=diff_result(before, None))

    desired = codebuild.build_project(params, desired_tags(params["deployment"], params["tags"]))
    if current is None:
        after = codebuild.normalize_project(codebuild.to_api(desired))
        if not module.check_mode:
            after = codebuild.normalize_project(codebuild.create_project(client, desired))
        return dict(changed=True, project=after, diff=diff_result(None, after))
    changes = codebuild.project_changes(desired, current)
    if not changes:
        return dict(changed=False, project=before, diff=diff_result(before, before))
    predicted = merged(current, codebuild.to_api(desired))
    predicted["tags"] = codebuild.to_api(desired)["tags"]
    after = codebuild.normalize_project(predicted)
    if not module.check_mode:
        after = codebuild.normalize_project(codebuild.update_project(client, desired))
    return dict(changed=True, project=after, changed_attributes=changes, diff=diff_result(before, after))


def main():
    argument_spec = dict(
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
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("service_role", "environment"))],
    )
    if (
        module.params["source_type"] == "NO_SOURCE"
        and module.params["state"] == "present"
        and not module.params["buildspec"]
    ):
        module.fail_json(msg="buildspec is required with source_type=NO_SOURCE")
    role = module.params["service_role"]
    if role is not None and not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", role):
        module.fail_json(msg="service_role: %r is not an IAM role ARN" % role)
    timeout = module.params["timeout_in_minutes"]
    if timeout is not None and not 5 <= timeout <= 2160:
        module.fail_json(msg="timeout_in_minutes must be between 5 and 2160, got %s" % timeout)
    client = aws_client(module, "codebuild")
    try:
        result = run(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="CodeBuild project %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
