#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codepipeline_approval
short_description: Approve or reject a pipeline's pending manual approval, without the console
version_added: 0.1.0
description:
  - Finds the manual approval waiting in O(stage) of a pipeline (C(GetPipelineState)) and records
    the decision with a comment (C(PutApprovalResult)).
  - Optionally waits for the approval to become pending (the build before it may still run).
  - Fails with a clear message when nothing is pending, or when more than one approval action is
    pending in the stage and O(action) does not say which.
author:
  - refarch.aws maintainers (@refarch)
options:
  pipeline:
    description: Name of the pipeline.
    type: str
    required: true
  stage:
    description: Stage holding the approval.
    type: str
    default: Review
  action:
    description: Approval action; the only pending one in O(stage) when not set.
    type: str
  decision:
    description: Approve (the pipeline continues) or reject (the execution stops, C(Failed)).
    type: str
    choices: [approve, reject]
    required: true
  comment:
    description: Comment recorded with the decision (C(summary), up to 512 characters).
    type: str
    required: true
  pipeline_execution_id:
    description: Decide only when the pending approval belongs to this execution.
    type: str
  wait_timeout:
    description:
      - Seconds to wait for an approval to become pending; 0 does not wait.
      - The wait ends at once, failing with the stage and the actions' errors, when the latest execution
        ended (Failed, Stopped, Cancelled) in this stage or an earlier one and no other is running.
    type: int
    default: 0
  poll_interval:
    description: Seconds between two looks while waiting.
    type: int
    default: 5
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Finds the pending approval and reports C(changed) without deciding.
  diff_mode:
    support: none
    description: Reads only; nothing to diff.
"""

EXAMPLES = r"""
- name: Approve the deployment waiting for review
  refarch.aws.codepipeline_approval:
    pipeline: refarch-webapp-pipeline
    decision: approve
    comment: Checked the build on staging; ship it.

- name: Reject it
  refarch.aws.codepipeline_approval:
    pipeline: refarch-webapp-pipeline
    decision: reject
    comment: Wrong branch.
"""

RETURN = r"""
approval:
  description: The decided (or, in check mode, pending) approval.
  returned: success
  type: dict
  sample:
    stage: Review
    action: Approval
    pipeline_execution_id: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
    status: Approved
    summary: Checked the build on staging; ship it.
    approved_at: '2025-05-14 09:21:07.412000+00:00'
  contains:
    stage:
      description: Stage.
      returned: always
      type: str
      sample: Review
    action:
      description: Action.
      returned: always
      type: str
      sample: Approval
    pipeline_execution_id:
      description: Execution the approval belongs to.
      returned: always
      type: str
      sample: 3137f7cb-7cf7-4e1a-9c55-d7ee3e8a1f0b
    status:
      description: C(Approved) or C(Rejected).
      returned: always
      type: str
      sample: Approved
    summary:
      description: The comment.
      returned: always
      type: str
      sample: Checked the build on staging; ship it.
    approved_at:
      description: When AWS recorded the decision.
      returned: when decided (not in check mode)
      type: str
      sample: "2025-05-14 09:21:07.412000+00:00"
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client, wait_for


def find_pending(client, params):
    """The pipeline's state and the approvals in it this task may decide."""
    state = cp.get_state(client, params["pipeline"])
    if state is None:
        raise LookupError("pipeline %s does not exist" % params["pipeline"])
    pending = cp.pending_approvals(state, params["stage"], params["action"])
    if params["pipeline_execution_id"]:
        pending = [p for p in pending if p["pipeline_execution_id"] == params["pipeline_execution_id"]]
    return state, pending


def run(module, client):
    params = module.params

    def fetch():
        return find_pending(client, params)

    if params["wait_timeout"] > 0:
        # Waiting ends early when the latest execution stopped before it could reach the approval.
        state, pending = wait_for(
            fetch,
            lambda found: bool(found[1]),
            params["wait_timeout"],
            "a pending approval in stage %s of pipeline %s" % (params["stage"], params["pipeline"]),
            delay=params["poll_interval"],
            failed=lambda found: cp.stopped_short_of(found[0], params["stage"]),
        )
    else:
        state, pending = fetch()
    if not pending:
        why = cp.stopped_short_of(state, params["stage"])
        module.fail_json(
            msg="no approval is pending in stage %s of pipeline %s%s%s"
            % (
                params["stage"],
                params["pipeline"],
                " for execution %s" % params["pipeline_execution_id"] if params["pipeline_execution_id"] else "",
                ": %s" % why if why else "",
            )
        )
    if len(pending) > 1:
        module.fail_json(
            msg="%d approvals are pending in stage %s (%s): set action"
            % (len(pending), params["stage"], ", ".join(p["action"] for p in pending))
        )
    found = pending[0]
    status = "Approved" if params["decision"] == "approve" else "Rejected"
    approval = dict(
        stage=found["stage"],
        action=found["action"],
        pipeline_execution_id=found["pipeline_execution_id"],
        status=status,
        summary=params["comment"],
    )
    if not module.check_mode:
        result = cp.put_approval(
            client,
            params["pipeline"],
            found["stage"],
            found["action"],
            found["token"],
            params["decision"] == "approve",
            params["comment"],
        )
        approval["approved_at"] = str(result.get("approvedAt", ""))
    return dict(changed=True, approval=approval)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            pipeline=dict(type="str", required=True),
            stage=dict(type="str", default="Review"),
            action=dict(type="str"),
            decision=dict(type="str", choices=["approve", "reject"], required=True),
            comment=dict(type="str", required=True),
            pipeline_execution_id=dict(type="str"),
            wait_timeout=dict(type="int", default=0),
            poll_interval=dict(type="int", default=5),
        ),
        supports_check_mode=True,
    )
    if not 1 <= len(module.params["comment"]) <= 512:
        module.fail_json(msg="comment must be 1 to 512 characters long")
    if module.params["poll_interval"] < 1 or module.params["wait_timeout"] < 0:
        module.fail_json(msg="poll_interval must be positive and wait_timeout not negative")
    client = aws_client(module, "codepipeline")
    try:
        result = run(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="approval in pipeline %s" % module.params["pipeline"])
    except (LookupError, WaitTimeout) as e:
        module.fail_json(msg=str(e))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
