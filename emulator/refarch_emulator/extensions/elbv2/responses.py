"""CreateListener / ModifyListener: an SSL policy only on an HTTPS or TLS listener, as AWS checks."""

from __future__ import annotations

from typing import Any

from refarch_emulator.extensions.elbv2.exceptions import ValidationError
from refarch_emulator.extensions.elbv2.models import SECURE_PROTOCOLS, ssl_policy_problem


def _checked(original, self, modify: bool) -> Any:
    protocol = self._get_param("Protocol")
    if protocol is None and modify:
        listener = self.elbv2_backend.describe_listeners(None, [self._get_param("ListenerArn")])[0]
        protocol = listener.protocol
    problem = ssl_policy_problem(protocol, self._get_param("SslPolicy"))
    if problem:
        raise ValidationError(problem)
    result = original(self)
    for listener in result.result.get("Listeners", []):
        if listener.protocol not in SECURE_PROTOCOLS:
            listener.ssl_policy = None  # moto's default policy, which AWS never shows here
    return result


def create_listener(original, self) -> Any:
    return _checked(original, self, modify=False)


def modify_listener(original, self) -> Any:
    return _checked(original, self, modify=True)
