#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: sqs_queue
short_description: An encrypted standard SQS queue with a dead-letter queue, owned by a deployment
version_added: 0.1.0
description:
  - Creates, updates or deletes a standard SQS queue with server-side encryption, redrive to a
    dead-letter queue, visibility timeout and retention, tags.
  - Written instead of using C(community.aws.sqs_queue) because that module returns
    C(queue_url=null) on the run that creates the queue, has no diff output, and knows nothing of
    the ownership tag this collection's teardown relies on.
  - The module compares every attribute it is given and makes one C(SetQueueAttributes) call for all
    differences; a second run makes no mutating call.
  - An existing queue that lacks the ownership tag of O(deployment) is not touched; the module fails.
  - AWS refuses a queue name for 60 seconds after that queue was deleted (C(QueueDeletedRecently)); a
    create then waits, up to 90 seconds, so that a deploy right after a teardown works.
  - A new queue is usable about a second after C(CreateQueue); the module reads it back (its ARN) once
    it is, so that the redrive policy of O(dead_letter_queue) can name it.
  - With O(state=absent) the module waits, up to 90 seconds, until the deleted queue no longer answers,
    because AWS takes up to 60 seconds to delete a queue and may still list and read it meanwhile.
    Check mode never waits.
  - A queue to be created is planned with the ARN it will have (one C(sts:GetCallerIdentity) call
    when no queue of the task exists yet), which check mode returns.
options:
  name:
    description: Queue name. FIFO queues (names ending in C(.fifo)) are not supported.
    type: str
    required: true
  state:
    description: Whether the queue should exist.
    type: str
    choices: [present, absent]
    default: present
  visibility_timeout:
    description:
      - Seconds a received message stays invisible to other consumers (0-43200).
      - For a Lambda event source, AWS recommends at least six times the function timeout.
    type: int
  message_retention_period:
    description: Seconds a message is kept (60-1209600).
    type: int
  delay_seconds:
    description: Delivery delay in seconds (0-900).
    type: int
  receive_wait_time_seconds:
    description: Long-polling wait of ReceiveMessage in seconds (0-20).
    type: int
  maximum_message_size:
    description: Largest message in bytes (1024-1048576).
    type: int
  encryption:
    description:
      - Server-side encryption. V(sqs) uses SQS-managed keys (SSE-SQS), V(kms) the key in
        O(kms_master_key_id), V(none) switches encryption off.
    type: str
    choices: [sqs, kms, none]
    default: sqs
  kms_master_key_id:
    description: KMS key id, ARN or alias, with O(encryption=kms).
    type: str
  redrive_policy:
    description:
      - Move a message to a dead-letter queue after O(redrive_policy.max_receive_count) receives.
      - Omit to leave the current policy alone.
    type: dict
    suboptions:
      dead_letter_target_arn:
        description: ARN of the dead-letter queue.
        type: str
        required: true
      max_receive_count:
        description: Receives before a message moves to the dead-letter queue (1-1000).
        type: int
        default: 5
  dead_letter_queue:
    description:
      - A dead-letter queue managed in the same task, one module run instead of two. It is created
        or updated first, with this queue's O(encryption), O(kms_master_key_id) and tags, and this
        queue's redrive policy points at it. With O(state=absent) it is deleted after the queue.
      - Both queues are read and checked before either changes; one that exists without this
        deployment's ownership tag stops the task before any change.
      - Mutually exclusive with O(redrive_policy).
    type: dict
    suboptions:
      name:
        description: Name of the dead-letter queue. Defaults to O(name) followed by C(-dlq).
        type: str
      message_retention_period:
        description: Seconds a message is kept in the dead-letter queue (60-1209600).
        type: int
      max_receive_count:
        description: Receives before a message moves to the dead-letter queue (1-1000).
        type: int
        default: 5
seealso:
  - module: refarch.aws.sqs_queue_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Dead-letter queue
  refarch.aws.sqs_queue:
    name: refarch-orders-inventory-requests-dlq
    message_retention_period: 1209600
    deployment: refarch
  register: dlq

- name: Work queue, six times the function's 30 s timeout, redrive after 5 receives
  refarch.aws.sqs_queue:
    name: refarch-orders-inventory-requests
    visibility_timeout: 180
    redrive_policy:
      dead_letter_target_arn: "{{ dlq.queue.arn }}"
      max_receive_count: 5
    deployment: refarch
    tags:
      team: shop

- name: Remove it
  refarch.aws.sqs_queue:
    name: refarch-orders-inventory-requests
    state: absent
    deployment: refarch

- name: A queue and its dead-letter queue (refarch-orders-inventory-requests-dlq) in one task
  refarch.aws.sqs_queue:
    name: refarch-orders-inventory-requests
    visibility_timeout: 180
    dead_letter_queue:
      message_retention_period: 1209600
      max_receive_count: 5
    deployment: refarch
"""

RETURN = r"""
queue:
  description: The queue after the run (the predicted one in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-orders-inventory-requests
    url: "https://sqs.us-east-1.amazonaws.com/123456789012/refarch-orders-inventory-requests"
    arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests"
    visibility_timeout: 180
    message_retention_period: 345600
    delay_seconds: 0
    receive_wait_time_seconds: 0
    maximum_message_size: 262144
    encryption: sqs
    kms_master_key_id: alias/aws/sqs
    redrive_policy:
      dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests-dlq"
      max_receive_count: 5
    tags:
      refarch:deployment: refarch
      refarch:stack: sfn_sqs_callback
  contains:
    name:
      description: Queue name.
      returned: when present
      type: str
      sample: refarch-orders-inventory-requests
    url:
      description: Queue URL (unknown in check mode before creation).
      returned: when the queue exists
      type: str
      sample: https://sqs.us-east-1.amazonaws.com/123456789012/refarch-orders-inventory-requests
    arn:
      description: Queue ARN (in check mode before creation, the ARN the queue will have).
      returned: when present
      type: str
      sample: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
    visibility_timeout:
      description: Visibility timeout in seconds.
      returned: when present
      type: int
      sample: 180
    message_retention_period:
      description: Retention in seconds.
      returned: when present
      type: int
      sample: 345600
    delay_seconds:
      description: Delivery delay in seconds.
      returned: when present
      type: int
      sample: 0
    receive_wait_time_seconds:
      description: Long-polling wait of ReceiveMessage in seconds.
      returned: when present
      type: int
      sample: 0
    maximum_message_size:
      description: Largest message in bytes.
      returned: when present
      type: int
      sample: 262144
    encryption:
      description: V(sqs), V(kms) or V(none).
      returned: when present
      type: str
      sample: sqs
    kms_master_key_id:
      description: The KMS key.
      returned: when RV(queue.encryption) is V(kms)
      type: str
      sample: alias/aws/sqs
    redrive_policy:
      description: Dead-letter target and receive count, or null.
      returned: when present
      type: dict
      contains:
        dead_letter_target_arn:
          description: ARN of the dead-letter queue.
          returned: always
          type: str
          sample: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests-dlq
        max_receive_count:
          description: Receives before a message moves to the dead-letter queue.
          returned: always
          type: int
          sample: 5
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
dead_letter_queue:
  description:
    - The dead-letter queue after the run, with the keys of RV(queue) (its C(redrive_policy) null);
      empty when absent.
  returned: when O(dead_letter_queue) is given
  type: dict
  sample:
    name: refarch-orders-inventory-requests-dlq
    url: https://sqs.us-east-1.amazonaws.com/123456789012/refarch-orders-inventory-requests-dlq
    arn: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests-dlq
    visibility_timeout: 30
    message_retention_period: 1209600
    delay_seconds: 0
    receive_wait_time_seconds: 0
    maximum_message_size: 262144
    encryption: sqs
    redrive_policy: null
    tags: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
changed_keys:
  description:
    - The queue's attributes that differed (V(visibility_timeout), V(message_retention_period),
      V(delay_seconds), V(receive_wait_time_seconds), V(maximum_message_size), V(encryption),
      V(redrive_policy)) and V(tags) when its tags did; empty when nothing changed or the queue is
      created or deleted.
    - With O(dead_letter_queue), a dict with that list for C(queue) and for C(dead_letter_queue).
  returned: always
  type: raw
  sample: [visibility_timeout, tags]
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.sqs import QueueService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        visibility_timeout=dict(type="int"),
        message_retention_period=dict(type="int"),
        delay_seconds=dict(type="int"),
        receive_wait_time_seconds=dict(type="int"),
        maximum_message_size=dict(type="int"),
        encryption=dict(type="str", choices=["sqs", "kms", "none"], default="sqs"),
        kms_master_key_id=dict(type="str"),
        redrive_policy=dict(
            type="dict",
            options=dict(
                dead_letter_target_arn=dict(type="str", required=True),
                max_receive_count=dict(type="int", default=5),
            ),
        ),
        dead_letter_queue=dict(
            type="dict",
            options=dict(
                name=dict(type="str"),
                message_retention_period=dict(type="int"),
                max_receive_count=dict(type="int", default=5),
            ),
        ),
    )
    runner.run(QueueService, options, mutually_exclusive=[("redrive_policy", "dead_letter_queue")])


if __name__ == "__main__":
    main()
