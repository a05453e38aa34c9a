"""Elastic Load Balancing v2: SSL policies only on secure listeners, and load balancers' lingering network interfaces.

moto 5.2.5 accepts ``SslPolicy`` on any listener and even gives an HTTP listener the default policy
``ELBSecurityPolicy-2016-08``. AWS refuses a policy on a listener that is not HTTPS or TLS with
``ValidationError`` "An SSL policy cannot be specifed for HTTP listeners" (AWS's own spelling; the
protocol named is the listener's) and shows none on such a listener
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html:
"SslPolicy — [HTTPS and TLS listeners] The security policy").

A deleted load balancer's network interfaces go some time after it; until then they keep its
security groups in use. Each deletion is recorded in window ``elb-eni`` under every security group
of the load balancer; the ec2 extension refuses to delete such a group meanwhile (DependencyViolation).
"""

from __future__ import annotations

from typing import Any

from moto.elbv2 import models as elbv2_models
from moto.elbv2 import responses as elbv2_responses
from moto.elbv2.exceptions import ELBClientError

from refarch_emulator import consistency

_INSTALLED: dict[str, Any] = {}
SECURE_PROTOCOLS = ("HTTPS", "TLS")


class ValidationError(ELBClientError):
    code = "ValidationError"


def ssl_policy_problem(protocol: str | None, ssl_policy: str | None) -> str | None:
    """AWS's message when ``ssl_policy`` is given for a listener of ``protocol`` that takes none."""
    if ssl_policy is None or protocol is None or protocol.upper() in SECURE_PROTOCOLS:
        return None
    return f"An SSL policy cannot be specifed for {protocol.upper()} listeners"


def _checked(name: str):
    def patched(self) -> Any:
        protocol = self._get_param("Protocol")
        if protocol is None and name == "modify_listener":
            listener = self.elbv2_backend.describe_listeners(None, [self._get_param("ListenerArn")])[0]
            protocol = listener.protocol
        problem = ssl_policy_problem(protocol, self._get_param("SslPolicy"))
        if problem:
            raise ValidationError(problem)
        result = _INSTALLED[name](self)
        for listener in result.result.get("Listeners", []):
            if listener.protocol not in SECURE_PROTOCOLS:
                listener.ssl_policy = None  # moto's default policy, which AWS never shows here
        return result

    return patched


def _delete_load_balancer(self, arn: str) -> None:
    balancer = self.load_balancers.get(arn)
    _INSTALLED["delete_load_balancer"](self, arn)
    if balancer is not None:
        for group_id in balancer.security_groups or []:
            consistency.changed("elb-eni", group_id)


def install() -> None:
    if _INSTALLED:
        return
    response = elbv2_responses.ELBV2Response
    for name in ("create_listener", "modify_listener"):
        _INSTALLED[name] = getattr(response, name)
        setattr(response, name, _checked(name))
    _INSTALLED["delete_load_balancer"] = elbv2_models.ELBv2Backend.delete_load_balancer
    elbv2_models.ELBv2Backend.delete_load_balancer = _delete_load_balancer
