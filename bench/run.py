"""Benchmark: refarch.aws (ours) against the stock-module peer, side by side, on fresh emulators.

    make bench                              # 3 repetitions, ours and the peer
    make bench ARGS="--reps 5 --update-docs"
    make bench ARGS=--quick                 # 1 repetition, ours only (smoke)

For each repetition and each side, a fresh emulator (own port, own API-call record) and four steps:
cold deploy, no-op rerun, check run (``--check --diff`` on the deployed state), teardown. Measured:
wall time, API calls (the emulator's record), mutating calls (``calllog.is_mutating``), changed and
failed counts (ansible.posix.json callback). Medians over repetitions; the table goes to stdout,
bench/results/latest.md + .json, and with --update-docs to docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import ROOT, Outcome, fresh_emulator, playbook_environment, run_playbook

from tests.support import leftovers

PEER_DEFAULT = ROOT.parent / "shared" / "bench" / "peer"
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmark.md"
STEPS = ("deploy", "rerun", "check", "teardown")
STEP_TITLES = {
    "deploy": "cold deploy",
    "rerun": "no-op rerun",
    "check": "check run (`--check --diff`, deployed)",
    "teardown": "teardown",
}
TARGET_SHARE = 0.5
NONE = "n/a"
# Every side runs on the emulator that fails where AWS fails, its consistency windows on AWS's clock
# (IAM 10 s, SQS 60 s, ...: docs/emulator-operations.md); "ours-lenient" is ours with the windows off,
# so the difference is what AWS's eventual consistency adds to our runs.
EMULATOR_ENVIRONMENT = {
    "ours": {"REFARCH_EMULATOR_TIME_SCALE": "1"},
    "peer": {"REFARCH_EMULATOR_TIME_SCALE": "1"},
    "ours-lenient": {"REFARCH_EMULATOR_STRICT": "0"},
}


def copy_peer(source: Path, into: Path) -> Path:
    """The peer is read-only where it is kept, and writes build/: run a writable copy."""
    target = into / "peer"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "*.retry"))
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return target


def side_commands(side: str, peer_dir: Path | None, url: str) -> tuple[Path, Path, dict[str, list[str]]]:
    """(cwd, ansible.cfg, step -> ansible-playbook arguments) of one side."""
    if side in ("ours", "ours-lenient"):
        return (
            ROOT,
            ROOT / "ansible.cfg",
            {
                "deploy": ["site.yml"],
                "rerun": ["site.yml"],
                "check": ["site.yml", "--check", "--diff"],
                "teardown": ["teardown.yml"],
            },
        )
    extra = ["-e", f"aws_endpoint_url={url}", "-e", "tolerate_emulator_gaps=true"]
    return (
        peer_dir,
        peer_dir / "ansible.cfg",
        {
            "deploy": ["site.yml", *extra],
            "rerun": ["site.yml", *extra],
            "check": ["site.yml", "--check", "--diff", *extra],
            "teardown": ["teardown.yml", *extra],
        },
    )


def measure_side(side: str, peer_source: Path, work: Path, rep: int) -> dict:
    """One repetition of one side on its own fresh emulator: the four steps, in order."""
    emulator = fresh_emulator(work / f"emulator-{side}-{rep}", EMULATOR_ENVIRONMENT[side])
    try:
        peer_dir = copy_peer(peer_source, work / f"{side}-{rep}") if side == "peer" else None
        cwd, config, commands = side_commands(side, peer_dir, emulator.url)
        env = playbook_environment(emulator.environment(), config)
        baseline = {(r.kind, r.name) for r in leftovers.inventory(emulator.url)[0]}
        emulator.clear_calls()
        result: dict = {"emulator": emulator.url}
        for step in STEPS:
            outcome: Outcome = run_playbook(commands[step], cwd, env, emulator)
            resources, errors = leftovers.inventory(emulator.url)  # after the step's calls were counted
            emulator.clear_calls()
            record = outcome.as_dict()
            added = [r for r in resources if (r.kind, r.name) not in baseline]
            record["resources"] = len(added)  # what this deployment added, read back with boto3
            record["added"] = [str(r) for r in added]
            record["aws_created"] = [str(r) for r in added if leftovers.created_by_aws(r)]
            record["owned"] = len(leftovers.owned(resources))  # carrying refarch:deployment
            record["unreadable"] = errors
            result[step] = record
            print(
                f"  rep {rep} {side:4} {step:8} rc={outcome.rc} {outcome.wall:7.1f}s calls={outcome.calls:4} "
                f"mutating={outcome.mutating:3} changed={outcome.changed:3} failed={outcome.failed} "
                f"resources={record['resources']}",
                flush=True,
            )
            for error in outcome.errors:
                print(f"      failed: {error}", flush=True)
        return result
    finally:
        emulator.stop()


def median(values: list) -> float:
    return statistics.median(values) if values else float("nan")


def summarize(reps: list[dict], sides: list[str]) -> dict:
    """step -> side -> medians and per-rep values."""
    summary: dict = {}
    for step in STEPS:
        summary[step] = {}
        for side in sides:
            runs = [rep[side][step] for rep in reps]
            summary[step][side] = {
                key: median([r[key] for r in runs])
                for key in ("wall", "calls", "mutating", "changed", "failed", "ignored", "resources", "owned")
            } | {
                "rc": [r["rc"] for r in runs],
                "wall_each": [r["wall"] for r in runs],
                "mutating_actions": sorted({a for r in runs for a in r["mutating_actions"]}),
            }
    return summary


def _num(value: float) -> str:
    return f"{value:.1f}" if value != int(value) else str(int(value))


def targets(summary: dict) -> list[tuple[str, bool | None, str]]:
    """(target, met, the figures) for the issue's targets; None when the peer was not measured."""
    checks = []
    for step in ("deploy", "rerun"):
        ours = summary[step]["ours"]["wall"]
        peer = summary[step].get("peer", {}).get("wall")
        title = f"{STEP_TITLES[step]} wall time ≤ half the peer's"
        if peer is None:
            checks.append((title, None, f"ours {ours:.1f} s, peer not measured"))
        else:
            figures = f"ours {ours:.1f} s vs peer {peer:.1f} s ({ours / peer:.0%})"
            checks.append((title, ours <= TARGET_SHARE * peer, figures))
    rerun = summary["rerun"]["ours"]
    checks.append(
        (
            "no-op rerun makes no mutating call (every repetition)",
            rerun["mutating"] == 0 and not rerun["mutating_actions"],
            f"{_num(rerun['mutating'])} mutating: {', '.join(rerun['mutating_actions']) or 'none'}",
        )
    )
    peer_calls = summary["rerun"].get("peer", {}).get("calls")
    title = "no-op rerun API calls ≤ half the peer's"
    if peer_calls is None:
        checks.append((title, None, f"ours {_num(rerun['calls'])}, peer not measured"))
    else:
        met = rerun["calls"] <= TARGET_SHARE * peer_calls
        checks.append((title, met, f"ours {_num(rerun['calls'])} vs peer {_num(peer_calls)}"))
    return checks


def table(summary: dict, sides: list[str]) -> str:
    def cell(step: str, side: str, key: str) -> str:
        return _num(summary[step][side][key]) if side in summary[step] else NONE

    header = ["step", "ours wall s", "peer wall s", "ours ÷ peer", "ours calls", "peer calls"]
    header += ["ours mutating", "peer mutating", "ours changed / failed", "peer changed / failed / ignored"]
    header += ["rc ours / peer"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for step in STEPS:
        ours, peer = summary[step]["ours"], summary[step].get("peer")
        ratio = f"{ours['wall'] / peer['wall']:.0%}" if peer and peer["wall"] else NONE
        rc_peer = ",".join(map(str, peer["rc"])) if peer else NONE
        row = [
            STEP_TITLES[step],
            f"{ours['wall']:.1f}",
            f"{peer['wall']:.1f}" if peer else NONE,
            ratio,
            cell(step, "ours", "calls"),
            cell(step, "peer", "calls"),
            cell(step, "ours", "mutating"),
            cell(step, "peer", "mutating"),
            f"{_num(ours['changed'])} / {_num(ours['failed'])}",
            f"{_num(peer['changed'])} / {_num(peer['failed'])} / {_num(peer['ignored'])}" if peer else NONE,
            f"{','.join(map(str, ours['rc']))} / {rc_peer}",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def windows_table(summary: dict) -> str:
    """What the consistency windows add to our runs: ours against ours with the windows off."""
    lines = ["| step | ours wall s | windows off wall s | the windows add s |", "|---|---|---|---|"]
    for step in STEPS:
        ours, lenient = summary[step]["ours"], summary[step]["ours-lenient"]
        added = ours["wall"] - lenient["wall"]
        lines.append(f"| {STEP_TITLES[step]} | {ours['wall']:.1f} | {lenient['wall']:.1f} | {added:+.1f} |")
    return "\n".join(lines)


def versions() -> dict:
    found = {"python": platform.python_version()}
    for package in ("ansible-core", "ansible", "boto3", "botocore", "moto"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "not installed"
    for collection in ("amazon/aws", "community/aws", "ansible/posix"):
        for path in sys.path:
            manifest = Path(path or ".") / "ansible_collections" / collection / "MANIFEST.json"
            if manifest.exists():
                found[collection.replace("/", ".")] = json.loads(manifest.read_text())["collection_info"]["version"]
                break
    galaxy = (ROOT / "galaxy.yml").read_text()
    version = [line.split(":", 1)[1].strip() for line in galaxy.splitlines() if line.startswith("version:")]
    found["refarch.aws"] = version[0] if version else "?"
    return found


def git_revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


def host() -> str:
    uname = platform.uname()
    return f"{uname.system} {uname.release} {uname.machine}, {os.cpu_count()} CPUs"


def report(data: dict) -> str:
    sides = data["sides"]
    summary = data["summary"]
    reps = data["reps"]
    lines = [
        f"Measured {data['date']} on {data['host']} (load average at start {data['load'][0]:.1f}, "
        f"end {data['load'][1]:.1f}); refarch.aws at {data['revision']}; {len(reps)} repetition(s), "
        f"median shown; every side and repetition on a fresh emulator.",
        "",
        table(summary, sides),
        "",
    ]
    if "ours-lenient" in sides:
        lines += [
            "What AWS's eventual consistency adds (the emulator's windows on AWS's clock against the same",
            "run with `REFARCH_EMULATOR_STRICT=0`; ours only):",
            "",
            windows_table(summary),
            "",
        ]
    failures = [
        f"- {side}, {STEP_TITLES[step]}: {error}"
        for side in sides
        for step in STEPS
        for error in reps[0][side][step].get("errors", [])
    ]
    if failures:
        lines += [
            "Failed tasks (repetition 1). Where a side fails, its wall time is that of a run that stopped;",
            "a failure on the stricter emulator is one a first deployment to AWS would meet:",
            "",
            *failures,
            "",
        ]
    lines += [
        "Targets (issue 7):",
        "",
    ]
    for title, met, figures in targets(summary):
        mark = "n/a" if met is None else ("met" if met else "**missed**")
        lines.append(f"- {title}: {mark} — {figures}")
    lines += ["", "Each repetition (wall s):", ""]
    for step in STEPS:
        each = "; ".join(f"{side} {', '.join(f'{w:.1f}' for w in summary[step][side]['wall_each'])}" for side in sides)
        lines.append(f"- {STEP_TITLES[step]}: {each}")
    lines += ["", "Each repetition (API calls; the tree may change between repetitions when others commit):", ""]
    for step in STEPS:
        each = "; ".join(f"{side} {', '.join(str(rep[side][step]['calls']) for rep in reps)}" for side in sides)
        lines.append(f"- {STEP_TITLES[step]}: {each}")
    lines += ["", "Resources read back after each step (beyond the fresh emulator's own):", ""]
    for side in sides:
        figures = ", ".join(f"{step} {_num(summary[step][side]['resources'])}" for step in STEPS)
        lines.append(f"- {side}: {figures}")
    lines += ["", "Where our runs spend their time (slowest tasks, repetition 1):", ""]
    for step in ("deploy", "rerun", "teardown"):
        lines.append(f"- {STEP_TITLES[step]}: {'; '.join(reps[0]['ours'][step].get('slowest', [])[:6])}")
    lines += ["", "No-op rerun API calls by service (repetition 1), where the calls target is won or lost:", ""]
    services = sorted({svc for side in sides for svc in reps[0][side]["rerun"].get("per_service", {})})
    lines += ["| service | " + " | ".join(sides) + " |", "|---|" + "---|" * len(sides)]
    for service in services:
        counts = [str(reps[0][side]["rerun"].get("per_service", {}).get(service, 0)) for side in sides]
        lines.append(f"| {service} | " + " | ".join(counts) + " |")
    lines += ["", "Left after teardown (read back; not in a fresh emulator):", ""]
    for side in sides:
        left = sorted({item for rep in reps for item in rep[side]["teardown"]["added"]})
        by_aws = {item for rep in reps for item in rep[side]["teardown"].get("aws_created", [])}
        marked = [f"{item} (created by AWS without our tag)" if item in by_aws else item for item in left]
        lines.append(f"- {side}: {', '.join(marked) or 'nothing'}")
    ours_check = summary["check"]["ours"]
    lines += [
        "",
        f"Mutating calls of our check run: {_num(ours_check['mutating'])}"
        f" ({', '.join(ours_check['mutating_actions']) or 'none'}).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in data["versions"].items()) + ".",
    ]
    return "\n".join(lines)


DOC_HEADER = """# Benchmark: refarch.aws against stock amazon.aws / community.aws modules

Generated by `make bench ARGS="--reps {reps} --update-docs"` (`bench/run.py`); rerun that command to
reproduce the figures. The peer is `../shared/bench/peer/` (the same three architectures written with
stock modules, see its README), copied to a temporary folder and run as its README says
(`-e aws_endpoint_url=... -e tolerate_emulator_gaps=true`); ours is `site.yml` / `teardown.yml` from
the repo root with `AWS_ENDPOINT_URL` set. Each side of each repetition gets a fresh emulator
(`refarch_emulator.control`, own port and API-call record), and runs: cold deploy, no-op rerun,
`--check --diff` on the deployed state, teardown.

- The emulator fails where AWS fails (`docs/emulator-operations.md`): its consistency windows (IAM
  changes not yet seen, SQS's second after create and sixty after delete, ...) run on AWS's clock
  here (`REFARCH_EMULATOR_TIME_SCALE=1`); a third run of ours with the windows off
  (`REFARCH_EMULATOR_STRICT=0`) shows what they add. Beanstalk and CodePipeline keep the emulator's
  short clock.
- wall: seconds of the whole `ansible-playbook` run; API calls: lines of the emulator's record during
  the run; mutating: those `refarch_emulator.calllog.is_mutating` counts as writes; changed / failed /
  ignored: the `ansible.posix.json` callback's stats summed over hosts.
- The two sides do not build exactly the same: the peer has no Elastic Beanstalk environment and no
  CodeConnections connection (no stock module), and its known shortcomings (its README) show as
  changed/mutating on the rerun and a failed check run.
- Wall times on a shared 2-core machine move with its load (given below); compare the two sides of
  one run, not runs of different days.

On the no-op calls target: every call of our rerun reads something the run needs (the state a
module compares: attributes, tags, policies; the AMI to use, the account, the Spot pools to report),
and no read is made twice; the table of calls by service below shows where they go. IAM reads each
role as AWS offers it (GetRole, ListRolePolicies, one GetRolePolicy per inline policy,
ListAttachedRolePolicies, and the instance profile when managed); the one call that would read all
roles at once, GetAccountAuthorizationDetails, returns every role and policy document of the whole
account (its size grows with the account, not with the stack) and needs the right to read all of
the account's IAM, so we do not use it. Elastic Beanstalk's environment, the CodeConnections
connection and the verifier's log group have reads that the peer does not make because it does
not manage them.

Robustness is measured apart: `make soak` (`bench/soak.py`) runs seeded rounds of site.yml and
teardown.yml behind the fault proxy (`refarch_emulator.faults`: 20% of AWS calls throttled or
failing, in each protocol's error shape), SIGKILLs some deploys at a seeded point, reruns, compares
what it reads back with an uninterrupted run, and counts what is left after teardown.

"""


def write_outputs(data: dict, update_docs: bool) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = report(data)
    stamp = data["date"].replace(":", "").replace("-", "")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(data, indent=2, default=str))
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2, default=str))
    (RESULTS / "latest.md").write_text(text + "\n")
    if update_docs:
        DOCS.write_text(DOC_HEADER.format(reps=len(data["reps"])) + "## Latest figures\n\n" + text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per side (median reported)")
    parser.add_argument("--quick", action="store_true", help="1 repetition, ours only (smoke)")
    parser.add_argument("--ours-only", action="store_true")
    parser.add_argument(
        "--no-lenient", action="store_true", help="skip ours with the consistency windows off (what they add)"
    )
    parser.add_argument("--peer-dir", type=Path, default=PEER_DEFAULT, help=f"default: {PEER_DEFAULT}")
    parser.add_argument("--update-docs", action="store_true", help=f"write the table into {DOCS.relative_to(ROOT)}")
    parser.add_argument("--from-json", type=Path, help="rewrite the report (and docs) from a saved run's JSON")
    args = parser.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text())
        if args.update_docs and data["sides"][:2] != ["ours", "peer"]:
            parser.error("--update-docs needs a run of both sides")
        write_outputs(data, args.update_docs)
        print(report(data))
        return 0
    reps = 1 if args.quick else args.reps
    sides = ["ours"] if (args.quick or args.ours_only) else ["ours", "peer"]
    if not args.quick and not args.no_lenient:
        sides.append("ours-lenient")
    if "peer" in sides and not (args.peer_dir / "site.yml").exists():
        parser.error(f"no peer at {args.peer_dir} (see --peer-dir, or use --ours-only)")
    if args.update_docs and sides[:2] != ["ours", "peer"]:
        parser.error("--update-docs needs both sides (not --quick / --ours-only)")
    load_start = os.getloadavg()[0]
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"bench: {reps} repetition(s) of {', '.join(sides)}; {host()}; load {load_start:.1f}", flush=True)
    measured = []
    with tempfile.TemporaryDirectory(prefix="refarch-bench-") as tmp:
        for rep in range(1, reps + 1):
            order = sides if rep % 2 else list(reversed(sides))  # alternate who runs first
            started = time.monotonic()
            measured.append({side: measure_side(side, args.peer_dir, Path(tmp), rep) for side in order})
            print(f"  rep {rep} done in {time.monotonic() - started:.0f}s", flush=True)
    data = {
        "date": date,
        "host": host(),
        "load": [load_start, os.getloadavg()[0]],
        "revision": git_revision(),
        "versions": versions(),
        "sides": sides,
        "reps": measured,
        "summary": summarize(measured, sides),
    }
    write_outputs(data, args.update_docs)
    print()
    print(report(data))
    written = f"{RESULTS.relative_to(ROOT)}/latest.md, latest.json"
    print(f"\nwritten: {written}" + (f", {DOCS.relative_to(ROOT)}" if args.update_docs else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
