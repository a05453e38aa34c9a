"""Start, reuse and stop the embedded emulator: a background process with a pid file and a log.

    python -m refarch_emulator ensure [--port N] [--state-dir DIR]   # start, or reuse the running one
    python -m refarch_emulator stop   [--port N] [--state-dir DIR]
    python -m refarch_emulator status [--port N]

``ensure`` prints one JSON line: ``{"started": bool, "endpoint_url": ..., "pid": ..., ...}`` and exits 0,
or prints a message naming what is wrong and exits 2.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from refarch_emulator import STATUS_PATH

DEFAULT_PORT = 5077
PORT_VARIABLE = "REFARCH_EMULATOR_PORT"
DEFAULT_STATE_DIR = ".emulator"


class EmulatorError(Exception):
    """A problem a user can act on; the message says what to do."""


def port_from_environment() -> int:
    raw = os.environ.get(PORT_VARIABLE, str(DEFAULT_PORT))
    try:
        port = int(raw)
    except ValueError:
        raise EmulatorError(f"{PORT_VARIABLE}={raw!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise EmulatorError(f"{PORT_VARIABLE}={port} is outside 1-65535")
    return port


def endpoint_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def status(port: int) -> dict | None:
    """The running emulator's status on this port, None when nothing listens.

    Raises EmulatorError when something that is not our emulator holds the port.
    """
    if not _port_open(port):
        return None
    try:
        with urllib.request.urlopen(endpoint_url(port) + STATUS_PATH, timeout=5) as response:
            data = json.loads(response.read())
    except (urllib.error.URLError, ValueError, OSError):
        data = None
    if not isinstance(data, dict) or data.get("emulator") != "refarch":
        raise EmulatorError(
            f"port {port} on 127.0.0.1 is taken by something that is not the refarch emulator; "
            f"free it, or choose another port with {PORT_VARIABLE}=<port>, "
            "or point the deployment at that endpoint with -e aws_endpoint_url=<url>"
        )
    return data


def _paths(state_dir: Path, port: int) -> dict[str, Path]:
    return {
        "pid": state_dir / f"emulator-{port}.pid",
        "log": state_dir / f"emulator-{port}.log",
        "calls": state_dir / f"calls-{port}.tsv",
    }


def start(port: int, state_dir: Path, timeout: float = 30.0, call_log: Path | None = None) -> dict:
    state_dir.mkdir(parents=True, exist_ok=True)
    paths = _paths(state_dir, port)
    call_log = call_log or paths["calls"]
    env = dict(os.environ, MOTO_PORT=str(port), MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    with open(paths["log"], "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "refarch_emulator.server", "--port", str(port), "--call-log", str(call_log)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # survives the ansible-playbook that started it
        )
    paths["pid"].write_text(f"{process.pid}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            paths["pid"].unlink(missing_ok=True)
            tail = paths["log"].read_text(errors="replace")[-2000:]
            if "Address already in use" in tail:
                raise EmulatorError(f"port {port} is already in use; choose another with {PORT_VARIABLE}=<port>")
            raise EmulatorError(
                f"the emulator exited at start (code {process.returncode}); see {paths['log']}:\n{tail}"
            )
        try:
            running = status(port)
        except EmulatorError:
            running = None  # not answering our status yet
        if running and running.get("pid") == process.pid:
            return dict(running, started=True, endpoint_url=endpoint_url(port), log=str(paths["log"]))
        time.sleep(0.1)
    process.terminate()
    raise EmulatorError(f"the emulator did not answer on port {port} within {timeout:.0f} s; see {paths['log']}")


def ensure(port: int, state_dir: Path) -> dict:
    running = status(port)
    if running:
        return dict(running, started=False, endpoint_url=endpoint_url(port))
    return start(port, state_dir)


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child (tests): reap it
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno != errno.ESRCH
    return True


def stop(port: int, state_dir: Path, timeout: float = 10.0) -> bool:
    """Stop the emulator this project started on this port (by its pid file). True if one was stopped."""
    pid_file = _paths(state_dir, port)["pid"]
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return False
    try:
        running = status(port)
    except EmulatorError:
        running = None
    if not running or running.get("pid") != pid:
        pid_file.unlink(missing_ok=True)  # stale: never signal a pid that is not our server
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m refarch_emulator", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["ensure", "stop", "status"])
    parser.add_argument("--port", type=int, default=None, help=f"default: ${PORT_VARIABLE} or {DEFAULT_PORT}")
    parser.add_argument("--state-dir", type=Path, default=Path(DEFAULT_STATE_DIR))
    args = parser.parse_args(argv)
    try:
        port = args.port if args.port is not None else port_from_environment()
        if args.command == "ensure":
            result = ensure(port, args.state_dir)
        elif args.command == "stop":
            result = {"stopped": stop(port, args.state_dir), "port": port}
        else:
            result = status(port) or {"running": False, "port": port}
    except EmulatorError as exc:
        print(f"refarch emulator: {exc}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
