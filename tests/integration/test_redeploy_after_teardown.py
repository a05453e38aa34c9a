"""Deploy → teardown → deploy again at once → teardown, on an emulator that plays SQS as AWS does:
a deleted queue still answers for a while (DeleteQueue "takes up to 60 seconds"), its name cannot be
reused meanwhile (QueueDeletedRecently), and a new queue is not usable for a moment. Every run must
succeed; each teardown must leave nothing tagged and report nothing left; a second teardown right
after the first changes nothing."""

from __future__ import annotations

import time

import pytest

from tests.support import leftovers
from tests.support.emulator import Emulator
from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration
DEPLOY = "site.yml"
# The site teardown (stacks, then playbooks/leftovers.yml's "Could not delete" check), this stack only.
TEARDOWN = "teardown.yml"
STACK = {"refarch_stacks_selected": "sfn_sqs_callback"}
QUICK = {**STACK, "sfn_sqs_callback_task_timeout": 90, "sfn_sqs_callback_task_heartbeat": 45}
QUEUES = ["refarch-orders-inventory-requests", "refarch-orders-inventory-requests-dlq"]


@pytest.fixture
def aws(tmp_path, monkeypatch):
    """An emulator of its own: SQS holds a deleted queue's name for AWS's 60 s and answers for it for
    4 s, so the redeploy meets the held name however fast — or loaded — the machine is (30 s was
    outlasted by two teardowns and a deploy's first tasks on a loaded 2-core machine)."""
    monkeypatch.setenv("REFARCH_EMULATOR_SQS_DELETE_SECONDS", "60")
    monkeypatch.setenv("REFARCH_EMULATOR_SQS_DELETE_ANSWERS_SECONDS", "4")
    emulator = Emulator(tmp_path / "emulator").start()
    yield emulator
    emulator.stop()


def tail(run):
    return run.stdout[-4000:]


def stack_queues(aws):
    urls = aws.client("sqs").list_queues(QueueNamePrefix="refarch-orders").get("QueueUrls", [])
    return sorted(url.rsplit("/", 1)[1] for url in urls)


def deploy(aws):
    run = run_playbook(DEPLOY, aws.environment(), extra_vars=QUICK)
    assert run.rc == 0, tail(run)
    assert stack_queues(aws) == QUEUES
    return run


def teardown(aws):
    run = run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)
    assert run.rc == 0, tail(run)
    assert "Could not delete" not in run.stdout
    assert leftovers.leftovers(aws.url, "refarch") == []
    assert stack_queues(aws) == []
    return run


def test_deploy_teardown_deploy_at_once_teardown(aws):
    started = time.monotonic()
    deploy(aws)
    teardown(aws)
    again = run_playbook(TEARDOWN, aws.environment(), extra_vars=STACK)
    assert again.rc == 0 and again.changed == 0, tail(again)
    # At once: the queue names were deleted moments ago and are still held (QueueDeletedRecently).
    aws.clear_calls()
    deploy(aws)
    refused = [c for c in aws.calls() if (c.service, c.action, c.status) == ("sqs", "CreateQueue", 400)]
    assert refused, "the redeploy never met a held queue name: the test would prove nothing"
    teardown(aws)
    print("deploy, teardown, teardown, deploy, teardown: %.1f s" % (time.monotonic() - started))
