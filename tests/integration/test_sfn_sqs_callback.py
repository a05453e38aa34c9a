"""The sfn_sqs_callback stack end to end on the emulator (Lambda really runs the verifier):
the four steps for every module of the role, orders ending as the contract says, 50 orders at
once, a callback that never arrives, and a teardown that leaves nothing of the stack."""

from __future__ import annotations

import collections
import json
import time

import pytest

from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration
DEPLOY = "site.yml"
TEARDOWN = "teardown.yml"
STACK = {"refarch_stacks_selected": "sfn_sqs_callback"}
ORDERS = "playbooks/orders.yml"
PREFIX = "refarch-orders"
RESOURCE_TASKS = [
    "Inventory request queue and its dead-letter queue",
    "Step Functions role (sqs:SendMessage) and verifier role (the queue, SendTask*, its logs)",
    "Order verification state machine",
    "Inventory verifier function",
    "The verifier consumes the request queue (partial batch responses)",
]
RUN_ORDERS = "Start the orders and wait for their outcomes"
# Short enough that a lost callback fails the test in a minute instead of waiting 400 s (the default).
QUICK = {**STACK, "sfn_sqs_callback_task_timeout": 90, "sfn_sqs_callback_task_heartbeat": 45}
STACK_TAGS = {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
# The role's default inventory: WIDGET-1: 100, GADGET-2: 5, GIZMO-3: 0.
IN_STOCK = [
    {"orderId": "in-1", "items": [{"sku": "WIDGET-1", "quantity": 1}]},
    {"orderId": "in-2", "items": [{"sku": "WIDGET-1", "quantity": 100}, {"sku": "GADGET-2", "quantity": 5}]},
    {"orderId": "in-3", "items": [{"sku": "GADGET-2", "quantity": 2}, {"sku": "GADGET-2", "quantity": 3}]},
]
OUT_OF_STOCK = [
    ({"orderId": "short-1", "items": [{"sku": "GIZMO-3", "quantity": 1}]}, "sku GIZMO-3: 1 requested, 0 available"),
    (
        {"orderId": "short-2", "items": [{"sku": "NO-SUCH-SKU", "quantity": 1}]},
        "sku NO-SUCH-SKU: 1 requested, 0 available",
    ),
    (
        {"orderId": "short-3", "items": [{"sku": "WIDGET-1", "quantity": 1}, {"sku": "GADGET-2", "quantity": 6}]},
        "sku GADGET-2: 6 requested, 5 available",
    ),
]
MALFORMED = [
    ({"orderId": "bad-1"}, "items is missing or empty"),
    ({"orderId": "bad-2", "items": []}, "items is missing or empty"),
    ({"orderId": "bad-3", "items": [{"sku": "WIDGET-1", "quantity": 0}]}, "quantity 0 is not a positive integer"),
    ({"orderId": "bad-4", "items": [{"sku": "WIDGET-1", "quantity": "2"}]}, 'quantity "2" is not a positive integer'),
    ({"orderId": "bad-5", "items": [{"sku": "WIDGET-1", "quantity": 1.5}]}, "quantity 1.5 is not a positive integer"),
    ({"items": [{"sku": "WIDGET-1", "quantity": 1}]}, "orderId is missing"),
    ({"orderId": "bad-7", "items": [{"quantity": 1}]}, "items[0].sku is missing"),
]


def expected_outcomes(count):
    """``count`` orders cycling through every kind, each with its expected (status, error, cause part)."""
    kinds = (
        [(order, ("SUCCEEDED", None, None)) for order in IN_STOCK]
        + [(order, ("FAILED", "OutOfStock", cause)) for order, cause in OUT_OF_STOCK]
        + [(order, ("FAILED", "InvalidOrder", cause)) for order, cause in MALFORMED]
    )
    return [kinds[i % len(kinds)] for i in range(count)]


def check_outcome(execution, order, expected):
    status, error, cause = expected
    label = f"{order}: {execution}"
    assert execution["status"] == status, label
    if status == "SUCCEEDED":
        assert execution["output"]["orderId"] == order["orderId"], label
        assert execution["output"]["status"] == "VERIFIED", label
    else:
        assert execution["error"] == error, label
        assert cause in execution["cause"], label


def task_result(run, name):
    """The host's result of the role task ``name`` (the callback names role tasks ``<role> : <name>``)."""
    found = run.task_results(name) or run.task_results(f"refarch.aws.sfn_sqs_callback : {name}")
    assert len(found) == 1, f"task {name!r}: {len(found)} results"
    return found[0]


def resource_changes(run):
    return [task_result(run, task).get("changed") for task in RESOURCE_TASKS]


def deploy(aws, *args, **extra_vars):
    run = run_playbook(DEPLOY, aws.environment(), *args, extra_vars=dict(QUICK, **extra_vars))
    assert run.rc == 0, run.stdout[-4000:]
    return run


def run_orders(aws, orders, *args, **extra_vars):
    run = run_playbook(ORDERS, aws.environment(), *args, extra_vars=dict(QUICK, **extra_vars, orders=orders))
    assert run.rc == 0, run.stdout[-4000:]
    return task_result(run, RUN_ORDERS)


def call_counts(aws):
    calls = aws.calls()
    return len(calls), collections.Counter(f"{c.service}:{c.action}" for c in calls if c.mutating)


class Stopwatch:
    """Prints how long each step took (pytest -s), to keep the suite's time in view."""

    def __init__(self):
        self.last = time.monotonic()

    def lap(self, step):
        now = time.monotonic()
        print("%-40s %5.1f s" % (step, now - self.last))
        self.last = now


def plain_string_order_is_named_and_the_others_run(aws):
    mixed = run_playbook(
        ORDERS, aws.environment(), extra_vars=dict(QUICK, orders=[IN_STOCK[0], "plain order", IN_STOCK[1]])
    )
    assert mixed.rc != 0
    left_out = task_result(mixed, "Orders that are not JSON objects are left out")["msg"]
    assert left_out.strip() == 'order 2 of 3 ("plain order") is not a JSON object;', left_out
    assert [e["status"] for e in task_result(mixed, RUN_ORDERS)["executions"]] == ["SUCCEEDED", "SUCCEEDED"]
    verdict = task_result(mixed, "Every order was a JSON object")["msg"]
    assert verdict.startswith("1 of 3 orders were not JSON objects and did not run"), verdict


def teardown_leaves_only_look_alikes(aws, watch):
    sqs = aws.client("sqs")
    sqs.create_queue(QueueName=f"{PREFIX}-inventory-requests-lookalike")
    sqs.create_queue(
        QueueName=f"{PREFIX}-other-stack", tags={"refarch:deployment": "refarch", "refarch:stack": "other"}
    )
    gone = run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)
    watch.lap("teardown")
    assert gone.rc == 0, gone.stdout[-4000:]
    leftovers = task_result(gone, "What of this stack still carries the ownership tag")
    assert leftovers["ansible_facts"]["refarch_stack_leftovers"] == []
    lam, sfn, iam = aws.client("lambda"), aws.client("stepfunctions"), aws.client("iam")
    assert sorted(url.rsplit("/", 1)[1] for url in sqs.list_queues()["QueueUrls"]) == [
        f"{PREFIX}-inventory-requests-lookalike",
        f"{PREFIX}-other-stack",
    ]
    assert lam.list_functions()["Functions"] == []
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    assert sfn.list_state_machines()["stateMachines"] == []
    assert [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(PREFIX)] == []
    again = run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)
    watch.lap("teardown again")
    assert again.rc == 0 and again.changed == 0


def events(aws, execution_arn, *types):
    history = aws.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]
    return [e for e in history if e["type"] in types]


def finished(aws, execution_arn, timeout=60):
    sfn = aws.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.3)


def transient_send_message_failure_is_retried(aws):
    """Started straight after the policy change (a playbook starts too late for the 2 s window)."""
    iam, sfn = aws.client("iam"), aws.client("stepfunctions")
    (machine,) = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == f"{PREFIX}-verify"]
    role, policy = f"{PREFIX}-states", "send-inventory-requests"
    document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(document))
    in_stock, (out_of_stock, _cause) = IN_STOCK[0], OUT_OF_STOCK[0]
    retried, refused = (
        sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps(order))["executionArn"]
        for order in (in_stock, out_of_stock)
    )
    assert finished(aws, retried)["status"] == "SUCCEEDED"
    failures = events(aws, retried, "TaskFailed")
    assert failures, "the first SendMessage was not refused: nothing was retried"
    assert {e["taskFailedEventDetails"]["error"] for e in failures} == {"SQS.AmazonSQSException"}
    assert "Error Code: AccessDenied" in failures[0]["taskFailedEventDetails"]["cause"]
    assert len(events(aws, retried, "TaskScheduled")) == len(failures) + 1
    # OutOfStock is the verifier's answer: never retried (one attempt that SQS accepted, one answer)
    ended = finished(aws, refused)
    assert (ended["status"], ended["error"]) == ("FAILED", "OutOfStock")
    scheduled = len(events(aws, refused, "TaskScheduled"))
    assert (
        scheduled
        == len(events(aws, refused, "TaskFailed"))
        == 1
        + len(
            [e for e in events(aws, refused, "TaskFailed") if e["taskFailedEventDetails"]["error"].startswith("SQS.")]
        )
    )


def deploy_again_at_once_and_remove(aws, watch):
    redeployed = deploy(aws)
    watch.lap("deploy again after teardown")
    assert resource_changes(redeployed) == [True] * len(RESOURCE_TASKS)
    assert [e["status"] for e in task_result(redeployed, RUN_ORDERS)["executions"]] == ["SUCCEEDED", "FAILED", "FAILED"]
    gone = run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)
    assert gone.rc == 0, gone.stdout[-4000:]


def printed_summary(run):
    (printed,) = run.task_results("Deployment summary")
    return printed["msg"].split("\n")


def test_orders_end_as_the_contract_says_and_teardown_leaves_nothing(aws):
    watch = Stopwatch()
    # 1. check mode on an empty account: every resource would change, nothing is written
    check = deploy(aws, "--check")
    watch.lap("check mode, empty account")
    assert resource_changes(check) == [True] * len(RESOURCE_TASKS)
    assert aws.mutating_calls() == []
    print("check mode, empty account: %d calls, mutating %s" % call_counts(aws))

    # 2. deploy: the smoke step runs the sample orders and asserts their outcomes
    aws.clear_calls()
    first = deploy(aws)
    watch.lap("deploy with smoke test")
    assert resource_changes(first) == [True] * len(RESOURCE_TASKS)
    smoke = task_result(first, RUN_ORDERS)["executions"]
    assert [(e["status"], e["error"]) for e in smoke] == [
        ("SUCCEEDED", None),
        ("FAILED", "OutOfStock"),
        ("FAILED", "InvalidOrder"),
    ]
    outcomes = "in-stock SUCCEEDED, out-of-stock OutOfStock, malformed InvalidOrder (each as expected)"
    assert f"  sample orders: {outcomes}" in printed_summary(first)
    print("deploy: %d calls, mutating %s" % call_counts(aws))

    # 3. check mode, then a rerun: nothing would change, nothing changes, nothing is written
    aws.clear_calls()
    check = deploy(aws, "--check")
    watch.lap("check mode, deployed")
    assert check.changed == 0, check.changed_tasks()
    assert aws.mutating_calls() == []
    print("check mode, deployed: %d calls, mutating %s" % call_counts(aws))
    aws.clear_calls()
    rerun = deploy(aws)
    watch.lap("no-op rerun")
    assert rerun.changed == 0, rerun.changed_tasks()
    assert task_result(rerun, "Smoke test").get("skipped") is True
    assert aws.mutating_calls() == []
    print("rerun: %d calls, mutating %s" % call_counts(aws))

    # 4. 50 orders started at once, of every kind: each ends as the contract says
    orders = expected_outcomes(50)
    result = run_orders(aws, [order for order, _expected in orders])
    watch.lap("50 orders")
    assert len(result["executions"]) == 50
    assert len({e["name"] for e in result["executions"]}) == 50
    for execution, (order, expected) in zip(result["executions"], orders, strict=True):
        check_outcome(execution, order, expected)
    assert result["summary"] == dict(collections.Counter(expected[0] for _order, expected in orders))

    # 4b. an order that is not a JSON object: named by its position, the others still run and are reported
    plain_string_order_is_named_and_the_others_run(aws)
    watch.lap("orders with a plain string among them")

    # 5. SendMessage refused for a moment (the state machine role's policy just rewritten, not yet
    # propagated: SQS.AmazonSQSException, as a throttled call is): the task retries and the order
    # succeeds; the verifier's business answers are never retried
    transient_send_message_failure_is_retried(aws)
    watch.lap("a transient SendMessage failure")

    # 6. a callback that never arrives (the verifier paused): the heartbeat ends the wait
    slow = dict(
        sfn_sqs_callback_mapping_enabled=False,
        sfn_sqs_callback_task_timeout=6,
        sfn_sqs_callback_task_heartbeat=2,
        sfn_sqs_callback_smoke_test="never",
    )
    paused = deploy(aws, **slow)
    watch.lap("deploy with the verifier paused")
    changed = [task for task, change in zip(RESOURCE_TASKS, resource_changes(paused), strict=True) if change]
    assert changed == [
        "Order verification state machine",
        "The verifier consumes the request queue (partial batch responses)",
    ]
    (timed_out,) = run_orders(aws, [IN_STOCK[0]], **slow)["executions"]
    watch.lap("an order that is never answered")
    assert (timed_out["status"], timed_out["error"]) == ("FAILED", "VerificationTimedOut")
    assert "within 6 s (heartbeat 2 s)" in timed_out["cause"]

    # 7. teardown by the ownership and stack tags: look-alikes survive, nothing of the stack does
    teardown_leaves_only_look_alikes(aws, watch)

    # 8. deploy again straight after the teardown (names reused, roles new and propagating), and remove it
    deploy_again_at_once_and_remove(aws, watch)


def test_bad_role_input_stops_before_any_api_call(aws):
    run = run_playbook(
        DEPLOY,
        aws.environment(),
        extra_vars={**STACK, "sfn_sqs_callback_inventory": {"WIDGET-1": -1}, "sfn_sqs_callback_function_timeout": 60},
    )
    assert run.rc != 0
    assert "sfn_sqs_callback_inventory must map each sku to a whole number of units" in run.stdout
    assert aws.calls() == []


def test_a_stock_of_ones_own_skus_deploys_and_its_sample_orders_end_as_expected(aws):
    run = deploy(aws, sfn_sqs_callback_inventory={"MY-SKU": 5})
    smoke = task_result(run, RUN_ORDERS)["executions"]
    assert [(e["status"], e["error"]) for e in smoke] == [
        ("SUCCEEDED", None),
        ("FAILED", "OutOfStock"),
        ("FAILED", "InvalidOrder"),
    ]
    assert smoke[0]["input"]["items"] == [{"sku": "MY-SKU", "quantity": 1}]
    assert smoke[1]["input"]["items"] == [{"sku": "MY-SKU", "quantity": 6}]
    assert "sku MY-SKU: 6 requested, 5 available" in smoke[1]["cause"]


def test_nothing_in_stock_or_no_sample_orders_deploys_too(aws):
    empty = deploy(aws, sfn_sqs_callback_inventory={"SOLD-OUT": 0})
    assert [e["error"] for e in task_result(empty, RUN_ORDERS)["executions"]] == ["OutOfStock", "InvalidOrder"]
    none = deploy(aws, sfn_sqs_callback_sample_orders=[], sfn_sqs_callback_smoke_test="always")
    assert task_result(none, "Smoke test").get("skipped") is True
    assert "  sample orders: not run (sfn_sqs_callback_sample_orders is empty)" in printed_summary(none)
