"""The verifier function of roles/sfn_sqs_callback, with a stubbed Step Functions client."""

import importlib.util
import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

SOURCE = Path(__file__).resolve().parents[4] / "roles/sfn_sqs_callback/files/inventory_verifier.py"
spec = importlib.util.spec_from_file_location("inventory_verifier", SOURCE)
verifier = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verifier)

INVENTORY = {"WIDGET-1": 10, "GADGET-2": 1, "GIZMO-3": 0}


def order(**overrides):
    value = {"orderId": "o-1", "items": [{"sku": "WIDGET-1", "quantity": 2}]}
    value.update(overrides)
    return value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([], "not a JSON object"),
        ("text", "not a JSON object"),
        ({"items": [{"sku": "WIDGET-1", "quantity": 1}]}, "orderId is missing"),
        (order(orderId=""), "orderId is missing"),
        (order(orderId=7), "orderId is missing"),
        (order(items=None), "items is missing or empty"),
        ({"orderId": "o-1"}, "items is missing or empty"),
        (order(items=[]), "items is missing or empty"),
        (order(items={"sku": "WIDGET-1"}), "items is missing or empty"),
        (order(items=["WIDGET-1"]), "items[0] is not an object"),
        (order(items=[{"quantity": 1}]), "items[0].sku is missing"),
        (order(items=[{"sku": "", "quantity": 1}]), "items[0].sku is missing"),
        (order(items=[{"sku": "WIDGET-1"}]), "items[0].quantity null is not a positive integer"),
        (order(items=[{"sku": "WIDGET-1", "quantity": 0}]), "quantity 0 is not"),
        (order(items=[{"sku": "WIDGET-1", "quantity": -2}]), "quantity -2 is not"),
        (order(items=[{"sku": "WIDGET-1", "quantity": 1.5}]), "quantity 1.5 is not"),
        (order(items=[{"sku": "WIDGET-1", "quantity": "2"}]), 'quantity "2" is not'),
        (order(items=[{"sku": "WIDGET-1", "quantity": True}]), "quantity true is not"),
        (order(items=[{"sku": "WIDGET-1", "quantity": 1}, {"sku": "GADGET-2", "quantity": 0}]), "items[1].quantity"),
    ],
)
def test_a_malformed_order_is_invalid_and_the_cause_names_the_problem(value, problem):
    decision = verifier.decide(value, INVENTORY)
    assert decision[:2] == ("failure", "InvalidOrder")
    assert problem in decision[2]


@pytest.mark.parametrize(
    ("items", "cause"),
    [
        ([{"sku": "GIZMO-3", "quantity": 1}], "order o-1: sku GIZMO-3: 1 requested, 0 available"),
        ([{"sku": "NOPE", "quantity": 1}], "order o-1: sku NOPE: 1 requested, 0 available"),
        ([{"sku": "WIDGET-1", "quantity": 11}], "sku WIDGET-1: 11 requested, 10 available"),
        # the same sku twice counts together
        (
            [{"sku": "GADGET-2", "quantity": 1}, {"sku": "GADGET-2", "quantity": 1}],
            "sku GADGET-2: 2 requested, 1 available",
        ),
        # every short sku is named, in sku order
        (
            [{"sku": "WIDGET-1", "quantity": 99}, {"sku": "GADGET-2", "quantity": 5}],
            "sku GADGET-2: 5 requested, 1 available; sku WIDGET-1: 99 requested, 10 available",
        ),
    ],
)
def test_an_item_short_of_stock_is_out_of_stock_and_the_cause_names_the_sku(items, cause):
    decision = verifier.decide(order(items=items), INVENTORY)
    assert decision[:2] == ("failure", "OutOfStock")
    assert cause in decision[2]


def test_every_item_in_stock_is_verified_with_the_order_id():
    items = [{"sku": "WIDGET-1", "quantity": 10}, {"sku": "GADGET-2", "quantity": 1}]
    assert verifier.decide(order(items=items), INVENTORY) == (
        "success",
        {"orderId": "o-1", "status": "VERIFIED", "items": [{"sku": "GADGET-2", "quantity": 1}, items[0]]},
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, {}), ("{}", {}), ('{"A": 2, "B": "3"}', {"A": 2, "B": 3})],
)
def test_load_inventory(raw, expected):
    assert verifier.load_inventory(raw) == expected


def test_load_inventory_rejects_a_list():
    with pytest.raises(ValueError, match="JSON object"):
        verifier.load_inventory("[1]")


def record(message_id, body):
    return {"messageId": message_id, "body": body if isinstance(body, str) else json.dumps(body)}


@pytest.fixture
def sfn(monkeypatch):
    client = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    monkeypatch.setattr(verifier, "_CLIENT", client)
    monkeypatch.setenv("INVENTORY", json.dumps(INVENTORY))
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def test_handler_answers_each_message_and_reports_only_failed_callbacks(sfn):
    sfn.add_response(
        "send_task_success",
        {},
        {
            "taskToken": "t-ok",
            "output": json.dumps(
                {"items": [{"quantity": 2, "sku": "WIDGET-1"}], "orderId": "o-1", "status": "VERIFIED"}, sort_keys=True
            ),
        },
    )
    sfn.add_response(
        "send_task_failure",
        {},
        {"taskToken": "t-short", "error": "OutOfStock", "cause": "order o-2: sku GIZMO-3: 1 requested, 0 available"},
    )
    sfn.add_response(
        "send_task_failure",
        {},
        {"taskToken": "t-bad", "error": "InvalidOrder", "cause": "order o-3: items is missing or empty"},
    )
    # throttled: the message must come back, and must not block the others
    sfn.add_client_error("send_task_success", service_error_code="ThrottlingException", http_status_code=400)
    # the execution already timed out: retrying can never help, the message is done
    sfn.add_client_error("send_task_failure", service_error_code="TaskTimedOut", http_status_code=400)
    event = {
        "Records": [
            record("m-ok", {"order": order(), "taskToken": "t-ok"}),
            record(
                "m-short",
                {"order": order(orderId="o-2", items=[{"sku": "GIZMO-3", "quantity": 1}]), "taskToken": "t-short"},
            ),
            record("m-bad", {"order": {"orderId": "o-3"}, "taskToken": "t-bad"}),
            record("m-no-token", {"order": order()}),
            record("m-not-json", "{oops"),
            record("m-throttled", {"order": order(orderId="o-4"), "taskToken": "t-throttled"}),
            record("m-late", {"order": order(orderId="o-5", items=[]), "taskToken": "t-late"}),
        ]
    }
    result = verifier.handler(event, None)
    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": "m-no-token"},
            {"itemIdentifier": "m-not-json"},
            {"itemIdentifier": "m-throttled"},
        ]
    }


def test_handler_of_an_empty_batch_reports_nothing(sfn):
    assert verifier.handler({"Records": []}, None) == {"batchItemFailures": []}


def test_a_long_cause_is_cut_to_the_api_limit(sfn):
    items = [{"sku": "SKU-%05d" % i, "quantity": 1} for i in range(2000)]
    decision = verifier.decide(order(items=items), {})
    assert len(decision[2]) > verifier.MAX_CAUSE
    sfn.add_response(
        "send_task_failure", {}, {"taskToken": "t", "error": "OutOfStock", "cause": decision[2][: verifier.MAX_CAUSE]}
    )
    assert verifier.process_record(
        verifier.stepfunctions(), record("m", {"order": order(items=items), "taskToken": "t"}), {}
    )
