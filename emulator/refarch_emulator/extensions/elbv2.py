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

AWS's clock (``awsclock``, scaled): a new load balancer is ``provisioning`` for ``elbv2-provisioning``,
then ``active`` (moto made it active at its first describe); a registered target is ``initial``
(``Elb.InitialHealthChecking``) until it has passed ``HealthyThresholdCount`` checks
``HealthCheckIntervalSeconds`` apart, then ``healthy`` (moto: healthy at once)
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html).
"""

from __future__ import annotations

import time
from typing import Any

from moto.elbv2 import models as elbv2_models
from moto.elbv2 import responses as elbv2_responses
from moto.elbv2.exceptions import ELBClientError

from refarch_emulator import awsclock, consistency

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


def _create_load_balancer(self, *args: Any, **kwargs: Any):
    balancer = _INSTALLED["create_load_balancer"](self, *args, **kwargs)
    balancer.rf_active_at = time.monotonic() + awsclock.seconds("elbv2-provisioning")
    return balancer


def _activate(self) -> None:
    """moto activates a load balancer at its first describe; AWS after provisioning it."""
    if time.monotonic() >= getattr(self, "rf_active_at", 0.0):
        _INSTALLED["activate"](self)


def _register(self, targets: list[dict[str, Any]]) -> None:
    """Registration time of each target not registered already (a repeat registration is a no-op)."""
    fresh = [t["Id"] for t in targets if t["Id"] not in self.targets]
    _INSTALLED["register"](self, targets)
    if not hasattr(self, "rf_registered"):
        self.rf_registered = {}
    now = time.monotonic()
    for target_id in fresh:
        self.rf_registered[target_id] = now


def _health_for(self, target: dict[str, Any], ec2_backend):
    health = _INSTALLED["health_for"](self, target, ec2_backend)
    at = getattr(self, "rf_registered", {}).get(target["Id"])
    if health.status != "healthy" or at is None:
        return health
    checks = awsclock.target_healthy_seconds(self.health_check_interval_seconds, self.healthy_threshold_count)
    if time.monotonic() < at + checks:
        return elbv2_models.FakeHealthStatus(
            health.instance_id,
            health.port,
            health.health_check_port,
            "initial",
            "Elb.InitialHealthChecking",
            "Initial health checks in progress",
        )
    return health


def install() -> None:
    if _INSTALLED:
        return
    backend = elbv2_models.ELBv2Backend
    _INSTALLED["create_load_balancer"] = backend.create_load_balancer
    backend.create_load_balancer = _create_load_balancer
    _INSTALLED["activate"] = elbv2_models.FakeLoadBalancer.activate
    elbv2_models.FakeLoadBalancer.activate = _activate
    group = elbv2_models.FakeTargetGroup
    for name, patched in (("register", _register), ("health_for", _health_for)):
        _INSTALLED[name] = getattr(group, name)
        setattr(group, name, patched)
    response = elbv2_responses.ELBV2Response
    for name in ("create_listener", "modify_listener"):
        _INSTALLED[name] = getattr(response, name)
        setattr(response, name, _checked(name))
    _INSTALLED["delete_load_balancer"] = elbv2_models.ELBv2Backend.delete_load_balancer
    elbv2_models.ELBv2Backend.delete_load_balancer = _delete_load_balancer
