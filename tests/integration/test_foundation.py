"""The foundation end to end: entry points, the embedded emulator started by site.yml, the call record."""

from __future__ import annotations

import http.server
import threading

import pytest

from refarch_emulator import control
from tests.support.emulator import free_port
from tests.support.playbook import ROOT, run_playbook

pytestmark = pytest.mark.integration


NO_STACKS = {"refarch_stacks_selected": ""}  # the entry points alone


def test_site_with_a_given_endpoint_starts_nothing(aws):
    run = run_playbook("site.yml", aws.environment(), extra_vars=NO_STACKS)
    assert run.rc == 0, run.stderr + run.stdout
    assert run.changed == 0
    (summary,) = run.task_results("Deployment summary")
    assert summary["msg"].startswith("No stack selected (refarch_stacks_selected is empty)")
    assert run.task_results("Start the embedded emulator, or reuse the running one")[0].get("skipped") is True


def test_site_starts_the_embedded_emulator_then_reuses_it(aws):
    port = free_port()
    env = aws.environment()
    del env["AWS_ENDPOINT_URL"]
    env["REFARCH_EMULATOR_PORT"] = str(port)
    state_dir = ROOT / ".emulator"
    try:
        first = run_playbook("site.yml", env, extra_vars=NO_STACKS)
        assert first.rc == 0, first.stderr + first.stdout
        assert first.changed == 1
        pid = control.status(port)["pid"]
        assert (state_dir / f"emulator-{port}.pid").read_text().strip() == str(pid)
        second = run_playbook("site.yml", env, extra_vars=NO_STACKS)
        assert second.rc == 0 and second.changed == 0
        assert control.status(port)["pid"] == pid
    finally:
        assert control.stop(port, state_dir)


def test_a_port_held_by_something_else_stops_the_run_with_a_message(aws):
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = aws.environment()
    del env["AWS_ENDPOINT_URL"]
    env["REFARCH_EMULATOR_PORT"] = str(port)
    try:
        run = run_playbook("site.yml", env, extra_vars=NO_STACKS)
    finally:
        server.shutdown()
    assert run.rc != 0
    assert "is taken by something that is not the refarch emulator" in run.stdout, run.stdout[-3000:]


def test_an_unknown_stack_is_named_before_anything_runs(aws):
    run = run_playbook("site.yml", aws.environment(), extra_vars={"refarch_stacks_selected": "spot_asg_alb,nosuch"})
    assert run.rc != 0
    assert "nosuch" in run.stdout
    assert aws.calls() == []


def test_a_misspelled_variable_is_named_with_the_nearest_known_name_before_anything_runs(aws):
    extra = {"refarch_stack_selected": "foo", "spot_asg_alb_desired_capasity": "3", **NO_STACKS}
    run = run_playbook("site.yml", aws.environment(), extra_vars=extra)
    assert run.rc != 0
    assert "refarch_stack_selected is not a known variable; did you mean refarch_stacks_selected?" in run.stdout
    assert "did you mean spot_asg_alb_desired_capacity?" in run.stdout
    assert aws.calls() == []
    # Every name a role documents is known: a role variable passes.
    ok = run_playbook("site.yml", aws.environment(), extra_vars={"spot_asg_alb_desired_capacity": "3", **NO_STACKS})
    assert ok.rc == 0, ok.stdout[-3000:]


def test_make_deploy_passes_stacks_and_args_to_the_playbook(aws):
    import subprocess

    def make(*args: str) -> subprocess.CompletedProcess:
        command = ["make", "--no-print-directory", "deploy", *args]
        return subprocess.run(
            command, check=False, cwd=ROOT, env=aws.environment(), capture_output=True, text=True, timeout=300
        )

    stacks = make("STACKS=nosuch")
    assert stacks.returncode != 0
    assert "refarch_stacks_selected names unknown stacks ['nosuch']" in stacks.stdout, stacks.stdout[-3000:]
    args = make("ARGS=-e refarch_deployment=no_underscores")
    assert args.returncode != 0
    assert 'refarch_deployment ("no_underscores") must be' in args.stdout, args.stdout[-3000:]
    assert aws.calls() == []


def test_real_aws_without_credentials_says_once_how_to_provide_them(aws, tmp_path):
    env = {k: v for k, v in aws.environment().items() if not k.startswith("AWS_")}
    # Nothing may leave the machine: no metadata service, no credential files of the user's.
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    run = run_playbook("site.yml", env, "-i", "inventories/aws")
    assert run.rc != 0
    assert run.stdout.count("No AWS credentials found for -i inventories/aws") == 1, run.stdout[-3000:]
    assert "Unable to locate credentials" not in run.stdout
    assert run.task_results("Run this host's stack role") == []


def test_a_failed_stack_is_named_in_the_summary_and_its_error_printed_once(aws):
    extra = {"refarch_stacks_selected": "sfn_sqs_callback", "sfn_sqs_callback_function_timeout": 1000}
    run = run_playbook("site.yml", aws.environment(), extra_vars=extra)
    assert run.rc != 0
    reason = "sfn_sqs_callback_function_timeout must be 1-900 seconds"
    (stays_failed,) = run.task_results("A failed deploy stays failed")
    assert reason not in stays_failed["msg"]
    (summary,) = run.task_results("Deployment summary")
    (line,) = [line for line in summary["msg"].split("\n") if line.startswith("sfn_sqs_callback: ")]
    assert line.startswith("sfn_sqs_callback: failed: Check the stack's variables before any API call"), line
    assert reason in line
    assert aws.calls() == []


def test_stack_variables_of_the_wrong_type_are_refused_one_line_each_before_any_stack(aws):
    extra = {
        "refarch_stacks_selected": "spot_asg_alb,sfn_sqs_callback",
        "spot_asg_alb_desired_capacity": "abc",
        "sfn_sqs_callback_batch_size": "x",
    }
    run = run_playbook("site.yml", aws.environment(), extra_vars=extra)
    assert run.rc != 0
    (report,) = run.task_results("Report stack variables of the wrong type or value")
    assert len(report["msg"]) == 2
    named = sorted(line.split("'")[1] for line in report["msg"])
    assert named == ["sfn_sqs_callback_batch_size", "spot_asg_alb_desired_capacity"], report["msg"]
    assert run.task_results("Run this host's stack role") == []
    assert aws.calls() == []


def test_a_port_that_is_not_a_number_names_the_variable(aws):
    env = aws.environment()
    del env["AWS_ENDPOINT_URL"]
    env["REFARCH_EMULATOR_PORT"] = "abc"
    run = run_playbook("site.yml", env, extra_vars=NO_STACKS)
    assert run.rc != 0
    assert 'REFARCH_EMULATOR_PORT (\\"abc\\") must be a port number' in run.stdout, run.stdout[-2000:]
    assert "usage:" not in run.stdout


def test_approve_starts_the_embedded_emulator_like_the_other_playbooks(aws):
    port = free_port()
    env = aws.environment()
    del env["AWS_ENDPOINT_URL"]
    env["REFARCH_EMULATOR_PORT"] = str(port)
    try:
        run = run_playbook("playbooks/approve.yml", env)
        assert control.status(port) is not None, run.stdout[-2000:]
    finally:
        control.stop(port, ROOT / ".emulator")
    assert run.rc != 0  # nothing is deployed there: no pipeline waits for approval
    assert "Could not connect to the endpoint URL" not in run.stdout


def test_the_readme_example_of_an_own_playbook_runs_as_written(aws):
    run = run_playbook("playbooks/examples/own_playbook.yml", aws.environment())
    assert run.rc == 0, run.stdout[-3000:]
    (shown,) = run.task_results("Show the queue's ARN and its dead-letter queue")
    assert shown["msg"].endswith(":my-team-jobs -> arn:aws:sqs:us-east-1:123456789012:my-team-jobs-dlq")
    assert run.changed == 2  # created, then removed


def test_an_unknown_inventory_stops_the_run(aws):
    run = run_playbook("site.yml", aws.environment(), "-i", "inventories/nowhere")
    assert run.rc != 0
    assert "inventories/nowhere" in run.stderr


def test_check_mode_is_proven_mutation_free_by_the_call_record(aws):
    playbook = "tests/integration/playbooks/check_mode_probe.yml"
    check = run_playbook(playbook, aws.environment(), "--check")
    assert check.rc == 0, check.stdout
    assert check.changed == 1
    assert aws.calls(), "the record saw no call at all"
    assert aws.mutating_calls() == []
    real = run_playbook(playbook, aws.environment())
    assert real.rc == 0 and real.changed == 1
    assert "ec2:CreateSecurityGroup" in aws.mutating_calls()
