"""Least privilege: every IAM role the deployment creates (path /refarch/, our ownership tag) is read
back — inline policies and attached managed policies — and an Action or Resource of `*` (or a
wildcard action) fails the test where AWS allows something narrower. The exceptions AWS forces are
listed below, each with why; an exception nothing uses any more fails the test too."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

TAG = "refarch:deployment"

# Actions that may be wildcards and/or need Resource "*": AWS offers no resource-level permission.
ACTION_EXCEPTIONS = {
    "autoscaling:Describe*": "Auto Scaling's Describe* calls have no resource-level permissions (Resource must be *)",
    "ec2:Describe*": "EC2's Describe* calls have no resource-level permissions (Resource must be *)",
    "elasticloadbalancing:Describe*": "ELB's Describe* calls have no resource-level permissions (Resource must be *)",
    "cloudwatch:DescribeAlarms": "the Beanstalk deploy lists the environment's alarms without names: only Resource *",
}
# AWS-managed policies Elastic Beanstalk documents for its roles; AWS maintains them as the service
# changes, so we attach them rather than copy (and freeze) their statements.
MANAGED_EXCEPTIONS = {
    "AWSElasticBeanstalkWebTier": "the instance profile's documented policy (logs, bundles in S3, X-Ray)",
    "AWSElasticBeanstalkEnhancedHealth": "the service role's documented policy for enhanced health reporting",
    "AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy": "the service role's documented policy for managed updates",
}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def findings(document: dict, where: str, used: set) -> list[str]:
    """What is broader than it has to be in one policy document; records the exceptions it used."""
    found = []
    for index, statement in enumerate(as_list(document.get("Statement", []))):
        if statement.get("Effect") != "Allow":
            continue
        label = f"{where} statement {statement.get('Sid', index)}"
        if "NotAction" in statement or "NotResource" in statement:
            found.append(f"{label}: NotAction/NotResource allows more than it names")
        actions = as_list(statement.get("Action", []))
        resources = as_list(statement.get("Resource", []))
        for action in actions:
            excepted = action in ACTION_EXCEPTIONS
            if "*" in action and not excepted:
                found.append(f"{label}: wildcard action {action}")
            if "*" in resources and not excepted:
                found.append(f"{label}: {action} on Resource *")
            if excepted and ("*" in action or "*" in resources):
                used.add(action)
    return found


def role_findings(roles: dict, used: set) -> list[str]:
    found = []
    for name, role in sorted(roles.items()):
        for policy, document in sorted(role["inline"].items()):
            found += findings(document, f"{name} inline {policy}", used)
        for arn, document in sorted(role["managed"].items()):
            short = arn.rsplit("/", 1)[-1]
            if short in MANAGED_EXCEPTIONS:
                used.add(short)
            else:
                found += findings(document, f"{name} managed {arn}", used)
    return found


def test_the_checker_finds_broad_statements():
    broad = {
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"},
            {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["*"]},
            {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"},
        ]
    }
    used: set = set()
    assert findings(broad, "p", used) == [
        "p statement 0: wildcard action *",
        "p statement 0: * on Resource *",
        "p statement 1: wildcard action s3:*",
        "p statement 2: sqs:SendMessage on Resource *",
    ]
    assert used == {"ec2:Describe*"}


def test_every_role_the_deployment_creates_is_least_privilege(site_deployment):
    roles = {name: role for name, role in site_deployment.roles.items() if role["tags"].get(TAG) == "refarch"}
    assert roles, "the deployment created no role under /refarch/ with our tag"
    assert {"refarch-orders-states", "refarch-orders-verifier", "refarch-webapp-codepipeline"} <= set(roles)
    used: set = set()
    found = role_findings(roles, used)
    assert found == [], "broader than needed:\n" + "\n".join(found)
    stale = sorted((set(ACTION_EXCEPTIONS) | set(MANAGED_EXCEPTIONS)) - used)
    assert stale == [], f"exceptions no statement needs any more: {stale}"
