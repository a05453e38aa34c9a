"""The emulator process: moto server with our extensions and the API-call record, on 127.0.0.1.

Run by :mod:`refarch_emulator.control`; ``python -m refarch_emulator.server --port N``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal

from refarch_emulator import STATUS_PATH

# Every switch from docs/emulator.md, applied before moto is imported or any request is served.
EMULATOR_CONFIG = {
    "lambda": {"use_docker": False},
    "stepfunctions": {"execute_state_machine": True},
    "iam": {"load_aws_managed_policies": True},
}


def build_app(port: int, call_log: str | None):
    os.environ["MOTO_PORT"] = str(port)  # the ASL interpreter calls back on this port
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    from moto.core.config import default_user_config
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from refarch_emulator.calllog import CallRecorder
    from refarch_emulator.extensions import load_extensions

    for section, values in EMULATOR_CONFIG.items():
        default_user_config.setdefault(section, {}).update(values)  # type: ignore[misc]
    loaded = load_extensions()
    moto_app = DomainDispatcherApplication(create_backend_app)
    status = json.dumps(
        {"emulator": "refarch", "pid": os.getpid(), "port": port, "call_log": call_log, "extensions": loaded}
    ).encode()

    def app(environ, start_response):
        if environ.get("PATH_INFO") == STATUS_PATH:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [status]
        return moto_app(environ, start_response)

    return CallRecorder(app, call_log)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--call-log", default=None, help="append one line per AWS API call here")
    args = parser.parse_args(argv)

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    app = build_app(args.port, args.call_log)
    # Loopback only: the emulator accepts any credentials and must never be reachable from outside.
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)
    # Exit at once: moto keeps non-daemon threads that would hold a graceful exit; the call record
    # is written line by line, so nothing is lost.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
