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
  purge_tags:
    description: Remove tags not in O(tags) (the ownership tag always stays).
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Dead-letter queue
  refarch.aws.sqs_queue:
    name: orders-dlq
    message_retention_period: 1209600
    deployment: prod
  register: dlq

- name: Work queue, six times the function's 30 s timeout, redrive after 5 receives
  refarch.aws.sqs_queue:
    name: orders
    visibility_timeout: 180
    redrive_policy:
      dead_letter_target_arn: "{{ dlq.queue.arn }}"
      max_receive_count: 5
    deployment: prod
    tags:
      team: shop

- name: Remove it
  refarch.aws.sqs_queue:
    name: orders
    state: absent
    deployment: prod

- name: A queue and its dead-letter queue (orders-dlq) in one task
  refarch.aws.sqs_queue:
    name: orders
    visibility_timeout: 180
    dead_letter_queue:
      message_retention_period: 1209600
      max_receive_count: 5
    deployment: prod
"""

RETURN = r"""
queue:
  description: The queue after the run (the predicted one in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Queue name.
      type: str
      sample: orders
    url:
      description: Queue URL (unknown in check mode before creation).
      type: str
      sample: https://sqs.us-east-1.amazonaws.com/123456789012/orders
    arn:
      description: Queue ARN (in check mode before creation, the ARN the queue will have).
      type: str
      sample: arn:aws:sqs:us-east-1:123456789012:orders
    visibility_timeout:
      description: Visibility timeout in seconds.
      type: int
      sample: 180
    message_retention_period:
      description: Retention in seconds.
      type: int
      sample: 345600
    encryption:
      description: V(sqs), V(kms) or V(none).
      type: str
      sample: sqs
    redrive_policy:
      description: Dead-letter target and receive count, or null.
      type: dict
      sample: {"dead_letter_target_arn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq", "max_receive_count": 5}
    tags:
      description: Tags, the ownership tag included.
      type: dict
      sample: {"refarch:deployment": "prod"}
dead_letter_queue:
  description: The dead-letter queue after the run, in the shape of RV(queue); empty when absent.
  returned: when O(dead_letter_queue) is given
  type: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.refarch.aws.plugins.module_utils import diffing, ownership, resource, sqs
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, aws_client, caller_identity


def ensure_present(module, client, params, current):
    tags = ownership.desired_tags(params["deployment"], params["tags"])
    desired = sqs.build_desired(params, tags)
    if current is None:
        after = diffing.drop_none(sqs.predicted(desired, None, tags))
        after["name"] = params["name"]
        if module.check_mode:
            # The ARN is known before creation; policies and the dead-letter setting of a
            # check-mode run need it. One read call, only when predicting a create.
            caller = caller_identity(aws_client(module, "sts"))
            after["arn"] = sqs.queue_arn(caller["partition"], module.region, caller["account"], params["name"])
            return True, after
        url = sqs.create_queue(client, params["name"], sqs.attributes_to_set(desired, None), tags)
        return True, sqs.describe_new_queue(client, url)
    resource.fail_unless_owned(module, "queue", params["name"], current["tags"])
    attributes = sqs.attributes_to_set(desired, current)
    to_set, to_remove = ownership.tag_changes(current["tags"], tags, params["purge_tags"])
    if not (attributes or to_set or to_remove):
        return False, current
    if module.check_mode:
        after = sqs.predicted(desired, current, dict(current["tags"]))
        after["tags"].update(to_set)
        for key in to_remove:
            after["tags"].pop(key, None)
        return True, after
    if attributes:
        sqs.set_attributes(client, current["url"], attributes)
    sqs.update_tags(client, current["url"], to_set, to_remove)
    return True, sqs.describe_queue(client, current["url"])


def manage(module, client, params, deleted):
    """(changed, before, after) of one queue; the name of a queue it deletes is added to ``deleted``."""
    current = sqs.get_queue(client, params["name"])
    if params["state"] == "present":
        changed, after = ensure_present(module, client, params, current)
    else:
        changed, after = resource.ensure_absent(
            module, "queue", params["name"], current, lambda q: delete(client, q, deleted)
        )
    return changed, current, after or {}


def delete(client, queue, deleted):
    sqs.delete_queue(client, queue["url"])
    deleted.append(queue["name"])


def wait_until_all_deleted(client, names):
    """Wait until every deleted queue is gone: only then is it no leftover, and only then does a
    deploy that follows create a queue of its own instead of finding this one still answering. The
    deletions run at once on AWS's side, so the waits overlap."""
    for name in names:
        sqs.wait_until_deleted(client, name)


def run_module(module):
    params = module.params
    dead_letter_params = sqs.dead_letter_queue_params(params)
    message = sqs.validate(params)
    if not message and dead_letter_params:
        message = sqs.validate(dead_letter_params)
        message = message and "dead_letter_queue: " + message
    if message:
        module.fail_json(msg=message)
    client = aws_client(module, "sqs")
    # The dead-letter queue exists before the queue whose redrive points at it, and goes after it.
    deleted = []
    try:
        if not dead_letter_params:
            managed = dict(queue=manage(module, client, params, deleted))
        elif params["state"] == "present":
            dlq = manage(module, client, dead_letter_params, deleted)
            queue = manage(module, client, sqs.with_redrive_to(params, dlq[2]["arn"]), deleted)
            managed = dict(dead_letter_queue=dlq, queue=queue)
        else:
            managed = dict(queue=manage(module, client, params, deleted))
            managed["dead_letter_queue"] = manage(module, client, dead_letter_params, deleted)
        wait_until_all_deleted(client, deleted)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        what = " and its dead-letter queue" if dead_letter_params else ""
        module.fail_json_aws(e, msg="failed to manage queue %s%s" % (params["name"], what))
    except WaitTimeout as e:
        module.fail_json(msg=str(e))
    result = dict(changed=any(changed for changed, _before, _after in managed.values()))
    result.update((key, after) for key, (_changed, _before, after) in managed.items())
    if module._diff:
        if dead_letter_params:
            before = dict((key, before or {}) for key, (_changed, before, _after) in managed.items())
            result["diff"] = diffing.diff_result(before, dict((key, m[2]) for key, m in managed.items()))
        else:
            result["diff"] = diffing.diff_result(managed["queue"][1], managed["queue"][2])
    module.exit_json(**result)


def main():
    argument_spec = dict(
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
        purge_tags=dict(type="bool", default=True),
        **ownership.OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("redrive_policy", "dead_letter_queue")],
    )
    run_module(module)


if __name__ == "__main__":
    main()
