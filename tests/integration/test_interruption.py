"""Interruption (the short version; bench/ soaks many rounds): site.yml is killed twice at seeded
points — after the k-th API call the emulator records — then a rerun converges (rc 0), a second
rerun changes nothing, the resources equal those of an uninterrupted run, and teardown.yml leaves
nothing tagged."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time

import pytest

from tests.integration.conftest import SITE_VARS
from tests.support import leftovers
from tests.support.playbook import ANSIBLE_PLAYBOOK, ROOT, run_playbook

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("REFARCH_INTERRUPTION_SEED", "8"))


def site_killed_after(aws, calls: int, timeout: float = 300) -> int:
    """Start site.yml, SIGTERM its whole process group once the record holds `calls` more calls;
    returns how many calls the record held when it was killed (the run must not have finished)."""
    start = len(aws.calls())
    env = dict(aws.environment(), ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    command = [ANSIBLE_PLAYBOOK, "site.yml", "-e", json.dumps(SITE_VARS)]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + timeout
    try:
        while len(aws.calls()) - start < calls:
            assert proc.poll() is None, f"site.yml ended (rc {proc.returncode}) before {calls} calls"
            assert time.monotonic() < deadline, "site.yml made too few calls"
            time.sleep(0.05)
        seen = len(aws.calls()) - start
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    return seen


def failures(run) -> list[str]:
    return [
        f"{host}: {task['task']['name']}: {result.get('msg')}"
        for play in run.plays
        for task in play.get("tasks", [])
        for host, result in task["hosts"].items()
        if result.get("failed") and not result.get("ignore_errors")
    ] or [run.stdout[-3000:] + run.stderr[-2000:]]


def test_an_interrupted_site_converges_to_the_uninterrupted_state(aws, site_deployment):
    assert len(site_deployment.snapshot) >= 20  # the comparison below has something to compare
    rng = random.Random(SEED)
    first = site_killed_after(aws, rng.randint(10, site_deployment.calls // 2))
    second = site_killed_after(aws, rng.randint(10, site_deployment.calls // 2))  # a resumed run reads as much

    resumed = run_playbook("site.yml", aws.environment(), extra_vars=SITE_VARS)
    assert resumed.rc == 0, f"killed after {first} and {second} calls: {failures(resumed)}"
    again = run_playbook("site.yml", aws.environment(), extra_vars=SITE_VARS)
    assert again.rc == 0 and again.changed == 0, again.changed_tasks()

    resources, errors = leftovers.inventory(aws.url)
    assert errors == {}
    after = leftovers.snapshot(resources)
    # Exact equality: differences() alone would not see a duplicate (say, a second connection of the same name).
    expected = site_deployment.snapshot
    counts = [
        f"{item[:2]}: {after.count(item)} instead of {expected.count(item)}"
        for item in set(after + expected)
        if after.count(item) != expected.count(item)
    ]
    assert after == expected, leftovers.differences(expected, after) or counts

    down = run_playbook("teardown.yml", aws.environment(), extra_vars=SITE_VARS)
    assert down.rc == 0, f"killed after {first} and {second} calls: {failures(down)}"
    assert leftovers.leftovers(aws.url, "refarch") == []
