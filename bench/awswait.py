"""What AWS makes a run wait for: the stacks' slow AWS processes, the longest chain their dependencies
force, and the AWS waiting of a measured run derived from two time scales.

The emulator plays each slow AWS process for its AWS duration times ``REFARCH_EMULATOR_TIME_SCALE``
(``refarch_emulator.awsclock.DURATIONS``; the consistency windows are ``consistency.WINDOWS``). A run at
scale ``s`` then takes ``wall(s) = A + s x W``: ``A`` is Ansible's own cost (forks, modules, API calls
to the local emulator), ``W`` the time it waits for AWS on AWS's clock. Two scales give both.

The chain is computed from the emulator's durations at scale 1 (their ``default``), never from a
measured run: it is what no ordering of the tasks can beat, so the measured ``W`` is judged against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Wait:
    """One slow AWS process of a stack: ``durations`` (keys of the emulator's durations, summed) after
    every wait named in ``after`` has ended."""

    name: str
    durations: tuple[str, ...]
    after: tuple[str, ...] = ()


# What each stack waits for, and what must be over before each wait can start. Everything not here
# (creating a queue, a bucket, a build project) is an API call, not an AWS wait. The three stacks run
# concurrently, so a run's chain is the longest of the three.
DEPLOY = {
    "spot_asg_alb": (
        Wait("security groups seen by EC2", ("ec2",)),
        Wait("load balancer provisioning → active", ("elbv2-provisioning",), ("security groups seen by EC2",)),
        # Counted from the launch (pending → running is inside it). The group needs the target group,
        # not an active load balancer; the run ends at InService, the targets' health comes after.
        Wait("instances InService in the group", ("autoscaling-inservice",), ("security groups seen by EC2",)),
    ),
    "sfn_sqs_callback": (
        Wait("queues usable", ("sqs-create",)),
        Wait("roles propagated (IAM)", ("iam",)),
        Wait("function Pending → Active", ("lambda-update",), ("roles propagated (IAM)",)),
        Wait(
            "event source mapping Creating → Enabled",
            ("lambda-mapping",),
            ("function Pending → Active", "queues usable"),
        ),
    ),
    "beanstalk_codepipeline": (
        Wait("roles and instance profile propagated (IAM)", ("iam",)),
        Wait("application version processed", ("elasticbeanstalk-version",)),
        Wait(
            "Beanstalk environment launch → Ready, Green",
            ("elasticbeanstalk-launch",),
            ("roles and instance profile propagated (IAM)", "application version processed"),
        ),
        # The pipeline's first run (source, build) starts when it is made and stops at the manual
        # approval: the deployment does not wait for it.
    ),
}

TEARDOWN = {
    "spot_asg_alb": (
        Wait("group's instances terminate (force delete)", ("autoscaling-delete",)),
        Wait("load balancer deletion", ("elbv2-delete",)),
        Wait("load balancer's network interfaces released", ("elb-eni",), ("load balancer deletion",)),
        # The instances' group is held by the instances, the ALB's group by its interfaces.
        Wait(
            "security groups deletable",
            (),
            ("group's instances terminate (force delete)", "load balancer's network interfaces released"),
        ),
    ),
    "sfn_sqs_callback": (
        Wait("event source mapping Deleting", ("lambda-mapping",)),
        Wait("state machine deletion", ("states-delete",)),
        # The teardown waits until AWS no longer answers for a deleted queue, so that a rerun cannot
        # find it (the name itself stays held for sqs-delete; nothing of ours reuses it).
        Wait("queues no longer answer", ("sqs-delete-answers",), ("event source mapping Deleting",)),
    ),
    "beanstalk_codepipeline": (
        Wait("Beanstalk environment terminate → Terminated", ("elasticbeanstalk-terminate",)),
        Wait("application deletion", (), ("Beanstalk environment terminate → Terminated",)),
    ),
}


def emulator_durations() -> dict:
    """Every duration the emulator plays, by key: its AWS clock (``awsclock.DURATIONS``, when the
    emulator has it) and its consistency windows."""
    from refarch_emulator import consistency

    found = dict(consistency.WINDOWS)
    try:
        from refarch_emulator import awsclock
    except ImportError:
        return found
    return {**found, **awsclock.DURATIONS}


def aws_seconds(durations: dict) -> dict[str, float]:
    """Seconds on AWS's clock (scale 1) of each duration: its documented default, whatever scale the
    bench process itself runs at."""
    return {key: float(window.default) for key, window in durations.items()}


@dataclass(frozen=True)
class Chain:
    seconds: float
    stack: str
    waits: tuple[tuple[str, float], ...]  # (wait, its seconds), in order
    missing: tuple[str, ...]  # duration keys the emulator does not play (counted as 0 s)

    def describe(self) -> str:
        if not self.waits:
            return f"{self.stack}: no AWS wait"
        steps = " → ".join(f"{name} {seconds:g} s" for name, seconds in self.waits)
        return f"{self.stack}: {steps}"


def stack_chain(stack: str, waits: tuple[Wait, ...], seconds: dict[str, float]) -> Chain:
    """The longest path through one stack's waits (a DAG; a wait starts when all its ``after`` end)."""
    by_name = {wait.name: wait for wait in waits}
    missing = sorted({key for wait in waits for key in wait.durations if key not in seconds})

    def own(wait: Wait) -> float:
        return sum(seconds.get(key, 0.0) for key in wait.durations)

    @cache
    def finish(name: str, visiting: frozenset = frozenset()) -> tuple[float, tuple[str, ...]]:
        if name in visiting:
            raise ValueError(f"the waits of {stack} depend on each other in a circle at {name!r}")
        wait = by_name[name]
        before = [finish(prior, visiting | {name}) for prior in wait.after]
        start, path = max(before, default=(0.0, ()))
        return start + own(wait), (*path, name)

    total, path = max((finish(name) for name in by_name), default=(0.0, ()))
    steps = tuple((name, own(by_name[name])) for name in path if own(by_name[name]) > 0)
    return Chain(total, stack, steps, tuple(missing))


def longest_chain(model: dict[str, tuple[Wait, ...]], seconds: dict[str, float]) -> Chain:
    """The longest chain of AWS waits of concurrent stacks: the longest of each stack's own."""
    chains = [stack_chain(stack, waits, seconds) for stack, waits in model.items()]
    longest = max(chains, key=lambda chain: chain.seconds)
    missing = tuple(sorted({key for chain in chains for key in chain.missing}))
    return Chain(longest.seconds, longest.stack, longest.waits, missing)


@dataclass(frozen=True)
class Derived:
    """A step's wall time split into AWS waiting ``aws_wait`` (at scale 1) and Ansible's own
    ``ansible``, from its wall time at two scales; ``predicted``: the wall time on real AWS."""

    aws_wait: float
    ansible: float
    call_latency: float  # seconds the API calls' round trips to AWS add
    predicted: float


def derive(slow: tuple[float, float], fast: tuple[float, float], calls: float, latency: float) -> Derived:
    """From (scale, wall seconds) at two scales: ``wall(s) = A + s x W`` solved for ``W`` and ``A``.

    Predicted real-AWS wall time = A + W + calls x latency: Ansible's cost measured here, AWS's waiting
    on its own clock, and each API call's round trip to AWS instead of to the local emulator (counted
    as if the calls were made one after the other — an upper bound, the stacks call concurrently).
    """
    (slow_scale, slow_wall), (fast_scale, fast_wall) = slow, fast
    if slow_scale == fast_scale:
        raise ValueError("two different time scales are needed")
    aws_wait = max(0.0, (slow_wall - fast_wall) / (slow_scale - fast_scale))
    ansible = max(0.0, fast_wall - fast_scale * aws_wait)
    added = calls * latency
    return Derived(aws_wait, ansible, added, ansible + aws_wait + added)
