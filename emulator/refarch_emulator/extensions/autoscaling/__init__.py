"""Auto Scaling: instance refresh, AZ spread, launched template versions, Spot lifecycle, target deregistration.

moto 5.2.5 stores a mixed-instances group faithfully but launches every instance in the first
subnet, reports the template's *default* version for every instance, marks none as Spot, never
deregisters a terminated instance from its target groups, forgets ``CapacityRebalance`` and the
whole ``MixedInstancesPolicy`` on an ``update_auto_scaling_group`` that does not repeat it, and
answers 500 to ``start_instance_refresh``/``describe_instance_refreshes``. This extension, on moto's
own ``FakeAutoScalingGroup``, ``AutoScalingBackend`` and ``AutoScalingResponse``:

* launches into the group's subnets balanced by AZ (each new instance goes to the AZ with the
  fewest InService instances, as AWS's AZ rebalancing does), so the instances spread over AZs;
* launches an instance type only where EC2 offers it (DescribeInstanceTypeOfferings, location type
  availability-zone): the template's type if it is one of the group's types and offered there,
  otherwise the first offered override. An AZ that offers none of the group's types gets a failed
  scaling activity with EC2's message (``Your requested instance type (…) is not supported in your
  requested Availability Zone (…). Please retry your request by not specifying an Availability Zone
  or choosing …``, prefixed as Auto Scaling reports a fleet launch) and no instance; the capacity is
  launched in the other AZs, as AWS does when an AZ cannot take it;
* ``describe_scaling_activities`` answers those activities (moto answers none), newest first;
* records the template version number each instance was launched from (``$Latest`` resolved at
  launch), which is what AWS reports and what an instance refresh compares;
* marks instances beyond the On-Demand base and percentage of a mixed-instances policy as Spot
  (``InstanceLifecycle: spot``);
* deregisters instances that leave the group (scale-in, refresh, deletion) from its target groups;
* keeps the mixed-instances policy and honours ``CapacityRebalance`` on update;
* ``start_instance_refresh`` (``Rolling``; ``SkipMatching`` skips instances already on the
  desired version), ``describe_instance_refreshes`` and ``cancel_instance_refresh``, with AWS's
  errors (``InstanceRefreshInProgress``, ``ActiveInstanceRefreshNotFound``). A refresh replaces the
  outdated instances at once and is reported ``Successful`` with 100 % complete.
* a launched instance's ``LifecycleState`` is ``Pending`` for AWS's launch-to-InService time
  (``awsclock`` ``autoscaling-inservice``, scaled), then ``InService`` (moto: InService at once).

``models`` holds the backend side, ``responses`` the API's answers, ``exceptions`` the errors.
"""

from __future__ import annotations


def install() -> None:
    from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, InstanceState
    from moto.autoscaling.responses import AutoScalingResponse

    from refarch_emulator.extensions.autoscaling import models, responses
    from refarch_emulator.extensions.patching import replace, wrap

    replace(FakeAutoScalingGroup, "replace_autoscaling_group_instances", models.replace_autoscaling_group_instances)
    wrap(FakeAutoScalingGroup, "update", models.group_update)
    replace(InstanceState, "launch_template", property(models.instance_launch_template))
    wrap(InstanceState, "__init__", models.instance_state_init)
    replace(InstanceState, "LifecycleState", property(models.lifecycle_state))
    wrap(AutoScalingBackend, "update_attached_target_groups", models.update_attached_target_groups)
    wrap(AutoScalingResponse, "update_auto_scaling_group", responses.update_auto_scaling_group)
    for name in (
        "start_instance_refresh",
        "describe_instance_refreshes",
        "cancel_instance_refresh",
        "describe_scaling_activities",
    ):
        replace(AutoScalingResponse, name, getattr(responses, name))
