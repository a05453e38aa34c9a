"""The GitHub OAuth token of beanstalk_codepipeline (source=oauth) never leaks: not in the output of a
deploy at -vvv, nor of a rerun with --diff, nor of --check --diff; not in any task result, nor in the
emulator's API-call record (file and printed form) — and yet it reaches the pipeline's source action."""

from __future__ import annotations

import json

import pytest

from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration

DEPLOY = "site.yml"
PIPELINE = "refarch-webapp-pipeline"
TOKEN = "ghp_SecretCanary7f3c9e1d5b2a40817623"
VARS = {
    "refarch_stacks_selected": "beanstalk_codepipeline",
    "beanstalk_codepipeline_source": "oauth",
    "beanstalk_codepipeline_github_oauth_token": TOKEN,
    "beanstalk_codepipeline_github_repository": "octo-org/webapp-fork",
    "beanstalk_codepipeline_poll_interval": 1,
    "beanstalk_codepipeline_wait_timeout": 120,
}


def leaks(aws, run) -> list[str]:
    """Where the token shows up: output streams, task results, the call record."""
    places = []
    if TOKEN in run.stdout:
        places.append("stdout")
    if TOKEN in run.stderr:
        places.append("stderr")
    places += [
        f"result of {task['task']['name']}"
        for play in run.plays
        for task in play.get("tasks", [])
        if TOKEN in json.dumps(task["hosts"])
    ]
    if TOKEN in aws.call_log.read_text():
        places.append("call record file")
    server_log = aws.state_dir / f"emulator-{aws.port}.log"
    if TOKEN in server_log.read_text(errors="replace"):
        places.append("emulator log")
    if TOKEN in repr(aws.calls()):
        places.append("call record (printed)")
    return places


def verbose(aws) -> dict:
    """The emulator's environment, with every task result carrying the module arguments (its
    `invocation`): always so up to ansible-core 2.20, only with INJECT_INVOCATION from 2.21 on."""
    return dict(aws.environment(), ANSIBLE_INJECT_INVOCATION="true")


def source_action(aws) -> dict:
    pipeline = aws.client("codepipeline").get_pipeline(name=PIPELINE)["pipeline"]
    return pipeline["stages"][0]["actions"][0]


def test_the_token_reaches_the_pipeline_and_never_the_output(aws):
    # Created at -vvv: module arguments, results and invocation are all printed at this verbosity.
    first = run_playbook(DEPLOY, verbose(aws), "-vvv", extra_vars=VARS)
    assert first.rc == 0, first.stdout[-3000:] + first.stderr[-2000:]
    assert first.changed > 0
    assert leaks(aws, first) == []
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in first.stdout  # -vvv printed the arguments, masked

    action = source_action(aws)
    assert action["actionTypeId"]["provider"] == "GitHub" and action["actionTypeId"]["owner"] == "ThirdParty"
    # AWS answers get_pipeline with the token masked as "****"; the emulator (moto) returns what was
    # stored, which proves the token reached the pipeline. Either way it was set.
    assert action["configuration"]["OAuthToken"] in (TOKEN, "****")
    if action["configuration"]["OAuthToken"] == "****":
        pytest.fail("the emulator masks the token: this test can no longer prove it reached the pipeline")

    # A rerun with --diff (nothing to change), then a changed token with --diff, then --check --diff.
    aws.clear_calls()
    rerun = run_playbook(DEPLOY, verbose(aws), "--diff", "-vvv", extra_vars=VARS)
    assert rerun.rc == 0, rerun.stdout[-3000:]
    assert rerun.changed == 0, rerun.changed_tasks()
    assert leaks(aws, rerun) == []

    rotated = dict(VARS, beanstalk_codepipeline_github_oauth_token=TOKEN[::-1])
    check = run_playbook(DEPLOY, verbose(aws), "--check", "--diff", "-vvv", extra_vars=rotated)
    assert check.rc == 0, check.stdout[-3000:]
    assert aws.mutating_calls() == []
    assert leaks(aws, check) == []
    assert TOKEN[::-1] not in check.stdout + check.stderr
    assert source_action(aws)["configuration"]["OAuthToken"] == TOKEN  # check mode changed nothing
