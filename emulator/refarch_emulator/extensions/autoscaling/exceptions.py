"""Errors Auto Scaling answers that moto does not define."""

from __future__ import annotations

from moto.autoscaling.exceptions import AutoscalingClientError


class InstanceRefreshInProgress(AutoscalingClientError):
    code = "InstanceRefreshInProgress"


class ActiveInstanceRefreshNotFound(AutoscalingClientError):
    code = "ActiveInstanceRefreshNotFound"
