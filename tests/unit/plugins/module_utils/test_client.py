import pytest
from ansible_collections.refarch.aws.plugins.module_utils.client import WaitTimeout, wait_for


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_wait_for_returns_the_first_result_that_is_done():
    clock = FakeClock()
    states = iter(["Launching", "Launching", "Ready"])
    assert (
        wait_for(lambda: next(states), lambda s: s == "Ready", 60, "env", delay=5, sleep=clock.sleep, clock=clock)
        == "Ready"
    )
    assert clock.now == 10


def test_wait_for_times_out_with_a_message_naming_what_it_waited_for():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="timed out after 12s waiting for environment web to be Ready"):
        wait_for(
            lambda: "Launching",
            lambda s: False,
            12,
            "environment web to be Ready",
            delay=5,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.now == 12


def test_wait_for_stops_early_on_a_terminal_failure():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="refresh: status Failed"):
        wait_for(
            lambda: "Failed",
            lambda s: s == "Successful",
            600,
            "refresh",
            failed=lambda s: f"status {s}" if s == "Failed" else None,
            sleep=clock.sleep,
            clock=clock,
        )
    assert clock.now == 0
