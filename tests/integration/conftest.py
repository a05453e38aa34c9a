"""Shared by the least-privilege and interruption tests: one uninterrupted site.yml deployment,
read back once (a full deployment takes most of a minute on a loaded machine)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support import leftovers
from tests.support.playbook import run_playbook

# Short waits on the emulator's short clock; the same for every run that is compared.
SITE_VARS = {"beanstalk_codepipeline_poll_interval": 1, "beanstalk_codepipeline_wait_timeout": 120}


@dataclass
class Deployment:
    snapshot: list  # leftovers.snapshot() of what the run left (owned resources, comparable)
    roles: dict  # role name -> {"tags": {...}, "inline": {name: document}, "managed": {arn: document}}
    calls: int  # API calls the run made


def read_roles(iam) -> dict:
    roles = {}
    for page in iam.get_paginator("list_roles").paginate(PathPrefix="/refarch/"):
        for role in page["Roles"]:
            name = role["RoleName"]
            tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
            inline = {
                policy: iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]
                for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            }
            managed = {}
            for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                arn = attached["PolicyArn"]
                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                managed[arn] = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
            roles[name] = {"tags": tags, "inline": inline, "managed": managed}
    return roles


@pytest.fixture(scope="session")
def site_deployment(emulator) -> Deployment:
    """site.yml, uninterrupted, on an emptied emulator; what it left, read back. The emulator is
    emptied again afterwards (the `aws` fixture of the next test does that too)."""
    emulator.reset()
    run = run_playbook("site.yml", emulator.environment(), extra_vars=SITE_VARS)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.deprecations() == []  # nothing the next ansible-core would break
    calls = len(emulator.calls())
    resources, errors = leftovers.inventory(emulator.url)
    assert errors == {}
    deployment = Deployment(leftovers.snapshot(resources), read_roles(emulator.client("iam")), calls)
    emulator.reset()
    return deployment
