"""bench/run.py's verdicts on issue 16's targets, its AWS-clock rows and its teardown explanation."""

import argparse

import pytest
import run


def record(wall, calls=10, mutating=0, mutating_actions=(), per_service=None, per_action=None):
    return {
        "rc": [0],
        "wall": wall,
        "calls": calls,
        "mutating": mutating,
        "mutating_actions": list(mutating_actions),
        "per_service": per_service or {},
        "per_action": per_action or {},
    }


def summary(**steps):
    found = {step: {} for step in run.STEPS}
    for step, runs in steps.items():
        found[step] = runs
    return found


SCALES = (1.0, 0.02)


def test_verdict_met_or_missed_by_how_much():
    assert run.verdict(10, 10) == "met"
    assert run.verdict(12, 10) == "**missed** by 2.0 s (20% over)"


def test_scales_are_two_different_ones_slow_first():
    assert run.parse_scales("0.02,1") == (1.0, 0.02)
    for bad in ("1", "1,1", "a,b", "1,-0.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            run.parse_scales(bad)


def test_aws_clock_rows_from_the_two_scales():
    measured = summary(
        deploy={"ours@1": record(100.0), "ours@0.02": record(11.8, calls=200), "peer@1": record(50.0)},
        teardown={"ours@1": record(60.0), "ours@0.02": record(12.0, calls=100)},
    )
    clock = run.aws_clock(measured, SCALES, 0.05, {"deploy": 80.0, "teardown": 40.0})
    deploy = clock["ours"]["deploy"]
    assert deploy["aws_wait"] == pytest.approx(90)
    assert deploy["ansible"] == pytest.approx(10)
    assert deploy["predicted"] == pytest.approx(110)
    assert deploy["chain"] == 80.0
    assert "peer" not in clock  # the peer ran at one scale only


def test_targets_on_aws_clock_against_the_chain():
    clock = {
        "ours": {
            "deploy": {"aws_wait": 90.0, "chain": 80.0},  # 1.125 x: met
            "teardown": {"aws_wait": 60.0, "chain": 40.0},  # 1.5 x: missed by 60 - 46
        }
    }
    rows = run.targets(summary(), clock, SCALES)
    assert rows[0][2] == "met"
    assert rows[1][2] == "**missed** by 14.0 s (30% over)"
    assert "1.50x" in rows[1][1]


def test_fast_clock_targets_against_the_peer():
    measured = summary(
        deploy={"ours@0.02": record(30.0), "peer@0.02": record(100.0)},  # 0.30 <= 0.35: met
        rerun={"ours@0.02": record(10.0), "peer@0.02": record(20.0)},  # 0.5 > 0.3: missed by 4 s
    )
    rows = {row[0]: row[2] for row in run.targets(measured, {}, SCALES)}
    assert rows["fast clock (0.02): cold deploy ≤ 0.35 x the peer's wall time"] == "met"
    assert rows["fast clock (0.02): no-op rerun ≤ 0.3 x the peer's wall time"].startswith("**missed** by 4.0 s")


def test_a_mutating_no_op_at_any_scale_misses_and_fails_the_bench():
    measured = summary(
        rerun={
            "ours@0.02": record(10.0),
            "ours@1": record(10.0, mutating=1, mutating_actions=["sqs:SetQueueAttributes"]),
            "peer@0.02": record(20.0, mutating=7, mutating_actions=["autoscaling:UpdateAutoScalingGroup"]),
        }
    )
    rows = {title: (measured_, verdict) for title, measured_, verdict in run.targets(measured, {}, SCALES)}
    measured_, verdict = rows["no-op rerun makes 0 mutating calls (every scale and repetition)"]
    assert verdict == "**missed**"
    assert "sqs:SetQueueAttributes" in measured_
    assert run.rerun_mutated(measured) == ["sqs:SetQueueAttributes"]  # the peer's do not count


def test_a_clean_no_op_passes():
    measured = summary(rerun={"ours@0.02": record(10.0), "ours@1": record(10.0)})
    assert run.rerun_mutated(measured) == []


def test_teardown_difference_by_service_names_our_busiest_actions():
    measured = summary(
        teardown={
            "ours@0.02": record(
                0,
                calls=30,
                per_service={"sqs": 20, "iam": 10},
                per_action={"sqs:GetQueueUrl": 15, "sqs:DeleteQueue": 5, "iam:DeleteRole": 10},
            ),
            "peer@0.02": record(
                0, calls=14, per_service={"sqs": 4, "iam": 10}, per_action={"sqs:GetQueueUrl": 2, "sqs:DeleteQueue": 2}
            ),
        }
    )
    lines = run.teardown_difference(measured, "ours@0.02", "peer@0.02")
    assert lines == ["- sqs: 20 vs 4 (+16): GetQueueUrl 15 (peer 2), DeleteQueue 5 (peer 2)"]


def step_record(wall, calls, per_action):
    per_service = {}
    for action, count in per_action.items():
        service = action.split(":", 1)[0]
        per_service[service] = per_service.get(service, 0) + count
    return {
        "rc": 0,
        "wall": wall,
        "calls": calls,
        "mutating": 0,
        "changed": 1,
        "failed": 0,
        "ignored": 0,
        "resources": 3,
        "owned": 3,
        "added": ["sqs:queue q"],
        "aws_created": [],
        "mutating_actions": [],
        "per_service": per_service,
        "per_action": per_action,
        "errors": [],
        "slowest": ["1.0s s: task"],
    }


def test_the_report_of_a_whole_run_has_every_section():
    reps = [
        {
            "ours@1": {step: step_record(100, 40, {"sqs:GetQueueUrl": 40}) for step in run.SLOW_STEPS},
            "peer@1": {step: step_record(80, 20, {"sqs:GetQueueUrl": 20}) for step in run.SLOW_STEPS},
            "ours@0.02": {step: step_record(12, 30, {"sqs:GetQueueUrl": 30}) for step in run.STEPS},
            "peer@0.02": {step: step_record(40, 20, {"sqs:GetQueueUrl": 20}) for step in run.STEPS},
        }
    ]
    runs = list(reps[0])
    measured = run.summarize(reps, runs)
    chains = {
        "deploy": {"seconds": 80.0, "stack": "s", "waits": [["a", 80.0]], "missing": ["x"], "text": "s: a 80 s"},
        "teardown": {"seconds": 40.0, "stack": "s", "waits": [["a", 40.0]], "missing": [], "text": "s: a 40 s"},
    }
    data = {
        "date": "2026-12-04T00:00:00Z",
        "host": "test",
        "load": [0.1, 0.2],
        "revision": "abc",
        "versions": {"python": "3"},
        "sides": ["ours", "peer"],
        "scales": list(SCALES),
        "call_latency": 0.05,
        "runs": runs,
        "reps": reps,
        "summary": measured,
        "chains": chains,
        "clock": run.aws_clock(measured, SCALES, 0.05, {"deploy": 80.0, "teardown": 40.0}),
        "taskcost": None,
    }
    text = run.report(data)
    headings = ("### Targets (issue 16)", "### On AWS's clock", "### Fast clock (0.02)", "### API calls by service")
    assert all(heading in text for heading in headings)
    assert "| ours, cold deploy | 100.0 | 12.0 | 89.8 |" in text
    assert "| **102** (1.7 min) | 0 / 0 |" in text  # 10.2 + 89.8 + 30 calls x 50 ms
    assert "durations the emulator does not play yet, counted 0 s: x" in text
    assert "- sqs: 30 vs 20 (+10): GetQueueUrl 30 (peer 20)" in text
