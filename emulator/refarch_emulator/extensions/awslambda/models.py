"""Lambda's backend as AWS runs it: Python functions executed, SQS pollers, roles checked, states."""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import io
import json
import logging
import math
import os
import queue as queue_module
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refarch_emulator.extensions.awslambda._lambda_bootstrap import OUTPUT_MARKER

logger = logging.getLogger(__name__)

PYTHON_RUNTIMES = frozenset({"python3.9", "python3.10", "python3.11", "python3.12", "python3.13"})
BOOTSTRAP = Path(__file__).with_name("_lambda_bootstrap.py")
INIT_TIMEOUT_SECONDS = 10.0  # Lambda's init phase limit for on-demand functions
LOG_TAIL_BYTES = 4096
# Warm environments: Lambda keeps an environment for minutes after an invocation and reuses it.
IDLE_SECONDS = 300
REAP_INTERVAL_SECONDS = 10
MAX_IDLE_PER_FUNCTION = 10
MAX_IDLE_TOTAL = 12  # each is a Python process: bound the memory of a long test session
# Lambda starts five concurrent pollers for an SQS mapping; ScalingConfig.MaximumConcurrency may
# lower that. We cap at five on this small machine.
DEFAULT_POLLER_CONCURRENCY = 5
SQS_RECEIVE_WAIT_SECONDS = 1

# Keys Lambda reserves: a function's own variables never override them.
RESERVED_ENVIRONMENT = (
    "_HANDLER",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
)


# ----------------------------------------------------------------------------------------------
# Running one invocation


@dataclass
class InvocationResult:
    request_id: str
    ok: bool
    payload: bytes
    log: str = ""
    error: dict[str, Any] = field(default_factory=dict)

    @property
    def log_tail(self) -> str:
        return base64.b64encode(self.log.encode("utf-8")[-LOG_TAIL_BYTES:]).decode("ascii")


_code_lock = threading.Lock()


CODE_ROOT_PREFIX = "refarch-lambda-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.cache
def _code_root() -> Path:
    """``$TMPDIR/refarch-lambda-<pid>-…``: this process's unpacked code. The server ends with
    ``os._exit`` (no cleanup), so folders of emulators no longer running are removed here."""
    temp = Path(tempfile.gettempdir())
    for stale in temp.glob(f"{CODE_ROOT_PREFIX}*"):
        pid = stale.name[len(CODE_ROOT_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{CODE_ROOT_PREFIX}{os.getpid()}-"))


def _task_root(function: Any) -> Path:
    """The function's code unpacked into a folder, shared by every invocation of the same zip."""
    code = function.code_bytes or b""
    digest = hashlib.sha256(code).hexdigest()
    with _code_lock:
        root = _code_root()
        target = root / digest
        if not target.is_dir():
            root.mkdir(parents=True, exist_ok=True)  # a tmp cleaner may have removed it
            staging = Path(tempfile.mkdtemp(dir=root, prefix=".unpack-"))
            try:
                with zipfile.ZipFile(io.BytesIO(code)) as archive:
                    archive.extractall(staging)
                staging.rename(target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
    return target


def is_python_function(function: Any) -> bool:
    return getattr(function, "package_type", "Zip") == "Zip" and function.run_time in PYTHON_RUNTIMES


def endpoint_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}"


def _environment(function: Any, task_root: Path, log_stream: str) -> dict[str, str]:
    env = {key: str(value) for key, value in (function.environment_vars or {}).items()}
    for key in RESERVED_ENVIRONMENT:
        env.pop(key, None)
    env.setdefault("AWS_ENDPOINT_URL", endpoint_url())
    env.update(
        {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            # Lambda's runtime writes the handler's output unbuffered: a killed handler's prints stay.
            "PYTHONUNBUFFERED": "1",
            "_HANDLER": function.handler or "",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": str(function.version),
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": function.logs_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            # Credentials of the function's role: the emulator accepts any, and knows whose these are.
            "AWS_ACCESS_KEY_ID": access_key_of(function),
            "AWS_SECRET_ACCESS_KEY": "refarch-emulator-lambda-secret",
            "AWS_SESSION_TOKEN": "refarch-emulator-lambda-session",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
            # The host's AWS config must not reach the function (profiles, other endpoints).
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    return env


_identities: dict[str, tuple[str, str]] = {}  # access key id -> (role ARN, session name)
_identities_lock = threading.Lock()


def access_key_of(function: Any) -> str:
    """The access key id a function's environment gets: one per (function, role), like the temporary
    credentials Lambda hands the runtime."""
    digest = hashlib.sha256(f"{function.function_arn}|{function.role}".encode()).hexdigest()[:16].upper()
    key = f"ASIA{digest}"
    with _identities_lock:
        _identities[key] = (function.role, function.function_name)
    return key


def identity_of_access_key(access_key: str | None) -> tuple[str, str] | None:
    """(role ARN, session name) of credentials handed to a function, or None for anyone else's."""
    with _identities_lock:
        return _identities.get(access_key or "")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the handler's own children too
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        logger.warning("Lambda child %s did not exit after SIGKILL", process.pid)


class _Environment:
    """One execution environment: a bootstrap process that initialised the handler once and serves
    invocations one at a time; its result channel (a pipe) and its output (stdout + stderr)."""

    def __init__(self, function: Any, key: tuple):
        self.key = key
        self.log_stream = f"{datetime.datetime.now(datetime.UTC):%Y/%m/%d}/[{function.version}]{uuid.uuid4().hex}"
        task_root = _task_root(function)
        read_fd, write_fd = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", str(BOOTSTRAP), str(write_fd)],
                cwd=task_root,
                env=_environment(function, task_root, self.log_stream),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                start_new_session=True,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self.last_used = time.monotonic()
        self.messages: queue_module.Queue = queue_module.Queue()
        self._output = bytearray()
        self._output_changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_channel, args=(read_fd,), daemon=True),
            threading.Thread(target=self._read_output, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_channel(self, read_fd: int) -> None:
        with os.fdopen(read_fd, "r", encoding="utf-8") as channel:
            for line in channel:
                try:
                    self.messages.put(json.loads(line))
                except ValueError:
                    pass
        self.messages.put({"phase": "exited"})

    def _read_output(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        for chunk in iter(lambda: stream.read1(65536), b""):
            with self._output_changed:
                self._output.extend(chunk)
                self._output_changed.notify_all()
        with self._output_changed:
            self._output_changed.notify_all()

    def next_message(self, timeout: float) -> dict[str, Any]:
        try:
            return self.messages.get(timeout=max(timeout, 0))
        except queue_module.Empty:
            return {"phase": "timeout"}

    def send(self, request: dict[str, Any]) -> bool:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def take_output(self, tag: str | None) -> str:
        """The output up to the end marker of ``tag`` (waiting briefly for it); everything with None."""
        marker = f"{OUTPUT_MARKER}{tag}\n".encode() if tag else None
        with self._output_changed:
            if marker is not None:
                self._output_changed.wait_for(
                    lambda: marker in self._output or not self._readers[1].is_alive(), timeout=2
                )
            if marker is not None and marker in self._output:
                end = self._output.index(marker)
                text = bytes(self._output[:end])
                del self._output[: end + len(marker)]
            else:
                text = bytes(self._output)
                self._output.clear()
        return text.decode("utf-8", errors="replace")

    def exit_status(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill(self.process)
            code = self.process.returncode
        return f"signal: {-code}" if code is not None and code < 0 else f"exit status {code}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        _kill(self.process)
        for reader in self._readers:
            reader.join(timeout=2)


class _EnvironmentPool:
    """Warm environments by function configuration, as Lambda keeps them between invocations."""

    def __init__(self) -> None:
        self._idle: dict[tuple, list[_Environment]] = {}
        self._lock = threading.Lock()
        self.generation = 0  # bumped by /moto-api/reset: nothing warm survives a reset
        self._reaper: threading.Thread | None = None

    def key(self, function: Any) -> tuple:
        variables = json.dumps(function.environment_vars or {}, sort_keys=True)
        return (
            self.generation,
            function.function_arn,
            function.role,  # a new role means new credentials
            str(function.version),
            hashlib.sha256(function.code_bytes or b"").hexdigest(),
            function.handler,
            function.run_time,
            str(function.timeout),
            str(function.memory_size),
            variables,
        )

    def acquire(self, key: tuple) -> _Environment | None:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                environment = idle.pop()
                if environment.alive():
                    return environment
        return None

    def release(self, environment: _Environment) -> None:
        """Keep ``environment`` warm; beyond the limits, the least recently used one goes."""
        to_kill = []
        with self._lock:
            idle = self._idle.setdefault(environment.key, [])
            if environment.key[0] == self.generation and len(idle) < MAX_IDLE_PER_FUNCTION:
                environment.last_used = time.monotonic()
                idle.append(environment)
            else:
                to_kill.append(environment)
            warm = sorted((e for idle in self._idle.values() for e in idle), key=lambda e: e.last_used)
            for oldest in warm[: max(len(warm) - MAX_IDLE_TOTAL, 0)]:
                self._idle[oldest.key].remove(oldest)
                to_kill.append(oldest)
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap_forever, name="lambda-reaper", daemon=True)
                self._reaper.start()
        for dead in to_kill:
            dead.kill()

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            environments = [e for idle in self._idle.values() for e in idle]
            self._idle.clear()
        for environment in environments:
            environment.kill()

    def _reap_forever(self) -> None:
        while True:
            time.sleep(REAP_INTERVAL_SECONDS)
            now = time.monotonic()
            expired = []
            with self._lock:
                for key, idle in list(self._idle.items()):
                    keep = [e for e in idle if now - e.last_used < IDLE_SECONDS and e.alive()]
                    expired += [e for e in idle if e not in keep]
                    if keep:
                        self._idle[key] = keep
                    else:
                        del self._idle[key]
            for environment in expired:
                environment.kill()


_pool = _EnvironmentPool()


def _error_result(request_id: str, error: dict[str, Any], log: str = "") -> InvocationResult:
    return InvocationResult(request_id, False, json.dumps(error).encode("utf-8"), log, error)


def run_function(function: Any, event: Any, invoked_function_arn: str | None = None) -> InvocationResult:
    """Run the handler once with ``event`` in a warm environment, or a new one; never raises for the
    function's own failures."""
    request_id = str(uuid.uuid4())
    key = _pool.key(function)
    environment = _pool.acquire(key)
    init_log, init_ms = "", None
    if environment is None:
        started = time.monotonic()
        try:
            environment = _Environment(function, key)
        except (zipfile.BadZipFile, OSError) as exc:
            error = {
                "errorMessage": f"RequestId: {request_id} Error: could not run the function's code: {exc}",
                "errorType": "Runtime.Unknown",
            }
            return _error_result(request_id, error)
        ready = environment.next_message(INIT_TIMEOUT_SECONDS)
        init_ms = (time.monotonic() - started) * 1000
        if ready["phase"] != "ready":
            if ready["phase"] == "init_error":
                error = dict(ready["error"], requestId=request_id)
            elif ready["phase"] == "timeout":
                error = {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: Task timed out after "
                    f"{INIT_TIMEOUT_SECONDS:.2f} seconds (init phase)",
                }
            else:
                error = {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                    f"{environment.exit_status()}",
                }
            environment.kill()
            log = _log(function, request_id, environment.take_output(None), 0.0, init_ms)
            _save_log(function, environment.log_stream, log)
            return _error_result(request_id, error, log)
        init_log = environment.take_output("init")

    invoke_started = time.monotonic()
    environment.send(
        {
            "request_id": request_id,
            "timeout_ms": int(function.timeout) * 1000,
            "invoked_function_arn": invoked_function_arn or function.function_arn,
            "event": event,
        }
    )
    message = environment.next_message(float(function.timeout))
    error: dict[str, Any] | None = None
    payload = b"null"
    if message["phase"] == "result":
        output = environment.take_output(request_id)
        if message.get("ok"):
            payload = message["payload"].encode("utf-8")
        else:
            error = message["error"]
        _pool.release(environment)
    elif message["phase"] == "timeout":
        environment.kill()  # Lambda resets the environment after a timeout
        seconds = f"{float(function.timeout):.2f}"
        error = {
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after {seconds} seconds",
        }
        output = environment.take_output(None) + f"{_timestamp()} {request_id} Task timed out after {seconds} seconds\n"
    else:  # the environment ended without a result: sys.exit, a crash, an out-of-memory kill
        error = {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {environment.exit_status()}",
        }
        environment.kill()
        output = environment.take_output(None)
    duration_ms = (time.monotonic() - invoke_started) * 1000
    log = init_log + _log(function, request_id, output, duration_ms, init_ms)
    _save_log(function, environment.log_stream, log)
    if error is not None:
        return _error_result(request_id, error, log)
    return InvocationResult(request_id, True, payload, log)


def _log(function: Any, request_id: str, output: str, duration_ms: float, init_ms: float | None) -> str:
    """One invocation's log as Lambda writes it: START, the handler's output, END, REPORT."""
    report = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {math.ceil(duration_ms)} ms\tMemory Size: {function.memory_size} MB"
    )
    if init_ms is not None:
        report += f"\tInit Duration: {init_ms:.2f} ms"
    return (
        f"START RequestId: {request_id} Version: {function.version}\n"
        + output
        + ("" if not output or output.endswith("\n") else "\n")
        + f"END RequestId: {request_id}\n"
        + report
        + "\n"
    )


def _timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _save_log(function: Any, log_stream: str, log: str) -> None:
    try:
        backend = function.logs_backend
        backend.ensure_log_group(function.logs_group_name)
        try:
            backend.create_log_stream(function.logs_group_name, log_stream)
        except Exception:  # the environment's stream exists from an earlier invocation
            pass
        now = int(time.time() * 1000)
        events = [{"timestamp": now, "message": line} for line in log.splitlines() if line]
        backend.put_log_events(function.logs_group_name, log_stream, events)
    except Exception:  # the log is a by-product: never fail the invocation for it
        logger.exception("could not write the Lambda log of %s", function.function_name)


# ----------------------------------------------------------------------------------------------
# Invoke


def _header(headers: Any, name: str, default: str | None = None) -> str | None:
    if headers is None:
        return default
    for key in (name, name.lower()):
        value = headers.get(key)
        if value is not None:
            return value
    return default


def invoke(
    original, self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
):
    function = self.get_function(function_name, qualifier)
    if not is_python_function(function):
        return original(self, function_name, qualifier, body, headers, response_headers)
    from moto.awslambda.exceptions import LambdaClientError

    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        event = json.loads(body) if body else {}
    except ValueError as exc:
        raise LambdaClientError(
            "InvalidRequestContentException",
            f"Could not parse request body into json: Could not parse payload into json: {exc}",
        ) from None
    invoked_arn = function.function_arn if qualifier is None else f"{_unqualified(function.function_arn)}:{qualifier}"
    invocation_type = _header(headers, "X-Amz-Invocation-Type", "RequestResponse")
    response_headers["x-amz-executed-version"] = str(function.version)
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        threading.Thread(
            target=run_function, args=(function, event, invoked_arn), name=f"lambda-event-{function.function_name}"
        ).start()
        return b""
    result = run_function(function, event, invoked_arn)
    if not result.ok:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["x-amz-log-result"] = result.log_tail
    response_headers["Content-Length"] = str(len(result.payload))
    return result.payload


def _unqualified(function_arn: str) -> str:
    parts = function_arn.split(":")
    return ":".join(parts[:7])


# ----------------------------------------------------------------------------------------------
# SQS event source mappings


def _sqs_event_record(message: Any, queue_arn: str, region: str) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": message.sender_id,
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.system_attributes.get("AWSTraceHeader"):
        attributes["AWSTraceHeader"] = message.system_attributes["AWSTraceHeader"].get("StringValue", "")
    if queue_arn.endswith(".fifo"):
        attributes["SequenceNumber"] = str(message.sequence_number)
        attributes["MessageGroupId"] = message.group_id
        attributes["MessageDeduplicationId"] = message.deduplication_id
    message_attributes = {}
    for name, value in message.message_attributes.items():
        entry: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
        if value.get("StringValue") is not None:
            entry["stringValue"] = value["StringValue"]
        if value.get("BinaryValue") is not None:
            binary = value["BinaryValue"]
            entry["binaryValue"] = binary if isinstance(binary, str) else base64.b64encode(binary).decode("ascii")
        message_attributes[name] = entry
    record = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.body_md5,
    }
    if message.message_attributes:
        record["md5OfMessageAttributes"] = message.attribute_md5
    record.update({"eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region})
    return record


def batch_item_failures(payload: bytes, message_ids: list[str]) -> set[str] | None:
    """The message ids a ReportBatchItemFailures response names; None when the batch failed as a whole.

    As Lambda: an empty or null response, or an empty/null ``batchItemFailures``, is complete
    success; an ``itemIdentifier`` that is missing, empty, or not a message of the batch, or a
    response that is not JSON, fails the whole batch.
    """
    try:
        response = json.loads(payload or b"null")
    except ValueError:
        return None
    # null, "", or any shape other than an object is no partial-batch response: complete success
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        return set()
    if not isinstance(failures, list):
        return None
    failed = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            return None
        failed.add(identifier)
    return failed


def _concurrency(mapping: Any) -> int:
    """Concurrent batches of a mapping: ``ScalingConfig.MaximumConcurrency``, at most our default."""
    scaling = mapping.scaling_config or {}
    wanted = int(scaling.get("MaximumConcurrency") or DEFAULT_POLLER_CONCURRENCY)
    return max(1, min(wanted, DEFAULT_POLLER_CONCURRENCY))


class _Slots:
    """A semaphore whose size is read on every acquire (UpdateEventSourceMapping may change it)."""

    def __init__(self, limit: Any):
        self._limit = limit
        self._in_use = 0
        self._changed = threading.Condition()

    def acquire(self) -> None:
        with self._changed:
            while not self._changed.wait_for(lambda: self._in_use < self._limit(), timeout=0.5):
                pass  # re-read the limit: it may have been raised
            self._in_use += 1

    def release(self) -> None:
        with self._changed:
            self._in_use -= 1
            self._changed.notify_all()


class SqsPoller:
    """Polls one queue for one event source mapping, as Lambda's SQS pollers do."""

    def __init__(self, backend: Any, mapping: Any):
        self.backend = backend
        self.mapping = mapping
        self.stopped = threading.Event()
        self.slots = _Slots(lambda: _concurrency(self.mapping))
        self.thread = threading.Thread(target=self._run, name=f"sqs-poller-{mapping.uuid}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    @property
    def active(self) -> bool:
        if self.stopped.is_set() or self.mapping.uuid in _deleting:
            return False
        mappings = getattr(self.backend, "_event_source_mappings", None)
        return mappings is not None and mappings.get(self.mapping.uuid) is self.mapping

    def _queue(self) -> Any:
        from moto.sqs.models import sqs_backends

        name = self.mapping.event_source_arn.split(":")[5]
        backend = sqs_backends[self.mapping.account_id][self.mapping.region]
        return backend, backend.queues.get(name)

    def _run(self) -> None:
        while self.active:
            try:
                if not self.mapping.enabled or mapping_state(self.mapping) in ("Creating", "Enabling"):
                    self.stopped.wait(0.2)
                    continue
                sqs, queue = self._queue()
                if queue is None:
                    self.stopped.wait(1)
                    continue
                missing = _missing_sqs_permission(self.backend, self.mapping)
                if missing is not None:  # as Lambda: the poller cannot receive, and says so
                    _last_results[self.mapping.uuid] = f"PROBLEM: {_sqs_permission_message(missing)}"
                    self.stopped.wait(1)
                    continue
                _last_results[self.mapping.uuid] = "OK"
                self.slots.acquire()
                try:
                    batch = self._receive(sqs, queue)
                except BaseException:
                    self.slots.release()
                    raise
                if not batch:
                    self.slots.release()
                    continue
                if not self.active or not self.mapping.enabled:  # stopped or disabled while receiving
                    self._release(queue, batch)
                    self.slots.release()
                    continue
                threading.Thread(
                    target=self._process, args=(queue, batch), name=f"sqs-batch-{self.mapping.uuid}", daemon=True
                ).start()
            except Exception:
                logger.exception("SQS poller of event source mapping %s", self.mapping.uuid)
                self.stopped.wait(1)

    def _receive(self, sqs: Any, queue: Any) -> list[Any]:
        batch_size = int(self.mapping.batch_size or 10)
        window = float(self.mapping.max_batch_window or 0)
        visibility = int(queue.visibility_timeout or 30)
        batch = sqs.receive_message(
            queue.name, min(10, batch_size), SQS_RECEIVE_WAIT_SECONDS, visibility, message_attribute_names=["All"]
        )
        if not batch:
            return []
        window_end = time.monotonic() + window
        while len(batch) < batch_size and self.active:
            more = sqs.receive_message(queue.name, min(10, batch_size - len(batch)), 0, visibility, ["All"])
            if more:
                batch.extend(more)
                continue
            if time.monotonic() >= window_end:
                break
            self.stopped.wait(min(0.2, max(window_end - time.monotonic(), 0)))
        return batch

    @staticmethod
    def _release(queue: Any, batch: list[Any]) -> None:
        handles = {message.receipt_handle for message in batch}
        for message in list(queue._messages):
            if message.receipt_handle in handles:
                message.change_visibility(0)

    def _process(self, queue: Any, batch: list[Any]) -> None:
        try:
            function = self.backend.get_function(self.mapping.function_arn)
        except Exception:
            logger.warning(
                "event source mapping %s: function %s not found", self.mapping.uuid, self.mapping.function_arn
            )
            self.slots.release()
            return
        try:
            records = [_sqs_event_record(m, self.mapping.event_source_arn, self.mapping.region) for m in batch]
            if is_python_function(function):
                result = run_function(function, {"Records": records}, self.mapping.function_arn)
                ok, payload = result.ok, result.payload
            else:  # moto's own behaviour for other runtimes
                response_headers: dict[str, Any] = {}
                payload = _original_invoke(
                    self.backend,
                    self.mapping.function_arn,
                    None,
                    json.dumps({"Records": records}),
                    {},
                    response_headers,
                )
                ok = "x-amz-function-error" not in response_headers
            message_ids = [m.id for m in batch]
            if not ok:
                failed: set[str] | None = None
            elif "ReportBatchItemFailures" in (self.mapping.function_response_types or []):
                failed = batch_item_failures(
                    payload if isinstance(payload, bytes) else str(payload).encode(), message_ids
                )
            else:
                failed = set()
            for message in batch:
                if failed is None or message.id in failed:
                    continue  # stays: visible again after the visibility timeout
                try:
                    queue.delete_message(message.receipt_handle)
                except Exception:
                    pass  # deleted meanwhile, or the queue is gone (reset)
        except Exception:
            logger.exception("event source mapping %s: batch failed", self.mapping.uuid)
        finally:
            self.slots.release()


_pollers: dict[str, SqsPoller] = {}
_pollers_lock = threading.Lock()


def _start_poller(backend: Any, mapping: Any) -> None:
    poller = SqsPoller(backend, mapping)
    with _pollers_lock:
        old = _pollers.pop(mapping.uuid, None)
        if old is not None:
            old.stop()
        _pollers[mapping.uuid] = poller
    poller.start()


def _stop_pollers(backend: Any | None = None, uuid_: str | None = None) -> None:
    with _pollers_lock:
        for key, poller in list(_pollers.items()):
            if (backend is None or poller.backend is backend) and (uuid_ is None or key == uuid_):
                poller.stop()
                del _pollers[key]


def create_event_source_mapping(original, self: Any, spec: dict[str, Any]) -> Any:
    from moto.awslambda.exceptions import LambdaClientError
    from moto.sqs.models import sqs_backends

    source = spec.get("EventSourceArn") or ""
    if source.startswith("arn:") and source.split(":")[2] == "sqs" and spec.get("FunctionName"):
        function = self.get_function(spec["FunctionName"])
        for existing in self._event_source_mappings.values():
            if existing.event_source_arn == source and existing.function_arn == function.function_arn:
                raise LambdaClientError(
                    "ResourceConflictException",
                    f'An event source mapping with SQS arn (" {source} ") and function (" '
                    f'{function.function_name} ") already exists. Please update or delete the existing '
                    f"mapping with UUID {existing.uuid}",
                )
        queue = sqs_backends[self.account_id][self.region_name].queues.get(source.split(":")[5])
        visibility = int(queue.visibility_timeout or 30) if queue is not None else None
        if visibility is not None and visibility < int(function.timeout):
            raise LambdaClientError(
                "InvalidParameterValueException",
                f"Queue visibility timeout: {visibility} seconds is less than Function timeout: "
                f"{function.timeout} seconds",
            )
        missing = _missing_sqs_permission_of(self.account_id, function.role, source)
        if missing is not None:
            raise LambdaClientError("InvalidParameterValueException", _sqs_permission_message(missing))
    mapping = original(self, spec)
    _begin_phase(mapping, "Creating")
    if mapping.event_source_arn.split(":")[2] == "sqs":
        # moto would invoke inside SendMessage; our poller does it instead.
        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            if queue.lambda_event_source_mappings.get(mapping.function_arn) is mapping:
                del queue.lambda_event_source_mappings[mapping.function_arn]
        _start_poller(self, mapping)
    return mapping


SQS_POLLER_ACTIONS = ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
_phases: dict[str, str] = {}  # mapping uuid -> the transitional state of its last change
_deleting: set[str] = set()
_last_results: dict[str, str] = {}


def _sqs_permission_message(action: str) -> str:
    return f"The provided execution role does not have permissions to call {action} on SQS"


def _missing_sqs_permission_of(account_id: str, role_arn: str, queue_arn: str) -> str | None:
    """The first SQS action Lambda's poller needs that the role does not allow on the queue, or None."""
    from refarch_emulator.extensions.iam import models as iam

    for action in SQS_POLLER_ACTIONS:
        if not iam.role_allows(account_id, role_arn, f"sqs:{action}", queue_arn):
            return action
    return None


def _missing_sqs_permission(backend: Any, mapping: Any) -> str | None:
    try:
        function = backend.get_function(mapping.function_arn)
    except Exception:
        return None  # _process reports a missing function
    return _missing_sqs_permission_of(mapping.account_id, function.role, mapping.event_source_arn)


def _begin_phase(mapping: Any, phase: str) -> None:
    from refarch_emulator import consistency

    _phases[mapping.uuid] = phase
    consistency.changed("lambda-mapping", mapping.uuid)


def mapping_state(mapping: Any) -> str:
    """Lambda's State of the mapping now: the transitional state of its last change while that change
    is inside the ``lambda-mapping`` window, then Enabled or Disabled."""
    from refarch_emulator import consistency

    if mapping.uuid in _deleting:
        return "Deleting"
    if mapping.uuid in _phases and consistency.settling("lambda-mapping", mapping.uuid):
        return _phases[mapping.uuid]
    return "Enabled" if mapping.enabled else "Disabled"


def _refuse_while_busy(mapping: Any, verb: str) -> None:
    from moto.awslambda.exceptions import LambdaClientError

    if mapping_state(mapping) not in ("Enabled", "Disabled"):
        raise LambdaClientError(
            "ResourceInUseException", f"Cannot {verb} the event source mapping because it is in use."
        )


def mapping_configuration(original, self: Any) -> dict[str, Any]:
    configuration = original(self)
    configuration["State"] = mapping_state(self)
    if self.uuid in _last_results:
        configuration["LastProcessingResult"] = _last_results[self.uuid]
    return configuration


def update_event_source_mapping(original, self: Any, uuid_: str, spec: dict[str, Any]) -> Any:
    mapping = self.get_event_source_mapping(uuid_)
    was_enabled = None
    if mapping is not None:
        _refuse_while_busy(mapping, "update")
        was_enabled = mapping.enabled
    result = original(self, uuid_, spec)
    if result is not None:
        if result.enabled != was_enabled:
            _begin_phase(result, "Enabling" if result.enabled else "Disabling")
        else:
            _begin_phase(result, "Updating")
    return result


def delete_event_source_mapping(self: Any, uuid_: str) -> Any:
    """The mapping is Deleting for the ``lambda-mapping`` window, then gone (moto dropped it at once)."""
    from refarch_emulator import consistency

    mapping = self.get_event_source_mapping(uuid_)
    if mapping is None:
        return None
    _refuse_while_busy(mapping, "delete")
    _stop_pollers(self, uuid_)
    _deleting.add(uuid_)
    mappings = self._event_source_mappings

    def forget() -> None:
        if mappings.get(uuid_) is mapping:
            del mappings[uuid_]
        _deleting.discard(uuid_)
        _phases.pop(uuid_, None)
        _last_results.pop(uuid_, None)

    delay = consistency.WINDOWS["lambda-mapping"].seconds()
    if delay <= 0:
        forget()
    else:
        timer = threading.Timer(delay, forget)
        timer.daemon = True
        timer.start()
    return mapping


# Keys Lambda refuses in a function's configuration (CreateFunction/UpdateFunctionConfiguration).
RESERVED_KEYS_REFUSED = (*RESERVED_ENVIRONMENT, "_X_AMZN_TRACE_ID", "AWS_ACCESS_KEY", "AWS_LAMBDA_RUNTIME_API", "TZ")


def _check_environment(spec: dict[str, Any]) -> None:
    from moto.awslambda.exceptions import LambdaClientError

    variables = (spec.get("Environment") or {}).get("Variables") or {}
    reserved = [key for key in variables if key in RESERVED_KEYS_REFUSED]
    if reserved:
        raise LambdaClientError(
            "InvalidParameterValueException",
            "Lambda was unable to configure your environment variables because the environment variables you "
            "have provided contains reserved keys that are currently not supported for modification. Reserved "
            f"keys used in this request: {', '.join(reserved)}",
        )


def _check_zip(code: dict[str, Any] | None) -> None:
    """A ZipFile that is not a zip archive is refused at upload, as Lambda does."""
    from moto.awslambda.exceptions import LambdaClientError

    content = (code or {}).get("ZipFile")
    if not content:
        return
    try:
        data = base64.b64decode(content)
    except (TypeError, ValueError):
        data = b""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise LambdaClientError(
            "InvalidParameterValueException",
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
        )


LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


def _check_role(account_id: str, role_arn: str | None) -> None:
    """Lambda assumes the execution role at CreateFunction / UpdateFunctionConfiguration: a role that is
    missing, not yet propagated, or does not trust lambda.amazonaws.com is refused."""
    from moto.awslambda.exceptions import LambdaClientError

    from refarch_emulator.extensions.iam import models as iam

    if not role_arn or not str(role_arn).startswith("arn:"):
        return  # moto's own validation answers a malformed role
    if iam.role_problem(account_id, role_arn, LAMBDA_PRINCIPAL) is not None:
        raise LambdaClientError(
            "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda."
        )


_function_phases: dict[str, str] = {}  # function ARN -> "Pending" after create, "InProgress" after an update


def _begin_function_phase(function: Any, phase: str) -> None:
    from refarch_emulator import consistency

    _function_phases[function.function_arn] = phase
    consistency.changed("lambda-update", function.function_arn)


def function_phase(function: Any) -> str | None:
    """ "Pending" or "InProgress" while the function's last create/update is inside its window, else None."""
    from refarch_emulator import consistency

    phase = _function_phases.get(function.function_arn)
    if phase is not None and consistency.settling("lambda-update", function.function_arn):
        return phase
    return None


def _refuse_while_updating(self: Any, function_name: str) -> None:
    from moto.awslambda.exceptions import LambdaClientError

    try:
        function = self.get_function(function_name)
    except Exception:
        return  # moto answers the missing function
    phase = function_phase(function)
    if phase == "Pending":
        detail = "The function is currently in the following state: Pending"
    elif phase == "InProgress":
        detail = f"An update is in progress for resource: {function.function_arn}"
    else:
        return
    raise LambdaClientError("ResourceConflictException", f"The operation cannot be performed at this time. {detail}")


def function_configuration(original, self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    configuration = original(self, *args, **kwargs)
    phase = function_phase(self)
    if phase == "Pending":
        configuration["State"] = "Pending"
        configuration["StateReason"] = "The function is being created."
        configuration["StateReasonCode"] = "Creating"
    elif phase == "InProgress":
        configuration["LastUpdateStatus"] = "InProgress"
        configuration["LastUpdateStatusReason"] = "The function is being created."
        configuration["LastUpdateStatusReasonCode"] = "Creating"
    return configuration


def create_function(original, self: Any, spec: dict[str, Any]) -> Any:
    _check_environment(spec)
    _check_role(self.account_id, spec.get("Role"))
    if spec.get("PackageType", "Zip") == "Zip":
        _check_zip(spec.get("Code"))
    function = original(self, spec)
    _begin_function_phase(function, "Pending")
    return function


def update_function_code(original, self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
    _check_zip(body)
    _refuse_while_updating(self, function_name)
    result = original(self, function_name, qualifier, body)
    _begin_function_phase(self.get_function(function_name), "InProgress")
    return result


def update_function_configuration(original, self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
    _check_environment(body)
    if body.get("Role"):
        _check_role(self.account_id, body["Role"])
    _refuse_while_updating(self, function_name)
    result = original(self, function_name, qualifier, body)
    _begin_function_phase(self.get_function(function_name), "InProgress")
    return result


def reset(original, self: Any) -> None:
    _stop_pollers(self)
    _pool.clear()
    _function_phases.clear()
    for uuid_ in list(getattr(self, "_event_source_mappings", {})):
        _phases.pop(uuid_, None)
        _deleting.discard(uuid_)
        _last_results.pop(uuid_, None)
    original(self)


def _original_invoke(self: Any, *args: Any) -> Any:
    """moto's Invoke (for a poller's function that is not a Python zip function)."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    from refarch_emulator.extensions.patching import original

    return original(LambdaSimpleBackend, "invoke", invoke)(self, *args)
