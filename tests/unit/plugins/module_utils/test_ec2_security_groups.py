import pytest
from ansible_collections.refarch.aws.plugins.module_utils import ec2_security_groups as sg
from ansible_collections.refarch.aws.plugins.module_utils import runner
from botocore.exceptions import ClientError

from .fake_clock import FakeClock
from .stubbed import stubbed

VPC = "vpc-0123456789abcdef0"
ALB_ID = "sg-0aaaaaaaaaaaaaaaa"
WEB_ID = "sg-0bbbbbbbbbbbbbbbb"
OWNER = [{"Key": "refarch:deployment", "Value": "refarch"}]


def described(name, group_id, permissions=(), tags=None, egress=()):
    """A group as describe_security_groups returns it on AWS."""
    return {
        "GroupName": name,
        "GroupId": group_id,
        "Description": name + " group",
        "VpcId": VPC,
        "OwnerId": "123456789012",
        "IpPermissions": list(permissions),
        "IpPermissionsEgress": list(egress)
        or [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": []}],
        "Tags": list(OWNER if tags is None else tags),
    }


HTTP_ANYWHERE = {
    "IpProtocol": "tcp",
    "FromPort": 80,
    "ToPort": 80,
    "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTP from anywhere"}],
    "Ipv6Ranges": [],
    "UserIdGroupPairs": [],
    "PrefixListIds": [],
}
HTTP_FROM_ALB = {
    "IpProtocol": "tcp",
    "FromPort": 80,
    "ToPort": 80,
    "IpRanges": [],
    "UserIdGroupPairs": [{"GroupId": ALB_ID, "UserId": "123456789012", "Description": "HTTP from the ALB"}],
}
SPECS = [
    {
        "name": "web-alb-sg",
        "description": "web-alb-sg group",
        "ingress": [{"protocol": "tcp", "from_port": 80, "cidr_ip": "0.0.0.0/0", "description": "HTTP from anywhere"}],
    },
    {
        "name": "web-sg",
        "description": "web-sg group",
        "ingress": [
            {"protocol": "tcp", "from_port": 80, "source_group": "web-alb-sg", "description": "HTTP from the ALB"}
        ],
    },
]
ALB_RULE = {
    "protocol": "tcp",
    "from_port": 80,
    "to_port": 80,
    "cidr_ip": "0.0.0.0/0",
    "description": "HTTP from anywhere",
}
WEB_RULE = {
    "protocol": "tcp",
    "from_port": 80,
    "to_port": 80,
    "source_group": "web-alb-sg",
    "description": "HTTP from the ALB",
}


# ------------------------------------------------------------------------------ pure functions


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("TCP", "tcp"),
        ("6", "tcp"),
        ("17", "udp"),
        ("all", "-1"),
        (-1, "-1"),
        ("1", "icmp"),
        ("58", "icmpv6"),
        ("50", "50"),
    ],
)
def test_normalize_protocol(given, expected):
    assert sg.normalize_protocol(given) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("tcp", 443, None, "cidr_ip", "10.0.0.0/8"),
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ip": "10.0.0.0/8"},
        ),
        (("-1", 0, 65535, "cidr_ip", "10.0.0.0/8", ""), {"protocol": "-1", "cidr_ip": "10.0.0.0/8"}),
        (("50", 1, 2, "prefix_list_id", "pl-1"), {"protocol": "50", "prefix_list_id": "pl-1"}),
        (
            ("icmp", None, None, "cidr_ipv6", "::/0", "ping"),
            {"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_ipv6": "::/0", "description": "ping"},
        ),
    ],
)
def test_make_rule_keeps_ports_only_where_the_protocol_has_them(args, expected):
    assert sg.make_rule(*args) == expected


def test_flatten_permissions_one_rule_per_peer_and_group_ids_named():
    permission = {
        "IpProtocol": "tcp",
        "FromPort": 22,
        "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "192.168.0.0/16", "Description": "office"}],
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        "UserIdGroupPairs": [{"GroupId": ALB_ID, "UserId": "1"}, {"GroupId": "sg-0ccccccccccccccc0"}],
        "PrefixListIds": [{"PrefixListId": "pl-12345678"}],
    }
    rules = sg.flatten_permissions([permission, permission], {ALB_ID: "web-alb-sg"})
    ssh = {"protocol": "tcp", "from_port": 22, "to_port": 22}
    assert rules == [
        dict(ssh, cidr_ip="10.0.0.0/8"),
        dict(ssh, cidr_ip="192.168.0.0/16", description="office"),
        dict(ssh, cidr_ipv6="::/0"),
        dict(ssh, prefix_list_id="pl-12345678"),
        dict(ssh, source_group="sg-0ccccccccccccccc0"),
        dict(ssh, source_group="web-alb-sg"),
    ]


def test_desired_rule_names_a_group_of_the_set_given_by_id_and_canonicalizes_cidrs():
    spec = {"protocol": "6", "from_port": 80, "source_group": ALB_ID}
    assert sg.desired_rule(spec, {ALB_ID: "web-alb-sg"}) == {
        "protocol": "tcp",
        "from_port": 80,
        "to_port": 80,
        "source_group": "web-alb-sg",
    }
    assert sg.desired_rule({"from_port": 80, "cidr_ip": "10.1.2.3/8"})["cidr_ip"] == "10.0.0.0/8"


def test_build_permissions_resolves_names_and_drops_descriptions_for_revoke():
    rules = [WEB_RULE, {"protocol": "-1", "cidr_ipv6": "::/0"}]
    assert sg.build_permissions(rules, {"web-alb-sg": ALB_ID}) == [
        {
            "IpProtocol": "tcp",
            "FromPort": 80,
            "ToPort": 80,
            "UserIdGroupPairs": [{"GroupId": ALB_ID, "Description": "HTTP from the ALB"}],
        },
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ]
    assert sg.build_permissions([WEB_RULE], {"web-alb-sg": ALB_ID}, with_description=False)[0]["UserIdGroupPairs"] == [
        {"GroupId": ALB_ID}
    ]


@pytest.mark.parametrize(
    ("desired", "current", "expected"),
    [
        ([ALB_RULE], [ALB_RULE], ([], [], [])),
        ([ALB_RULE], [], ([ALB_RULE], [], [])),
        ([], [ALB_RULE], ([], [ALB_RULE], [])),
        ([dict(ALB_RULE, description="new")], [ALB_RULE], ([], [], [dict(ALB_RULE, description="new")])),
        (
            [dict(ALB_RULE, from_port=443, to_port=443)],
            [ALB_RULE],
            ([dict(ALB_RULE, from_port=443, to_port=443)], [ALB_RULE], []),
        ),
        ([WEB_RULE, ALB_RULE], [ALB_RULE, WEB_RULE], ([], [], [])),
    ],
)
def test_rule_changes(desired, current, expected):
    assert sg.rule_changes(desired, current) == expected


def test_build_desired_and_normalize_group_compare_equal_when_in_sync():
    ids = {ALB_ID: "web-alb-sg", WEB_ID: "web-sg"}
    current = sg.normalize_group(described("web-sg", WEB_ID, [HTTP_FROM_ALB]), ids)
    desired = sg.build_desired(SPECS[1], VPC, "refarch", {}, ids)
    assert current["ingress"] == desired["ingress"] == [WEB_RULE]
    assert current["tags"] == desired["tags"] == {"refarch:deployment": "refarch"}
    assert sg.rule_changes(desired["ingress"], current["ingress"]) == ([], [], [])
    assert sg.normalize_group(None) == {}


def planned(spec, found=None, **overrides):
    """The runner's plan for one group of the set (no API call: the set was read already)."""
    params = dict(vpc_id=VPC, state="present", deployment="refarch", tags=None, purge_tags=True, **spec)
    params.update(overrides)
    group_set = sg.GroupSet({found["GroupId"]: found} if found else {})
    service = sg.SecurityGroupService({"ec2": None}, params, group_set, found)
    return service, runner.plan_step(service, params)


def test_plan_new_group_is_predicted_by_name_without_id():
    _service, step = planned(SPECS[1], tags={"team": "web"})
    assert step.changed and step.current is None
    assert step.after["group_id"] is None and step.after["ingress"] == [WEB_RULE]
    assert step.after["tags"] == {"team": "web", "refarch:deployment": "refarch"}


def test_plan_rule_and_tag_differences():
    found = described(
        "web-alb-sg", ALB_ID, [dict(HTTP_ANYWHERE, FromPort=8080, ToPort=8080)], [*OWNER, {"Key": "old", "Value": "x"}]
    )
    service, step = planned(SPECS[0], found, tags={"team": "web"})
    authorize, revoke, _describe = service.rule_changes
    assert (
        step.changes == ["ingress", "tags"] and authorize == [ALB_RULE] and [r["from_port"] for r in revoke] == [8080]
    )
    assert (step.tag_changes.set, step.tag_changes.remove) == ({"team": "web"}, ["old"])
    assert step.after["group_id"] == ALB_ID and step.after["ingress"] == [ALB_RULE]
    assert step.after["tags"] == {"refarch:deployment": "refarch", "team": "web"}
    _service, kept = planned(SPECS[0], found, tags={"team": "web"}, purge_tags=False)
    assert kept.tag_changes.remove == [] and kept.after["tags"]["old"] == "x"


def test_delete_order_puts_a_referenced_group_after_the_referencing_one():
    alb = described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE])
    web = described("web-sg", WEB_ID, [HTTP_FROM_ALB])
    assert sg.delete_order([alb, web]) == ([WEB_ID, ALB_ID], [])
    lone = described("z", "sg-0d", [dict(HTTP_FROM_ALB, UserIdGroupPairs=[{"GroupId": "sg-0d"}])])  # self-reference
    assert sg.delete_order([lone, alb]) == ([ALB_ID, "sg-0d"], [])


def test_delete_order_and_cross_references_of_a_cycle():
    alb = described(
        "web-alb-sg",
        ALB_ID,
        egress=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": WEB_ID}]}],
    )
    web = described("web-sg", WEB_ID, [HTTP_FROM_ALB])
    order, cycle = sg.delete_order([alb, web])
    assert order == cycle == [ALB_ID, WEB_ID]
    assert sg.cross_references(alb, set(cycle)) == (
        [],
        [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": WEB_ID}]}],
    )
    assert sg.cross_references(web, set(cycle)) == (
        [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": ALB_ID}]}],
        [],
    )


@pytest.mark.parametrize(
    ("rule", "fragments"),
    [
        ({"protocol": "tcp", "from_port": 80, "cidr_ip": "0.0.0.0/0"}, []),
        ({"protocol": "tcp", "from_port": 80}, ["exactly one of"]),
        ({"protocol": "tcp", "from_port": 80, "cidr_ip": "0.0.0.0/0", "source_group": "web-sg"}, ["exactly one of"]),
        ({"protocol": "tcp", "cidr_ip": "0.0.0.0/0"}, ["from_port is required"]),
        ({"protocol": "udp", "from_port": 70000, "cidr_ip": "0.0.0.0/0"}, ["from_port 70000"]),
        ({"protocol": "tcp", "from_port": 90, "to_port": 80, "cidr_ip": "0.0.0.0/0"}, ["to_port is below"]),
        ({"protocol": "tcp", "from_port": 80, "cidr_ip": "10.0.0.1"}, ["cidr_ip"]),
        ({"protocol": "tcp", "from_port": 80, "cidr_ip": "::/0"}, ["cidr_ip"]),
        ({"protocol": "tcp", "from_port": 80, "cidr_ipv6": "0.0.0.0/0"}, ["cidr_ipv6"]),
        ({"protocol": "tcp", "from_port": 80, "source_group": "elsewhere"}, ["source_group 'elsewhere'"]),
        ({"protocol": "tcp", "from_port": 80, "source_group": "sg-0123456789abcdef0"}, []),
        ({"protocol": "all", "cidr_ip": "10.0.0.0/8"}, []),
    ],
)
def test_check_rule(rule, fragments):
    errors = sg.check_rule("groups[web-sg].ingress[0]", rule, ["web-sg", "web-alb-sg"])
    assert len(errors) == len(fragments)
    for error, fragment in zip(errors, fragments, strict=True):
        assert fragment in error and error.startswith("groups[web-sg].ingress[0]")


# ---------------------------------------------------------------------------------------- API


def test_groups_by_name_is_one_call_filtered_on_vpc_and_names():
    client, stub = stubbed("ec2")
    filters = [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "group-name", "Values": ["web-alb-sg", "web-sg"]}]
    stub.add_response(
        "describe_security_groups", {"SecurityGroups": [described("web-sg", WEB_ID)]}, {"Filters": filters}
    )
    with stub:
        assert [g["GroupId"] for g in sg.groups_by_name(client, VPC, ["web-sg", "web-alb-sg"])] == [WEB_ID]
        assert sg.groups_by_name(client, VPC, []) == []
        assert sg.groups_by_id(client, []) == []
    stub.assert_no_pending_responses()


def test_groups_by_id_uses_a_filter_so_a_missing_id_is_no_error():
    client, stub = stubbed("ec2")
    stub.add_response(
        "describe_security_groups",
        {"SecurityGroups": [], "NextToken": "t"},
        {"Filters": [{"Name": "group-id", "Values": [ALB_ID]}]},
    )
    stub.add_response(
        "describe_security_groups",
        {"SecurityGroups": []},
        {"Filters": [{"Name": "group-id", "Values": [ALB_ID]}], "NextToken": "t"},
    )
    with stub:
        assert sg.groups_by_id(client, [ALB_ID]) == []


def test_create_group_tags_in_the_create_call():
    client, stub = stubbed("ec2")
    stub.add_response(
        "create_security_group",
        {"GroupId": WEB_ID},
        {
            "GroupName": "web-sg",
            "Description": "d",
            "VpcId": VPC,
            "TagSpecifications": [{"ResourceType": "security-group", "Tags": OWNER}],
        },
    )
    with stub:
        assert sg.create_group(client, VPC, "web-sg", "d", {"refarch:deployment": "refarch"}) == WEB_ID


def test_rule_and_tag_calls_are_skipped_when_empty():
    client, stub = stubbed("ec2")
    permissions = sg.build_permissions([ALB_RULE], {})
    stub.add_response(
        "authorize_security_group_ingress", {"Return": True}, {"GroupId": ALB_ID, "IpPermissions": permissions}
    )
    stub.add_response(
        "update_security_group_rule_descriptions_ingress",
        {"Return": True},
        {"GroupId": ALB_ID, "IpPermissions": permissions},
    )
    stub.add_response(
        "revoke_security_group_ingress", {"Return": True}, {"GroupId": ALB_ID, "IpPermissions": permissions}
    )
    stub.add_response("delete_tags", {}, {"Resources": [ALB_ID], "Tags": [{"Key": "old"}]})
    with stub:
        for call in (sg.authorize_ingress, sg.update_ingress_descriptions, sg.revoke_ingress, sg.revoke_egress):
            call(client, ALB_ID, [])
        sg.authorize_ingress(client, ALB_ID, permissions)
        sg.update_ingress_descriptions(client, ALB_ID, permissions)
        sg.revoke_ingress(client, ALB_ID, permissions)
        sg.set_tags(client, ALB_ID, {}, ["old"])
    stub.assert_no_pending_responses()


def test_delete_group_missing_is_false():
    client, stub = stubbed("ec2")
    stub.add_response("delete_security_group", {}, {"GroupId": WEB_ID})
    stub.add_client_error("delete_security_group", "InvalidGroup.NotFound")
    with stub:
        assert sg.delete_group(client, WEB_ID) is True
        assert sg.delete_group(client, WEB_ID) is False


IN_USE = "resource %s has a dependent object" % WEB_ID


def test_delete_when_unused_retries_dependency_violation_until_the_deadline():
    client, stub = stubbed("ec2")
    stub.add_client_error("delete_security_group", "DependencyViolation", IN_USE)
    stub.add_client_error("delete_security_group", "DependencyViolation", IN_USE)
    stub.add_response("delete_security_group", {})
    now, slept = [0.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    with stub:
        assert sg.delete_when_unused(client, WEB_ID, timeout=60, sleep=sleep, clock=lambda: now[0]) is True
    assert slept == [5, 5]

    client, stub = stubbed("ec2")
    for _attempt in range(3):
        stub.add_client_error("delete_security_group", "DependencyViolation", IN_USE)
    now[0] = 0.0
    with stub, pytest.raises(ClientError, match="DependencyViolation"):
        sg.delete_when_unused(client, WEB_ID, timeout=8, sleep=sleep, clock=lambda: now[0])


def test_other_errors_propagate():
    client, stub = stubbed("ec2")
    stub.add_client_error("describe_security_groups", "UnauthorizedOperation", http_status_code=403)
    with stub, pytest.raises(ClientError):
        sg.groups_by_name(client, VPC, ["web-sg"])


def test_delete_when_unused_raises_another_dependency_violation_at_once():
    client, stub = stubbed("ec2")
    stub.add_client_error("delete_security_group", "DependencyViolation", "something else")
    with stub, pytest.raises(ClientError, match="something else"):
        sg.delete_when_unused(client, WEB_ID, timeout=60, sleep=lambda s: None, clock=lambda: 0.0)


def not_found(group_id):
    return "The security group '%s' does not exist" % group_id


@pytest.mark.parametrize(
    ("code", "message", "retried"),
    [
        ("InvalidGroup.NotFound", not_found(ALB_ID), True),
        ("InvalidGroup.NotFound", not_found("sg-0cccccccccccccccc"), False),  # not one this run created
        ("InvalidGroupId.Malformed", not_found(ALB_ID), False),
        ("InvalidPermission.Duplicate", "the specified rule already exists", False),
    ],
)
def test_not_yet_seen_names_a_group_created_by_this_run(code, message, retried):
    assert sg.not_yet_seen([ALB_ID, WEB_ID])(code, message) is retried


def test_a_rule_naming_a_new_group_is_retried_until_ec2_knows_it_within_a_bound():
    clock = FakeClock()
    client, stub = stubbed("ec2")
    permissions = [dict(HTTP_FROM_ALB)]
    stub.add_client_error("authorize_security_group_ingress", "InvalidGroup.NotFound", not_found(ALB_ID))
    stub.add_response("authorize_security_group_ingress", {"Return": True})
    with stub:
        sg.while_new_groups_propagate(
            [ALB_ID], sg.authorize_ingress, (client, WEB_ID, permissions), sleep=clock.sleep, clock=clock
        )
    stub.assert_no_pending_responses()
    assert clock.now == sg.NEW_GROUP_DELAY

    client, stub = stubbed("ec2")
    for _attempt in range(3):
        stub.add_client_error("authorize_security_group_ingress", "InvalidGroup.NotFound", not_found(ALB_ID))
    clock = FakeClock()
    with stub, pytest.raises(ClientError, match="does not exist"):
        sg.while_new_groups_propagate(
            [ALB_ID],
            sg.authorize_ingress,
            (client, WEB_ID, permissions),
            timeout=4,
            sleep=clock.sleep,
            clock=clock,
        )


def test_without_new_groups_a_not_found_is_raised_at_once():
    client, stub = stubbed("ec2")
    stub.add_client_error("authorize_security_group_ingress", "InvalidGroup.NotFound", not_found(ALB_ID))
    with stub, pytest.raises(ClientError, match="does not exist"):
        sg.while_new_groups_propagate([], sg.authorize_ingress, (client, WEB_ID, [dict(HTTP_FROM_ALB)]))
