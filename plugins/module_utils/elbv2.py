# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application Load Balancer, its target group and HTTP listener: API calls, pure build/normalize
functions and the services of ``alb`` and ``alb_info``.

Each resource is built and normalized in the API's own shape (ARNs, names, sorted lists, a tag dict),
then returned snake_case (:func:`snake_load_balancer`, :func:`snake_target_group`, :func:`snake_listener`);
the ``alb`` service compares the snake_case forms, so ``changed_keys`` name what the module returns.
"""

from __future__ import absolute_import, division, print_function

import copy

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict

from ansible_collections.refarch.aws.plugins.module_utils import diffing, ownership, runner
from ansible_collections.refarch.aws.plugins.module_utils import param_checks as checks
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate, wait_for

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
# The same keys as the module returns them (snake_case).
SNAKE_TG_IMMUTABLE = tuple(camel_dict_to_snake_dict(dict.fromkeys(TG_IMMUTABLE)))
SNAKE_TG_HEALTH_KEYS = tuple(camel_dict_to_snake_dict(dict.fromkeys(TG_HEALTH_KEYS)))
# What of a load balancer can change in place; the rest (scheme, address type) cannot.
LB_MUTABLE = ("subnets", "security_groups")


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


def snake_load_balancer(load_balancer, listeners=None):
    """A normalized load balancer as the modules return it (snake_case, tags a dict); ``alb_info`` adds
    its ``listeners``."""
    if not load_balancer:
        return {}
    result = camel_dict_to_snake_dict(load_balancer, ignore_list=["Tags"])
    if listeners is not None:
        result["listeners"] = [snake_listener(normalize_listener(listener)) for listener in listeners]
    return result


def snake_target_group(target_group):
    """A normalized (or built) target group as the modules return it; its name is ``target_group_name``
    (the API's)."""
    if not target_group:
        return {}
    result = camel_dict_to_snake_dict(
        dict((k, v) for k, v in target_group.items() if k != "Name"), ignore_list=["Tags"]
    )
    result["target_group_name"] = target_group["Name"]
    return result


def snake_listener(listener):
    """A normalized (or built) listener as the modules return it."""
    return camel_dict_to_snake_dict(listener) if listener else {}


def target_group_changes(desired, current):
    """(health-check keys to modify, deregistration delay changed, immutable keys that differ), tags
    aside, of two snake_case target groups."""
    changes = diffing.changed_keys(dict((k, v) for k, v in desired.items() if k != "tags"), current)
    health = [k for k in changes if k.split(".")[0] in SNAKE_TG_HEALTH_KEYS]
    immutable = [k for k in changes if k in SNAKE_TG_IMMUTABLE]
    return health, "deregistration_delay" in changes, immutable


def load_balancer_changes(desired, current):
    """Top-level keys of two snake_case load balancers that differ, tags aside: ``subnets`` and
    ``security_groups`` can change, the rest cannot."""
    return diffing.changed_keys(dict((k, v) for k, v in desired.items() if k != "tags"), current)


# ------------------------------------------------------------------------------ alb on the runner

# The parts of what an ``alb`` task manages, in the order they are made; each is a result key.
PARTS = ("target_group", "load_balancer", "listener")
# The parts with tags (and an owner) of their own: (part, kind in messages, name key), checked in this order.
TAGGED_PARTS = (
    ("load_balancer", "load balancer", "load_balancer_name"),
    ("target_group", "target group", "target_group_name"),
)


def validate(params):
    """Messages naming each bad parameter of ``alb``, checked before any API call."""
    errors = [
        checks.check_elb_name("name", params["name"]),
        checks.check_elb_name("target_group_name", params["target_group_name"]),
    ]
    if params["state"] == "absent":
        return checks.collect(*errors)
    for option in ("vpc_id", "subnet_ids"):
        if not params[option]:
            errors.append("%s is required when state=present" % option)
    errors.append(checks.check_pattern("vpc_id", params["vpc_id"], r"vpc-[0-9a-f]{8,17}"))
    for subnet_id in params["subnet_ids"] or []:
        errors.append(checks.check_pattern("subnet_ids", subnet_id, r"subnet-[0-9a-f]{8,17}"))
    if params["subnet_ids"] is not None and len(set(params["subnet_ids"])) < 2:
        errors.append("subnet_ids: an Application Load Balancer needs subnets in at least two AZs")
    for group_id in params["security_group_ids"]:
        errors.append(checks.check_pattern("security_group_ids", group_id, r"sg-[0-9a-f]{8,17}"))
    errors.append(checks.check_pattern("health_check_path", params["health_check_path"], r"/[^ ]{0,1023}"))
    errors.append(
        checks.check_pattern("health_check_matcher", params["health_check_matcher"], r"[0-9]{3}([-,][0-9]{3})*")
    )
    errors.append(checks.check_range("listener_port", params["listener_port"], 1, 65535))
    errors.append(checks.check_range("target_port", params["target_port"], 1, 65535))
    errors.append(checks.check_range("health_check_interval", params["health_check_interval"], 5, 300))
    errors.append(
        checks.check_range(
            "health_check_timeout", params["health_check_timeout"], 2, params["health_check_interval"] - 1
        )
    )
    errors.append(checks.check_range("healthy_threshold", params["healthy_threshold"], 2, 10))
    errors.append(checks.check_range("unhealthy_threshold", params["unhealthy_threshold"], 2, 10))
    errors.append(checks.check_range("deregistration_delay", params["deregistration_delay"], 0, 3600))
    errors.append(checks.check_range("wait_timeout", params["wait_timeout"], 1, 86400))
    return checks.collect(*errors)


def provisioning_problem(lb):
    """Why waiting for the load balancer to be active is pointless, or None."""
    if lb is None:
        return "it no longer exists"
    if lb["State"]["Code"] == "failed":
        return "AWS reports it failed: %s" % lb["State"].get("Reason", "no reason given")
    return None


class LoadBalancerService(runner.Service):
    """What an ``alb`` task manages, as one resource of three parts (:data:`PARTS`, each a result key):
    the target group, the load balancer and its HTTP listener. The load balancer and the target group
    have tags and an owner of their own, so ownership and tags are checked and planned per part.
    ``changed_keys`` are ``<part>.<key>`` paths (``<part>.tags`` too), or ``<part>`` for a part made
    while the others exist.

    A load balancer provisions for minutes on AWS: :meth:`wait` waits for one this run created and for
    one that exists and still provisions (an earlier task made it with ``wait=false``)."""

    kind = "load balancer"
    result_key = "load_balancer"
    client_names = ("elbv2",)
    extra_error_codes = {"elbv2": ["ResourceInUse"]}  # a target group the deleted load balancer still holds
    waits = True
    tagged = False

    validate = staticmethod(validate)

    def __init__(self, clients, params):
        super(LoadBalancerService, self).__init__(clients, params)
        self.api = {}  # each part as the API's create/modify calls take it
        self.tag_changes = {}  # part -> runner.TagChanges

    def name(self):
        return self.params.get("name") or self.params.get("target_group_name")

    def read(self):
        params, client = self.params, self.client
        lb = get_load_balancer(client, params["name"]) if params["name"] else None
        tg = get_target_group(client, params["target_group_name"]) if params["target_group_name"] else None
        if lb is None and tg is None:
            return None
        lb_arn = lb and lb["LoadBalancerArn"]
        tg_arn = tg and tg["TargetGroupArn"]
        tags = get_tags(client, [lb_arn, tg_arn])
        delay = get_deregistration_delay(client, tg_arn) if tg_arn else None
        listener = get_listener(client, lb_arn, params["listener_port"]) if lb_arn else None
        return dict(
            target_group=snake_target_group(normalize_target_group(tg, delay, tags.get(tg_arn))),
            load_balancer=snake_load_balancer(normalize_load_balancer(lb, tags.get(lb_arn))),
            listener=snake_listener(normalize_listener(listener)),
        )

    def refusal(self, current, deployment):
        for part, kind, name_key in TAGGED_PARTS:
            resource = current[part]
            if resource and not ownership.is_owned(resource.get("tags"), deployment):
                return ownership.not_ours_message(kind, resource[name_key], deployment)
        return None

    def desired(self, current, tags):
        """Each part as the parameters want it; each tagged part's tags worked out from its own."""
        params, current = self.params, current or {}
        self.api = dict(target_group=build_target_group(params), load_balancer=build_load_balancer(params))
        target_group_arn = (current.get("target_group") or {}).get("target_group_arn")
        desired = dict(
            target_group=snake_target_group(self.api["target_group"]),
            load_balancer=snake_load_balancer(self.api["load_balancer"]),
            listener=snake_listener(build_listener(params, target_group_arn)),
        )
        for part, _kind, _name_key in TAGGED_PARTS:
            desired[part]["tags"] = runner.wanted_tags(params, (current.get(part) or {}).get("tags"))
        return desired

    def plan(self, desired, current):
        changes = []
        for part in PARTS:
            want, have = desired[part], current[part]
            if not have:
                changes.append(part)
                continue
            keys = diffing.changed_keys(dict((k, v) for k, v in want.items() if k != "tags"), have)
            self.refuse_in_place(part, keys)
            changes.extend("%s.%s" % (part, key) for key in keys)
            if "tags" in want:
                to_set, to_remove = compare_aws_tags(have.get("tags") or {}, want["tags"], purge_tags=True)
                self.tag_changes[part] = runner.TagChanges(to_set, to_remove)
                if self.tag_changes[part]:
                    changes.append(part + ".tags")
        return changes

    def refuse_in_place(self, part, keys):
        if part == "target_group":
            fixed = [k for k in keys if k in SNAKE_TG_IMMUTABLE]
            if fixed:
                raise runner.Refused(
                    "target group %s: %s cannot change in place; delete the stack and deploy again"
                    % (self.params["target_group_name"], ", ".join(fixed))
                )
        elif part == "load_balancer":
            fixed = [k for k in keys if k.split(".")[0] not in LB_MUTABLE]
            if fixed:
                raise runner.Refused(
                    "load balancer %s: %s cannot change in place" % (self.params["name"], ", ".join(fixed))
                )

    def predict(self, desired, current):
        after = {}
        for part in PARTS:
            have = (current or {}).get(part)
            after[part] = diffing.merged(have, desired[part]) if have else copy.deepcopy(desired[part])
            if "tags" in desired[part]:
                after[part]["tags"] = dict(desired[part]["tags"])
        return after

    def create(self, desired):
        return self.apply(desired, dict((part, {}) for part in PARTS), [])

    def update(self, desired, current, changes, tag_changes):
        return self.apply(desired, current, changes)

    def apply(self, desired, current, changes):
        """Make each missing part and change the others (target group, load balancer, listener); the
        parts after, created ones as AWS answered (a new load balancer is ``provisioning``)."""
        client, after = self.client, self.predict(desired, current)
        tg, lb, listener = current["target_group"], current["load_balancer"], current["listener"]
        api_tg, api_lb = self.api["target_group"], self.api["load_balancer"]
        if not tg:
            tags = desired["target_group"]["tags"]
            created = create_target_group(client, api_tg, tags)
            set_deregistration_delay(client, created["TargetGroupArn"], api_tg["DeregistrationDelay"])
            after["target_group"] = snake_target_group(
                normalize_target_group(created, api_tg["DeregistrationDelay"], tags)
            )
        else:
            health, delay_changed, _immutable = target_group_changes(desired["target_group"], tg)
            if health:
                modify_health_check(client, tg["target_group_arn"], api_tg)
            if delay_changed:
                set_deregistration_delay(client, tg["target_group_arn"], api_tg["DeregistrationDelay"])
            self.set_part_tags("target_group", tg["target_group_arn"])
        if not lb:
            tags = desired["load_balancer"]["tags"]
            created = create_load_balancer(client, api_lb, tags)
            after["load_balancer"] = snake_load_balancer(normalize_load_balancer(created, tags))
        else:
            if "load_balancer.subnets" in changes:
                set_subnets(client, lb["load_balancer_arn"], api_lb["Subnets"])
            if "load_balancer.security_groups" in changes:
                set_security_groups(client, lb["load_balancer_arn"], api_lb["SecurityGroups"])
            self.set_part_tags("load_balancer", lb["load_balancer_arn"])
        api_listener = build_listener(self.params, after["target_group"]["target_group_arn"])
        if not listener:
            created = create_listener(client, after["load_balancer"]["load_balancer_arn"], api_listener)
            after["listener"] = snake_listener(normalize_listener(created))
        elif [c for c in changes if c.startswith("listener.")]:
            modify_listener(client, listener["listener_arn"], api_listener)
            after["listener"] = dict(listener, **snake_listener(api_listener))
        return after

    def set_part_tags(self, part, arn):
        tag_changes = self.tag_changes.get(part)
        if tag_changes:
            set_tags(self.client, arn, tag_changes.set, tag_changes.remove)

    def wait(self, resource, timeout):
        """Until the load balancer is active, when it provisions (made now or by an earlier task)."""
        load_balancer = resource.get("load_balancer") or {}
        if load_balancer.get("state") != "provisioning":
            return resource
        active = wait_for(
            lambda: get_load_balancer(self.client, self.params["name"]),
            lambda lb: lb is not None and lb["State"]["Code"] == "active",
            timeout,
            "load balancer %s to be active" % self.params["name"],
            failed=provisioning_problem,
        )
        return dict(
            resource, load_balancer=snake_load_balancer(normalize_load_balancer(active, load_balancer.get("tags")))
        )

    def delete(self, current):
        """The load balancer (its listeners go with it) and, once it is gone, the target group: with
        ``wait`` (the runner calls delete only outside check mode) it is waited for in between, otherwise
        the client retries ``ResourceInUse`` while AWS lets go of the target group."""
        lb, tg = current["load_balancer"], current["target_group"]
        if lb:
            delete_load_balancer(self.client, lb["load_balancer_arn"])
            if self.params["wait"]:
                wait_for(
                    lambda: get_load_balancer(self.client, self.params["name"]),
                    lambda found: found is None,
                    self.params["wait_timeout"],
                    "load balancer %s to be deleted" % self.params["name"],
                )
        if tg:
            delete_target_group(self.client, tg["target_group_arn"])

    def result_of(self, resource):
        return dict((part, (resource or {}).get(part) or {}) for part in PARTS)


# ------------------------------------------------------------------------------ alb_info on the runner


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
