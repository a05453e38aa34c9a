"""The security groups module's decisions on the runner with a stubbed EC2 client: check mode predicts by
name with no mutating call, a same-named group without our tag is refused, a second run makes no
mutating call, rules are authorized once every group exists, deletes go in dependency order."""

import copy

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import ec2_security_groups as sg
from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.ec2_security_groups import SecurityGroupService

from ..module_utils.stubbed import stubbed
from ..module_utils.test_ec2_security_groups import ALB_ID, HTTP_ANYWHERE, HTTP_FROM_ALB, SPECS, VPC, WEB_ID, described


def module_params(**overrides):
    groups = copy.deepcopy(SPECS)
    for group in groups:
        for rule in group["ingress"]:
            for key in ("to_port", "cidr_ipv6", "prefix_list_id", "cidr_ip", "source_group"):
                rule.setdefault(key, None)
    params = dict(
        vpc_id=VPC,
        state="present",
        groups=groups,
        group_ids=[],
        purge_tags=True,
        wait_timeout=60,
        deployment="refarch",
        tags=None,
    )
    params.update(overrides)
    return params


def execute(ec2, params, check_mode=False):
    return runner.execute_many(SecurityGroupService, SecurityGroupService.each({"ec2": ec2}, params), check_mode)


def run(params, found, *responses, check_mode=False):
    """The runner against a client that answers ``found`` to the read, then ``responses``."""
    ec2, stub = stubbed("ec2")
    stub.add_response("describe_security_groups", {"SecurityGroups": found})
    for operation, response in responses:
        stub.add_response(operation, response)
    with stub:
        result = execute(ec2, params, check_mode)
    stub.assert_no_pending_responses()
    return result


def test_validate_names_every_bad_parameter():
    params = module_params()
    assert sg.validate(params) == []
    params["groups"][1]["ingress"][0]["source_group"] = "nosuch"
    params["groups"][0]["description"] = None
    params["vpc_id"] = "default"
    errors = " ".join(sg.validate(params))
    assert "source_group 'nosuch'" in errors and "description is required" in errors and "vpc_id" in errors


def test_check_mode_on_an_empty_account_predicts_both_groups_by_name():
    result = run(module_params(), [], check_mode=True)
    assert result["changed"] is True
    assert result["group_ids"] == {"web-alb-sg": None, "web-sg": None}
    assert result["groups"]["web-sg"]["ingress"][0]["source_group"] == "web-alb-sg"
    assert result["diff"]["before"] == {"web-alb-sg": {}, "web-sg": {}}


def test_a_real_run_creates_then_authorizes_with_the_new_ids():
    result = run(
        module_params(),
        [],
        ("create_security_group", {"GroupId": ALB_ID}),
        ("create_security_group", {"GroupId": WEB_ID}),
        ("authorize_security_group_ingress", {"Return": True}),
        ("authorize_security_group_ingress", {"Return": True}),
    )
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}
    assert result["changed"] is True and result["changed_keys"] == {"web-alb-sg": [], "web-sg": []}


def test_a_rule_naming_the_group_just_created_waits_until_ec2_knows_it(monkeypatch):
    """AWS does not find a group created a moment ago: InvalidGroup.NotFound naming it, then success."""
    monkeypatch.setattr(sg, "NEW_GROUP_DELAY", 0)
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
        result = execute(ec2, module_params())
    stub.assert_no_pending_responses()
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}


def test_in_sync_groups_are_unchanged_with_one_read():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), described("web-sg", WEB_ID, [HTTP_FROM_ALB])]
    result = run(module_params(), found)
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"]
    assert result["group_ids"] == {"web-alb-sg": ALB_ID, "web-sg": WEB_ID}


def test_a_same_named_group_without_our_tag_is_refused():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE], tags=[])]
    with pytest.raises(runner.Refused, match="security group web-alb-sg exists but has no refarch:deployment=refarch"):
        run(module_params(), found)


def test_a_differing_description_is_a_warning_not_a_change():
    found = [
        dict(described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), Description="other"),
        described("web-sg", WEB_ID, [HTTP_FROM_ALB]),
    ]
    result = run(module_params(), found)
    assert result["changed"] is False
    assert len(result["warnings"]) == 1 and "web-alb-sg" in result["warnings"][0]


def test_absent_deletes_the_referencing_group_first_and_refuses_foreign_ones():
    found = [described("web-alb-sg", ALB_ID, [HTTP_ANYWHERE]), described("web-sg", WEB_ID, [HTTP_FROM_ALB])]
    ec2, stub = stubbed("ec2")
    stub.add_response("describe_security_groups", {"SecurityGroups": found})
    stub.add_response("delete_security_group", {}, {"GroupId": WEB_ID})
    stub.add_response("delete_security_group", {}, {"GroupId": ALB_ID})
    with stub:
        result = execute(ec2, module_params(state="absent", groups=[], group_ids=[ALB_ID, WEB_ID], vpc_id=None))
    stub.assert_no_pending_responses()
    assert list(result["changed_keys"]) == ["web-sg", "web-alb-sg"] and result["group_ids"] == {}

    check = module_params(state="absent", groups=[], group_ids=[ALB_ID], vpc_id=None)
    assert run(check, found[:1], check_mode=True)["changed"] is True
    gone = module_params(state="absent", groups=[], group_ids=[ALB_ID], vpc_id=None)
    assert run(gone, [])["changed"] is False
    with pytest.raises(runner.Refused, match="not ours"):
        run(module_params(state="absent", groups=[], group_ids=[ALB_ID]), [described("x", ALB_ID, tags=[])])


def test_a_rule_naming_a_group_listed_later_is_authorized_once_both_exist():
    """The instances' group first, the ALB's (its rule's peer) second: both are created, then the rules."""
    params = module_params()
    params["groups"].reverse()
    result = run(
        params,
        [],
        ("create_security_group", {"GroupId": WEB_ID}),
        ("create_security_group", {"GroupId": ALB_ID}),
        ("authorize_security_group_ingress", {"Return": True}),
        ("authorize_security_group_ingress", {"Return": True}),
    )
    assert result["group_ids"] == {"web-sg": WEB_ID, "web-alb-sg": ALB_ID}
