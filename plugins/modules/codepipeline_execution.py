#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codepipeline_execution
short_description: Start a pipeline execution when the latest one ended short, or always
version_added: 0.1.0
description:
  - Starts an execution of a pipeline (C(StartPipelineExecution)) after looking at its newest one
    (C(ListPipelineExecutions)).
  - With O(start=when_stopped), the default, an execution is started only when the newest ended
    C(Failed), C(Stopped) or C(Cancelled), or when there is none, so a rerun starts nothing while one
    is in progress or after one succeeded. That is the step after completing a GitHub connection (the
    execution AWS started when the pipeline was created failed at Source and stays failed).
  - Stock amazon.aws and community.aws have no module that starts a pipeline execution.
author:
  - refarch.aws maintainers (@refarch)
options:
  pipeline:
    description: Name of the pipeline.
    type: str
    required: true
  start:
    description:
      - V(when_stopped) starts an execution only when the newest one ended short or there is none;
        V(always) starts one on every run (changed every time).
    type: str
    choices: [when_stopped, always]
    default: when_stopped
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Reports whether an execution would start, without starting it.
  diff_mode:
    support: none
    description: Starts an execution; there is no resource to diff.
"""

EXAMPLES = r"""
- name: Run the pipeline again now that its source is reachable
  refarch.aws.codepipeline_execution:
    pipeline: refarch-webapp-pipeline
  register: run

- name: Say which execution runs
  ansible.builtin.debug:
    msg: "{{ run.pipeline_execution.pipeline_execution_id }} is {{ run.pipeline_execution.status }}"
"""

RETURN = r"""
pipeline_execution:
  description:
    - The execution started, or the newest one when none was started.
    - Empty when none exists and none was started.
  returned: always
  type: dict
  sample:
    pipeline_execution_id: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
    status: InProgress
    started: true
  contains:
    pipeline_execution_id:
      description: Id of the execution; null when one would start in check mode.
      returned: always
      type: str
      sample: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
    status:
      description: Its status (C(InProgress) for one just started).
      returned: always
      type: str
      sample: InProgress
    started:
      description: Whether this run started it.
      returned: always
      type: bool
      sample: true
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client


def run(client, params, check_mode):
    latest = cp.latest_execution(client, params["pipeline"])
    if not cp.execution_needed(latest, params["start"]):
        shown = dict(pipeline_execution_id=latest["pipelineExecutionId"], status=latest["status"], started=False)
        return dict(changed=False, pipeline_execution=shown)
    started = None if check_mode else cp.start_execution(client, params["pipeline"])
    return dict(changed=True, pipeline_execution=dict(pipeline_execution_id=started, status="InProgress", started=True))


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            pipeline=dict(type="str", required=True),
            start=dict(type="str", choices=["when_stopped", "always"], default="when_stopped"),
        ),
        supports_check_mode=True,
    )
    try:
        result = run(aws_client(module, "codepipeline"), module.params, module.check_mode)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="execution of pipeline %s" % module.params["pipeline"])
    except LookupError as e:
        module.fail_json(msg=str(e))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
