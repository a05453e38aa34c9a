"""AWS's clock: each duration is AWS's seconds x the scale, or its own variable's seconds."""

from __future__ import annotations

import pytest

from refarch_emulator import awsclock


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for window in awsclock.DURATIONS.values():
        monkeypatch.delenv(window.variable, raising=False)
    monkeypatch.delenv("REFARCH_EMULATOR_TIME_SCALE", raising=False)
    monkeypatch.delenv("REFARCH_EMULATOR_STRICT", raising=False)


def test_every_duration_names_its_variable_and_source():
    variables = [w.variable for w in awsclock.DURATIONS.values()]
    assert len(set(variables)) == len(variables)
    for kind, window in awsclock.DURATIONS.items():
        assert window.variable.startswith("REFARCH_EMULATOR_") and window.variable.endswith("_SECONDS"), kind
        assert window.default > 0 and window.source.startswith("http"), kind


def test_unset_scale_runs_durations_at_the_default_scale():
    assert awsclock.seconds("elasticbeanstalk-launch") == pytest.approx(300 * awsclock.DEFAULT_SCALE)


def test_scale_multiplies_aws_seconds(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_TIME_SCALE", "1")
    assert awsclock.seconds("elbv2-provisioning") == 180
    monkeypatch.setenv("REFARCH_EMULATOR_TIME_SCALE", "0.5")
    assert awsclock.seconds("elbv2-provisioning") == 90


def test_own_variable_wins_over_the_scale(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_TIME_SCALE", "1")
    monkeypatch.setenv("REFARCH_EMULATOR_EB_LAUNCH_SECONDS", "0.3")
    assert awsclock.seconds("elasticbeanstalk-launch") == 0.3


def test_strict_off_makes_processes_instant(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_STRICT", "0")
    assert awsclock.seconds("elasticbeanstalk-launch") == 0
    assert awsclock.target_healthy_seconds(30, 5) == 0


def test_bad_values_are_refused(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_EB_LAUNCH_SECONDS", "soon")
    with pytest.raises(ValueError, match="REFARCH_EMULATOR_EB_LAUNCH_SECONDS"):
        awsclock.seconds("elasticbeanstalk-launch")
    with pytest.raises(KeyError):
        awsclock.seconds("no-such-process")


def test_target_health_follows_the_target_groups_checks(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_TIME_SCALE", "0.1")
    assert awsclock.target_healthy_seconds(10, 3) == pytest.approx(3.0)
    monkeypatch.setenv("REFARCH_EMULATOR_ELBV2_TARGET_HEALTHY_SECONDS", "0.25")
    assert awsclock.target_healthy_seconds(10, 3) == 0.25


def test_codebuild_phases_are_timed_by_durations():
    kinds = [kind for _, kind in awsclock.CODEBUILD_PHASES if kind]
    assert all(kind in awsclock.DURATIONS for kind in kinds)
    assert awsclock.CODEBUILD_PHASES[0][0] == "SUBMITTED"
