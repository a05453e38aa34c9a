"""The URLs of both APIs (moto's ``url_bases``/``url_paths``) and the test-only status hook."""

from __future__ import annotations

import json
import re
from typing import Any

from refarch_emulator.extensions.codeconnections.models import LOCK, connections_backends
from refarch_emulator.extensions.codeconnections.responses import ConnectionsResponse

url_bases = [
    r"https?://codestar-connections\.(?P<region>[a-zA-Z0-9\-_]+)\.amazonaws\.com",
    r"https?://codeconnections\.(?P<region>[a-zA-Z0-9\-_]+)\.amazonaws\.com",
]
url_paths = {
    "{0}/$": ConnectionsResponse.dispatch,
    "{0}/service/<path:rpc>": ConnectionsResponse.dispatch,
}

# ------------------------------------------------------------------------------ test-only hook

TEST_PATH = re.compile(r"^/refarch-emulator/connections/(?P<id>[0-9a-f-]{36})/(?P<status>available|pending|error)$")


def _test_hook(environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    match = TEST_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "POST":
        return None
    with LOCK:
        for account in list(connections_backends.keys()):
            for region in list(connections_backends[account].keys()):
                connection = connections_backends[account][region].connections.get(match["id"])
                if connection is not None:
                    connection.status = match["status"].upper()
                    return "200 OK", connection.describe()
    return "404 Not Found", {"message": f"no connection with id {match['id']}"}


def answer_test_hook(original, self, environ, start_response):
    """Wraps moto's dispatcher (``DomainDispatcherApplication.__call__``): the hook's path, else moto."""
    answer = _test_hook(environ)
    if answer is None:
        return original(self, environ, start_response)
    status, body = answer
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
