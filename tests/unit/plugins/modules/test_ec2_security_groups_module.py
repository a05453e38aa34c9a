"""The security groups module's decisions with a stubbed EC2 client: check mode predicts by name with no
mutating call, a same-named group without our tag is refused, a second run makes no mutating call,
deletes go in dependency order."""

import copy

import pytest
from ansible_collections.refarch.aws.plugins.modules import ec2_security_groups as module_under_test

from ..module_utils.stubbed import stubbed
from ..module_utils.test_ec2_security_groups import ALB_ID, HTTP_ANYWHERE, HTTP_FROM_ALB, SPECS, VPC, WEB_ID, described


class FakeModule:
    def __init__(self, check_mode=False, **overrides):
        groups = copy.deepcopy(SPECS)
        for group in groups:
            for rule in group["ingress"]:
                for key in ("to_port", "cidr_ipv6", "prefix_list_id", "cidr_ip", "source_group"):
                    rule.setdefault(key, None)
        self.params = dict(
            vpc_id=VPC,
            state="present",
            groups=groups,
            group_ids=[],
            purge_tags=False,
            wait_timeout=60,
            deployment="refarch",
            tags={},
        )
        self.params.update(overrides)
        self.check_mode = check_mode
        self.warnings = []

    def fail_json(self, **kwargs):
        raise AssertionError(kwargs["msg"])

    def warn(self, message):
        self.warnings.append(message)


def run(module, found, *responses):
    """``ensure_present``/``ensure_absent`` against a client that answers ``found`` to the read, then ``responses``."""
    ec2, stub = stubbed("ec2")
    stub.add_response("describe_security_groups", {"SecurityGroups": found})
    for operation, response in responses:
        stub.add_response(operation, response)
    with stub:
        if module.params["state"] == "absent":
            result = module_under_test.ensure_absent(module, ec2)
        else:
            result = module_under_test.ensure_present(module, ec2)
    stub.assert_no_pending_responses()
    return result


def test_validate_names_every_bad_parameter():
    params = FakeModule().params
    assert module_under_test.validate(params) == []
    params["groups"][1]["ingress"][0]["source_group"] = "nosuch"
    params["groups"][0]["description"] = None
    params["vpc_id"] = "default"
    errors = " ".join(module_under_test.validate(params))
    assert "source_group 'nosuch'" in errors and "description is required" in errors and "vpc_id" in errors


def test_check_mode_on_an_empty_account_predicts_both_groups_by_name():
    result = run(FakeModule(check_mode=True), [])
    assert result["changed"] is True
    assert result["group_ids"] == {"web-alb-sg": None, "web-sg": None}
    assert result["groups"][1]["ingress"][0]["source_group"] == "web-alb-sg"
    assert result["diff"]["before"] == {"groups": []}


def test_a_real_run_creates_then_authorizes_with_the_new_ids():
    result = run(
        FakeModule(),
        [],
        ("create_security_group", {"GroupId": ALB_ID}),
        ("create_security_group", {"GroupId": WEB_ID}),
        ("authorize_security_group_ingress", {"Return": True}),
        ("authorize_security_group_ingress", {"Return": True}),
    )
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}
    assert result["changed_groups"] == ["web-alb-sg", "web-sg"]


def test_a_rule_naming_the_group_just_created_waits_until_ec2_knows_it(monkeypatch):
    """AWS does not find a group created a moment ago: InvalidGroup.NotFound naming it, then success."""
    monkeypatch.setattr(module_under_test.sg, "NEW_GROUP_DELAY", 0)
    not_found = "The security group '%s' does not exist" % ALB_ID
    ec2, stub = stubbed("ec2")
    stub.add_response("describe_security_groups", {"SecurityGroups": []})
    stub.add_response("create_security_group", {"GroupId": ALB_ID})
    stub.add_response("create_security_group", {"GroupId": WEB_ID})
    stub.add_client_error("authorize_security_group_ingress", "InvalidGroup.NotFound", not_found)
    stub.add_response("authorize_security_group_ingress", {"Return": True})
    stub.add_client_error("authorize_security_group_ingress", "InvalidGroup.NotFound", not_found)
    stub.add_response("authorize_security_group_ingress", {"Return": True})
    with stub:
        result = module_under_test.ensure_present(FakeModule(), ec2)
    stub.assert_no_pending_responses()
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}


def test_in_sync_groups_are_unchanged_with_one_read():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), described("web-sg", WEB_ID, [HTTP_FROM_ALB])]
    result = run(FakeModule(), found)
    assert result["changed"] is False and "diff" not in result
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}


def test_a_same_named_group_without_our_tag_is_refused():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE], tags=[])]
    with pytest.raises(AssertionError, match="web-alb-sg exists but is not owned by deployment refarch"):
        run(FakeModule(), found)


def test_a_differing_description_is_a_warning_not_a_change():
    found = [
        dict(described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), Description="other"),
        described("web-sg", WEB_ID, [HTTP_FROM_ALB]),
    ]
    module = FakeModule()
    assert run(module, found)["changed"] is False
    assert module.warnings and "web-alb-sg" in module.warnings[0]


def test_absent_deletes_the_referencing_group_first_and_refuses_foreign_ones():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), described("web-sg", WEB_ID, [HTTP_FROM_ALB])]
    ec2, stub = stubbed("ec2")
    stub.add_response("describe_security_groups", {"SecurityGroups": found})
    stub.add_response("delete_security_group", {}, {"GroupId": WEB_ID})
    stub.add_response("delete_security_group", {}, {"GroupId": ALB_ID})
    module = FakeModule(state="absent", groups=[], group_ids=[ALB_ID, WEB_ID], vpc_id=None)
    with stub:
        result = module_under_test.ensure_absent(module, ec2)
    stub.assert_no_pending_responses()
    assert result["changed_groups"] == ["web-sg", "web-alb-sg"]

    check = FakeModule(check_mode=True, state="absent", groups=[], group_ids=[ALB_ID], vpc_id=None)
    assert run(check, found[:1])["changed"] is True
    gone = FakeModule(state="absent", groups=[], group_ids=[ALB_ID], vpc_id=None)
    assert run(gone, [])["changed"] is False
    with pytest.raises(AssertionError, match="not ours"):
        run(FakeModule(state="absent", groups=[], group_ids=[ALB_ID]), [described("x", ALB_ID, tags=[])])
