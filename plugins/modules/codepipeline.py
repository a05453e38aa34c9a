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
seealso:
  - module: refarch.aws.codeconnections_connection
    description: Works with this module (the description says how).
  - module: community.aws.codepipeline
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.codepipeline_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: The pipeline's service role
  refarch.aws.iam_role_info:
    name: refarch-webapp-codepipeline
  register: pipeline_role

- name: The GitHub connection
  refarch.aws.codeconnections_connection_info:
    name: refarch-webapp-github
  register: connection

- name: Source -> Build -> Review -> Deploy
  refarch.aws.codepipeline:
    name: refarch-webapp-pipeline
    role_arn: "{{ pipeline_role.roles[0].arn }}"
    artifact_bucket: refarch-webapp-artifacts-123456789012-us-east-1
    stages:
      - name: Source
        actions:
          - name: GitHub
            actionTypeId: {category: Source, owner: AWS, provider: CodeStarSourceConnection, version: "1"}
            configuration:
              ConnectionArn: "{{ connection.connections[0].arn }}"
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
            configuration: {ApplicationName: refarch-webapp, EnvironmentName: refarch-webapp-env}
            inputArtifacts: [{name: BuildOutput}]
"""

RETURN = r"""
pipeline:
  description: The pipeline (predicted in check mode), secrets masked as C(****); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-webapp-pipeline
    arn: "arn:aws:codepipeline:us-east-1:123456789012:refarch-webapp-pipeline"
    version: 2
    role_arn: "arn:aws:iam::123456789012:role/refarch/refarch-webapp-codepipeline"
    artifact_store:
      type: S3
      location: "refarch-webapp-artifacts-123456789012-us-east-1"
    pipeline_type: V2
    stages:
      - name: Build
        actions:
          - name: CodeBuild
            actionTypeId:
              category: Build
              owner: AWS
              provider: CodeBuild
              version: '1'
            runOrder: 1
            configuration:
              ProjectName: refarch-webapp-build
            inputArtifacts:
              - name: SourceOutput
            outputArtifacts:
              - name: BuildOutput
    stage_summary:
      - name: Source
        actions:
          - name: GitHub
            provider: CodeStarSourceConnection
      - name: Build
        actions:
          - name: CodeBuild
            provider: CodeBuild
      - name: Review
        actions:
          - name: Approval
            provider: Manual
      - name: Deploy
        actions:
          - name: ElasticBeanstalk
            provider: ElasticBeanstalk
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-webapp-pipeline
    arn:
      description: ARN (null in check mode before it is created).
      returned: when present
      type: str
      sample: arn:aws:codepipeline:us-east-1:123456789012:refarch-webapp-pipeline
    version:
      description: Pipeline version (bumped by every update).
      returned: when present
      type: int
      sample: 2
    role_arn:
      description: Service role ARN.
      returned: when present
      type: str
      sample: arn:aws:iam::123456789012:role/refarch/refarch-webapp-codepipeline
    artifact_store:
      description: The artifact store in the API's shape (C(type), C(location)).
      returned: when present
      type: dict
      sample: {"type": "S3", "location": "refarch-webapp-artifacts-123456789012-us-east-1"}
    pipeline_type:
      description: C(V1) or C(V2).
      returned: when present
      type: str
      sample: V2
    stages:
      description:
        - Stages as the API describes them (camelCase, as O(stages) takes them), actions with AWS's
          defaults filled in and secrets masked.
      returned: when present
      type: list
      elements: dict
      sample:
        - name: Build
          actions:
            - name: CodeBuild
              actionTypeId: {category: Build, owner: AWS, provider: CodeBuild, version: "1"}
              runOrder: 1
              configuration: {ProjectName: refarch-webapp-build}
              inputArtifacts: [{name: SourceOutput}]
              outputArtifacts: [{name: BuildOutput}]
    stage_summary:
      description: Each stage's C(name) and its C(actions), each with C(name) and C(provider).
      returned: when present
      type: list
      elements: dict
      sample:
        - {name: Source, actions: [{name: GitHub, provider: CodeStarSourceConnection}]}
        - {name: Build, actions: [{name: CodeBuild, provider: CodeBuild}]}
        - {name: Review, actions: [{name: Approval, provider: Manual}]}
        - {name: Deploy, actions: [{name: ElasticBeanstalk, provider: ElasticBeanstalk}]}
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
changed_keys:
  description:
    - Where the pipeline differed, as dotted paths in the API's names
      (e.g. C(stages[1].actions[0].configuration.ProjectName)); C(force_update) when only
      O(force_update) made it update; empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: ["stages[1].actions[0].configuration.ProjectName", tags]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codepipeline import PipelineService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        role_arn=dict(type="str"),
        artifact_bucket=dict(type="str"),
        stages=dict(type="list", elements="dict"),
        pipeline_type=dict(type="str", choices=["V1", "V2"]),
        execution_mode=dict(type="str", choices=["SUPERSEDED", "QUEUED", "PARALLEL"]),
        github_oauth_token=dict(type="str", no_log=True),
        force_update=dict(type="bool", default=False),
    )
    runner.run(PipelineService, options, required_if=[("state", "present", ("role_arn", "artifact_bucket", "stages"))])


if __name__ == "__main__":
    main()
