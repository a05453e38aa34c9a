"""What bench/run.py and bench/soak.py share: a timed ansible-playbook run against a fresh emulator.

Imported as a sibling module (``python bench/run.py`` puts bench/ on sys.path); puts the repo root on
sys.path so that the test support code (emulator launcher, leftovers reader) is the same code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from refarch_emulator import calllog, consistency  # noqa: E402
from refarch_emulator.testing import environment_set  # noqa: E402
from tests.support.emulator import Emulator  # noqa: E402

BIN = Path(sys.executable).parent
ANSIBLE_PLAYBOOK = str(BIN / "ansible-playbook")


@dataclass
class Outcome:
    """One ansible-playbook run: exit code, wall time, API calls from the emulator's record, stats."""

    rc: int
    wall: float
    calls: int = 0
    mutating: int = 0
    ok: int = 0
    changed: int = 0
    failed: int = 0
    ignored: int = 0
    per_service: dict = field(default_factory=dict)
    per_action: dict = field(default_factory=dict)  # "service:Action" -> calls
    mutating_actions: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # failed task names (first few), for the report
    killed: bool = False
    slowest: list = field(default_factory=list)  # "12.3s host: task" of the slowest tasks

    def as_dict(self) -> dict:
        return asdict(self)


def playbook_environment(base: dict, config: Path) -> dict:
    """The environment of every benchmarked run: the json callback, this venv first on PATH."""
    env = {k: v for k, v in base.items() if k not in ("REFARCH_EMULATOR_PORT", "AWS_PROFILE", "ANSIBLE_CONFIG")}
    return dict(
        env,
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
        ANSIBLE_NOCOLOR="1",
        PATH=str(BIN) + os.pathsep + base.get("PATH", ""),
    )


def _stats(stdout: str) -> tuple[dict, list]:
    try:
        data = json.loads(stdout[stdout.index("{") :])
    except ValueError:
        return {}, []
    return data.get("stats", {}), data.get("plays", [])


def _failed_tasks(plays: list) -> list[str]:
    failed = []
    for play in plays:
        for task in play.get("tasks", []):
            for host, result in task.get("hosts", {}).items():
                if result.get("failed") and not result.get("ignore_errors"):
                    failed.append(f"{host}: {task['task']['name']}: {str(result.get('msg', ''))[:200]}")
    return failed[:5]


def _slowest_tasks(plays: list, count: int = 8) -> list[str]:
    timed = []
    for play in plays:
        for task in play.get("tasks", []):
            duration = task["task"].get("duration", {})
            if "start" in duration and "end" in duration:
                seconds = (
                    datetime.fromisoformat(duration["end"]) - datetime.fromisoformat(duration["start"])
                ).total_seconds()
                timed.append((seconds, f"{','.join(task.get('hosts', {})) or '-'}: {task['task']['name']}"))
    return [f"{seconds:.1f}s {label}" for seconds, label in sorted(timed, reverse=True)[:count]]


def run_playbook(
    args: list[str], cwd: Path, env: dict, emulator: Emulator, timeout: float = 1800, kill_after: float | None = None
) -> Outcome:
    """Run ansible-playbook ``args`` in ``cwd``; count the emulator's calls made meanwhile.

    ``kill_after``: SIGKILL the whole run (its own process group) after that many seconds, as an
    interruption would (power loss, CI cancel); the outcome then has ``killed=True``.
    """
    emulator.clear_calls()
    started = time.monotonic()
    process = subprocess.Popen(
        [ANSIBLE_PLAYBOOK, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    killed = False
    try:
        stdout, stderr = process.communicate(timeout=kill_after if kill_after is not None else timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the run's own group: ansible-playbook, forks, modules
        stdout, stderr = process.communicate()
        killed = True
    wall = time.monotonic() - started
    calls = emulator.calls()
    stats, plays = _stats(stdout)
    total = lambda key: sum(host.get(key, 0) for host in stats.values())  # noqa: E731
    per_service: dict = {}
    per_action: dict = {}
    for call in calls:
        per_service[call.service] = per_service.get(call.service, 0) + 1
        action = f"{call.service}:{call.action}"
        per_action[action] = per_action.get(action, 0) + 1
    outcome = Outcome(
        rc=process.returncode,
        wall=round(wall, 2),
        calls=len(calls),
        mutating=sum(1 for c in calls if calllog.is_mutating(c.action)),
        ok=total("ok"),
        changed=total("changed"),
        failed=total("failures") + total("unreachable"),
        ignored=total("ignored"),
        per_service=dict(sorted(per_service.items())),
        per_action=dict(sorted(per_action.items())),
        mutating_actions=sorted({f"{c.service}:{c.action}" for c in calls if c.mutating}),
        errors=_failed_tasks(plays) or ([stderr.strip()[-400:]] if process.returncode and stderr.strip() else []),
        killed=killed,
        slowest=_slowest_tasks(plays),
    )
    emulator.clear_calls()
    return outcome


def clock_environment(scale: float) -> dict[str, str]:
    """The emulator's environment for one time scale: AWS's slow processes and every consistency
    window at ``scale`` of AWS's clock. The windows are set one by one, since an emulator for tests
    keeps them at its own scale through their variables (refarch_emulator.testing.TEST_ENVIRONMENT)."""
    return {
        consistency.SCALE_VARIABLE: f"{scale:g}",
        **{window.variable: f"{window.default * scale:g}" for window in consistency.WINDOWS.values()},
    }


def fresh_emulator(state_dir: Path, environment: dict | None = None) -> Emulator:
    """A new emulator process on a free port, with its own call record; ``environment`` is set for
    the process (e.g. the consistency windows' scale)."""
    with environment_set(environment or {}):
        return Emulator(state_dir).start()
