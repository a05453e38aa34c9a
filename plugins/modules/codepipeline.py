#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codepipeline
short_description: A CodePipeline pipeline that compares before it updates
version_added: 0.1.0
description:
  - Creates, updates or deletes a pipeline. The stages are given in the API's own shape.
  - Compares the desired structure with what C(GetPipeline) returns (defaults AWS fills in are
    ignored) and calls C(UpdatePipeline) only when something differs, so a rerun makes no update
    call and does not bump the pipeline version.
  - The legacy GitHub (version 1) source action needs an OAuth token; give it in
    O(github_oauth_token) (never in O(stages)); it is C(no_log), never returned, never in the diff.
    AWS deprecates GitHub version 1 actions in favour of CodeConnections; prefer
    M(refarch.aws.codeconnections_connection) and a C(CodeStarSourceConnection) action.
  - A service role created or changed seconds before is not yet assumable; C(CreatePipeline) and
    C(UpdatePipeline) are retried for up to 90 seconds while AWS answers
    C(InvalidStructureException) "CodePipeline is not authorized to perform AssumeRole on role", and
    only then.
  - Written because M(community.aws.codepipeline) calls C(UpdatePipeline) on every run.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the pipeline.
    type: str
    required: true
  state:
    description: Whether the pipeline should exist.
    type: str
    choices: [present, absent]
    default: present
  role_arn:
    description: Service role of the pipeline. Required with O(state=present).
    type: str
  artifact_bucket:
    description: S3 bucket of the artifact store. Required with O(state=present).
    type: str
  stages:
    description:
      - Stages, each C({name, actions}) with actions in the API's shape (C(name), C(actionTypeId),
        C(configuration), C(inputArtifacts), C(outputArtifacts), C(runOrder), ...).
      - Required with O(state=present).
    type: list
    elements: dict
  pipeline_type:
    description: C(V1) or C(V2); left alone when not set.
    type: str
    choices: [V1, V2]
  execution_mode:
    description: C(SUPERSEDED), C(QUEUED) or C(PARALLEL) (the last two need V2); left alone when not set.
    type: str
    choices: [SUPERSEDED, QUEUED, PARALLEL]
  github_oauth_token:
    description:
      - OAuth token of the legacy GitHub (version 1) source action, set as C(OAuthToken) in every
        C(ThirdParty)/C(GitHub) source action. Deprecated by AWS; prefer a CodeConnections connection.
      - AWS never returns it, so a changed token is not detected; set O(force_update) to send it.
    type: str
  force_update:
    description: Call C(UpdatePipeline) even when the structure is unchanged (to rotate the token).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Source -> Build -> Review -> Deploy
  refarch.aws.codepipeline:
    name: refarch-webapp
    role_arn: "{{ roles.codepipeline.arn }}"
    artifact_bucket: refarch-pipeline-artifacts-123456789012
    stages:
      - name: Source
        actions:
          - name: GitHub
            actionTypeId: {category: Source, owner: AWS, provider: CodeStarSourceConnection, version: "1"}
            configuration:
              ConnectionArn: "{{ connection.connection.arn }}"
              FullRepositoryId: my-org/my-fork
              BranchName: main
            outputArtifacts: [{name: SourceOutput}]
      - name: Build
        actions:
          - name: CodeBuild
            actionTypeId: {category: Build, owner: AWS, provider: CodeBuild, version: "1"}
            configuration: {ProjectName: refarch-webapp-build}
            inputArtifacts: [{name: SourceOutput}]
            outputArtifacts: [{name: BuildOutput}]
      - name: Review
        actions:
          - name: Approval
            actionTypeId: {category: Approval, owner: AWS, provider: Manual, version: "1"}
      - name: Deploy
        actions:
          - name: ElasticBeanstalk
            actionTypeId: {category: Deploy, owner: AWS, provider: ElasticBeanstalk, version: "1"}
            configuration: {ApplicationName: refarch-webapp, EnvironmentName: refarch-webapp-prod}
            inputArtifacts: [{name: BuildOutput}]
"""

RETURN = r"""
pipeline:
  description: The pipeline (predicted in check mode), secrets masked as C(****); empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str, returned: when present}
    arn: {description: ARN., type: str, returned: when present}
    version: {description: Pipeline version (bumped by every update)., type: int, returned: when present}
    stages: {description: Stages as the API describes them., type: list, returned: when present}
    stage_summary: {description: "C([{name, actions: [{name, provider}]}])", type: list, returned: when present}
    tags: {description: Tags., type: dict, returned: when present}
changed_attributes:
  description: Where the pipeline differed (dotted paths).
  returned: when updated
  type: list
  elements: str
"""

import re

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    not_ours_message,
    tag_changes,
)


def view(pipeline, metadata, tags):
    if pipeline is None:
        return None
    shown = cp.mask_secrets(pipeline)
    return dict(
        name=shown["name"],
        arn=(metadata or {}).get("pipelineArn"),
        version=shown.get("version"),
        role_arn=shown.get("roleArn"),
        artifact_store=shown.get("artifactStore"),
        pipeline_type=shown.get("pipelineType"),
        stages=shown.get("stages"),
        stage_summary=cp.stage_summary(shown),
        tags=tags,
    )


def inject_token(pipeline, token):
    for stage in pipeline["stages"]:
        for action in stage["actions"]:
            type_id = action.get("actionTypeId") or {}
            if type_id.get("owner") == "ThirdParty" and type_id.get("provider") == "GitHub":
                action["configuration"]["OAuthToken"] = token


def run(module, client):
    params = module.params
    name = params["name"]
    current, metadata = cp.get_pipeline(client, name)
    tags = cp.list_tags(client, metadata["pipelineArn"]) if current and metadata.get("pipelineArn") else {}
    before = view(current, metadata, tags)
    if current is not None and not is_owned(tags, params["deployment"]):
        module.fail_json(msg=not_ours_message("pipeline", name, params["deployment"]))
    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, pipeline={}, diff=diff_result(None, None))
        if not module.check_mode:
            cp.delete_pipeline(client, name)
        return dict(changed=True, pipeline={}, diff=diff_result(before, None))

    desired = cp.build_pipeline(params)
    if params["github_oauth_token"]:
        inject_token(desired, params["github_oauth_token"])
    wanted_tags = desired_tags(params["deployment"], params["tags"])
    if current is None:
        after = view(dict(desired, version=1), {}, wanted_tags)
        if not module.check_mode:
            created = cp.create_pipeline(client, desired, wanted_tags)
            created_pipeline, metadata = cp.get_pipeline(client, name)
            after = view(created_pipeline or created, metadata, wanted_tags)
        return dict(changed=True, pipeline=after, diff=diff_result(None, after))

    changes = cp.contained_changes(desired, current)
    if params["force_update"]:
        changes = changes or ["force_update"]
    to_set, to_remove = tag_changes(tags, wanted_tags, purge=True)
    if not changes and not to_set and not to_remove:
        return dict(changed=False, pipeline=before, diff=diff_result(before, before))
    after = view(dict(desired, version=current.get("version", 0) + (1 if changes else 0)), metadata, wanted_tags)
    if not module.check_mode:
        if changes:
            cp.update_pipeline(client, desired)
        if to_set or to_remove:
            cp.update_tags(client, metadata["pipelineArn"], to_set, to_remove)
        updated, metadata = cp.get_pipeline(client, name)
        after = view(updated, metadata, wanted_tags)
    if to_set or to_remove:
        changes = [*changes, "tags"]
    return dict(changed=True, pipeline=after, changed_attributes=changes, diff=diff_result(before, after))


def validate(module):
    params = module.params
    if params["state"] != "present":
        return
    if not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", params["role_arn"]):
        module.fail_json(msg="role_arn: %r is not an IAM role ARN" % params["role_arn"])
    for index, stage in enumerate(params["stages"]):
        if not stage.get("name") or not stage.get("actions"):
            module.fail_json(msg="stages[%d] needs a name and at least one action" % index)
        for action in stage["actions"]:
            if "OAuthToken" in (action.get("configuration") or {}):
                module.fail_json(msg="stages[%d]: put the GitHub token in github_oauth_token, never in stages" % index)
            type_id = action.get("actionTypeId") or {}
            if not action.get("name") or not all(type_id.get(k) for k in ("category", "owner", "provider", "version")):
                module.fail_json(
                    msg="stages[%d] (%s): every action needs a name and "
                    "actionTypeId {category, owner, provider, version}" % (index, stage["name"])
                )
            if (
                type_id.get("provider") == "GitHub"
                and type_id.get("owner") == "ThirdParty"
                and not params["github_oauth_token"]
            ):
                module.fail_json(
                    msg="stages[%d] (%s): a GitHub version 1 source needs github_oauth_token" % (index, stage["name"])
                )
    if len(params["stages"]) < 2:
        module.fail_json(msg="stages: a pipeline needs at least two stages")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        role_arn=dict(type="str"),
        artifact_bucket=dict(type="str"),
        stages=dict(type="list", elements="dict"),
        pipeline_type=dict(type="str", choices=["V1", "V2"]),
        execution_mode=dict(type="str", choices=["SUPERSEDED", "QUEUED", "PARALLEL"]),
        github_oauth_token=dict(type="str", no_log=True),
        force_update=dict(type="bool", default=False),
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("role_arn", "artifact_bucket", "stages"))],
    )
    validate(module)
    client = aws_client(module, "codepipeline")
    try:
        result = run(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="pipeline %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
