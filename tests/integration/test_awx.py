"""AWX / Automation Platform: the execution environment definition builds a context ansible-builder
accepts (no container engine needed for that), and ansible-runner — what AWX drives a job with —
runs site.yml --check from a project checkout against the emulator, as a job template would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_the_execution_environment_definition_builds_a_context(tmp_path):
    context = tmp_path / "context"
    made = subprocess.run(
        [str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", str(context)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    containerfile = (context / "Dockerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile or "check_galaxy" in containerfile
    assert yaml.safe_load((context / "_build/requirements.yml").read_text()) == yaml.safe_load(
        (ROOT / "collections/requirements.yml").read_text()
    )
    assert "boto3>=1.34.0" in (context / "_build/requirements.txt").read_text()


def test_ansible_runner_runs_a_check_of_the_site_as_an_awx_job_does(aws, tmp_path):
    private = tmp_path / "job"
    (private / "env").mkdir(parents=True)
    (private / "project").symlink_to(ROOT)  # AWX: the project's checkout, the job's working directory
    # AWX: the AWS credential's and the job template's variables (the stack selection a survey asks for).
    env = {k: v for k, v in aws.environment().items() if k.startswith(("AWS_", "REFARCH_"))}
    (private / "env/envvars").write_text(json.dumps(env))
    (private / "env/extravars").write_text(json.dumps({"refarch_stacks_selected": "sfn_sqs_callback"}))
    aws.clear_calls()
    ran = subprocess.run(
        [
            str(BIN / "ansible-runner"),
            "run",
            str(private),
            "-p",
            "site.yml",
            "--inventory",
            str(ROOT / "inventories/local"),
            "--cmdline=--check",
        ],
        check=False,
        env=dict(
            {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))},
            PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""),
            AWS_EC2_METADATA_DISABLED="true",
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (private / "artifacts").is_dir(), ran.stdout[-3000:] + ran.stderr[-3000:]
    (artifacts,) = (private / "artifacts").iterdir()
    stdout = (artifacts / "stdout").read_text()
    assert ran.returncode == 0, stdout[-4000:] + ran.stderr[-2000:]
    assert (artifacts / "status").read_text() == "successful"
    assert "--check: a prediction; nothing was changed" in stdout
    assert "sfn_sqs_callback: would be deployed" in stdout
    assert aws.calls() and aws.mutating_calls() == []
