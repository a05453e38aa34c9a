import pytest
from ansible_collections.refarch.aws.plugins.module_utils import codeconnections as cc

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
