"""What one module task of ours costs on this machine, in parts: Ansible's per-task work on the
controller (templating, fork, AnsiballZ build and copy), the module process (interpreter start,
AnsiballZ unpacking, imports), boto3 client creation, and the API call itself.

    .venv/bin/python bench/taskcost.py          # prints the parts; bench/run.py puts them in the report

The module is ``refarch.aws.caller_identity`` (one client, one read): its cost is what every task of
ours pays before its own calls. On a fresh emulator:

- per task: (wall of a play with 1 + N tasks - wall with 1 task) ÷ N, so Ansible's start-up is out;
- the module process: the kept AnsiballZ file (``ANSIBLE_KEEP_REMOTE_FILES=1``) run by hand, whole
  (unzip + imports + client + call) and exploded (``explode`` / ``execute``: no unzip);
- interpreter start: ``python -c pass``; imports: ``python -X importtime`` on the exploded module;
- clients: boto3 client creation in a new session (what amazon.aws's ``module.client`` does for each
  client), a second client of another service in the same session, and the first and second call.

Each figure is the median of ``REPEATS`` fresh processes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ANSIBLE_PLAYBOOK, ROOT, fresh_emulator

PYTHON = sys.executable
MODULE = "refarch.aws.caller_identity"
TASKS = 6
PAIRS = 2
REPEATS = 5
# The packages whose import time the report names (cumulative, as python -X importtime gives it).
IMPORTS = (
    "ansible.module_utils.basic",
    "botocore",
    "boto3",
    "botocore.session",
    "ansible_collections.amazon.aws.plugins.module_utils.modules",
    "ansible_collections.refarch.aws.plugins.module_utils.client",
)

CLIENT_SCRIPT = """
import json, sys, time
started = time.perf_counter()
import boto3
imported = time.perf_counter()
session = boto3.session.Session()
sts = session.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1")
first_client = time.perf_counter()
iam = session.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
same_session = time.perf_counter()
other = boto3.session.Session().client("iam", endpoint_url=sys.argv[1], region_name="us-east-1")
new_session = time.perf_counter()
sts.get_caller_identity()
first_call = time.perf_counter()
sts.get_caller_identity()
second_call = time.perf_counter()
print(json.dumps({
    "import boto3": imported - started,
    "first client (new session)": first_client - imported,
    "second client, same session": same_session - first_client,
    "second client, new session (as module.client does)": new_session - same_session,
    "first call (opens the connection)": first_call - new_session,
    "second call": second_call - first_call,
}))
"""


def _median_seconds(command: list[str], env: dict, cwd: Path | None = None, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def per_task_seconds(env: dict, one: Path, many: Path) -> float:
    """Median over ``PAIRS`` interleaved runs (the machine's load moves) of (wall(1 + TASKS) - wall(1)) ÷ TASKS."""
    slopes = []
    for _ in range(PAIRS):
        wall_one = _median_seconds([ANSIBLE_PLAYBOOK, str(one)], env, ROOT, 1)
        wall_many = _median_seconds([ANSIBLE_PLAYBOOK, str(many)], env, ROOT, 1)
        slopes.append((wall_many - wall_one) / TASKS)
    return statistics.median(slopes)


def _playbook(path: Path, tasks: int) -> Path:
    body = [
        "- name: Task cost",
        "  hosts: localhost",
        "  connection: local",
        "  gather_facts: false",
        "  tasks:",
    ]
    for number in range(tasks):
        body += [f"    - name: Caller identity {number}", f"      {MODULE}:", "        region: us-east-1"]
    path.write_text("\n".join(body) + "\n")
    return path


def import_times(stderr: str) -> dict[str, float]:
    """Cumulative seconds of the named packages, and of everything, from ``python -X importtime``."""
    found: dict[str, float] = {}
    total = 0.0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
        if not cumulative.isdigit():
            continue  # the header line
        raw_name = line.rsplit("|", 1)[1]
        if raw_name.startswith(" ") and not raw_name.startswith("  "):  # top level: one space
            total += int(cumulative) / 1e6
        if name in IMPORTS:
            found[name] = int(cumulative) / 1e6
    found["all imports"] = total
    return found


def measure() -> dict:
    """Every part, in seconds (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="refarch-taskcost-") as tmp:
        work = Path(tmp)
        emulator = fresh_emulator(work / "emulator")
        try:
            env = dict(
                emulator.environment(),
                ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
                ANSIBLE_REMOTE_TMP=str(work / "remote"),
                PATH=str(Path(PYTHON).parent) + os.pathsep + os.environ.get("PATH", ""),
            )
            env.pop("REFARCH_EMULATOR_PORT", None)
            one = _playbook(work / "one.yml", 1)
            many = _playbook(work / "many.yml", 1 + TASKS)
            load = os.getloadavg()[0]
            per_task = per_task_seconds(env, one, many)
            pipelined = per_task_seconds(dict(env, ANSIBLE_PIPELINING="True"), one, many)
            subprocess.run(
                [ANSIBLE_PLAYBOOK, str(one)],
                env=dict(env, ANSIBLE_KEEP_REMOTE_FILES="1"),
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            wrapper = next((work / "remote").rglob("AnsiballZ_caller_identity.py"))
            whole = _median_seconds([PYTHON, str(wrapper)], env)
            subprocess.run([PYTHON, str(wrapper), "explode"], env=env, check=True, capture_output=True)
            exploded = _median_seconds([PYTHON, str(wrapper), "execute"], env)
            interpreter = _median_seconds([PYTHON, "-c", "pass"], env)
            debug_dir = wrapper.parent / "debug_dir"
            files = list(debug_dir.rglob("*.py"))
            payload = {
                "python files": len(files),
                "bytes": sum(path.stat().st_size for path in files),
                "of amazon.aws": sum(1 for path in files if "amazon/aws" in str(path)),
            }
            imported = subprocess.run(
                [
                    PYTHON,
                    "-X",
                    "importtime",
                    "-c",
                    "import ansible_collections.refarch.aws.plugins.modules.caller_identity",
                ],
                env=dict(env, PYTHONPATH=str(debug_dir)),
                check=True,
                capture_output=True,
                text=True,
            )
            clients = [
                json.loads(
                    subprocess.run(
                        [PYTHON, "-c", CLIENT_SCRIPT, emulator.url], env=env, check=True, capture_output=True, text=True
                    ).stdout
                )
                for _ in range(REPEATS)
            ]
        finally:
            emulator.stop()
    return {
        "module": MODULE,
        "load average": load,
        "per task (controller + module process)": per_task,
        "per task with pipelining": pipelined,
        "module process, AnsiballZ file run whole": whole,
        "module process, exploded (no unzip)": exploded,
        "interpreter start (python -c pass)": interpreter,
        "payload": payload,
        "imports": import_times(imported.stderr),
        "clients": {key: statistics.median(c[key] for c in clients) for key in clients[0]},
    }


def report(figures: dict) -> str:
    """Markdown lines of ``measure()``'s figures, and what follows from them."""
    per_task = figures["per task (controller + module process)"]
    whole = figures["module process, AnsiballZ file run whole"]
    exploded = figures["module process, exploded (no unzip)"]
    interpreter = figures["interpreter start (python -c pass)"]
    imports = figures["imports"]
    clients = figures["clients"]
    ms = lambda seconds: f"{seconds * 1000:.0f}"  # noqa: E731
    lines = [
        f"`bench/taskcost.py`, module `{figures['module']}` (one client, one read), medians of fresh processes"
        f" (load average {figures['load average']:.1f} at the start):",
        "",
        "| part | ms |",
        "|---|---|",
        f"| one task, all told (per-task slope of a play of {TASKS} tasks) | {ms(per_task)} |",
        f"| the same with `ANSIBLE_PIPELINING=True` (no AnsiballZ file written, fewer shell commands) "
        f"| {ms(figures['per task with pipelining'])} |",
        f"| of which on the controller (templating, fork, AnsiballZ build and copy, result) | {ms(per_task - whole)} |",
        f"| of which the module process (AnsiballZ file run by hand) | {ms(whole)} |",
        f"| of that, the payload's unzipping and compiling (whole - exploded, whose .pyc are kept) "
        f"| {ms(whole - exploded)} |",
        f"| of that, interpreter start (`python -c pass`) | {ms(interpreter)} |",
        f"| of that, imports, all (`python -X importtime`, cumulative) | {ms(imports['all imports'])} |",
    ]
    payload = figures["payload"]
    lines.append(
        f"| (the payload: {payload['python files']} Python files, {payload['bytes'] / 1024:.0f} KiB, "
        f"{payload['of amazon.aws']} of them amazon.aws's) | |"
    )
    for name in IMPORTS:
        if name in imports:
            lines.append(f"| import {name} (cumulative) | {ms(imports[name])} |")
    for name, seconds in clients.items():
        lines.append(f"| {name} | {ms(seconds)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    results = measure()
    print(json.dumps(results, indent=2))
    print(report(results))
