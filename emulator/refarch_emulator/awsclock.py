"""AWS's clock: how long each slow AWS process takes, as the emulator plays it.

moto finishes every process at once (a load balancer is active, an instance running and InService,
a Beanstalk environment Ready as soon as they are asked for), so a deployment's order and overlap of
waits cannot be seen against it. Each duration below is AWS's, as AWS documents it or as it is
commonly measured (the source beside it), times ``REFARCH_EMULATOR_TIME_SCALE`` (1 = AWS's clock),
or exactly the seconds its own variable says, read at each use. ``REFARCH_EMULATOR_STRICT=0`` makes
every process instant, like the consistency windows.

When ``REFARCH_EMULATOR_TIME_SCALE`` is not set at all, the durations run at :data:`DEFAULT_SCALE`
(the consistency windows at 1): at AWS's clock a cold ``make deploy`` on the emulator would wait
some eight minutes for Beanstalk, CodeBuild and the load balancer; at 0.01 it stays as quick as it
was before the emulator kept AWS's clock. The benchmark sets the scale explicitly.

The kinds are an interface: the benchmark reads :data:`DURATIONS` (``default`` = AWS seconds) to
derive the longest chain of AWS waits a deployment's dependencies force.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from refarch_emulator.consistency import SCALE_VARIABLE, Window, _number, strict

# A cold `make deploy` (scale unset) runs AWS's processes at a hundredth of their length: a
# five-minute Beanstalk launch takes 3 s, as the emulator's fixed delay did before.
DEFAULT_SCALE = 0.01


def time_scale() -> float:
    """The factor applied to AWS's durations: ``REFARCH_EMULATOR_TIME_SCALE``, else DEFAULT_SCALE."""
    raw = os.environ.get(SCALE_VARIABLE, "")
    return DEFAULT_SCALE if raw == "" else _number(SCALE_VARIABLE, raw)


@dataclass(frozen=True)
class Duration(Window):
    """A consistency :class:`Window` whose unset scale is DEFAULT_SCALE rather than 1."""

    def seconds(self) -> float:
        if not strict():
            return 0.0
        raw = os.environ.get(self.variable)
        if raw in (None, ""):
            return self.default * time_scale()
        return _number(self.variable, raw)


_CODEBUILD_PHASES = "https://blog.kriation.com/2021/codebuild-cache-for-jekyll-build.html"
_BEANSTALK = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/GettingStarted.CreateApp.html"

DURATIONS: dict[str, Window] = {
    # CreateLoadBalancer → State provisioning, active after this ("no more than 5 minutes" on most
    # runs; terraform waits up to 10).
    "elbv2-provisioning": Duration(
        "REFARCH_EMULATOR_ELBV2_PROVISIONING_SECONDS", 180.0, "https://github.com/hashicorp/terraform/issues/24799"
    ),
    # RunInstances → pending, running after this (measured 4.9 s on c5.xlarge, median of 9 runs).
    "ec2-instance-pending": Duration(
        "REFARCH_EMULATOR_EC2_INSTANCE_PENDING_SECONDS",
        5.0,
        "http://www.daemonology.net/blog/2021-08-12-EC2-boot-time-benchmarking.html",
    ),
    # An Auto Scaling launch → lifecycle Pending, InService after this, counted from the launch
    # ("The InService check takes about 15-20 seconds").
    "autoscaling-inservice": Duration(
        "REFARCH_EMULATOR_AUTOSCALING_INSERVICE_SECONDS", 20.0, "https://github.com/upserve/aerosol/pull/60"
    ),
    # A registered target → initial, healthy after HealthyThresholdCount consecutive checks
    # HealthCheckIntervalSeconds apart. The default is AWS's default target group (30 s x 5); at use
    # the emulator derives it from the target group's own settings (x scale), unless the variable is set.
    "elbv2-target-healthy": Duration(
        "REFARCH_EMULATOR_ELBV2_TARGET_HEALTHY_SECONDS",
        150.0,
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    ),
    # CreateEnvironment → Launching, Ready after this ("about five minutes", AWS's getting started).
    "elasticbeanstalk-launch": Duration("REFARCH_EMULATOR_EB_LAUNCH_SECONDS", 300.0, _BEANSTALK),
    # UpdateEnvironment (a version deployed all at once, or a configuration change) → Updating, Ready
    # after this. An estimate: no measured figure found.
    "elasticbeanstalk-update": Duration("REFARCH_EMULATOR_EB_UPDATE_SECONDS", 60.0, _BEANSTALK),
    # TerminateEnvironment → Terminating, Terminated after this. An estimate: no measured figure found.
    "elasticbeanstalk-terminate": Duration("REFARCH_EMULATOR_EB_TERMINATE_SECONDS", 120.0, _BEANSTALK),
    # CreateApplicationVersion with Process → PROCESSING, PROCESSED after this. An estimate.
    "elasticbeanstalk-version": Duration(
        "REFARCH_EMULATOR_EB_VERSION_SECONDS",
        5.0,
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_CreateApplicationVersion.html",
    ),
    # A build's phases, each as measured on AWS (BUILD is the buildspec's own work: the measured 163 s
    # built a Jekyll site; ours only packs the bundle, so 10 s is taken).
    "codebuild-queued": Duration("REFARCH_EMULATOR_CODEBUILD_QUEUED_SECONDS", 1.0, _CODEBUILD_PHASES),
    "codebuild-provisioning": Duration("REFARCH_EMULATOR_CODEBUILD_PROVISIONING_SECONDS", 24.0, _CODEBUILD_PHASES),
    "codebuild-download-source": Duration("REFARCH_EMULATOR_CODEBUILD_DOWNLOAD_SOURCE_SECONDS", 4.0, _CODEBUILD_PHASES),
    "codebuild-install": Duration("REFARCH_EMULATOR_CODEBUILD_INSTALL_SECONDS", 13.0, _CODEBUILD_PHASES),
    "codebuild-pre-build": Duration("REFARCH_EMULATOR_CODEBUILD_PRE_BUILD_SECONDS", 4.0, _CODEBUILD_PHASES),
    "codebuild-build": Duration("REFARCH_EMULATOR_CODEBUILD_BUILD_SECONDS", 10.0, _CODEBUILD_PHASES),
    "codebuild-post-build": Duration("REFARCH_EMULATOR_CODEBUILD_POST_BUILD_SECONDS", 6.0, _CODEBUILD_PHASES),
    "codebuild-upload-artifacts": Duration(
        "REFARCH_EMULATOR_CODEBUILD_UPLOAD_ARTIFACTS_SECONDS", 5.0, _CODEBUILD_PHASES
    ),
    "codebuild-finalizing": Duration("REFARCH_EMULATOR_CODEBUILD_FINALIZING_SECONDS", 2.0, _CODEBUILD_PHASES),
    # A pipeline action from InProgress to its result, at least (a Build or Deploy action lasts until
    # its build ends or its environment is Ready again, if that is later). An estimate.
    "codepipeline-action": Duration(
        "REFARCH_EMULATOR_CODEPIPELINE_ACTION_SECONDS",
        10.0,
        "https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html",
    ),
}

# CodeBuild's phases in order, each with the duration kind that times it (SUBMITTED and COMPLETED
# are instants on AWS too).
CODEBUILD_PHASES = (
    ("SUBMITTED", None),
    ("QUEUED", "codebuild-queued"),
    ("PROVISIONING", "codebuild-provisioning"),
    ("DOWNLOAD_SOURCE", "codebuild-download-source"),
    ("INSTALL", "codebuild-install"),
    ("PRE_BUILD", "codebuild-pre-build"),
    ("BUILD", "codebuild-build"),
    ("POST_BUILD", "codebuild-post-build"),
    ("UPLOAD_ARTIFACTS", "codebuild-upload-artifacts"),
    ("FINALIZING", "codebuild-finalizing"),
    ("COMPLETED", None),
)


def seconds(kind: str) -> float:
    """How long ``kind`` takes now, in the emulator's seconds (scaled, or its own variable)."""
    if kind not in DURATIONS:
        raise KeyError(f"unknown AWS duration {kind!r}")
    return DURATIONS[kind].seconds()


def target_healthy_seconds(interval_seconds: float, healthy_threshold: int) -> float:
    """How long a new target takes to be healthy in a target group checking every ``interval_seconds``
    and needing ``healthy_threshold`` successes: interval x threshold x scale, or the variable's seconds."""
    window = DURATIONS["elbv2-target-healthy"]
    if not strict():
        return 0.0
    if os.environ.get(window.variable) not in (None, ""):
        return window.seconds()
    return float(interval_seconds) * int(healthy_threshold) * time_scale()
