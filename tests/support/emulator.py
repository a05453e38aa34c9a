"""A private emulator for tests: its own process on a free port, never the deployment's.

Starts through the project's own launcher (the same code path `site.yml` uses), resets state
through `/moto-api/reset`, and stops only the process it started.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

from refarch_emulator import calllog, consistency, control
from refarch_emulator.testing import TEST_ENVIRONMENT, environment_set

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    def __init__(self, state_dir: Path, port: int | None = None):
        self.port = port or free_port()
        self.state_dir = Path(state_dir)
        self.call_log = self.state_dir / f"calls-{self.port}.tsv"
        self.url = control.endpoint_url(self.port)
        self.info: dict = {}
        self.iam_window = 0.0

    def start(self) -> Emulator:
        # The test suites' clock (durations and windows), unless the caller's environment says otherwise.
        with environment_set({key: os.environ.get(key) or value for key, value in TEST_ENVIRONMENT.items()}):
            self.info = control.start(self.port, self.state_dir, call_log=self.call_log)
            self.iam_window = consistency.WINDOWS["iam"].seconds()  # as the process just started sees it
        return self

    def wait_for_iam(self) -> None:
        """Wait out the IAM propagation window this emulator plays, as a user would after creating a
        role by hand before a service assumes it (tests that set resources up with boto3)."""
        time.sleep(self.iam_window + 0.2)

    def stop(self) -> None:
        control.stop(self.port, self.state_dir)

    def reset(self) -> None:
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass
        self.clear_calls()

    def clear_calls(self) -> None:
        self.call_log.write_text("")

    def calls(self) -> list[calllog.Call]:
        return calllog.read_calls(str(self.call_log))

    def mutating_calls(self) -> list[str]:
        return [f"{c.service}:{c.action}" for c in self.calls() if c.mutating]

    def client(self, service: str):
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            config=Config(retries={"max_attempts": 2}),
            **CREDENTIALS,
        )

    def set_config(self, config: dict) -> None:
        request = urllib.request.Request(self.url + "/moto-api/config", data=json.dumps(config).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def environment(self) -> dict:
        """Environment for an ansible-playbook run that targets this emulator as a given endpoint."""
        env = {k: v for k, v in os.environ.items() if k != "REFARCH_EMULATOR_PORT"}
        return dict(
            env,
            AWS_ENDPOINT_URL=self.url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION=REGION,
        )
