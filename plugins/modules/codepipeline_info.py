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
    name: refarch-webapp
    deployment: refarch
  register: info

- name: Say so
  ansible.builtin.debug:
    msg: "{{ info.pipelines[0].pending_approvals }}"
"""

RETURN = r"""
pipelines:
  description: The pipelines.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    version: {description: Pipeline version., type: int}
    stage_summary: {description: "C([{name, actions: [{name, provider}]}])", type: list}
    state: {description: "C({pipeline_version, stages: [{name, status, pipeline_execution_id, actions}]})", type: dict}
    pending_approvals: {description: "C([{stage, action, pipeline_execution_id}])", type: list}
    tags: {description: Tags., type: dict}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codepipeline import PipelinesInfo


def main():
    runner.run_info(PipelinesInfo, dict(include_state=dict(type="bool", default=True)))


if __name__ == "__main__":
    main()
