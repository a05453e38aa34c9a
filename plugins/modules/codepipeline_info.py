#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codepipeline_info
short_description: Pipelines of a deployment, their stages and state, pending approvals
version_added: 0.1.0
description:
  - Describes one pipeline (O(name)) or every pipeline whose C(refarch:deployment) tag equals
    O(deployment) - structure, version, the status of each stage and action, and the approvals
    waiting for a decision (without their tokens; M(refarch.aws.codepipeline_approval) decides).
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Only this pipeline (it must carry the deployment's tag).
    type: str
  deployment:
    description: The deployment whose pipelines to list.
    type: str
    default: refarch
  include_state:
    description: Also read each pipeline's state (C(GetPipelineState)).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Is a deployment waiting for review?
  refarch.aws.codepipeline_info:
    name: refarch-webapp
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

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


def describe(client, name, include_state):
    pipeline, metadata = cp.get_pipeline(client, name)
    if pipeline is None:
        return None
    tags = cp.list_tags(client, metadata["pipelineArn"]) if metadata.get("pipelineArn") else {}
    result = dict(
        name=name,
        arn=metadata.get("pipelineArn"),
        version=pipeline.get("version"),
        stage_summary=cp.stage_summary(pipeline),
        tags=tags,
    )
    if include_state:
        state = cp.get_state(client, name)
        result["state"] = cp.normalize_state(state)
        result["pending_approvals"] = [
            dict((k, v) for k, v in a.items() if k != "token") for a in cp.pending_approvals(state)
        ]
    return result


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str"),
            deployment=dict(type="str", default="refarch"),
            include_state=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    client = aws_client(module, "codepipeline")
    params = module.params
    try:
        names = [params["name"]] if params["name"] else cp.list_pipeline_names(client)
        pipelines = []
        for name in names:
            found = describe(client, name, params["include_state"])
            if found is not None and is_owned(found["tags"], params["deployment"]):
                pipelines.append(found)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="describing pipelines")
    module.exit_json(changed=False, pipelines=pipelines)


if __name__ == "__main__":
    main()
