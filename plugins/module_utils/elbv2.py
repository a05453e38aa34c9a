# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Load Balancer, its target group and HTTP listener: API calls and pure build/compare.

Each resource is normalized to the API's own shape (ARNs, names, sorted lists, a tag dict) so one
compare says which update call, if any, is needed.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.refarch.aws.plugins.module_utils import diffing, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate

DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds"
# Target group attributes that cannot change in place.
TG_IMMUTABLE = ("Protocol", "Port", "VpcId", "TargetType")
TG_HEALTH_KEYS = (
    "HealthCheckProtocol",
    "HealthCheckPort",
    "HealthCheckPath",
    "HealthCheckIntervalSeconds",
    "HealthCheckTimeoutSeconds",
    "HealthyThresholdCount",
    "UnhealthyThresholdCount",
    "Matcher",
)


# ---------------------------------------------------------------------------------------- API


def get_load_balancer(client, name):
    try:
        found = client.describe_load_balancers(Names=[name], aws_retry=True)["LoadBalancers"]
    except is_boto3_error_code("LoadBalancerNotFound"):
        return None
    return found[0] if found else None


def get_target_group(client, name):
    try:
        found = client.describe_target_groups(Names=[name], aws_retry=True)["TargetGroups"]
    except is_boto3_error_code("TargetGroupNotFound"):
        return None
    return found[0] if found else None


def list_load_balancers(client):
    return paginate(client, "describe_load_balancers").get("LoadBalancers", [])


def list_target_groups(client):
    return paginate(client, "describe_target_groups").get("TargetGroups", [])


def get_tags(client, arns):
    """{arn: tag dict} for up to 20 resources, in one call."""
    arns = [a for a in arns if a]
    if not arns:
        return {}
    result = client.describe_tags(ResourceArns=arns, aws_retry=True)
    return dict(
        (d["ResourceArn"], boto3_tag_list_to_ansible_dict(d.get("Tags", []))) for d in result["TagDescriptions"]
    )


def get_deregistration_delay(client, target_group_arn):
    attributes = client.describe_target_group_attributes(TargetGroupArn=target_group_arn, aws_retry=True)["Attributes"]
    for attribute in attributes:
        if attribute["Key"] == DEREGISTRATION_DELAY:
            return int(attribute["Value"])
    return None


def get_listener(client, load_balancer_arn, port):
    listeners = client.describe_listeners(LoadBalancerArn=load_balancer_arn, aws_retry=True).get("Listeners", [])
    for listener in listeners:
        if listener["Port"] == port:
            return listener
    return None


def create_target_group(client, desired, tags):
    params = dict((k, v) for k, v in desired.items() if k not in ("DeregistrationDelay", "Tags"))
    params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_target_group(aws_retry=True, **params)["TargetGroups"][0]


def modify_health_check(client, arn, desired):
    params = dict((k, desired[k]) for k in TG_HEALTH_KEYS if k in desired)
    client.modify_target_group(TargetGroupArn=arn, aws_retry=True, **params)


def set_deregistration_delay(client, arn, seconds):
    client.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": DEREGISTRATION_DELAY, "Value": str(seconds)}], aws_retry=True
    )


def create_load_balancer(client, desired, tags):
    params = dict(
        Name=desired["LoadBalancerName"],
        Subnets=desired["Subnets"],
        Scheme=desired["Scheme"],
        Type="application",
        IpAddressType=desired["IpAddressType"],
        Tags=ansible_dict_to_boto3_tag_list(tags),
    )
    if desired.get("SecurityGroups"):
        params["SecurityGroups"] = desired["SecurityGroups"]
    return client.create_load_balancer(aws_retry=True, **params)["LoadBalancers"][0]


def set_subnets(client, arn, subnets):
    client.set_subnets(LoadBalancerArn=arn, Subnets=subnets, aws_retry=True)


def set_security_groups(client, arn, groups):
    client.set_security_groups(LoadBalancerArn=arn, SecurityGroups=groups, aws_retry=True)


def create_listener(client, load_balancer_arn, desired):
    return client.create_listener(
        LoadBalancerArn=load_balancer_arn,
        Protocol=desired["Protocol"],
        Port=desired["Port"],
        DefaultActions=desired["DefaultActions"],
        aws_retry=True,
    )["Listeners"][0]


def modify_listener(client, listener_arn, desired):
    client.modify_listener(
        ListenerArn=listener_arn, Protocol=desired["Protocol"], DefaultActions=desired["DefaultActions"], aws_retry=True
    )


def set_tags(client, arn, to_set, to_remove):
    if to_set:
        client.add_tags(ResourceArns=[arn], Tags=ansible_dict_to_boto3_tag_list(to_set), aws_retry=True)
    if to_remove:
        client.remove_tags(ResourceArns=[arn], TagKeys=to_remove, aws_retry=True)


def delete_load_balancer(client, arn):
    try:
        client.delete_load_balancer(LoadBalancerArn=arn, aws_retry=True)
    except is_boto3_error_code("LoadBalancerNotFound"):
        return False
    return True


def delete_target_group(client, arn):
    """Delete; the client retries ``ResourceInUse`` while the deleted load balancer lets go of it."""
    try:
        client.delete_target_group(TargetGroupArn=arn, aws_retry=True)
    except is_boto3_error_code("TargetGroupNotFound"):
        return False
    return True


# ------------------------------------------------------------------------------ pure functions


def build_target_group(params):
    return diffing.drop_none(
        dict(
            Name=params["target_group_name"],
            Protocol="HTTP",
            Port=params["target_port"],
            VpcId=params["vpc_id"],
            TargetType="instance",
            HealthCheckProtocol="HTTP",
            HealthCheckPort="traffic-port",
            HealthCheckPath=params["health_check_path"],
            HealthCheckIntervalSeconds=params["health_check_interval"],
            HealthCheckTimeoutSeconds=params["health_check_timeout"],
            HealthyThresholdCount=params["healthy_threshold"],
            UnhealthyThresholdCount=params["unhealthy_threshold"],
            Matcher={"HttpCode": params["health_check_matcher"]},
            DeregistrationDelay=params["deregistration_delay"],
        )
    )


def build_load_balancer(params):
    return diffing.drop_none(
        dict(
            LoadBalancerName=params["name"],
            Scheme=params["scheme"],
            IpAddressType="ipv4",
            Subnets=sorted(params["subnet_ids"]),
            SecurityGroups=sorted(params["security_group_ids"]) or None,
        )
    )


def build_listener(params, target_group_arn):
    return dict(
        Protocol="HTTP",
        Port=params["listener_port"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group_arn}],
    )


def normalize_target_group(target_group, deregistration_delay=None, tags=None):
    if not target_group:
        return {}
    result = dict((k, target_group.get(k)) for k in ("TargetGroupArn", *TG_IMMUTABLE, *TG_HEALTH_KEYS))
    result["Name"] = target_group["TargetGroupName"]
    result["Matcher"] = dict((k, v) for k, v in (target_group.get("Matcher") or {}).items() if k == "HttpCode")
    result["DeregistrationDelay"] = deregistration_delay
    result["Tags"] = tags or {}
    return diffing.drop_none(result)


def normalize_load_balancer(load_balancer, tags=None):
    if not load_balancer:
        return {}
    return diffing.drop_none(
        dict(
            LoadBalancerArn=load_balancer["LoadBalancerArn"],
            LoadBalancerName=load_balancer["LoadBalancerName"],
            DNSName=load_balancer.get("DNSName"),
            Scheme=load_balancer.get("Scheme"),
            IpAddressType=load_balancer.get("IpAddressType"),
            VpcId=load_balancer.get("VpcId"),
            State=(load_balancer.get("State") or {}).get("Code"),
            Subnets=sorted(z["SubnetId"] for z in load_balancer.get("AvailabilityZones", []) if z.get("SubnetId")),
            AvailabilityZones=sorted(z["ZoneName"] for z in load_balancer.get("AvailabilityZones", [])),
            SecurityGroups=sorted(load_balancer.get("SecurityGroups") or []),
            Tags=tags or {},
        )
    )


def normalize_listener(listener):
    if not listener:
        return {}
    return dict(
        ListenerArn=listener["ListenerArn"],
        Protocol=listener["Protocol"],
        Port=listener["Port"],
        DefaultActions=[
            {"Type": a["Type"], "TargetGroupArn": a.get("TargetGroupArn")} for a in listener.get("DefaultActions", [])
        ],
    )


def target_group_changes(desired, current):
    """(health-check keys to modify, deregistration delay changed, immutable keys that differ)."""
    changes = diffing.changed_keys(desired, current)
    health = [k for k in changes if k.split(".")[0] in TG_HEALTH_KEYS]
    immutable = [k for k in changes if k in TG_IMMUTABLE]
    return health, "DeregistrationDelay" in changes, immutable


def load_balancer_changes(desired, current):
    """Top-level keys that differ: ``Subnets`` and ``SecurityGroups`` can change, the rest cannot."""
    return diffing.changed_keys(desired, current)


# ------------------------------------------------------------------------------ alb_info on the runner


def snake_load_balancer(load_balancer, listeners):
    """A normalized load balancer and its listeners as ``_info`` results are shaped (snake_case, tags a dict)."""
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in load_balancer.items() if k != "Tags"))
    result["listeners"] = [camel_dict_to_snake_dict(normalize_listener(listener)) for listener in listeners]
    result["tags"] = load_balancer.get("Tags") or {}
    return result


def snake_target_group(target_group):
    """A normalized target group as ``_info`` results are shaped; its name is ``target_group_name`` (the API's)."""
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in target_group.items() if k not in ("Tags", "Name")))
    result["target_group_name"] = target_group["Name"]
    result["tags"] = target_group.get("Tags") or {}
    return result


def tags_of(client, arns):
    """{arn: tag dict}; DescribeTags takes 20 resources a call."""
    tags = {}
    for start in range(0, len(arns), 20):
        tags.update(get_tags(client, arns[start : start + 20]))
    return tags


class LoadBalancerInfoService(runner.InfoService):
    """Load balancers (with listeners) for ``alb_info``, and target groups as ``target_groups``: the
    filter (name, tags, deployment) applies to both. Tags come from DescribeTags, so listeners and
    attributes are read only for the resources that match."""

    kind = "load balancers and target groups"
    result_key = "load_balancers"
    client_names = ("elbv2",)

    def matching(self, resources, arn_key):
        tags = tags_of(self.client, [r[arn_key] for r in resources])
        for resource in resources:
            resource["Tags"] = tags.get(resource[arn_key]) or {}
        return [r for r in resources if runner.matches_filter(dict(tags=r["Tags"]), self.params)]

    def described_load_balancers(self, found):
        return [
            snake_load_balancer(
                normalize_load_balancer(lb, lb["Tags"]),
                self.client.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"], aws_retry=True)["Listeners"],
            )
            for lb in self.matching(found, "LoadBalancerArn")
        ]

    def by_name(self, name):
        described = self.described_load_balancers([lb for lb in [get_load_balancer(self.client, name)] if lb])
        return described[0] if described else None

    def list_all(self):
        return self.described_load_balancers(list_load_balancers(self.client))

    def further_results(self):
        name = self.params.get("name")
        found = [get_target_group(self.client, name)] if name else list_target_groups(self.client)
        return dict(
            target_groups=[
                snake_target_group(
                    normalize_target_group(tg, get_deregistration_delay(self.client, tg["TargetGroupArn"]), tg["Tags"])
                )
                for tg in self.matching([tg for tg in found if tg], "TargetGroupArn")
            ]
        )
