"""refarch.aws.iam_role against the emulator: the four steps, a change, ownership, deletion."""

import json

import pytest

from tests.support.playbook import run_playbook

pytestmark = pytest.mark.integration
PLAYBOOK = "tests/integration/playbooks/iam_role.yml"


def run(aws, *args, **extra_vars):
    result = run_playbook(PLAYBOOK, aws.environment(), "--diff", *args, extra_vars=extra_vars or None)
    assert result.rc == 0, result.stdout[-3000:]
    return result


def role_task(result):
    return result.task_results("Role")[0]


def test_four_steps_then_change_then_delete(aws):
    check = run(aws, "--check")
    assert role_task(check)["changed"] is True
    assert role_task(check)["diff"]["before"] == {}
    assert aws.mutating_calls() == []

    create = run(aws)
    assert role_task(create)["changed"] is True
    iam = aws.client("iam")
    role = iam.get_role(RoleName="refarch-test-role")["Role"]
    assert role["Path"] == "/refarch/"
    assert {"Key": "refarch:deployment", "Value": "test"} in role["Tags"]
    assert iam.list_role_policies(RoleName="refarch-test-role")["PolicyNames"] == ["consume"]
    profile = iam.get_instance_profile(InstanceProfileName="refarch-test-role")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["refarch-test-role"]
    assert [r["role_name"] for r in create.task_results("Owned roles")[0]["roles"]] == ["refarch-test-role"]

    aws.clear_calls()
    assert role_task(run(aws, "--check"))["changed"] is False
    again = run(aws)
    assert role_task(again)["changed"] is False
    assert aws.mutating_calls() == []

    aws.clear_calls()
    changed = run(aws, role_policy_actions=["sqs:ReceiveMessage"])
    assert role_task(changed)["changed"] is True
    assert aws.mutating_calls() == ["iam:PutRolePolicy"]
    document = iam.get_role_policy(RoleName="refarch-test-role", PolicyName="consume")["PolicyDocument"]
    assert document["Statement"][0]["Action"] == "sqs:ReceiveMessage" or document["Statement"][0]["Action"] == [
        "sqs:ReceiveMessage"
    ]

    gone = run(aws, role_state="absent")
    assert role_task(gone)["changed"] is True
    assert gone.task_results("Owned roles")[0]["roles"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert role_task(run(aws, role_state="absent"))["changed"] is False


def test_a_look_alike_role_without_our_tag_is_never_touched(aws):
    iam = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="refarch-test-role", Path="/refarch/", AssumeRolePolicyDocument=json.dumps(trust))
    aws.clear_calls()
    result = run_playbook(PLAYBOOK, aws.environment(), extra_vars={"role_state": "absent"})
    assert result.rc != 0
    assert "it is not ours" in result.stdout
    assert aws.mutating_calls() == []
    assert iam.get_role(RoleName="refarch-test-role")["Role"]["RoleName"] == "refarch-test-role"


def test_bad_input_fails_before_any_api_call(aws):
    result = run_playbook(
        PLAYBOOK, aws.environment(), extra_vars={"role_policy_actions": ["sqs:SendMessage"], "role_state": "sideways"}
    )
    assert result.rc != 0
    assert "state" in result.stdout and "sideways" in result.stdout
    assert aws.calls() == []


LIST_PLAYBOOK = "tests/integration/playbooks/iam_role_list.yml"
LISTED = ["refarch-test-a", "refarch-test-b", "refarch-test-c"]


def run_list(aws, *args, **extra_vars):
    result = run_playbook(LIST_PLAYBOOK, aws.environment(), "--diff", *args, extra_vars=extra_vars or None)
    assert result.rc == 0, result.stdout[-3000:]
    return result.task_results("Roles")[0]


def test_roles_in_one_task_four_steps_then_delete_by_name(aws):
    check = run_list(aws, "--check")
    assert check["changed"] is True
    assert sorted(check["roles"]) == LISTED
    assert all(check["roles"][name]["role_name"] == name for name in LISTED)
    assert check["diff"]["before"] == {name: {} for name in LISTED}
    assert aws.mutating_calls() == []

    create = run_list(aws)
    assert create["changed"] is True
    iam = aws.client("iam")
    assert iam.list_role_policies(RoleName="refarch-test-a")["PolicyNames"] == ["consume"]
    attached = iam.list_attached_role_policies(RoleName="refarch-test-b")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSLambdaSQSQueueExecutionRole"]
    assert iam.get_role(RoleName="refarch-test-c")["Role"]["MaxSessionDuration"] == 7200
    profile = iam.get_instance_profile(InstanceProfileName="refarch-test-c")["InstanceProfile"]
    assert create["roles"]["refarch-test-c"]["instance_profile_arn"] == profile["Arn"]
    assert create["roles"]["refarch-test-a"]["tags"] == {"refarch:deployment": "test"}

    aws.clear_calls()
    assert run_list(aws, "--check")["changed"] is False
    again = run_list(aws)
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert aws.mutating_calls() == []
    # One module run reads each role as the name form does; the profile only of the role that keeps one.
    reads = [f"{c.service}:{c.action}" for c in aws.calls() if c.action in ("GetRole", "GetInstanceProfile")]
    assert reads.count("iam:GetRole") == 2 * 3 and reads.count("iam:GetInstanceProfile") == 2

    aws.clear_calls()
    gone = run_list(aws, roles_state="absent")
    assert gone["changed"] is True and gone["roles"] == {name: {} for name in LISTED}
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/refarch/")["Roles"]] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert run_list(aws, roles_state="absent")["changed"] is False


def test_a_foreign_role_in_the_list_is_refused_before_any_change(aws):
    iam = aws.client("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="refarch-test-b", Path="/refarch/", AssumeRolePolicyDocument=json.dumps(trust))
    aws.clear_calls()
    for state in ("present", "absent"):
        result = run_playbook(LIST_PLAYBOOK, aws.environment(), extra_vars={"roles_state": state})
        assert result.rc != 0
        assert "refarch-test-b" in result.stdout and "it is not ours" in result.stdout
    assert aws.mutating_calls() == []
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/refarch/")["Roles"]] == ["refarch-test-b"]
