"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the emulator: a test tool, not a deployment part.

It forwards every request verbatim (method, path, headers with the Host header unchanged, since the
SigV4 signature covers it, and body) and answers a chosen share of AWS API calls itself, before they
reach the emulator, with the error AWS would send when it throttles or fails, shaped for the
request's protocol so that botocore parses the intended error code:

=================  ===========================================  ==================================
protocol           throttle (HTTP 400; S3 503, Lambda 429)       body
=================  ===========================================  ==================================
EC2 query          ``RequestLimitExceeded``                     ``<Response><Errors><Error>…``
other query (IAM…) ``Throttling`` (Type Sender)                  ``<ErrorResponse><Error>…``
JSON (X-Amz-Target) ``ThrottlingException``                    ``{"__type": …}`` + x-amzn-ErrorType
REST-JSON (Lambda) ``TooManyRequestsException`` (429)            JSON + x-amzn-ErrorType
REST-XML (S3)      ``SlowDown`` (503)                            ``<Error><Code>…``
=================  ===========================================  ==================================

Other kinds: ``429`` (the protocol's throttling code with status 429), ``500`` (InternalError /
InternalFailure) and ``503`` (Unavailable / ServiceUnavailable). An optional latency is added to
every forwarded call. The ``/moto-api`` and ``/refarch-emulator`` paths are never faulted. Faults are
drawn from a seeded RNG and counted per (service, action, kind).

    python -m refarch_emulator.faults --upstream http://127.0.0.1:5077 --rate 0.2 --seed 1 [--port N]

prints one JSON line ``{"url": ...}`` and serves until SIGTERM/SIGINT, then prints the counts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from refarch_emulator.calllog import operation_name

KINDS = ("throttle", "429", "500", "503")
NEVER_FAULTED = ("/moto-api", "/refarch-emulator")
# Not forwarded: per-connection headers, and Expect (the whole body is read before forwarding).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "expect"}
)
_RPC_V2_PREFIX = "/service/"

# (error code, HTTP status) per protocol and kind. Query codes are those EC2 / the other query APIs send.
_CODES = {
    "ec2": {"throttle": ("RequestLimitExceeded", 400), "500": ("InternalError", 500), "503": ("Unavailable", 503)},
    "query": {"throttle": ("Throttling", 400), "500": ("InternalFailure", 500), "503": ("ServiceUnavailable", 503)},
    "json": {
        "throttle": ("ThrottlingException", 400),
        "500": ("InternalFailure", 500),
        "503": ("ServiceUnavailable", 503),
    },
    "rest-json": {
        "throttle": ("TooManyRequestsException", 429),
        "500": ("ServiceException", 500),
        "503": ("ServiceUnavailable", 503),
    },
    "s3": {"throttle": ("SlowDown", 503), "500": ("InternalError", 500), "503": ("ServiceUnavailable", 503)},
}


def protocol_of(service: str, headers: dict[str, str], is_query: bool, path: str) -> str:
    """The wire protocol of a request, as far as its error shape goes."""
    if path.startswith(_RPC_V2_PREFIX) and "/operation/" in path:
        return "rpc-v2"
    if service == "s3":
        return "s3"
    if headers.get("x-amz-target"):
        return "json"
    if is_query:
        return "ec2" if service == "ec2" else "query"
    return "rest-json"


def error_response(protocol: str, kind: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one injected fault."""
    request_id = str(uuid.uuid4())
    if protocol == "rpc-v2":  # CBOR bodies: an empty 503 is a transient error for every botocore retry mode
        return 503, {"x-amzn-RequestId": request_id}, b""
    code, status = _CODES[protocol]["throttle" if kind == "429" else kind]
    if kind == "429":
        status = 429
    message = "Rate exceeded" if kind in ("throttle", "429") else "Injected by the refarch fault proxy"
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        return status, {"Content-Type": content_type, "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}, body
    if protocol == "ec2":
        xml = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    elif protocol == "s3":
        xml = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
    else:
        side = "Sender" if kind in ("throttle", "429") else "Receiver"
        xml = (
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
            f"<Error><Type>{side}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, b'<?xml version="1.0"?>' + xml.encode()


class FaultProxy:
    """Start with :meth:`start`, point clients at :attr:`url`, read :meth:`stats`, :meth:`stop` at the end."""

    def __init__(
        self,
        upstream: str,
        rate: float = 0.2,
        seed: int = 0,
        kinds: tuple[str, ...] = KINDS,
        latency: tuple[float, float] = (0.0, 0.0),
        port: int = 0,
    ):
        target = urlsplit(upstream)
        if target.hostname not in ("127.0.0.1", "localhost") or target.scheme != "http":
            raise ValueError(f"the fault proxy only fronts a local emulator (http://127.0.0.1:PORT), not {upstream}")
        unknown = set(kinds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"fault kinds must be among {KINDS}, got {kinds}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be within 0..1, got {rate}")
        self.upstream = ("127.0.0.1", target.port or 80)
        self.rate = rate
        self.kinds = tuple(kinds)
        self.latency = latency
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: Counter = Counter()  # (service, action, kind) -> count
        self.forwarded: Counter = Counter()  # (service, action) -> count
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever(), which only runs once started
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def draw(self, service: str, action: str) -> tuple[str | None, float]:
        """(fault kind or None, added latency) for one call, recorded in the counters."""
        with self._lock:
            delay = self._rng.uniform(*self.latency) if self.latency[1] > 0 else 0.0
            kind = self._rng.choice(self.kinds) if self._rng.random() < self.rate else None
            if kind:
                self.injected[(service, action, kind)] += 1
            else:
                self.forwarded[(service, action)] += 1
        return kind, delay

    def stats(self) -> dict:
        with self._lock:
            injected = sum(self.injected.values())
            per_kind: Counter = Counter()
            per_service: Counter = Counter()
            for (service, _action, kind), count in self.injected.items():
                per_kind[kind] += count
                per_service[service] += count
            return {
                "injected": injected,
                "forwarded": sum(self.forwarded.values()),
                "per_kind": dict(per_kind),
                "per_service": dict(per_service),
                "per_action": {f"{s}:{a}:{k}": n for (s, a, k), n in sorted(self.injected.items())},
            }


def _handler_for(proxy: FaultProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

        def log_message(self, format, *args):
            pass

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self):
            body = self._body()
            path, _, query = self.path.partition("?")
            if not path.startswith(NEVER_FAULTED):
                headers = {k.lower(): v for k, v in self.headers.items()}
                environ = {
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": path,
                    "QUERY_STRING": query,
                    "CONTENT_TYPE": headers.get("content-type", ""),
                    **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
                }
                service, action = operation_name(environ, body)
                kind, delay = proxy.draw(service, action)
                if delay:
                    time.sleep(delay)
                if kind:
                    is_query = "Action=" in query or (
                        headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
                        and b"Action=" in body
                    )
                    self._answer(*error_response(protocol_of(service, headers, is_query, path), kind))
                    return
            self._forward(body)

        def _forward(self, body: bytes):
            connection = http.client.HTTPConnection(*proxy.upstream, timeout=900)
            try:
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        connection.putheader(name, value)
                if body or self.command in ("POST", "PUT", "PATCH"):
                    connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body or None)
                response = connection.getresponse()
                payload = response.read()
                headers = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
                status, reason = response.status, response.reason
            except OSError as exc:
                message = f"fault proxy: upstream {proxy.upstream} unreachable: {exc}".encode()
                self._answer(502, {"Content-Type": "text/plain"}, message)
                return
            finally:
                connection.close()
            self.send_response(status, reason)
            has_length = False
            for name, value in headers:
                if name.lower() == "content-length":
                    has_length = True
                    # HEAD keeps the upstream's length (the object's), other methods the body's
                    self.send_header(name, value if self.command == "HEAD" else str(len(payload)))
                else:
                    self.send_header(name, value)
            if not has_length:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _answer(self, status: int, headers: dict[str, str], body: bytes):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m refarch_emulator.faults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--upstream", required=True, help="the emulator, e.g. http://127.0.0.1:5077")
    parser.add_argument("--rate", type=float, default=0.2, help="share of AWS calls answered with a fault")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, among {','.join(KINDS)}")
    parser.add_argument("--latency", type=float, nargs=2, default=(0.0, 0.0), metavar=("MIN_S", "MAX_S"))
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args(argv)
    kinds = tuple(args.kinds.split(","))
    proxy = FaultProxy(args.upstream, args.rate, args.seed, kinds, tuple(args.latency), args.port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    proxy.start()
    print(json.dumps({"url": proxy.url, "upstream": args.upstream, "rate": args.rate, "seed": args.seed}), flush=True)
    done.wait()
    proxy.stop()
    print(json.dumps(proxy.stats()), file=sys.stderr)


if __name__ == "__main__":
    main()
