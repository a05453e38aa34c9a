#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: sqs_queue_info
short_description: SQS queues by name, or every queue a deployment owns
version_added: 0.1.0
description:
  - Lists SQS queues with their attributes and tags, in the shape M(refarch.aws.sqs_queue) returns.
  - With O(deployment), only queues carrying the ownership tag C(refarch:deployment=<deployment>);
    this is how teardown finds what to delete. No stock module lists queues by tag.
seealso:
  - module: refarch.aws.sqs_queue
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Queues of the sfn_sqs_callback stack of deployment refarch
  refarch.aws.sqs_queue_info:
    deployment: refarch
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
queues:
  description:
    - The queues found, each as M(refarch.aws.sqs_queue) returns its RV(refarch.aws.sqs_queue#module:queue)
      (C(name), C(url), C(arn), the timeouts and sizes, C(encryption), C(redrive_policy), C(tags)).
  returned: always
  type: list
  sample:
    - name: refarch-orders-inventory-requests
      url: "https://sqs.us-east-1.amazonaws.com/123456789012/refarch-orders-inventory-requests"
      arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests"
      visibility_timeout: 180
      message_retention_period: 345600
      encryption: sqs
      redrive_policy:
        dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests-dlq"
        max_receive_count: 5
      tags:
        refarch:deployment: refarch
        refarch:stack: sfn_sqs_callback
  elements: dict
  contains:
    name:
      description: Queue name.
      returned: always
      type: str
      sample: refarch-orders-inventory-requests
    url:
      description: Queue URL.
      returned: always
      type: str
      sample: https://sqs.us-east-1.amazonaws.com/123456789012/refarch-orders-inventory-requests
    arn:
      description: Queue ARN.
      returned: always
      type: str
      sample: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
    visibility_timeout:
      description: Visibility timeout in seconds.
      returned: always
      type: int
      sample: 180
    message_retention_period:
      description: Retention in seconds.
      returned: always
      type: int
      sample: 345600
    encryption:
      description: V(sqs), V(kms) or V(none).
      returned: always
      type: str
      sample: sqs
    redrive_policy:
      description: C(dead_letter_target_arn) and C(max_receive_count), or null.
      returned: always
      type: dict
      sample:
        dead_letter_target_arn: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests-dlq
        max_receive_count: 5
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.sqs import QueuesInfo


def main():
    runner.run_info(QueuesInfo)


if __name__ == "__main__":
    main()
