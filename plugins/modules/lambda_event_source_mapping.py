#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lambda_event_source_mapping
short_description: An SQS event source mapping of a Lambda function, identified by function and queue
version_added: 0.1.0
description:
  - Creates, updates or deletes the mapping that makes Lambda poll an SQS queue for a function.
    The mapping is identified by function and queue (AWS allows one per pair), not by its UUID, so
    the module is idempotent without remembering anything.
  - Compares batch size, batching window, C(ReportBatchItemFailures) and maximum concurrency and
    updates only what differs.
  - Written instead of using M(amazon.aws.lambda_event) because that module has no maximum
    concurrency, no partial batch responses (C(FunctionResponseTypes)), no diff output, and does not
    wait for the mapping to settle.
  - Right after the function role's SQS policy is written, Lambda refuses the mapping
    (C(InvalidParameterValueException) "The provided execution role does not have permissions to call
    ReceiveMessage on SQS"); that answer is retried for at most 2 minutes, as terraform-provider-aws does.
    A mapping still Creating/Updating refuses an update or delete (C(ResourceInUseException) "... because
    it is in use."), so the module waits for it to settle and retries for at most 5 minutes; a delete
    waits until the mapping is gone.
  - The mapping belongs to the function; the module refuses to create, change or delete a mapping of
    a function that lacks the ownership tag of O(deployment), even when nothing would change.
options:
  function_name:
    description: Function name or ARN.
    type: str
    required: true
  event_source_arn:
    description: ARN of the SQS queue.
    type: str
    required: true
  state:
    description: Whether the mapping should exist.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: Whether Lambda polls the queue.
    type: bool
    default: true
  batch_size:
    description: Messages per invocation (1-10000; above 10 needs O(maximum_batching_window_in_seconds)).
    type: int
    default: 10
  maximum_batching_window_in_seconds:
    description: Seconds Lambda gathers messages before invoking (0-300).
    type: int
  report_batch_item_failures:
    description:
      - The function returns C(batchItemFailures); only those messages return to the queue, so one
        bad message never makes the whole batch be retried.
    type: bool
    default: true
  maximum_concurrency:
    description: Most concurrent invocations this source may cause (2-1000). Omit to leave alone.
    type: int
  deployment:
    description: The deployment that must own the function (its C(refarch:deployment) tag).
    type: str
    default: refarch
seealso:
  - module: amazon.aws.lambda_event
    description: The stock module this one is written instead of (see the description for why).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.wait
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: The order queue
  refarch.aws.sqs_queue_info:
    name: refarch-orders-inventory-requests
  register: queue

- name: The verifier consumes the order queue, reporting per-message failures
  refarch.aws.lambda_event_source_mapping:
    function_name: refarch-orders-verifier
    event_source_arn: "{{ queue.queues[0].arn }}"
    batch_size: 10
    report_batch_item_failures: true
    maximum_concurrency: 5
    deployment: refarch
"""

RETURN = r"""
mapping:
  description: The mapping after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    uuid: acf3b89d-cd88-46cd-9915-4aa277db0d0e
    event_source_arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests"
    function_arn: "arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier"
    state: Enabled
    enabled: true
    batch_size: 10
    maximum_batching_window_in_seconds: 0
    report_batch_item_failures: true
    maximum_concurrency: 5
  contains:
    uuid:
      description: Mapping id (unknown in check mode before creation).
      returned: when the mapping exists
      type: str
      sample: acf3b89d-cd88-46cd-9915-4aa277db0d0e
    event_source_arn:
      description: Queue ARN.
      returned: when present
      type: str
      sample: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
    function_arn:
      description: ARN of the function.
      returned: when the mapping exists
      type: str
      sample: arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier
    state:
      description: Lambda's state of the mapping (C(Creating), C(Enabled), C(Disabled), C(Updating), ...).
      returned: when the mapping exists
      type: str
      sample: Enabled
    enabled:
      description: Whether the mapping is (being) enabled.
      returned: when present
      type: bool
      sample: true
    batch_size:
      description: Batch size.
      returned: when present
      type: int
      sample: 10
    maximum_batching_window_in_seconds:
      description: Seconds Lambda gathers messages before it invokes.
      returned: when present
      type: int
      sample: 0
    report_batch_item_failures:
      description: Whether partial batch responses are on.
      returned: when present
      type: bool
      sample: true
    maximum_concurrency:
      description: Maximum concurrency, or null.
      returned: when present
      type: int
      sample: 5
changed_keys:
  description:
    - What differed (V(enabled), V(batch_size), V(maximum_batching_window_in_seconds),
      V(report_batch_item_failures), V(maximum_concurrency)); empty when nothing changed or the
      mapping is created or deleted.
  returned: always
  type: list
  elements: str
  sample: [batch_size]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.awslambda import MappingService


def main():
    options = dict(
        function_name=dict(type="str", required=True),
        event_source_arn=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        enabled=dict(type="bool", default=True),
        batch_size=dict(type="int", default=10),
        maximum_batching_window_in_seconds=dict(type="int"),
        report_batch_item_failures=dict(type="bool", default=True),
        maximum_concurrency=dict(type="int"),
    )
    runner.run(MappingService, options)


if __name__ == "__main__":
    main()
