"""The launcher: starts on loopback, reuses, refuses a port held by something else, stops by pid."""

import json
import socket
import subprocess
import sys
import urllib.request

import pytest

from refarch_emulator import control


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def non_loopback_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent: UDP connect only picks a route
            return sock.getsockname()[0]
        except OSError:
            return None


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    port = free_port()
    info = control.ensure(port, state)
    yield port, state, info
    control.stop(port, state)


def test_start_answers_on_loopback_with_pid_file_and_log(running):
    port, state, info = running
    assert info["started"] is True
    assert info["endpoint_url"] == f"http://127.0.0.1:{port}"
    assert (state / f"emulator-{port}.pid").read_text().strip() == str(info["pid"])
    assert (state / f"emulator-{port}.log").exists()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=5) as response:
        assert response.status == 200


def test_listens_on_loopback_only(running):
    port, _, _ = running
    address = non_loopback_address()
    if address is None or address.startswith("127."):
        pytest.skip("this machine has no non-loopback address")
    with socket.socket() as sock:
        sock.settimeout(1)
        assert sock.connect_ex((address, port)) != 0


def test_ensure_reuses_the_running_emulator(running):
    port, state, info = running
    again = control.ensure(port, state)
    assert again["started"] is False
    assert again["pid"] == info["pid"]


def test_a_port_held_by_something_else_is_refused_with_a_clear_message(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "refarch_emulator", "ensure", "--port", str(port), "--state-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port}" in result.stderr
    assert "REFARCH_EMULATOR_PORT" in result.stderr


def test_bad_port_variable_is_named(monkeypatch):
    monkeypatch.setenv("REFARCH_EMULATOR_PORT", "http")
    with pytest.raises(control.EmulatorError, match="REFARCH_EMULATOR_PORT='http' is not a port number"):
        control.port_from_environment()


def test_stop_stops_only_the_process_it_started(tmp_path):
    port = free_port()
    info = control.start(port, tmp_path)
    (tmp_path / "emulator-1.pid").write_text(f"{info['pid']}\n")  # a stale pid file for another port
    assert control.stop(1, tmp_path) is False  # nothing of ours answers on port 1: no signal sent
    assert control.status(port)["pid"] == info["pid"]
    assert control.stop(port, tmp_path) is True
    assert control.status(port) is None
    assert not (tmp_path / f"emulator-{port}.pid").exists()


def test_switches_are_applied_before_any_request(running):
    port, _, _ = running
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/config", timeout=5) as response:
        config = json.loads(response.read())
    assert config["lambda"]["use_docker"] is False
