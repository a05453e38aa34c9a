import pytest
from ansible_collections.refarch.aws.plugins.module_utils import logs

from .stubbed import stubbed

OURS = {"refarch:deployment": "prod", "team": "shop"}
ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn"


def test_retention_must_be_a_value_cloudwatch_accepts():
    assert logs.check_retention("log_retention_days", 14) is None
    assert logs.check_retention("log_retention_days", None) is None
    assert "log_retention_days must be one of 1, 3, 5" in logs.check_retention("log_retention_days", 15)


def test_a_missing_group_is_created_with_tags_and_retention():
    plan = logs.plan_log_group(None, 14, OURS, purge_tags=True)
    assert plan == dict(create=True, retention=14, tags_set=OURS, tags_remove=[])
    assert logs.has_changes(plan)
    assert logs.predicted("/aws/lambda/fn", None, plan) == {
        "name": "/aws/lambda/fn",
        "retention_in_days": 14,
        "tags": OURS,
    }


@pytest.mark.parametrize(
    "current, changes",
    [
        (dict(retention_in_days=14, tags=OURS), {}),
        (dict(retention_in_days=7, tags=OURS), dict(retention=14)),
        (dict(retention_in_days=None, tags={}), dict(retention=14, tags_set=OURS)),  # Lambda's own, untagged
        (dict(retention_in_days=14, tags=dict(OURS, extra="x")), dict(tags_remove=["extra"])),
    ],
)
def test_an_existing_group_gets_only_what_differs(current, changes):
    current = dict(current, name="/aws/lambda/fn", arn=ARN)
    plan = logs.plan_log_group(current, 14, OURS, purge_tags=True)
    expected = dict(create=False, retention=None, tags_set={}, tags_remove=[])
    expected.update(changes)
    assert plan == expected
    assert logs.has_changes(plan) == bool(changes)
    after = logs.predicted("/aws/lambda/fn", current, plan)
    assert (after["retention_in_days"], after["tags"]) == (14, OURS)


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
        logs.apply_plan(client, "/aws/lambda/fn", None, logs.plan_log_group(None, 14, OURS, purge_tags=True))
        logs.delete_log_group(client, "/aws/lambda/fn")
        stub.assert_no_pending_responses()
