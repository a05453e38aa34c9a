"""The Python runtime of the emulator's Lambda: one execution environment in a child process.

Run by :mod:`refarch_emulator.extensions.awslambda.models` as ``python -P _lambda_bootstrap.py <fd>``, with the
function's unpacked code as working directory and the function's environment. Like Lambda's runtime,
it initialises once (imports the handler; ``{"phase": "ready"}`` or ``{"phase": "init_error"}`` on
file descriptor ``<fd>``), then serves invocations one at a time for as long as the emulator keeps it
warm: each arrives as one JSON line on stdin (event, request id, timeout, function ARN) and is
answered on ``<fd>`` with ``{"phase": "result", "ok": true, "payload": "<json>"}`` or ``{"phase":
"result", "ok": false, "error": {errorMessage, errorType, requestId, stackTrace}}``, shaped as the
AWS Python runtime (awslambdaric) reports them. What the handler prints goes to stdout/stderr (one
pipe): the function's log, each phase ended by ``OUTPUT_MARKER``. Module state survives between
invocations of one environment, as on Lambda.

Importing this module does nothing (the extension's models import ``OUTPUT_MARKER`` from it).
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

# Ends each phase's output on stdout, so the emulator can cut one invocation's log from the stream.
OUTPUT_MARKER = "\x1e\x1drefarch-lambda-end "


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


def _setup_logging(current_request: dict[str, str]) -> None:
    """A root handler writing to stdout in the AWS Python runtime's format (levels stay the user's)."""

    class RequestId(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            record.aws_request_id = current_request["id"]
            return True

    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestId())
    logging.getLogger().addHandler(handler)


def _watchdog(parent_pid: int) -> None:
    """End this environment's process group when the emulator goes away (stopped or killed) while
    it runs or idles; the emulator itself kills environments that time out or idle too long."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os.killpg(0, signal.SIGKILL)


def _end_output(tag: str) -> None:
    """Mark the end of one phase's output on stdout (stderr shares the pipe)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, f"{OUTPUT_MARKER}{tag}\n".encode())


def _invoke(handler, request: dict) -> dict:
    request_id = request["request_id"]
    deadline_ms = int(time.time() * 1000) + int(request["timeout_ms"])
    context = LambdaContext(request_id, deadline_ms, request["invoked_function_arn"])
    try:
        result = handler(request["event"], context)
    except Exception as exc:
        error = _exception_error(exc, request_id, skip_frames=1)
        sys.stdout.flush()
        print(f"[ERROR] {error['errorType']}: {error['errorMessage']}", file=sys.stderr)
        return {"phase": "result", "ok": False, "error": error}
    try:
        return {"phase": "result", "ok": True, "payload": json.dumps(result)}
    except (TypeError, ValueError) as exc:
        error = _error(f"Unable to marshal response: {exc}", "Runtime.MarshalError", request_id)
        return {"phase": "result", "ok": False, "error": error}


def main() -> None:
    channel = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")

    def send(document: dict) -> None:
        channel.write(json.dumps(document) + "\n")
        channel.flush()

    threading.Thread(target=_watchdog, args=(os.getppid(),), daemon=True).start()
    current_request = {"id": ""}
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    _setup_logging(current_request)
    # Init phase: once per environment, as Lambda does.
    handler, error = _load_handler(os.environ["_HANDLER"], "")
    _end_output("init")
    if error is not None:
        send({"phase": "init_error", "error": error})
        return  # Lambda tears the environment down; the next invocation initialises a new one
    send({"phase": "ready"})
    # Invoke phase: one request per line, for as long as the emulator keeps this environment warm.
    for line in sys.stdin:
        request = json.loads(line)
        current_request["id"] = request["request_id"]
        result = _invoke(handler, request)
        _end_output(request["request_id"])
        send(result)


if __name__ == "__main__":
    main()
