"""Bad input, caught before any API call: the catalogue in files/bad_input.yml (wrong values for the
three roles, our modules and the entry points). Each case must fail with a message that names the
variable or parameter, and the emulator's call record must show no call at all — so certainly no
mutating one.

Speed: every role case runs in one generated playbook (include_role in a block/rescue per case), every
module case in another; only the entry-point cases need an ansible-playbook process each.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration

CATALOGUE = yaml.safe_load((Path(__file__).parent / "files" / "bad_input.yml").read_text())
MODULE_DEFAULTS = {"group/refarch.aws.aws": "{{ refarch_module_defaults }}"}  # the inventory's
NOT_OWNING = {"stepfunctions_execution"}  # starts executions, owns nothing: no deployment option


def role_task(case):
    return {"ansible.builtin.include_role": {"name": f"refarch.aws.{case['role']}"}, "vars": case["with"]}


def module_task(case):
    params = dict(case["with"]) if case["module"] in NOT_OWNING else dict(case["with"], deployment="catalogue")
    return {f"refarch.aws.{case['module']}": params}


def catalogue_playbook(path: Path, cases: list, task) -> str:
    """One play on localhost; each case a block whose rescue reports the failure message under the case id."""
    tasks = [
        {
            "name": case["id"],
            "block": [dict(task(case), name=f"{case['id']} runs")],
            "rescue": [
                {"name": f"{case['id']} rejected", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}
            ],
        }
        for case in cases
    ]
    play = {"name": "catalogue", "hosts": "localhost", "gather_facts": False, "module_defaults": MODULE_DEFAULTS}
    path.write_text(yaml.safe_dump([dict(play, tasks=tasks)], sort_keys=False))
    return str(path)


def check_catalogue(aws, tmp_path, cases, task):
    run = run_playbook(catalogue_playbook(tmp_path / "catalogue.yml", cases, task), aws.environment())
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    messages = {}
    for case in cases:
        rejected = run.task_results(f"{case['id']} rejected")
        messages[case["id"]] = str(rejected[0]["msg"]) if rejected else None
    accepted = [case_id for case_id, message in messages.items() if message is None]
    unnamed = [
        f"{c['id']}: {messages[c['id']][:300]}" for c in cases if c["names"] not in (messages[c["id"]] or c["names"])
    ]
    assert accepted == [], f"accepted bad input: {accepted}"
    assert unnamed == [], "messages that do not name the variable:\n" + "\n".join(unnamed)
    assert aws.calls() == [], "API calls:\n" + "\n".join(
        f"{c.service}:{c.action} during {during(run, c)}" for c in aws.calls()
    )


def during(run, call) -> str:
    """The task that was running when the emulator recorded this call."""
    for play in run.plays:
        for task in play.get("tasks", []):
            span = task["task"].get("duration", {})
            if span and stamp(span["start"]) - 0.05 <= call.time_ms / 1000 <= stamp(span["end"]) + 0.05:
                return task["task"]["name"]
    return "no task"


def stamp(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_the_catalogue_has_thirty_distinct_cases_or_more():
    ids = [case["id"] for section in CATALOGUE.values() for case in section]
    assert len(ids) == len(set(ids)) and len(ids) >= 30


def test_bad_role_input_stops_before_any_api_call(aws, tmp_path):
    check_catalogue(aws, tmp_path, CATALOGUE["roles"], role_task)


def test_bad_module_input_stops_before_any_api_call(aws, tmp_path):
    check_catalogue(aws, tmp_path, CATALOGUE["modules"], module_task)


@pytest.mark.parametrize("case", CATALOGUE["entry"], ids=[case["id"] for case in CATALOGUE["entry"]])
def test_bad_extra_vars_stop_the_entry_points_before_any_api_call(aws, case):
    run = run_playbook(case["playbook"], aws.environment(), extra_vars=case["with"])
    assert run.rc != 0
    assert case["names"] in run.stdout, run.stdout[-3000:]
    assert aws.calls() == []
