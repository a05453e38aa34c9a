"""Auto Scaling's responses: instance refresh, scaling activities, CapacityRebalance on update."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult

from refarch_emulator.extensions.autoscaling import models


def update_auto_scaling_group(original, self) -> Any:
    result = original(self)
    rebalance = self._get_param("CapacityRebalance")
    if rebalance is not None:
        group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
        group.capacity_rebalance = str(rebalance).lower() == "true"
    return result


def start_instance_refresh(self) -> ActionResult:
    preferences = self._get_param("Preferences") or {}
    refresh_id = models.start_instance_refresh(
        self.autoscaling_backend,
        self._get_param("AutoScalingGroupName"),
        self._get_param("Strategy") or "Rolling",
        preferences,
    )
    return ActionResult({"InstanceRefreshId": refresh_id})


def describe_instance_refreshes(self) -> ActionResult:
    found = models.describe_instance_refreshes(
        self.autoscaling_backend,
        self._get_param("AutoScalingGroupName"),
        self._get_param("InstanceRefreshIds") or [],
    )
    return ActionResult({"InstanceRefreshes": found})


def cancel_instance_refresh(self) -> ActionResult:
    refresh_id = models.cancel_instance_refresh(self.autoscaling_backend, self._get_param("AutoScalingGroupName"))
    return ActionResult({"InstanceRefreshId": refresh_id})


def describe_scaling_activities(self) -> ActionResult:
    found = models.describe_scaling_activities(
        self.autoscaling_backend,
        self._get_param("AutoScalingGroupName"),
        self._get_param("ActivityIds") or [],
        int(self._get_param("MaxRecords") or 100),
    )
    return ActionResult({"Activities": found})
