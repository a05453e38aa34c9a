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
- name: Queues of the sfn_sqs_callback stack of deployment prod
  refarch.aws.sqs_queue_info:
    deployment: prod
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
queues:
  description: The queues found, each as M(refarch.aws.sqs_queue) returns it.
  returned: always
  type: list
  elements: dict
  sample:
    - name: orders
      arn: arn:aws:sqs:us-east-1:123456789012:orders
      tags: {"refarch:deployment": "prod"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.sqs import QueuesInfo


def main():
    runner.run_info(QueuesInfo)


if __name__ == "__main__":
    main()
