"""Soak: N seeded rounds of faults and interruptions against site.yml / teardown.yml; nothing may leak.

    make soak                                   # 3 rounds, seed 1, 20% faults
    make soak ARGS="--rounds 10 --seed 7 --rate 0.3"

First a reference round (no faults, no interruption) records what site.yml builds, read back with
boto3 (tests/support/leftovers.py). Then each round, on a fresh emulator behind the fault proxy
(refarch_emulator.faults, ``--rate`` of all AWS calls throttled or failing):

- deploy: site.yml; in a seeded share of rounds (``--interrupt-share``) the run is SIGKILLed at a
  seeded random point (10-90% of the reference deploy's wall time);
- resume (uninterrupted rounds, and every other interrupted round): site.yml again must succeed and
  leave the same resources, with the same attributes, as the reference run;
  abandon (the other interrupted rounds): no rerun, straight to teardown;
- teardown: teardown.yml must succeed; then count what still carries ``refarch:deployment``
  (leaked, must be 0) and what is new since the fresh emulator without our tag (untagged, must be 0;
  what AWS services create untagged themselves, leftovers.AWS_CREATED, is listed, not counted).

Prints rounds, faults injected, interruptions, resources leaked; exits 1 when anything leaked,
differed or failed. Results also go to bench/results/soak-latest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, fresh_emulator, playbook_environment, run_playbook

from refarch_emulator.faults import FaultProxy
from tests.support import leftovers

RESULTS = ROOT / "bench" / "results"


def owned_snapshot(url: str) -> list[tuple]:
    return leftovers.snapshot(leftovers.leftovers(url))


def new_untagged(url: str, before: set) -> tuple[list[str], list[str]]:
    """Resources the deployment added that lack our tag (teardown could never find them): (those our
    modules created, those AWS services create themselves, see leftovers.AWS_CREATED)."""
    resources, errors = leftovers.inventory(url)
    if errors:
        raise leftovers.Unreadable(str(errors))
    added = [r for r in resources if r.deployment is None and (r.kind, r.name) not in before]
    return [str(r) for r in added if not leftovers.created_by_aws(r)], [
        str(r) for r in added if leftovers.created_by_aws(r)
    ]


def reference(work: Path, deploy: list[str]) -> tuple[list[tuple], float]:
    emulator = fresh_emulator(work / "reference")
    try:
        env = playbook_environment(emulator.environment(), ROOT / "ansible.cfg")
        outcome = run_playbook(deploy, ROOT, env, emulator)
        if outcome.rc != 0:
            raise SystemExit(f"soak: the reference deploy failed (rc {outcome.rc}): {outcome.errors}")
        return owned_snapshot(emulator.url), outcome.wall
    finally:
        emulator.stop()


def soak_round(
    index: int, args, work: Path, expected: list[tuple], reference_wall: float, interrupted_before: int
) -> dict:
    seed = args.seed * 1000 + index
    rng = random.Random(seed)
    interrupted = rng.random() < args.interrupt_share
    kill_after = round(rng.uniform(0.1, 0.9) * reference_wall, 1) if interrupted else None
    emulator = fresh_emulator(work / f"round-{index}")
    result: dict = {"round": index, "seed": seed, "interrupted": interrupted, "kill_after": kill_after, "steps": {}}
    try:
        before = {(r.kind, r.name) for r in leftovers.inventory(emulator.url)[0]}
        with FaultProxy(emulator.url, rate=args.rate, seed=seed) as proxy:
            env = playbook_environment(dict(emulator.environment(), AWS_ENDPOINT_URL=proxy.url), ROOT / "ansible.cfg")
            deploy = run_playbook([args.playbook], ROOT, env, emulator, kill_after=kill_after)
            result["steps"]["deploy"] = deploy.as_dict()
            result["killed"] = deploy.killed
            # interrupted rounds alternate: resume (rerun, compare, teardown), abandon (teardown at once)
            mode = "abandon" if interrupted and interrupted_before % 2 == 1 else "resume"
            result["mode"] = mode
            problems = []
            if not deploy.killed and deploy.rc != 0:
                problems.append(f"deploy failed (rc {deploy.rc}): {deploy.errors}")
            if mode == "resume":
                rerun = run_playbook([args.playbook], ROOT, env, emulator)
                result["steps"]["rerun"] = rerun.as_dict()
                if rerun.rc != 0:
                    problems.append(f"rerun failed (rc {rerun.rc}): {rerun.errors}")
                differences = leftovers.differences(expected, owned_snapshot(emulator.url))
                result["differences"] = differences
                problems += [f"differs from the uninterrupted run: {d}" for d in differences]
            teardown = run_playbook([args.teardown], ROOT, env, emulator)
            result["steps"]["teardown"] = teardown.as_dict()
            if teardown.rc != 0:
                problems.append(f"teardown failed (rc {teardown.rc}): {teardown.errors}")
            result["faults"] = proxy.stats()
        leaked = [str(r) for r in leftovers.leftovers(emulator.url)]
        untagged, aws_created = new_untagged(emulator.url, before)
        result.update(leaked=leaked, untagged=untagged, aws_created=aws_created, problems=problems)
        return result
    finally:
        emulator.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.2, help="share of AWS calls answered with a fault")
    parser.add_argument("--interrupt-share", type=float, default=0.67, help="share of rounds whose deploy is killed")
    parser.add_argument("--playbook", default="site.yml")
    parser.add_argument("--teardown", default="teardown.yml")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="refarch-soak-") as tmp:
        work = Path(tmp)
        expected, reference_wall = reference(work, [args.playbook])
        print(
            f"soak: reference {args.playbook}: {len(expected)} owned resources in {reference_wall:.1f}s; "
            f"{args.rounds} rounds, seed {args.seed}, {args.rate:.0%} faults",
            flush=True,
        )
        for index in range(1, args.rounds + 1):
            result = soak_round(index, args, work, expected, reference_wall, sum(1 for r in rounds if r["interrupted"]))
            rounds.append(result)
            steps = ", ".join(
                f"{name} rc={step['rc']}{' KILLED' if step['killed'] else ''} {step['wall']:.0f}s"
                for name, step in result["steps"].items()
            )
            where = f"interrupted at {result['kill_after']}s, " if result["interrupted"] else ""
            counts = f"leaked {len(result['leaked'])}; untagged {len(result['untagged'])}"
            print(
                f"  round {index}: {where}{result['mode']}; {steps}; faults {result['faults']['injected']}; "
                f"{counts}; problems {len(result['problems'])}",
                flush=True,
            )
            for line in result["problems"] + result["leaked"] + result["untagged"]:
                print(f"      {line}", flush=True)
            for line in result["aws_created"]:
                print(f"      (created by AWS without our tag, not counted) {line}", flush=True)
    totals = {
        "rounds": len(rounds),
        "faults_injected": sum(r["faults"]["injected"] for r in rounds),
        "interruptions": sum(1 for r in rounds if r.get("killed")),
        "interrupt_points_s": [r["kill_after"] for r in rounds if r["interrupted"]],
        "resumed": sum(1 for r in rounds if r["mode"] == "resume"),
        "resources_leaked": sum(len(r["leaked"]) for r in rounds),
        "untagged_left": sum(len(r["untagged"]) for r in rounds),
        "aws_created_left": sorted({line for r in rounds for line in r["aws_created"]}),
        "problems": sum(len(r["problems"]) for r in rounds),
        "minutes": round((time.monotonic() - started) / 60, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"args": vars(args), "reference": expected, "totals": totals, "rounds": rounds}
    (RESULTS / "soak-latest.json").write_text(json.dumps(record, indent=2, default=str))
    print(
        f"\nrounds {totals['rounds']}, faults injected {totals['faults_injected']}, "
        f"interruptions {totals['interruptions']}, resources leaked {totals['resources_leaked']}, "
        f"untagged left {totals['untagged_left']}, problems {totals['problems']} ({totals['minutes']} min)"
    )
    if totals["aws_created_left"]:
        print(f"created by AWS without our tag (not counted): {', '.join(totals['aws_created_left'])}")
    return 1 if totals["resources_leaked"] or totals["untagged_left"] or totals["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
