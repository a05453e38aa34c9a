"""One line per AWS API call the emulator serves: ``epoch_ms<TAB>service<TAB>action<TAB>status``.

The record never holds request bodies or headers, so no secret can reach it. Tests and the
benchmark read it with :func:`read_calls` and classify calls with :func:`is_mutating`.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_RPC_V2_PATH = re.compile(r"^/service/[^/]+/operation/([A-Za-z0-9]+)$")

# Actions that only read. Everything else counts as mutating, so an unknown action errs on the
# side of "mutating" and a check-mode assertion cannot pass by accident.
READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Head", "Lookup", "Search", "BatchGet")
READ_ONLY_ACTIONS = frozenset({"AssumeRole"})


@dataclass(frozen=True)
class Call:
    time_ms: int
    service: str
    action: str
    status: int

    @property
    def mutating(self) -> bool:
        return is_mutating(self.action)


def is_mutating(action: str) -> bool:
    if action in READ_ONLY_ACTIONS:
        return False
    return not action.startswith(READ_ONLY_PREFIXES)


def read_calls(path: str) -> list[Call]:
    calls = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 4:
                    calls.append(Call(int(parts[0]), parts[1], parts[2], int(parts[3])))
    except FileNotFoundError:
        pass
    return calls


@cache
def _rest_operations(signing_name: str) -> list[tuple[str, re.Pattern, frozenset, str]]:
    """(method, path regex, required query keys, operation) for REST services, most specific first."""
    import botocore.exceptions
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    try:  # the services we serve over REST (lambda, s3) are named as they sign
        model = loader.load_service_model(signing_name, "service-2")
    except botocore.exceptions.UnknownServiceError:
        return []
    operations = []
    for name, op in model["operations"].items():
        http = op.get("http", {})
        path, _, query = http.get("requestUri", "/").partition("?")
        needs = {("query", *k.split("=", 1)) for k in query.split("&") if k}
        needs |= _required_locations(model, op)
        pattern = re.sub(r"\\\{[^}]+?\\\+\\\}", "(.+)", re.escape(path))
        pattern = re.sub(r"\\\{[^}]+?\\\}", "([^/]+)", pattern)
        operations.append((http.get("method", "POST"), re.compile(f"^{pattern}/?$"), frozenset(needs), name))
    # More required query keys and headers beat fewer; literal path segments beat placeholders.
    operations.sort(key=lambda o: (-len(o[2]), o[1].pattern.count("(")))
    return operations


def _required_locations(model: dict, op: dict) -> set:
    """Required query-string members and headers of an operation's input, e.g. S3's ``uploadId``."""
    shape = model["shapes"].get(op.get("input", {}).get("shape", ""), {})
    needs = set()
    for member in shape.get("required", []):
        spec = shape.get("members", {}).get(member, {})
        if spec.get("location") == "querystring":
            needs.add(("query", spec["locationName"]))
        elif spec.get("location") == "header":
            needs.add(("header", spec["locationName"].lower()))
    return needs


def _request_matches(needs: frozenset, query: dict, environ: dict) -> bool:
    for need in needs:
        if need[0] == "header":
            if "HTTP_" + need[1].upper().replace("-", "_") not in environ:
                return False
        elif need[1] not in query or (len(need) == 3 and need[2] not in query[need[1]]):
            return False
    return True


def operation_name(environ: dict, body: bytes) -> tuple[str, str]:
    """(service, action) of one request, as AWS names them."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL_SCOPE.search(auth)
    service = match.group(1) if match else "unsigned"
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO", "/")
    rpc = _RPC_V2_PATH.match(path)
    if rpc:
        return service, rpc.group(1)
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if "Action" in query:
        return service, query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return service, form["Action"][0]
    method = environ.get("REQUEST_METHOD", "GET")
    if match:
        for op_method, pattern, keys, name in _rest_operations(service):
            if op_method == method and pattern.match(path) and _request_matches(keys, query, environ):
                return service, name
    return service, f"{method} {path}"


class CallRecorder:
    """WSGI middleware: serves the request, then appends one line to the record."""

    def __init__(self, app, path: str | None):
        self.app = app
        self.path = path
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.path is None or path.startswith(("/moto-api", "/refarch-emulator")):
            return self.app(environ, start_response)
        body = b""
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
        service, action = operation_name(environ, body)
        status_holder = {}

        def recording_start_response(status, headers, exc_info=None):
            status_holder["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        line = f"{int(time.time() * 1000)}\t{service}\t{action}\t{status_holder.get('status', 0)}\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
        return result


def summary(calls: list[Call]) -> dict:
    """Counts for reports: total, mutating, and per service."""
    per_service: dict[str, int] = {}
    for call in calls:
        per_service[call.service] = per_service.get(call.service, 0) + 1
    return {
        "total": len(calls),
        "mutating": sorted(f"{c.service}:{c.action}" for c in calls if c.mutating),
        "per_service": per_service,
    }


if __name__ == "__main__":  # pragma: no cover - a convenience for people reading a record
    import sys

    print(json.dumps(summary(read_calls(sys.argv[1])), indent=2))
