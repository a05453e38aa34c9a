"""What an endpoint holds, read back with boto3: every resource kind the stacks create, with its tags.

One reader for the fault tests, the soak script and the benchmark:

- :func:`inventory` lists every resource of those kinds (ours or not) with a few attributes that
  must not depend on random ids, so that two deployments can be compared (:func:`snapshot`);
- :func:`owned` keeps those that carry the ownership tag ``refarch:deployment`` — after a teardown
  that list must be empty.

A kind that cannot be read is an error, never an empty list: "nothing left" has to be proven.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
from botocore.config import Config

TAG_KEY = "refarch:deployment"
REGION = "us-east-1"


@dataclass(frozen=True, order=True)
class Resource:
    kind: str  # service:type, e.g. "ec2:security-group"
    name: str  # the stable name (not a random id)
    ident: str = field(compare=False)  # id or ARN, for messages
    deployment: str | None = field(default=None, compare=False)  # the ownership tag's value
    detail: tuple = ()  # (attribute, value) pairs that two equal deployments share

    def __str__(self) -> str:
        owner = f" [{TAG_KEY}={self.deployment}]" if self.deployment is not None else ""
        return f"{self.kind} {self.name}{owner}"


class Unreadable(Exception):
    """Some resource kinds could not be listed: a leak there would go unseen."""


def _tags(pairs: Iterable[dict] | dict | None, key: str = "Key", value: str = "Value") -> dict:
    if isinstance(pairs, dict):
        return pairs
    return {p[key]: p[value] for p in pairs or []}


# Values that differ between two equal deployments: the endpoint's port (in queue URLs) and the random
# ids AWS gives some resources (a CodeConnections connection ARN ends in a UUID).
_RUN_SPECIFIC = (
    (re.compile(r"(127\.0\.0\.1|localhost)(:\d+)?"), "<endpoint>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
)


def _digest(document) -> str:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            pass
    text = json.dumps(document, sort_keys=True, default=str)
    for pattern, placeholder in _RUN_SPECIFIC:
        text = pattern.sub(placeholder, text)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _tail(arn: str | None) -> str:
    return (arn or "").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


class _Clients:
    def __init__(self, endpoint_url: str):
        self.endpoint_url = endpoint_url
        self._session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        self._cache: dict = {}

    def __call__(self, service: str):
        if service not in self._cache:
            config = Config(retries={"mode": "standard", "total_max_attempts": 10})
            self._cache[service] = self._session.client(service, endpoint_url=self.endpoint_url, config=config)
        return self._cache[service]


def _pages(client, operation: str, key: str, **kwargs) -> list:
    if client.can_paginate(operation):
        return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page.get(key, [])]
    return getattr(client, operation)(**kwargs).get(key, [])


# --------------------------------------------------------------------------------------------- readers


def _ec2(aws) -> list[Resource]:
    ec2 = aws("ec2")
    found = []
    for lt in _pages(ec2, "describe_launch_templates", "LaunchTemplates"):
        found.append(
            Resource(
                "ec2:launch-template",
                lt["LaunchTemplateName"],
                lt["LaunchTemplateId"],
                _tags(lt.get("Tags")).get(TAG_KEY),
                (
                    ("default_version", lt.get("DefaultVersionNumber")),
                    ("latest_version", lt.get("LatestVersionNumber")),
                ),
            )
        )
    for sg in _pages(ec2, "describe_security_groups", "SecurityGroups"):
        rules = sorted(
            f"{r.get('IpProtocol')}:{r.get('FromPort')}-{r.get('ToPort')}:"
            f"{','.join(sorted(x['CidrIp'] for x in r.get('IpRanges', [])))}:"
            f"groups={len(r.get('UserIdGroupPairs', []))}"
            for r in sg.get("IpPermissions", [])
        )
        found.append(
            Resource(
                "ec2:security-group",
                sg["GroupName"],
                sg["GroupId"],
                _tags(sg.get("Tags")).get(TAG_KEY),
                (("description", sg.get("Description")), ("ingress", tuple(rules))),
            )
        )
    for reservation in _pages(ec2, "describe_instances", "Reservations"):
        for instance in reservation["Instances"]:
            if instance["State"]["Name"] in ("terminated", "shutting-down"):
                continue
            tags = _tags(instance.get("Tags"))
            name = tags.get("Name") or tags.get("aws:autoscaling:groupName") or "instance"
            found.append(Resource("ec2:instance", name, instance["InstanceId"], tags.get(TAG_KEY)))
    return found


def _autoscaling(aws) -> list[Resource]:
    found = []
    for group in _pages(aws("autoscaling"), "describe_auto_scaling_groups", "AutoScalingGroups"):
        overrides = group.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {}).get("Overrides", [])
        detail = (
            ("min", group["MinSize"]),
            ("max", group["MaxSize"]),
            ("desired", group["DesiredCapacity"]),
            ("zones", len(group.get("AvailabilityZones", []))),
            ("target_groups", len(group.get("TargetGroupARNs", []))),
            ("instance_types", tuple(sorted(o.get("InstanceType", "") for o in overrides))),
        )
        deployment = _tags(group.get("Tags")).get(TAG_KEY)
        found.append(
            Resource(
                "autoscaling:group", group["AutoScalingGroupName"], group["AutoScalingGroupARN"], deployment, detail
            )
        )
    return found


def _elbv2(aws) -> list[Resource]:
    elb = aws("elbv2")
    items = []
    for lb in _pages(elb, "describe_load_balancers", "LoadBalancers"):
        items.append(
            (
                "elbv2:load-balancer",
                lb["LoadBalancerName"],
                lb["LoadBalancerArn"],
                (("scheme", lb.get("Scheme")), ("type", lb.get("Type"))),
            )
        )
    for tg in _pages(elb, "describe_target_groups", "TargetGroups"):
        detail = (
            ("protocol", tg.get("Protocol")),
            ("port", tg.get("Port")),
            ("health_path", tg.get("HealthCheckPath")),
        )
        items.append(("elbv2:target-group", tg["TargetGroupName"], tg["TargetGroupArn"], detail))
    tags: dict = {}
    arns = [item[2] for item in items]
    for start in range(0, len(arns), 20):
        for description in elb.describe_tags(ResourceArns=arns[start : start + 20])["TagDescriptions"]:
            tags[description["ResourceArn"]] = _tags(description.get("Tags"))
    return [Resource(kind, name, arn, tags.get(arn, {}).get(TAG_KEY), detail) for kind, name, arn, detail in items]


def _sqs(aws) -> list[Resource]:
    sqs = aws("sqs")
    found = []
    for url in _pages(sqs, "list_queues", "QueueUrls"):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
        redrive = json.loads(attributes.get("RedrivePolicy", "{}") or "{}")
        detail = (
            ("visibility_timeout", attributes.get("VisibilityTimeout")),
            ("retention", attributes.get("MessageRetentionPeriod")),
            ("fifo", attributes.get("FifoQueue", "false")),
            ("dead_letter", _tail(redrive.get("deadLetterTargetArn"))),
            ("max_receive", str(redrive.get("maxReceiveCount", ""))),
        )
        deployment = sqs.list_queue_tags(QueueUrl=url).get("Tags", {}).get(TAG_KEY)
        found.append(Resource("sqs:queue", url.rsplit("/", 1)[-1], url, deployment, detail))
    return found


def _lambda(aws) -> list[Resource]:
    client = aws("lambda")
    found = []
    for function in _pages(client, "list_functions", "Functions"):
        detail = (
            ("runtime", function.get("Runtime")),
            ("handler", function.get("Handler")),
            ("role", _tail(function.get("Role"))),
            ("timeout", function.get("Timeout")),
            ("memory", function.get("MemorySize")),
            ("code", function.get("CodeSha256")),
        )
        deployment = client.list_tags(Resource=function["FunctionArn"]).get("Tags", {}).get(TAG_KEY)
        found.append(Resource("lambda:function", function["FunctionName"], function["FunctionArn"], deployment, detail))
    for mapping in _pages(client, "list_event_source_mappings", "EventSourceMappings"):
        name = f"{_tail(mapping.get('EventSourceArn'))}->{_tail(mapping.get('FunctionArn'))}"
        arn = mapping.get("EventSourceMappingArn") or mapping["UUID"]
        deployment = None
        if mapping.get("EventSourceMappingArn"):
            deployment = client.list_tags(Resource=arn).get("Tags", {}).get(TAG_KEY)
        detail = (("batch_size", mapping.get("BatchSize")),)
        found.append(Resource("lambda:event-source-mapping", name, arn, deployment, detail))
    return found


def _stepfunctions(aws) -> list[Resource]:
    sfn = aws("stepfunctions")
    found = []
    for machine in _pages(sfn, "list_state_machines", "stateMachines"):
        arn = machine["stateMachineArn"]
        described = sfn.describe_state_machine(stateMachineArn=arn)
        detail = (
            ("type", described.get("type")),
            ("role", _tail(described.get("roleArn"))),
            ("definition", _digest(described.get("definition"))),
        )
        tags = _tags(sfn.list_tags_for_resource(resourceArn=arn).get("tags"), "key", "value")
        found.append(Resource("stepfunctions:state-machine", machine["name"], arn, tags.get(TAG_KEY), detail))
    return found


def _iam(aws) -> list[Resource]:
    iam = aws("iam")
    found = []
    for role in _pages(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        if role.get("Path", "/").startswith("/aws-service-role/"):
            continue  # created by AWS on first use of a service, owned by nobody here
        inline = tuple(sorted(_pages(iam, "list_role_policies", "PolicyNames", RoleName=name)))
        attached = tuple(
            sorted(
                p["PolicyArn"] for p in _pages(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)
            )
        )
        documents = tuple(
            _digest(iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]) for policy in inline
        )
        detail = (
            ("path", role.get("Path")),
            ("trust", _digest(role.get("AssumeRolePolicyDocument"))),
            ("inline", inline),
            ("inline_documents", documents),
            ("attached", attached),
        )
        tags = _tags(_pages(iam, "list_role_tags", "Tags", RoleName=name))
        found.append(Resource("iam:role", name, role["Arn"], tags.get(TAG_KEY), detail))
    for policy in _pages(iam, "list_policies", "Policies", Scope="Local"):
        tags = _tags(_pages(iam, "list_policy_tags", "Tags", PolicyArn=policy["Arn"]))
        found.append(Resource("iam:policy", policy["PolicyName"], policy["Arn"], tags.get(TAG_KEY)))
    for profile in _pages(iam, "list_instance_profiles", "InstanceProfiles"):
        name = profile["InstanceProfileName"]
        # GetInstanceProfile returns the tags (the emulator lacks ListInstanceProfileTags)
        tags = _tags(iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"].get("Tags"))
        roles = tuple(sorted(r["RoleName"] for r in profile.get("Roles", [])))
        found.append(Resource("iam:instance-profile", name, profile["Arn"], tags.get(TAG_KEY), (("roles", roles),)))
    return found


def _s3(aws) -> list[Resource]:
    s3 = aws("s3")
    found = []
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        try:
            tags = _tags(s3.get_bucket_tagging(Bucket=name).get("TagSet"))
        except s3.exceptions.ClientError as exc:
            if exc.response["Error"]["Code"] != "NoSuchTagSet":
                raise
            tags = {}
        versioning = s3.get_bucket_versioning(Bucket=name).get("Status", "Disabled")
        found.append(Resource("s3:bucket", name, name, tags.get(TAG_KEY), (("versioning", versioning),)))
    return found


def _codebuild(aws) -> list[Resource]:
    codebuild = aws("codebuild")
    names = _pages(codebuild, "list_projects", "projects")
    found = []
    for start in range(0, len(names), 100):
        for project in codebuild.batch_get_projects(names=names[start : start + 100]).get("projects", []):
            environment = project.get("environment", {})
            detail = (
                ("image", environment.get("image")),
                ("compute", environment.get("computeType")),
                ("source", project.get("source", {}).get("type")),
                ("role", _tail(project.get("serviceRole"))),
            )
            tags = _tags(project.get("tags"), "key", "value")
            found.append(Resource("codebuild:project", project["name"], project["arn"], tags.get(TAG_KEY), detail))
    return found


def _codepipeline(aws) -> list[Resource]:
    codepipeline = aws("codepipeline")
    found = []
    for summary in _pages(codepipeline, "list_pipelines", "pipelines"):
        response = codepipeline.get_pipeline(name=summary["name"])
        pipeline = response["pipeline"]
        arn = response.get("metadata", {}).get("pipelineArn")
        stages = tuple(
            f"{stage['name']}:{'+'.join(a['actionTypeId']['provider'] for a in stage['actions'])}"
            for stage in pipeline.get("stages", [])
        )
        detail = (("type", pipeline.get("pipelineType")), ("stages", stages), ("role", _tail(pipeline.get("roleArn"))))
        tags = _tags(codepipeline.list_tags_for_resource(resourceArn=arn).get("tags"), "key", "value")
        found.append(Resource("codepipeline:pipeline", pipeline["name"], arn, tags.get(TAG_KEY), detail))
    return found


def _codeconnections(aws) -> list[Resource]:
    client = aws("codeconnections")
    found = []
    for connection in _pages(client, "list_connections", "Connections"):
        arn = connection["ConnectionArn"]
        tags = _tags(client.list_tags_for_resource(ResourceArn=arn).get("Tags"))
        detail = (("provider", connection.get("ProviderType")),)
        found.append(
            Resource("codeconnections:connection", connection["ConnectionName"], arn, tags.get(TAG_KEY), detail)
        )
    return found


def _elasticbeanstalk(aws) -> list[Resource]:
    eb = aws("elasticbeanstalk")

    def owner(arn: str) -> str | None:
        return _tags(eb.list_tags_for_resource(ResourceArn=arn).get("ResourceTags")).get(TAG_KEY)

    found = []
    for app in eb.describe_applications().get("Applications", []):
        arn = app["ApplicationArn"]
        found.append(Resource("elasticbeanstalk:application", app["ApplicationName"], arn, owner(arn)))
    for env in eb.describe_environments(IncludeDeleted=False).get("Environments", []):
        if env.get("Status") == "Terminated":
            continue
        detail = (("application", env.get("ApplicationName")), ("tier", env.get("Tier", {}).get("Name")))
        arn = env["EnvironmentArn"]
        found.append(Resource("elasticbeanstalk:environment", env["EnvironmentName"], arn, owner(arn), detail))
    return found


def _logs(aws) -> list[Resource]:
    logs = aws("logs")
    found = []
    for group in _pages(logs, "describe_log_groups", "logGroups"):
        arn = group["arn"].removesuffix(":*")
        tags = logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
        found.append(Resource("logs:log-group", group["logGroupName"], arn, tags.get(TAG_KEY)))
    return found


READERS: dict[str, Callable] = {
    "ec2": _ec2,
    "autoscaling": _autoscaling,
    "elbv2": _elbv2,
    "sqs": _sqs,
    "lambda": _lambda,
    "stepfunctions": _stepfunctions,
    "iam": _iam,
    "s3": _s3,
    "codebuild": _codebuild,
    "codepipeline": _codepipeline,
    "codeconnections": _codeconnections,
    "elasticbeanstalk": _elasticbeanstalk,
    "logs": _logs,
}


# --------------------------------------------------------------------------------------------- API


def inventory(endpoint_url: str) -> tuple[list[Resource], dict[str, str]]:
    """(every resource of the kinds we create, {reader: error}) on this endpoint."""
    aws = _Clients(endpoint_url)
    found: list[Resource] = []
    errors: dict[str, str] = {}

    def read(item):
        name, reader = item
        try:
            return name, reader(aws), None
        except Exception as exc:  # any failure must be reported, never read as "nothing there"
            return name, [], f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        for name, resources, error in pool.map(read, READERS.items()):
            found.extend(resources)
            if error:
                errors[name] = error
    return sorted(found), errors


def owned(resources: Iterable[Resource], deployment: str | None = None) -> list[Resource]:
    """Those carrying the ownership tag (with this value, when given)."""
    return [r for r in resources if r.deployment is not None and deployment in (None, r.deployment)]


def leftovers(endpoint_url: str, deployment: str | None = None) -> list[Resource]:
    """What still carries our ownership tag; raises :class:`Unreadable` if a kind could not be listed."""
    resources, errors = inventory(endpoint_url)
    if errors:
        raise Unreadable("; ".join(f"{name}: {error}" for name, error in sorted(errors.items())))
    return owned(resources, deployment)


# Created by AWS services without our tag, so a teardown by tag cannot remove them (the roles' READMEs
# say so): Lambda's and CodeBuild's log groups at the first run, Elastic Beanstalk's account-wide bucket.
AWS_CREATED = (
    ("logs:log-group", "/aws/lambda/"),
    ("logs:log-group", "/aws/codebuild/"),
    ("s3:bucket", "elasticbeanstalk-"),
)


def created_by_aws(resource: Resource) -> bool:
    return resource.deployment is None and any(
        resource.kind == kind and resource.name.startswith(prefix) for kind, prefix in AWS_CREATED
    )


def snapshot(resources: Iterable[Resource]) -> list[tuple]:
    """The comparable form of a deployment: kind, name and attributes of every owned resource."""
    return sorted((r.kind, r.name, r.deployment, r.detail) for r in owned(resources))


def differences(expected: list[tuple], actual: list[tuple]) -> list[str]:
    """Human-readable lines for what differs between two snapshots (empty when equal)."""
    want, have = Counter(expected), Counter(actual)
    lines = [f"missing: {item}" for item in sorted((want - have).elements())]
    lines += [f"unexpected: {item}" for item in sorted((have - want).elements())]
    return lines
