"""The arithmetic of bench/awswait.py: the longest chain of waits, and AWS waiting from two scales."""

import awswait
import pytest
from awswait import Wait


def test_the_chain_is_the_longest_path_not_the_sum_of_all_waits():
    waits = (
        Wait("a", ("ten",)),
        Wait("b", ("five",), ("a",)),
        Wait("c", ("twenty",)),
    )
    chain = awswait.stack_chain("s", waits, {"ten": 10, "five": 5, "twenty": 20})
    assert chain.seconds == 20
    assert chain.waits == (("c", 20),)


def test_a_wait_starts_when_the_last_of_its_inputs_ends():
    waits = (
        Wait("a", ("ten",)),
        Wait("b", ("five",), ("a",)),
        Wait("c", ("twelve",)),
        Wait("d", ("five",), ("b", "c")),
    )
    chain = awswait.stack_chain("s", waits, {"ten": 10, "five": 5, "twelve": 12})
    assert chain.seconds == 20  # a 10 -> b 5 -> d 5 beats c 12 -> d 5
    assert chain.waits == (("a", 10), ("b", 5), ("d", 5))
    assert chain.describe() == "s: a 10 s → b 5 s → d 5 s"


def test_summed_durations_and_durations_the_emulator_does_not_play():
    waits = (Wait("a", ("one", "two")), Wait("b", ("unknown",), ("a",)))
    chain = awswait.stack_chain("s", waits, {"one": 1, "two": 2})
    assert chain.seconds == 3
    assert chain.missing == ("unknown",)


def test_concurrent_stacks_chain_is_the_longest_stack():
    model = {"x": (Wait("a", ("ten",)),), "y": (Wait("b", ("five",)), Wait("c", ("ten",), ("b",)))}
    chain = awswait.longest_chain(model, {"ten": 10, "five": 5})
    assert (chain.stack, chain.seconds) == ("y", 15)


def test_waits_in_a_circle_are_refused():
    waits = (Wait("a", ("one",), ("b",)), Wait("b", ("one",), ("a",)))
    with pytest.raises(ValueError, match="circle"):
        awswait.stack_chain("s", waits, {"one": 1})


@pytest.mark.parametrize("model", [awswait.DEPLOY, awswait.TEARDOWN], ids=["deploy", "teardown"])
def test_every_wait_of_the_models_follows_waits_of_its_own_stack(model):
    for stack, waits in model.items():
        names = [wait.name for wait in waits]
        assert len(names) == len(set(names)), stack
        for wait in waits:
            assert set(wait.after) <= set(names), (stack, wait.name)


def test_aws_waiting_and_ansibles_cost_from_two_scales():
    # wall(s) = A + s x W with A = 10, W = 90: wall(1) = 100, wall(0.02) = 11.8
    derived = awswait.derive((1.0, 100.0), (0.02, 11.8), calls=200, latency=0.05)
    assert derived.aws_wait == pytest.approx(90)
    assert derived.ansible == pytest.approx(10)
    assert derived.call_latency == pytest.approx(10)
    assert derived.predicted == pytest.approx(110)


def test_the_derivation_does_not_need_scale_one():
    derived = awswait.derive((0.5, 55.0), (0.1, 19.0), calls=0, latency=0.05)
    assert (derived.aws_wait, derived.ansible) == (pytest.approx(90), pytest.approx(10))


def test_a_faster_slow_run_is_no_negative_waiting():
    derived = awswait.derive((1.0, 9.0), (0.02, 10.0), calls=0, latency=0.05)
    assert derived.aws_wait == 0
    assert derived.ansible == 10


def test_two_equal_scales_are_refused():
    with pytest.raises(ValueError, match="two different"):
        awswait.derive((1.0, 9.0), (1.0, 10.0), calls=0, latency=0.05)


def test_aws_seconds_are_the_durations_at_scale_one_whatever_the_scale(monkeypatch):
    from refarch_emulator import consistency

    monkeypatch.setenv("REFARCH_EMULATOR_TIME_SCALE", "0.01")
    seconds = awswait.aws_seconds({"iam": consistency.WINDOWS["iam"]})
    assert seconds == {"iam": consistency.WINDOWS["iam"].default}


def test_the_bench_emulator_runs_every_window_at_its_scale_not_the_test_suites():
    from harness import clock_environment

    from refarch_emulator import consistency
    from refarch_emulator.testing import TEST_ENVIRONMENT

    environment = clock_environment(1)
    assert environment[consistency.SCALE_VARIABLE] == "1"
    for key in TEST_ENVIRONMENT:  # each variable the test emulators would otherwise set
        assert key in environment
    assert environment[consistency.WINDOWS["sqs-delete"].variable] == "60"
    assert clock_environment(0.02)[consistency.WINDOWS["iam"].variable] == "0.2"
