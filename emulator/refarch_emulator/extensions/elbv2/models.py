"""Elastic Load Balancing v2's backend as AWS behaves: provisioning time, initial health checks, lingering ENIs."""

from __future__ import annotations

import time
from typing import Any

from moto.elbv2 import models as elbv2_models

from refarch_emulator import awsclock, consistency

SECURE_PROTOCOLS = ("HTTPS", "TLS")


def ssl_policy_problem(protocol: str | None, ssl_policy: str | None) -> str | None:
    """AWS's message when ``ssl_policy`` is given for a listener of ``protocol`` that takes none."""
    if ssl_policy is None or protocol is None or protocol.upper() in SECURE_PROTOCOLS:
        return None
    return f"An SSL policy cannot be specifed for {protocol.upper()} listeners"


def delete_load_balancer(original, self, arn: str) -> None:
    balancer = self.load_balancers.get(arn)
    original(self, arn)
    if balancer is not None:
        for group_id in balancer.security_groups or []:
            consistency.changed("elb-eni", group_id)


def create_load_balancer(original, self, *args: Any, **kwargs: Any):
    balancer = original(self, *args, **kwargs)
    balancer.rf_active_at = time.monotonic() + awsclock.seconds("elbv2-provisioning")
    return balancer


def activate(original, self) -> None:
    """moto activates a load balancer at its first describe; AWS after provisioning it."""
    if time.monotonic() >= getattr(self, "rf_active_at", 0.0):
        original(self)


def register(original, self, targets: list[dict[str, Any]]) -> None:
    """Registration time of each target not registered already (a repeat registration is a no-op)."""
    fresh = [t["Id"] for t in targets if t["Id"] not in self.targets]
    original(self, targets)
    if not hasattr(self, "rf_registered"):
        self.rf_registered = {}
    now = time.monotonic()
    for target_id in fresh:
        self.rf_registered[target_id] = now


def health_for(original, self, target: dict[str, Any], ec2_backend):
    health = original(self, target, ec2_backend)
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
