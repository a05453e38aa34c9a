import pytest
from ansible_collections.refarch.aws.plugins.module_utils import logs, runner

from .stubbed import stubbed

OURS = {"refarch:deployment": "prod", "team": "shop"}
ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn"


def test_retention_must_be_a_value_cloudwatch_accepts():
    assert logs.check_retention("log_retention_days", 14) is None
    assert logs.check_retention("log_retention_days", None) is None
    assert "log_retention_days must be one of 1, 3, 5" in logs.check_retention("log_retention_days", 15)


class Group(logs.LogGroupService):
    """The service with a group read from ``current`` instead of AWS."""

    def __init__(self, current, **params):
        defaults = dict(state="present", log_retention_days=14, deployment="prod", tags={"team": "shop"})
        super().__init__({}, dict(defaults, purge_tags=True, **params), "/aws/lambda/fn")
        self.current = current

    def read(self):
        return self.current


@pytest.fixture
def applied(monkeypatch):
    calls = []
    monkeypatch.setattr(logs, "apply_plan", lambda client, name, current, plan: calls.append(plan))
    monkeypatch.setattr(logs, "delete_log_group", lambda client, name: calls.append("delete"))
    monkeypatch.setattr(logs.LogGroupService, "client", None)
    return calls


def test_a_missing_group_is_created_with_tags_and_retention(applied):
    result = runner.execute(Group(None), Group(None).params, check_mode=False)
    assert applied == [dict(create=True, retention=14, tags_set=OURS, tags_remove=[])]
    assert result["log_group"] == {"name": "/aws/lambda/fn", "retention_in_days": 14, "tags": OURS}


@pytest.mark.parametrize(
    "current, changes, keys",
    [
        (dict(retention_in_days=14, tags=OURS), {}, []),
        (dict(retention_in_days=7, tags=OURS), dict(retention=14), ["retention_in_days"]),
        (dict(retention_in_days=None, tags={}), dict(retention=14, tags_set=OURS), ["retention_in_days", "tags"]),
        (dict(retention_in_days=14, tags=dict(OURS, extra="x")), dict(tags_remove=["extra"]), ["tags"]),
    ],
)
def test_an_existing_group_gets_only_what_differs(applied, current, changes, keys):
    """Lambda's own untagged group (the third) is taken over."""
    current = dict(current, name="/aws/lambda/fn", arn=ARN)
    service = Group(current)
    result = runner.execute(service, service.params, check_mode=False)
    expected = dict(create=False, retention=None, tags_set={}, tags_remove=[])
    expected.update(changes)
    assert applied == ([expected] if changes else [])
    assert result["changed_keys"] == keys
    assert (result["log_group"]["retention_in_days"], result["log_group"]["tags"]) == (14, OURS)


def test_another_deployments_group_is_refused_and_left_alone_on_delete(applied):
    theirs = dict(name="/aws/lambda/fn", arn=ARN, retention_in_days=14, tags={"refarch:deployment": "other"})
    with pytest.raises(runner.Refused, match="log group /aws/lambda/fn exists but has no refarch:deployment=prod"):
        runner.execute(Group(theirs), Group(theirs).params, check_mode=False)
    for tags in ({}, theirs["tags"]):  # Lambda's own, or another deployment's: not deleted
        service = Group(dict(theirs, tags=tags), state="absent")
        assert runner.execute(service, service.params, check_mode=False)["changed"] is False
    service = Group(dict(theirs, tags=OURS), state="absent")
    assert runner.execute(service, service.params, check_mode=False)["changed"] is True
    assert applied == ["delete"]


def test_get_log_group_matches_the_exact_name_and_reads_its_tags():
    client, stub = stubbed("logs")
    stub.add_response(
        "describe_log_groups",
        {
            "logGroups": [
                {"logGroupName": "/aws/lambda/fn-other", "arn": ARN + "-other:*"},
                {"logGroupName": "/aws/lambda/fn", "arn": ARN + ":*", "logGroupArn": ARN, "retentionInDays": 14},
            ]
        },
        {"logGroupNamePrefix": "/aws/lambda/fn"},
    )
    stub.add_response("list_tags_for_resource", {"tags": OURS}, {"resourceArn": ARN})
    with stub:
        assert logs.get_log_group(client, "/aws/lambda/fn") == dict(
            name="/aws/lambda/fn", arn=ARN, retention_in_days=14, tags=OURS
        )
    client, stub = stubbed("logs")
    stub.add_response("describe_log_groups", {"logGroups": []}, {"logGroupNamePrefix": "/aws/lambda/fn"})
    with stub:
        assert logs.get_log_group(client, "/aws/lambda/fn") is None


def test_apply_creates_tagged_then_sets_retention_and_deleting_a_missing_group_is_fine():
    client, stub = stubbed("logs")
    stub.add_response("create_log_group", {}, {"logGroupName": "/aws/lambda/fn", "tags": OURS})
    stub.add_response("put_retention_policy", {}, {"logGroupName": "/aws/lambda/fn", "retentionInDays": 14})
    stub.add_client_error("delete_log_group", "ResourceNotFoundException")
    with stub:
        logs.apply_plan(client, "/aws/lambda/fn", None, dict(create=True, retention=14, tags_set=OURS, tags_remove=[]))
        logs.delete_log_group(client, "/aws/lambda/fn")
        stub.assert_no_pending_responses()
