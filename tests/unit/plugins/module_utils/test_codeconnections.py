import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codeconnections as cc
from ansible_collections.refarch.aws.plugins.module_utils import runner

from .stubbed import stubbed

ARN = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-000000000000"


@pytest.mark.parametrize(
    "arn, parsed",
    [
        (ARN, ("aws", "us-east-1", "123456789012", "0a1b2c3d-aaaa-bbbb-cccc-000000000000")),
        ("arn:aws:codestar-connections:eu-west-1:123456789012:connection/x", ("aws", "eu-west-1", "123456789012", "x")),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:codeconnections:us-east-1:123456789012:connection/", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_arn(arn, parsed):
    assert cc.parse_arn(arn) == parsed


def test_console_url_points_at_the_connection():
    assert cc.console_url(ARN) == (
        "https://us-east-1.console.aws.amazon.com/codesuite/settings/123456789012/us-east-1/connections/"
        "0a1b2c3d-aaaa-bbbb-cccc-000000000000?region=us-east-1"
    )


def test_only_a_pending_connection_gets_a_console_url():
    pending = cc.normalize_connection({"ConnectionName": "c", "ConnectionArn": ARN, "ConnectionStatus": "PENDING"})
    available = cc.normalize_connection({"ConnectionName": "c", "ConnectionArn": ARN, "ConnectionStatus": "AVAILABLE"})
    assert pending["console_url"].startswith("https://us-east-1.console.aws.amazon.com/")
    assert "console_url" not in available


def test_get_missing_connection_is_none():
    client, stub = stubbed("codeconnections")
    stub.add_client_error("get_connection", "ResourceNotFoundException", "no")
    with stub:
        assert cc.get_connection(client, ARN) is None


def test_list_connections_pages_and_filters_by_provider():
    client, stub = stubbed("codeconnections")
    stub.add_response(
        "list_connections",
        {"Connections": [{"ConnectionName": "a"}], "NextToken": "t"},
        {"ProviderTypeFilter": "GitHub"},
    )
    stub.add_response(
        "list_connections",
        {"Connections": [{"ConnectionName": "b"}]},
        {"ProviderTypeFilter": "GitHub", "NextToken": "t"},
    )
    with stub:
        assert [c["ConnectionName"] for c in cc.list_connections(client, "GitHub")] == ["a", "b"]


def test_create_connection_tags_it():
    client, stub = stubbed("codeconnections")
    stub.add_response(
        "create_connection",
        {"ConnectionArn": ARN},
        {"ConnectionName": "c", "ProviderType": "GitHub", "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}]},
    )
    with stub:
        assert cc.create_connection(client, "c", "GitHub", {"refarch:deployment": "refarch"}) == ARN


def test_delete_missing_connection_is_not_an_error():
    client, stub = stubbed("codeconnections")
    stub.add_client_error("delete_connection", "ResourceNotFoundException", "no")
    with stub:
        assert cc.delete_connection(client, ARN) is False


TASK = dict(
    name=None,
    connection_arn=ARN,
    provider_type="GitHub",
    state="present",
    deployment="refarch",
    tags=None,
    purge_tags=True,
)
CONNECTION = {"ConnectionName": "c", "ConnectionArn": ARN, "ConnectionStatus": "AVAILABLE", "ProviderType": "GitHub"}


def given_by_arn(stub, owner):
    stub.add_response("get_connection", {"Connection": CONNECTION}, {"ConnectionArn": ARN})
    tags = [{"Key": "refarch:deployment", "Value": owner}]
    stub.add_response("list_tags_for_resource", {"Tags": tags}, {"ResourceArn": ARN})


@pytest.mark.parametrize("owner", ["refarch", "someone-else"])
def test_a_connection_given_by_arn_is_used_as_it_is(owner):
    client, stub = stubbed("codeconnections")
    given_by_arn(stub, owner)
    params = dict(TASK, tags={"team": "web"})
    with stub:
        result = runner.execute(cc.ConnectionService({"codeconnections": client}, params), params, False)
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["connection"]["status"] == "AVAILABLE"
    assert result["created_by_us"] is (owner == "refarch")


def test_a_connection_given_by_arn_is_deleted_only_when_ours():
    client, stub = stubbed("codeconnections")
    given_by_arn(stub, "someone-else")
    params = dict(TASK, state="absent")
    with stub:
        assert runner.execute(cc.ConnectionService({"codeconnections": client}, params), params, False) == {
            "changed": False,
            "changed_keys": [],
            "connection": {},
            "diff": {"before": {}, "after": {}},
        }
    given_by_arn(stub, "refarch")
    stub.add_response("delete_connection", {}, {"ConnectionArn": ARN})
    with stub:
        assert runner.execute(cc.ConnectionService({"codeconnections": client}, params), params, False)["changed"]
    stub.assert_no_pending_responses()


def test_a_missing_connection_arn_is_refused():
    client, stub = stubbed("codeconnections")
    stub.add_client_error("get_connection", "ResourceNotFoundException", "no")
    with stub, pytest.raises(runner.Refused, match=r"connection_arn .* does not exist"):
        runner.execute(cc.ConnectionService({"codeconnections": client}, TASK), TASK, True)


def test_a_codestar_connections_arn_is_read_with_that_service():
    params = dict(TASK, connection_arn=ARN.replace(":codeconnections:", ":codestar-connections:"))
    clients = {"codeconnections": "new", "codestar-connections": "old"}
    assert cc.ConnectionService(clients, params).client == "old"
    assert cc.ConnectionService(clients, TASK).client == "new"


def test_check_mode_create_predicts_a_pending_connection_of_ours():
    client, stub = stubbed("codeconnections")
    stub.add_response("list_connections", {"Connections": []}, {"ProviderTypeFilter": "GitHub"})
    params = dict(TASK, name="c", connection_arn=None)
    with stub:
        result = runner.execute(cc.ConnectionService({"codeconnections": client}, params), params, True)
    assert result["changed"] and result["created_by_us"] is True
    assert result["connection"] == {
        "name": "c",
        "arn": None,
        "provider_type": "GitHub",
        "status": "PENDING",
        "tags": {"refarch:deployment": "refarch"},
    }
