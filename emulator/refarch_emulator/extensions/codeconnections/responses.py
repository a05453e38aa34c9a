"""Both front doors: JSON 1.0 with X-Amz-Target, and Smithy RPC v2 CBOR by path."""

from __future__ import annotations

import json
import re
import struct
from typing import Any

from moto.core.responses import BaseResponse

from refarch_emulator.extensions.codeconnections.exceptions import ConnectionsError
from refarch_emulator.extensions.codeconnections.models import LOCK, connections_backends

CODESTAR_TARGET = "CodeStar_connections_20191201"
CODECONNECTIONS_TARGET = "CodeConnections_20231201"
_RPC_PATH = re.compile(r"/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)$")

OPERATIONS = {
    "CreateConnection": "create_connection",
    "GetConnection": "get_connection",
    "ListConnections": "list_connections",
    "DeleteConnection": "delete_connection",
    "TagResource": "tag_resource",
    "UntagResource": "untag_resource",
    "ListTagsForResource": "list_tags_for_resource",
}


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
            with LOCK:
                body, status = getattr(backend, method)(service, params or {}), 200
        except ConnectionsError as err:
            body, status = {"__type": err.code, "message": err.message}, 400
        if cbor:
            return status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, cbor_encode(body)
        return status, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(body)
