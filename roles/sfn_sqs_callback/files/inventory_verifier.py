"""Inventory verifier: the Lambda function behind the order workflow's SQS callback task.

Each SQS message is ``{"order": <execution input>, "taskToken": "<token>"}``, written by the state
machine's ``arn:aws:states:::sqs:sendMessage.waitForTaskToken`` task. For each message the function
validates the order, checks stock against the ``INVENTORY`` environment variable (a JSON map
sku -> units available; an unknown sku has 0) and resumes the execution:

- every item in stock -> SendTaskSuccess with ``{"orderId", "status": "VERIFIED", "items"}``
- an item short       -> SendTaskFailure, error ``OutOfStock``, cause naming the sku
- a malformed order   -> SendTaskFailure, error ``InvalidOrder``, cause naming the problem

It returns ``batchItemFailures`` (the event source mapping has ``ReportBatchItemFailures``): only a
message whose callback could not be delivered goes back to the queue, never the whole batch.
"""

import json
import logging
import os

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

# The execution is gone or already answered: a retry can never succeed, so the message is done.
FINAL_CALLBACK_ERRORS = ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken")
MAX_CAUSE = 32768  # SendTaskFailure's limit on cause

_CLIENT = None


def stepfunctions():
    """One client per container; boto3 honours AWS_ENDPOINT_URL (set by the local emulator)."""
    global _CLIENT  # noqa: PLW0603 - reused across invocations of a warm container
    if _CLIENT is None:
        _CLIENT = boto3.client("stepfunctions")
    return _CLIENT


class InvalidOrder(Exception):
    """The order breaks the contract; the message says how."""


def load_inventory(raw):
    """sku -> units from the INVENTORY variable's JSON text."""
    inventory = json.loads(raw or "{}")
    if not isinstance(inventory, dict):
        raise ValueError("INVENTORY must be a JSON object of sku -> units")
    return dict((str(sku), int(units)) for sku, units in inventory.items())


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def validate(order):
    """``(orderId, {sku: quantity})`` of a well-formed order; raises InvalidOrder otherwise."""
    if not isinstance(order, dict):
        raise InvalidOrder("the order is not a JSON object")
    order_id = order.get("orderId")
    if not isinstance(order_id, str) or not order_id.strip():
        raise InvalidOrder("orderId is missing or not a non-empty string")
    items = order.get("items")
    if not isinstance(items, list) or not items:
        raise InvalidOrder("order %s: items is missing or empty" % order_id)
    wanted = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidOrder("order %s: items[%d] is not an object" % (order_id, index))
        sku = item.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            raise InvalidOrder("order %s: items[%d].sku is missing or not a non-empty string" % (order_id, index))
        quantity = item.get("quantity")
        if not _positive_int(quantity):
            raise InvalidOrder(
                "order %s: items[%d].quantity %s is not a positive integer" % (order_id, index, json.dumps(quantity))
            )
        wanted[sku] = wanted.get(sku, 0) + quantity
    return order_id, wanted


def shortages(wanted, inventory):
    """``[(sku, requested, available)]`` for every sku short of stock, in sku order."""
    return [
        (sku, quantity, inventory.get(sku, 0))
        for sku, quantity in sorted(wanted.items())
        if inventory.get(sku, 0) < quantity
    ]


def decide(order, inventory):
    """``("success", output)`` or ``("failure", error, cause)`` for one order: pure, unit-tested."""
    try:
        order_id, wanted = validate(order)
    except InvalidOrder as problem:
        return ("failure", "InvalidOrder", str(problem))
    short = shortages(wanted, inventory)
    if short:
        cause = "order %s: " % order_id + "; ".join(
            "sku %s: %d requested, %d available" % (sku, requested, available) for sku, requested, available in short
        )
        return ("failure", "OutOfStock", cause)
    items = [dict(sku=sku, quantity=quantity) for sku, quantity in sorted(wanted.items())]
    return ("success", dict(orderId=order_id, status="VERIFIED", items=items))


def parse_message(body):
    """``(order, token)`` from an SQS message body; ValueError when it carries no task token."""
    message = json.loads(body)
    if not isinstance(message, dict) or not isinstance(message.get("taskToken"), str):
        raise ValueError("the message carries no taskToken")
    return message.get("order"), message["taskToken"]


def answer(client, token, decision):
    if decision[0] == "success":
        client.send_task_success(taskToken=token, output=json.dumps(decision[1], sort_keys=True))
    else:
        client.send_task_failure(taskToken=token, error=decision[1], cause=decision[2][:MAX_CAUSE])


def process_record(client, record, inventory):
    """True when the message is done with (answered, or can never be answered)."""
    message_id = record.get("messageId")
    try:
        order, token = parse_message(record["body"])
    except (KeyError, ValueError) as problem:
        # No token: no execution waits for this message; the redrive policy parks it in the DLQ.
        LOG.error("message %s: %s", message_id, problem)
        return False
    decision = decide(order, inventory)
    try:
        answer(client, token, decision)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code in FINAL_CALLBACK_ERRORS:
            LOG.warning("message %s: execution no longer waits (%s); dropping it", message_id, code)
            return True
        LOG.error("message %s: callback failed (%s); the message returns to the queue", message_id, code)
        return False
    except BotoCoreError as error:
        LOG.error("message %s: callback failed (%s); the message returns to the queue", message_id, error)
        return False
    LOG.info("message %s: %s", message_id, decision[0] if decision[0] == "success" else decision[1])
    return True


def handler(event, context):
    inventory = load_inventory(os.environ.get("INVENTORY"))
    client = stepfunctions()
    failures = [
        dict(itemIdentifier=record.get("messageId"))
        for record in event.get("Records", [])
        if not process_record(client, record, inventory)
    ]
    return {"batchItemFailures": failures}
