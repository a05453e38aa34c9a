"""The Python runtime of the emulator's Lambda: one invocation in a child process, as Lambda runs it.

Run by :mod:`refarch_emulator.extensions.awslambda` as ``python -P _lambda_bootstrap.py <fd>``, with the
function's unpacked code as working directory and the function's environment. The invocation
(event, request id, deadline, function ARN) arrives as one JSON document on stdin; this process writes
``{"phase": "invoke"}`` on file descriptor ``<fd>`` once the handler is imported (the end of Lambda's
init phase, after which the function's timeout runs), then one result document:
``{"phase": "result", "ok": true, "payload": "<json>"}`` or ``{"phase": "result", "ok": false,
"error": {errorMessage, errorType, requestId, stackTrace}}``, shaped as the AWS Python runtime
(awslambdaric) reports them. Whatever the handler prints goes to stdout/stderr: the function's log.

Importing this module does nothing: the emulator loads every module of the extensions package.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback

# Init (10 s at most) + the function's timeout + margin: the emulator has killed us long before.
WATCHDOG_GRACE_SECONDS = 30


class LambdaContext:
    """The attributes and methods of the AWS Python runtime's context object."""

    def __init__(self, request_id: str, deadline_ms: int, invoked_function_arn: str):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as in the AWS runtime (it reads the environment variable).
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        self.identity = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)
        sys.stdout.flush()

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},client_context=None,identity=None])"
        )


def _error(message: str, error_type: str, request_id: str, stack: list[str] | None = None) -> dict:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack or []}


def _exception_error(exc: BaseException, request_id: str, skip_frames: int = 0) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)[skip_frames:]
    return _error(str(exc), type(exc).__name__, request_id, traceback.format_list(frames))


def _load_handler(handler: str, request_id: str):
    """(function, None) or (None, error) with the errors the AWS Python runtime names."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        return None, _error(f"Bad handler '{handler}': {exc}", "Runtime.MalformedHandlerName", request_id)
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        return None, _error(f"Unable to import module '{module_name}': {exc}", "Runtime.ImportModuleError", request_id)
    except SyntaxError as exc:
        return None, _error(
            f"Syntax error in module '{module_name}': {exc}",
            "Runtime.UserCodeSyntaxError",
            request_id,
            traceback.format_exception_only(type(exc), exc),
        )
    except Exception as exc:  # the module's own code raised while importing (the init phase)
        return None, _exception_error(exc, request_id)
    function = getattr(module, function_name, None)
    if function is None:
        return None, _error(
            f"Handler '{function_name}' missing on module '{module_name}'", "Runtime.HandlerNotFound", request_id
        )
    return function, None


def _setup_logging(request_id: str) -> None:
    """A root handler writing to stdout in the AWS Python runtime's format (levels stay the user's)."""

    class RequestId(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.aws_request_id = request_id
            return True

    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestId())
    logging.getLogger().addHandler(handler)


def _watchdog(parent_pid: int, hard_deadline: float) -> None:
    """End this invocation's process group if the emulator goes away, or long after any timeout.

    The emulator kills a timed-out invocation itself; this only keeps a handler from outliving an
    emulator that was stopped (or killed) while it ran.
    """
    while os.getppid() == parent_pid and time.time() < hard_deadline:
        time.sleep(0.5)
    os.killpg(0, signal.SIGKILL)


def main() -> None:
    channel = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")

    def send(document: dict) -> None:
        channel.write(json.dumps(document) + "\n")
        channel.flush()

    parent_pid = os.getppid()
    request = json.loads(sys.stdin.read())
    hard_deadline = time.time() + WATCHDOG_GRACE_SECONDS + request["timeout_ms"] / 1000
    threading.Thread(target=_watchdog, args=(parent_pid, hard_deadline), daemon=True).start()
    request_id = request["request_id"]
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    _setup_logging(request_id)
    handler, error = _load_handler(os.environ["_HANDLER"], request_id)
    deadline_ms = int(time.time() * 1000) + int(request["timeout_ms"])
    send({"phase": "invoke", "deadline_ms": deadline_ms})
    if error is not None:
        send({"phase": "result", "ok": False, "error": error})
        return
    context = LambdaContext(request_id, deadline_ms, request["invoked_function_arn"])
    try:
        result = handler(request["event"], context)
    except Exception as exc:
        sys.stdout.flush()
        error = _exception_error(exc, request_id, skip_frames=1)
        print(f"[ERROR] {error['errorType']}: {error['errorMessage']}", file=sys.stderr)
        sys.stderr.flush()
        send({"phase": "result", "ok": False, "error": error})
        return
    try:
        payload = json.dumps(result)
    except (TypeError, ValueError) as exc:
        send(
            {
                "phase": "result",
                "ok": False,
                "error": _error(f"Unable to marshal response: {exc}", "Runtime.MarshalError", request_id),
            }
        )
        return
    sys.stdout.flush()
    sys.stderr.flush()
    send({"phase": "result", "ok": True, "payload": payload})


if __name__ == "__main__":
    main()
