"""CodeStar Connections and CodeConnections: connections to GitHub and friends, PENDING until a handshake.

moto 5.2.5 has neither service. This module adds one backend with two front doors:

* ``codestar-connections`` (JSON 1.0, ``X-Amz-Target: CodeStar_connections_20191201.*``) and
* ``codeconnections`` (botocore ≥ 1.38 speaks Smithy RPC v2 CBOR to it:
  ``POST /service/CodeConnections_20231201/operation/<Op>``; JSON also works),

routed by moto's dispatcher like any built-in service (registered in ``backend_index`` and as
``moto.codeconnections``/``moto.codestarconnections`` modules). A connection is created PENDING, as on
AWS, where a person must complete the handshake in the console; its ARN names the service that created
it (``arn:aws:codeconnections:…:connection/<uuid>`` or ``arn:aws:codestar-connections:…``) and either
API reads it by either ARN form. Operations: create, get, list (``ProviderTypeFilter``,
``HostArnFilter``, paging), delete, tag, untag, list tags.

Test-only, never on AWS: ``POST /refarch-emulator/connections/<uuid>/available`` (or ``/pending``,
``/error``) sets a connection's status, standing in for the console handshake. Paths under
``/refarch-emulator/`` are not recorded in the API-call record.
"""

from __future__ import annotations

import json
import re
import struct
import sys
import threading
import uuid
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.responses import BaseResponse

CODESTAR_TARGET = "CodeStar_connections_20191201"
CODECONNECTIONS_TARGET = "CodeConnections_20231201"
PROVIDER_TYPES = ("Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged", "AzureDevOps")
TEST_PATH = re.compile(r"^/refarch-emulator/connections/(?P<id>[0-9a-f-]{36})/(?P<status>available|pending|error)$")
_RPC_PATH = re.compile(r"/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)$")
_ARN = re.compile(
    r"^arn:aws:(?P<service>codeconnections|codestar-connections):(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"connection/(?P<id>[0-9a-f-]{36})$"
)
_LOCK = threading.Lock()


class ConnectionsError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _not_found(arn: str) -> ConnectionsError:
    return ConnectionsError("ResourceNotFoundException", f"Resource not found: {arn}")


class Connection:
    def __init__(self, service: str, region: str, account: str, name: str, provider: str | None, host: str | None):
        self.id = str(uuid.uuid4())
        self.arn = f"arn:aws:{service}:{region}:{account}:connection/{self.id}"
        self.name, self.provider, self.host_arn, self.account = name, provider, host, account
        self.status = "PENDING"
        self.tags: dict[str, str] = {}

    def describe(self) -> dict[str, Any]:
        out = {
            "ConnectionName": self.name,
            "ConnectionArn": self.arn,
            "ProviderType": self.provider,
            "OwnerAccountId": self.account,
            "ConnectionStatus": self.status,
        }
        if self.host_arn:
            out["HostArn"] = self.host_arn
        return {k: v for k, v in out.items() if v is not None}


class ConnectionsBackend(BaseBackend):
    """One store for both APIs: AWS serves the same connections through either namespace."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.connections: dict[str, Connection] = {}  # by id

    @property
    def _url_module(self) -> Any:  # moto derives "<module>.urls" from the class's module otherwise
        return sys.modules[__name__]

    def lookup(self, arn: str | None) -> Connection:
        match = _ARN.match(arn or "")
        found = self.connections.get(match["id"]) if match else None
        if found is None or match["region"] != self.region_name or match["account"] != self.account_id:
            raise _not_found(arn)
        return found

    # -- operations (parameters as AWS names them)
    def create_connection(self, service: str, params: dict[str, Any]) -> dict[str, Any]:
        name, provider, host = params.get("ConnectionName"), params.get("ProviderType"), params.get("HostArn")
        if not name or not 1 <= len(name) <= 32:
            raise ConnectionsError("ValidationException", "ConnectionName must be 1 to 32 characters long.")
        if provider is None and host is None:
            raise ConnectionsError("InvalidInputException", "Either ProviderType or HostArn must be specified.")
        if provider is not None and provider not in PROVIDER_TYPES:
            raise ConnectionsError("UnsupportedProviderTypeException", f"Provider type {provider} is not supported.")
        if host is not None:
            raise ConnectionsError("ResourceNotFoundException", f"Host not found: {host}")
        tags = params.get("Tags") or []
        if len(tags) > 50:
            raise ConnectionsError("LimitExceededException", "Tag limit exceeded (50).")
        connection = Connection(service, self.region_name, self.account_id, name, provider, host)
        connection.tags = {t["Key"]: t["Value"] for t in tags}
        self.connections[connection.id] = connection
        out: dict[str, Any] = {"ConnectionArn": connection.arn}
        if tags:
            out["Tags"] = tags
        return out

    def get_connection(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"Connection": self.lookup(params.get("ConnectionArn")).describe()}

    def list_connections(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        provider, host = params.get("ProviderTypeFilter"), params.get("HostArnFilter")
        found = [
            c.describe()
            for c in self.connections.values()
            if (provider is None or c.provider == provider) and (host is None or c.host_arn == host)
        ]
        start = int(params.get("NextToken") or 0)
        limit = int(params.get("MaxResults") or 50)
        out: dict[str, Any] = {"Connections": found[start : start + limit]}
        if start + limit < len(found):
            out["NextToken"] = str(start + limit)
        return out

    def delete_connection(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        del self.connections[self.lookup(params.get("ConnectionArn")).id]
        return {}

    def tag_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        if len(set(connection.tags) | set(tags)) > 50:
            raise ConnectionsError("LimitExceededException", "Tag limit exceeded (50).")
        connection.tags.update(tags)
        return {}

    def untag_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        for key in params.get("TagKeys") or []:
            connection.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        return {"Tags": [{"Key": k, "Value": v} for k, v in connection.tags.items()]}


OPERATIONS = {
    "CreateConnection": "create_connection",
    "GetConnection": "get_connection",
    "ListConnections": "list_connections",
    "DeleteConnection": "delete_connection",
    "TagResource": "tag_resource",
    "UntagResource": "untag_resource",
    "ListTagsForResource": "list_tags_for_resource",
}

connections_backends = BackendDict(ConnectionsBackend, "codestar-connections")


def connection_status(account: str, region: str, arn: str) -> str | None:
    """The status of the connection ``arn`` (either ARN form), or None if there is none."""
    try:
        return connections_backends[account][region].lookup(arn).status
    except (ConnectionsError, KeyError):
        return None


# ------------------------------------------------------------------------------- wire formats


def cbor_encode(value: Any) -> bytes:
    """A minimal CBOR encoder (RFC 8949) for what these responses hold: maps, lists, text, ints, bools."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | info]) + struct.pack(fmt, n)
        raise ValueError("integer too large for CBOR")

    if value is None or isinstance(value, bool):
        return {None: b"\xf6", True: b"\xf5", False: b"\xf4"}[value]
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        value = value.encode()
        major = 3
    elif isinstance(value, bytes):
        major = 2
    elif isinstance(value, list | tuple):
        return head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    elif isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items())
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as CBOR")
    return head(major, len(value)) + value


def cbor_decode(data: bytes) -> Any:
    if not data:
        return {}
    from botocore.parsers import RpcV2CBORParser

    parser = RpcV2CBORParser()
    return parser.parse_data_item(parser.get_peekable_stream_from_bytes(data))


class ConnectionsResponse(BaseResponse):
    """Both front doors: JSON with X-Amz-Target, and Smithy RPC v2 CBOR by path."""

    use_raw_body = True  # CBOR bodies are not UTF-8

    def __init__(self) -> None:
        super().__init__(service_name="codestar-connections")

    def _dispatch(self, request, full_url=None, headers=None):
        self.setup_class(request, full_url, headers)
        rpc = _RPC_PATH.search(request.path)
        target = request.headers.get("X-Amz-Target", "")
        cbor = rpc is not None
        if cbor:
            operation, prefix = rpc["operation"], rpc["service"]
        else:
            prefix, _, operation = target.rpartition(".")
            prefix = prefix.rpartition(".")[2]
        service = "codeconnections" if prefix == CODECONNECTIONS_TARGET else "codestar-connections"
        try:
            method = OPERATIONS.get(operation)
            if method is None:
                raise ConnectionsError("UnknownOperationException", f"Unknown operation {operation}")
            raw = request.get_data()
            params = cbor_decode(raw) if cbor else json.loads(raw or b"{}")
            backend = connections_backends[self.current_account][self.region]
            with _LOCK:
                body, status = getattr(backend, method)(service, params or {}), 200
        except ConnectionsError as err:
            body, status = {"__type": err.code, "message": err.message}, 400
        if cbor:
            return status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, cbor_encode(body)
        return status, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body)


url_bases = [
    r"https?://codestar-connections\.(?P<region>[a-zA-Z0-9\-_]+)\.amazonaws\.com",
    r"https?://codeconnections\.(?P<region>[a-zA-Z0-9\-_]+)\.amazonaws\.com",
]
url_paths = {
    "{0}/$": ConnectionsResponse.dispatch,
    "{0}/service/<path:rpc>": ConnectionsResponse.dispatch,
}

# moto's dispatcher imports ``moto.<name>`` and reads ``<name>_backends`` for a routed service name.
codestarconnections_backends = connections_backends
codeconnections_backends = connections_backends


# ------------------------------------------------------------------------------ test-only hook


def _test_hook(environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    match = TEST_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "POST":
        return None
    with _LOCK:
        for account in list(connections_backends.keys()):
            for region in list(connections_backends[account].keys()):
                connection = connections_backends[account][region].connections.get(match["id"])
                if connection is not None:
                    connection.status = match["status"].upper()
                    return "200 OK", connection.describe()
    return "404 Not Found", {"message": f"no connection with id {match['id']}"}


def _wrap_dispatcher() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__
    if getattr(original, "_refarch_connections", False):
        return

    def __call__(self, environ, start_response):
        answer = _test_hook(environ)
        if answer is None:
            return original(self, environ, start_response)
        status, body = answer
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    __call__._refarch_connections = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = __call__


def install() -> None:
    from moto import backend_index

    module = sys.modules[__name__]
    sys.modules.setdefault("moto.codestarconnections", module)
    sys.modules.setdefault("moto.codeconnections", module)
    patterns = [name for name, _ in backend_index.backend_url_patterns]
    for name, base in (("codestar-connections", url_bases[0]), ("codeconnections", url_bases[1])):
        if name not in patterns:
            backend_index.backend_url_patterns.append((name, re.compile(base.replace("(?P<region>", "(?:"))))
    _wrap_dispatcher()
