#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codepipeline_info
short_description: Pipelines, their stages and state, pending approvals
version_added: 0.1.0
description:
  - Describes one pipeline (O(name)) or every pipeline, narrowed by O(tags) and O(deployment) -
    structure, version, the status of each stage and action, and the approvals waiting for a
    decision (without their tokens; M(refarch.aws.codepipeline_approval) decides).
author:
  - refarch.aws maintainers (@refarch)
options:
  include_state:
    description: Also read each pipeline's state (C(GetPipelineState)).
    type: bool
    default: true
seealso:
  - module: refarch.aws.codepipeline_approval
    description: Works with this module (the description says how).
  - module: refarch.aws.codepipeline
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Is a deployment waiting for review?
  refarch.aws.codepipeline_info:
    name: refarch-webapp-pipeline
    deployment: refarch
  register: info

- name: Say so
  ansible.builtin.debug:
    msg: "{{ info.pipelines[0].pending_approvals }}"
"""

RETURN = r"""
pipelines:
  description: The pipelines found.
  returned: always
  type: list
  sample:
    - name: refarch-webapp-pipeline
      arn: "arn:aws:codepipeline:us-east-1:123456789012:refarch-webapp-pipeline"
      version: 2
      stage_summary:
        - name: Source
          actions:
            - name: GitHub
              provider: CodeStarSourceConnection
        - name: Review
          actions:
            - name: Approval
              provider: Manual
      state:
        pipeline_version: 2
        stages:
          - name: Review
            status: InProgress
            pipeline_execution_id: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
            actions:
              - name: Approval
                status: InProgress
                summary: null
      pending_approvals:
        - stage: Review
          action: Approval
          pipeline_execution_id: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-webapp-pipeline
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:codepipeline:us-east-1:123456789012:refarch-webapp-pipeline
    version:
      description: Pipeline version.
      returned: always
      type: int
      sample: 2
    stage_summary:
      description: Each stage's C(name) and its C(actions), each with C(name) and C(provider).
      returned: always
      type: list
      elements: dict
      sample:
        - {name: Source, actions: [{name: GitHub, provider: CodeStarSourceConnection}]}
        - {name: Review, actions: [{name: Approval, provider: Manual}]}
    state:
      description: The pipeline's state (C(GetPipelineState)), without approval tokens.
      returned: when O(include_state=true)
      type: dict
      contains:
        pipeline_version:
          description: The pipeline version the state is of.
          returned: always
          type: int
          sample: 2
        stages:
          description:
            - Each stage's C(name), the C(status) and C(pipeline_execution_id) of its latest run, and its
              C(actions), each with C(name), C(status) and C(summary).
          returned: always
          type: list
          elements: dict
          sample:
            - name: Review
              status: InProgress
              pipeline_execution_id: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
              actions: [{name: Approval, status: InProgress, summary: null}]
    pending_approvals:
      description: The approval actions waiting for a decision.
      returned: when O(include_state=true)
      type: list
      elements: dict
      contains:
        stage:
          description: Stage of the approval.
          returned: always
          type: str
          sample: Review
        action:
          description: The approval action.
          returned: always
          type: str
          sample: Approval
        pipeline_execution_id:
          description: The execution waiting.
          returned: always
          type: str
          sample: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codepipeline import PipelinesInfo


def main():
    runner.run_info(PipelinesInfo, dict(include_state=dict(type="bool", default=True)))


if __name__ == "__main__":
    main()
