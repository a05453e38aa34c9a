"""Run ansible-playbook from the repo root and read its per-host stats (json callback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")


@dataclass
class PlaybookRun:
    rc: int
    stats: dict
    plays: list
    stdout: str
    stderr: str

    def total(self, key: str) -> int:
        return sum(host.get(key, 0) for host in self.stats.values())

    @property
    def changed(self) -> int:
        return self.total("changed")

    @property
    def failed(self) -> int:
        return self.total("failures") + self.total("unreachable")

    def task_results(self, task_name: str) -> list[dict]:
        """Every host's result of the tasks with this name."""
        found = []
        for play in self.plays:
            for task in play.get("tasks", []):
                if task["task"]["name"] == task_name:
                    found.extend(task["hosts"].values())
        return found

    def deprecations(self) -> list[str]:
        """Every deprecation warning a task's result carries, as "task: message" (the json callback's)."""
        return sorted(
            {
                f"{task['task']['name']}: {warning.get('msg', warning)}"
                for play in self.plays
                for task in play.get("tasks", [])
                for result in task["hosts"].values()
                for warning in result.get("deprecations", [])
            }
        )

    def changed_tasks(self) -> list[str]:
        return sorted(
            {
                f"{host}: {task['task']['name']}"
                for play in self.plays
                for task in play.get("tasks", [])
                for host, result in task["hosts"].items()
                if result.get("changed")
            }
        )


def run_playbook(
    playbook: str, env: dict, *args: str, extra_vars: dict | None = None, timeout: int = 900
) -> PlaybookRun:
    command = [ANSIBLE_PLAYBOOK, playbook, *args]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    run_env = dict(
        env,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    )
    proc = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=timeout, check=False)
    try:
        data = json.loads(proc.stdout[proc.stdout.index("{") :])
    except ValueError:
        data = {}
    return PlaybookRun(proc.returncode, data.get("stats", {}), data.get("plays", []), proc.stdout, proc.stderr)
