import copy

import botocore.session
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import iam, runner
from botocore.stub import Stubber

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": "arn:q"}],
}
OWNED = {"refarch:deployment": "refarch"}


def desired(**overrides):
    params = dict(
        name="r",
        path="/refarch/",
        description=None,
        max_session_duration=None,
        assume_role_policy=TRUST,
        inline_policies={"consume": POLICY},
        managed_policy_arns=["arn:aws:iam::aws:policy/A"],
        instance_profile=False,
    )
    params.update(overrides)
    return iam.build_desired(params, dict(OWNED))


CURRENT = dict(
    arn="arn:aws:iam::123456789012:role/refarch/r",
    role_name="r",
    role_id="AROA",
    path="/refarch/",
    description="",
    max_session_duration=3600,
    assume_role_policy=TRUST,
    tags=dict(OWNED),
    inline_policies={"consume": POLICY},
    managed_policy_arns=["arn:aws:iam::aws:policy/A"],
    instance_profile_arn=None,
)


def current(**overrides):
    value = copy.deepcopy(CURRENT)
    value.update(overrides)
    return value


def test_absent_role_is_created_with_every_part():
    plan = iam.plan_changes(desired(instance_profile=True), None)
    assert plan == {
        "create": True,
        "put_policies": {"consume": POLICY},
        "attach": ["arn:aws:iam::aws:policy/A"],
        "create_profile": True,
    }


def test_identical_role_needs_nothing():
    assert iam.plan_changes(desired(), current()) == {}


def test_policy_order_and_string_vs_list_do_not_count_as_change():
    reordered = copy.deepcopy(POLICY)
    reordered["Statement"][0]["Action"] = ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
    assert iam.plan_changes(desired(inline_policies={"consume": reordered}), current()) == {}


@pytest.mark.parametrize(
    ("overrides", "state", "expected"),
    [
        ({"description": "d"}, {}, {"description": "d"}),
        ({"max_session_duration": 7200}, {}, {"max_session_duration": 7200}),
        ({"inline_policies": {}}, {}, {"delete_policies": ["consume"]}),
        ({"inline_policies": None}, {}, {}),  # omitted: left alone
        ({"managed_policy_arns": []}, {}, {"detach": ["arn:aws:iam::aws:policy/A"]}),
        ({"managed_policy_arns": None}, {}, {}),
        ({}, {"tags": {"refarch:deployment": "refarch", "extra": "1"}}, {}),  # tags are the runner's
        ({"path": "/other/"}, {}, {"path_mismatch": ("/refarch/", "/other/")}),
        ({"instance_profile": True}, {"instance_profile_arn": "arn:p"}, {}),
    ],
)
def test_each_attribute_changes_alone(overrides, state, expected):
    assert iam.plan_changes(desired(**overrides), current(**state)) == expected


def test_trust_policy_change_is_detected():
    trust = copy.deepcopy(TRUST)
    trust["Statement"][0]["Principal"]["Service"] = "states.amazonaws.com"
    assert iam.plan_changes(desired(assume_role_policy=trust), current()) == {"trust_policy": trust}


def test_purge_switches_keep_extras():
    plan = iam.plan_changes(
        desired(inline_policies={}, managed_policy_arns=[]),
        current(tags={"refarch:deployment": "refarch", "x": "1"}),
        purge_inline=False,
        purge_managed=False,
    )
    assert plan == {}


def test_predicted_after_matches_the_plan():
    before = current(tags={"refarch:deployment": "refarch", "x": "1"})
    want = desired(inline_policies={"other": POLICY}, managed_policy_arns=["arn:B"], description="d")
    plan = iam.plan_changes(want, before)
    after = iam.predicted_after(want, before, plan)
    assert after["inline_policies"] == {"other": POLICY}
    assert after["managed_policy_arns"] == ["arn:B"]
    assert after["tags"] == OWNED
    assert after["description"] == "d"
    assert after["arn"] == before["arn"]


# GetRole's answer for a role without tags or description.
BARE_ROLE = {
    "Path": "/refarch/",
    "RoleName": "r",
    "RoleId": "AROAEXAMPLEEXAMPLE01",
    "Arn": "arn:aws:iam::123456789012:role/refarch/r",
    "CreateDate": "2026-01-01T00:00:00Z",
}


def stubbed():
    client = botocore.session.get_session().create_client(
        "iam", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    return client, Stubber(client)


class NoRetry:
    """Lets the module_utils pass aws_retry=True to a plain botocore client."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        method = getattr(self._client, name)

        def call(*args, **kwargs):
            kwargs.pop("aws_retry", None)
            return method(*args, **kwargs)

        return call


def test_get_role_reads_role_policies_and_profile():
    client, stub = stubbed()
    role = {
        "Path": "/refarch/",
        "RoleName": "r",
        "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": "arn:aws:iam::123456789012:role/refarch/r",
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": '{"Version": "2012-10-17", "Statement": []}',
        "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}],
    }
    stub.add_response("get_role", {"Role": role}, {"RoleName": "r"})
    stub.add_response("list_role_policies", {"PolicyNames": ["p"]}, {"RoleName": "r"})
    document = {"RoleName": "r", "PolicyName": "p", "PolicyDocument": '{"Statement": []}'}
    stub.add_response("get_role_policy", document, {"RoleName": "r", "PolicyName": "p"})
    attached = [{"PolicyArn": "arn:aws:iam::aws:policy/B"}, {"PolicyArn": "arn:aws:iam::aws:policy/A"}]
    stub.add_response("list_attached_role_policies", {"AttachedPolicies": attached}, {"RoleName": "r"})
    stub.add_client_error("get_instance_profile", "NoSuchEntity", http_status_code=404)
    with stub:
        result = iam.get_role(NoRetry(client), "r")
    assert result["inline_policies"] == {"p": {"Statement": []}}
    assert result["managed_policy_arns"] == ["arn:aws:iam::aws:policy/A", "arn:aws:iam::aws:policy/B"]
    assert result["instance_profile_arn"] is None
    assert result["tags"] == OWNED


def test_get_role_returns_none_when_absent():
    client, stub = stubbed()
    stub.add_client_error("get_role", "NoSuchEntity", http_status_code=404)
    with stub:
        assert iam.get_role(NoRetry(client), "r") is None


def test_get_role_raises_other_errors():
    client, stub = stubbed()
    stub.add_client_error("get_role", "AccessDenied", http_status_code=403)
    with stub, pytest.raises(botocore.exceptions.ClientError):
        iam.get_role(NoRetry(client), "r")


def test_get_role_returns_none_when_the_role_vanishes_while_being_read():
    client, stub = stubbed()
    stub.add_response("get_role", {"Role": BARE_ROLE}, {"RoleName": "r"})
    stub.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": "r"})
    stub.add_client_error("list_attached_role_policies", "NoSuchEntity", http_status_code=404)
    with stub:
        assert iam.get_role(NoRetry(client), "r") is None


def test_list_owned_roles_skips_a_role_deleted_since_the_listing():
    client, stub = stubbed()
    listed = {
        "Roles": [
            {
                "Path": "/refarch/",
                "RoleName": name,
                "RoleId": "AROAEXAMPLEEXAMPLE01",
                "Arn": "arn:aws:iam::123456789012:role/refarch/" + name,
                "CreateDate": "2026-01-01T00:00:00Z",
            }
            for name in ("gone", "kept")
        ]
    }
    stub.add_response("list_roles", listed, {"PathPrefix": "/refarch/"})
    stub.add_client_error("list_role_tags", "NoSuchEntity", http_status_code=404)
    stub.add_response(
        "list_role_tags", {"Tags": [{"Key": "refarch:deployment", "Value": "refarch"}]}, {"RoleName": "kept"}
    )
    with stub:
        names = iam.list_owned_roles(NoRetry(client), "/refarch/", lambda tags: tags == OWNED)
    assert names == ["kept"]


# ---------------------------------------------------------------- options and the per-role work
SETTINGS = dict(
    state="present",
    path="/refarch/",
    purge_inline_policies=True,
    purge_managed_policies=True,
    purge_tags=True,
    wait=False,
    wait_timeout=600,
    deployment="refarch",
    tags={},
)


def params(**overrides):
    value = dict((key, None) for key in iam.ROLE_KEYS)
    value.update(roles=None, state="present", path="/refarch/")
    value.update(overrides)
    return value


def spec(**overrides):
    value = dict((key, None) for key in iam.ROLE_KEYS)
    value.update(name="r", assume_role_policy=TRUST, inline_policies={"consume": POLICY})
    value.update(overrides)
    return value


def test_role_specs_of_the_name_form_and_of_the_list_form():
    assert iam.role_specs(params(name="r", assume_role_policy=TRUST)) == [("", spec(inline_policies=None))]
    listed = iam.role_specs(params(roles=[{"name": "a"}, {"name": "b", "instance_profile": True}]))
    assert [(where, role["name"], role["instance_profile"]) for where, role in listed] == [
        ("roles[0].", "a", None),
        ("roles[1].", "b", True),
    ]


@pytest.mark.parametrize(
    ("overrides", "state", "expected"),
    [
        ({}, "present", []),
        ({"name": "x" * 65}, "present", ["roles[2].name must be at most 64 characters for an IAM role, got 65"]),
        (
            {"managed_policy_arns": ["ReadOnly"]},
            "present",
            ["roles[2].managed_policy_arns: 'ReadOnly' is not a managed policy ARN"],
        ),
        (
            {"max_session_duration": 60},
            "present",
            ["roles[2].max_session_duration must be between 3600 and 43200, got 60"],
        ),
        (
            {"inline_policies": {"p": {}}},
            "present",
            ["roles[2].inline_policies.p must be a policy document with a Statement"],
        ),
        (
            {"assume_role_policy": {}},
            "present",
            ["roles[2].assume_role_policy must be a policy document with a Statement"],
        ),
        (
            {"assume_role_policy": None},
            "present",
            ["roles[2].assume_role_policy is required when state=present (role r)"],
        ),
        ({"assume_role_policy": None, "inline_policies": None}, "absent", []),  # a name is enough to delete
    ],
)
def test_role_problems_name_the_element(overrides, state, expected):
    assert iam.role_problems(spec(**overrides), "roles[2].", state) == expected


def test_options_problems_cover_the_path_every_role_and_repeated_names():
    roles = [spec(name="a"), spec(name="b", assume_role_policy=None), spec(name="a")]
    assert iam.options_problems(params(roles=roles, path="refarch")) == [
        "path must begin and end with '/', got 'refarch'",
        "roles[1].assume_role_policy is required when state=present (role b)",
        "roles[2].name: role a is listed twice",
    ]
    assert iam.options_problems(params(name="r", assume_role_policy=TRUST)) == []


def service(current=None, **overrides):
    """A RoleService on a client that answers ``get_role`` reads with ``current`` and records writes."""
    params = dict(SETTINGS, roles=None, **spec(**overrides))

    class Client:
        def __init__(self):
            self.writes = []

        def __getattr__(self, name):
            def call(**kwargs):
                self.writes.append(name)
                return {}

            return call

    made = iam.RoleService({"iam": Client()}, params)
    made.read = lambda: copy.deepcopy(current)
    return made


def test_service_creates_an_absent_role_with_every_part_and_predicts_it():
    role = service(instance_profile=True)
    result = runner.execute(role, role.params, check_mode=True)
    assert result["changed"] and role.actions == {
        "create": True,
        "put_policies": {"consume": POLICY},
        "create_profile": True,
    }
    assert result["role"]["tags"] == OWNED and result["role"]["instance_profile_arn"] == "(known after creation)"
    assert role.client.writes == []


def test_service_of_an_identical_role_changes_nothing():
    role = service(current(managed_policy_arns=[]))
    result = runner.execute(role, role.params, check_mode=False)
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["role"] == current(managed_policy_arns=[])
    assert role.client.writes == []


def test_service_names_the_changed_keys_and_tags_go_in_the_same_apply():
    role = service(current(tags=dict(OWNED, old="1")), inline_policies={}, description="d", tags={})
    role.params["tags"] = {}
    result = runner.execute(role, role.params, check_mode=True)
    assert result["changed_keys"] == ["description", "inline_policies", "tags"]
    assert result["role"]["tags"] == OWNED and result["role"]["inline_policies"] == {}


@pytest.mark.parametrize("state", ["present", "absent"])
def test_service_refuses_a_role_without_our_tag(state):
    role = service(current(tags={"refarch:deployment": "other"}))
    role.params["state"] = state
    with pytest.raises(runner.Refused, match="it is not ours"):
        runner.execute(role, role.params, check_mode=False)
    assert role.client.writes == []


def test_service_refuses_another_path():
    role = service(current(path="/other/"))
    with pytest.raises(runner.Refused, match="exists with path /other/, not /refarch/"):
        runner.execute(role, role.params, check_mode=False)


def test_service_for_absent_state():
    role = service(current())
    role.params["state"] = "absent"
    role.client.list_instance_profiles_for_role = lambda **kw: {"InstanceProfiles": []}
    role.client.list_role_policies = lambda **kw: {"PolicyNames": []}
    role.client.list_attached_role_policies = lambda **kw: {"AttachedPolicies": []}
    result = runner.execute(role, role.params, check_mode=False)
    assert result["changed"] is True and result["role"] == {} and role.client.writes == ["delete_role"]
    gone = service(None)
    gone.params["state"] = "absent"
    assert runner.execute(gone, gone.params, check_mode=False)["changed"] is False


def test_read_reads_the_instance_profile_only_when_it_is_managed():
    client, stub = stubbed()
    stub.add_response("get_role", {"Role": BARE_ROLE}, {"RoleName": "r"})
    stub.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": "r"})
    stub.add_response("list_attached_role_policies", {"AttachedPolicies": []}, {"RoleName": "r"})
    with stub:  # no get_instance_profile: the stubber would fail on an unexpected call
        found = iam.RoleService({"iam": NoRetry(client)}, dict(SETTINGS, **spec(instance_profile=False))).read()
    assert "instance_profile_arn" not in found
    stub.assert_no_pending_responses()
