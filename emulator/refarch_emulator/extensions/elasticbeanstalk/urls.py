"""The test-only route ``/refarch-emulator/elasticbeanstalk/platforms/…``: AWS releases a platform version."""

from __future__ import annotations

import json
import re
from typing import Any

from refarch_emulator.extensions.elasticbeanstalk.models import _RELEASES, CATALOGUE, LOCK, _platform_by

RELEASE_PATH = re.compile(
    r"^/refarch-emulator/elasticbeanstalk/platforms/(?P<branch>[^/]+)/(?P<version>\d+\.\d+\.\d+)$"
)


def _release_hook(environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """``POST /refarch-emulator/elasticbeanstalk/platforms/<branch>/<version>`` (branch URL-encoded):
    AWS releases ``version`` on the branch, which becomes its Recommended one. Test-only, never on AWS."""
    from urllib.parse import unquote

    match = RELEASE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "POST":
        return None
    branch = unquote(match["branch"])
    if not any(branch == f"{runtime} running on 64bit {os_name}" for _, runtime, os_name, *_ in CATALOGUE):
        return "404 Not Found", {"message": f"no platform branch {branch}"}
    with LOCK:
        if (
            _platform_by(
                "us-east-1", "PlatformArn", f"arn:aws:elasticbeanstalk:us-east-1::platform/{branch}/{match['version']}"
            )
            is None
        ):
            _RELEASES.setdefault(branch, []).append(match["version"])
    return "200 OK", {"PlatformBranchName": branch, "PlatformVersion": match["version"]}


def answer_release_hook(original, self, environ, start_response):
    """Wraps moto's dispatcher (``DomainDispatcherApplication.__call__``): the hook's path, else moto."""
    answer = _release_hook(environ)
    if answer is None:
        return original(self, environ, start_response)
    status, body = answer
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
