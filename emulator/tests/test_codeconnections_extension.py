"""CodeStar Connections / CodeConnections extension: PENDING connections, both APIs, tags, test hook."""

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import RpcV2CBORParser

from refarch_emulator.extensions.codeconnections.responses import cbor_decode, cbor_encode
from refarch_emulator.testing import client, error, private_emulator


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(tmp_path_factory.mktemp("state")) as url:
        yield url


def mark(endpoint, arn, status="available"):
    connection_id = arn.rsplit("/", 1)[1]
    request = urllib.request.Request(f"{endpoint}/refarch-emulator/connections/{connection_id}/{status}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("service", ["codeconnections", "codestar-connections"])
def test_connection_lifecycle(endpoint, service):
    api = client(endpoint, service)
    created = api.create_connection(
        ProviderType="GitHub", ConnectionName=f"gh-{service}"[:32], Tags=[{"Key": "refarch:deployment", "Value": "t"}]
    )
    arn = created["ConnectionArn"]
    assert arn.startswith(f"arn:aws:{service}:us-east-1:123456789012:connection/")
    assert created["Tags"] == [{"Key": "refarch:deployment", "Value": "t"}]
    connection = api.get_connection(ConnectionArn=arn)["Connection"]
    assert connection == {
        "ConnectionName": f"gh-{service}"[:32],
        "ConnectionArn": arn,
        "ProviderType": "GitHub",
        "OwnerAccountId": "123456789012",
        "ConnectionStatus": "PENDING",  # until a person completes the handshake
    }
    assert mark(endpoint, arn)["ConnectionStatus"] == "AVAILABLE"
    assert api.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "AVAILABLE"

    api.tag_resource(ResourceArn=arn, Tags=[{"Key": "extra", "Value": "1"}])
    api.untag_resource(ResourceArn=arn, TagKeys=["refarch:deployment"])
    assert api.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "extra", "Value": "1"}]

    api.delete_connection(ConnectionArn=arn)
    with pytest.raises(ClientError) as gone:
        api.get_connection(ConnectionArn=arn)
    assert error(gone)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as twice:
        api.delete_connection(ConnectionArn=arn)
    assert error(twice)[0] == "ResourceNotFoundException"


def test_both_apis_share_connections_and_filter_by_provider(endpoint):
    new, old = client(endpoint, "codeconnections"), client(endpoint, "codestar-connections")
    github = new.create_connection(ProviderType="GitHub", ConnectionName="shared-gh")["ConnectionArn"]
    bitbucket = old.create_connection(ProviderType="Bitbucket", ConnectionName="shared-bb")["ConnectionArn"]
    assert old.get_connection(ConnectionArn=github)["Connection"]["ConnectionName"] == "shared-gh"
    # the same connection through the other namespace's ARN form
    assert new.get_connection(ConnectionArn=bitbucket.replace("codestar-connections", "codeconnections"))
    names = {c["ConnectionName"] for c in new.list_connections(ProviderTypeFilter="Bitbucket")["Connections"]}
    assert "shared-bb" in names and "shared-gh" not in names
    page = new.list_connections(MaxResults=1)
    assert len(page["Connections"]) == 1 and page["NextToken"]


def test_errors(endpoint):
    api = client(endpoint, "codeconnections")
    with pytest.raises(ClientError) as missing:
        api.get_connection(ConnectionArn="arn:aws:codeconnections:us-east-1:123456789012:connection/" + "0" * 36)
    assert error(missing)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as unsupported:
        api.create_connection(ProviderType="SourceForge", ConnectionName="nope")
    assert error(unsupported)[0] in ("UnsupportedProviderTypeException", "ValidationException")
    with pytest.raises(ClientError) as neither:
        api.create_connection(ConnectionName="nope")
    assert error(neither)[0] == "InvalidInputException"
    with pytest.raises(urllib.error.HTTPError) as unknown:
        mark(endpoint, "arn:aws:codeconnections:us-east-1:123456789012:connection/" + "1" * 36)
    assert unknown.value.code == 404


def test_smithy_rpc_v2_cbor_front_door(endpoint):
    """botocore may speak CBOR to codeconnections (its model lists it first): same answers."""
    body = cbor_encode({"ProviderType": "GitLab", "ConnectionName": "cbor-conn"})
    headers = {
        "Content-Type": "application/cbor",
        "Accept": "application/cbor",
        "smithy-protocol": "rpc-v2-cbor",
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/codeconnections/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    url = f"{endpoint}/service/CodeConnections_20231201/operation/CreateConnection"
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=5) as response:
        assert response.headers["smithy-protocol"] == "rpc-v2-cbor"
        arn = cbor_decode(response.read())["ConnectionArn"]
    assert arn.startswith("arn:aws:codeconnections:us-east-1:123456789012:connection/")
    get = f"{endpoint}/service/CodeConnections_20231201/operation/GetConnection"
    missing = cbor_encode({"ConnectionArn": arn[:-4] + "ffff"})
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(urllib.request.Request(get, data=missing, headers=headers), timeout=5)
    assert failed.value.code == 400
    assert cbor_decode(failed.value.read())["__type"] == "ResourceNotFoundException"
    assert client(endpoint, "codeconnections").get_connection(ConnectionArn=arn)["Connection"]["ProviderType"] == (
        "GitLab"
    )


def test_cbor_round_trip_through_botocore_parser():
    value = {"a": [1, -2, 300, 70000, 2**40], "b": True, "c": False, "d": "é" * 30, "e": 1.5, "f": b"\x00"}
    parser = RpcV2CBORParser()
    assert parser.parse_data_item(parser.get_peekable_stream_from_bytes(cbor_encode(value))) == value
    assert cbor_encode(None) == b"\xf6"  # botocore drops null map values, so it is checked by bytes


@pytest.mark.parametrize("service", ["codeconnections", "codestar-connections"])
def test_in_process_a_connection_is_pending_and_errors_are_awss(in_process, service):
    """The model behaviour meant for upstream, under moto's mock_aws (routed to the extension's backend)."""
    api = in_process(service)
    arn = api.create_connection(ProviderType="GitHub", ConnectionName="gh")["ConnectionArn"]
    assert api.get_connection(ConnectionArn=arn)["Connection"]["ConnectionStatus"] == "PENDING"
    assert [c["ConnectionArn"] for c in api.list_connections(ProviderTypeFilter="GitHub")["Connections"]] == [arn]
    with pytest.raises(ClientError) as excinfo:
        api.create_connection(ProviderType="Subversion", ConnectionName="svn")
    assert error(excinfo)[0] == "UnsupportedProviderTypeException"
    api.delete_connection(ConnectionArn=arn)
    with pytest.raises(ClientError) as excinfo:
        api.get_connection(ConnectionArn=arn)
    assert error(excinfo)[0] == "ResourceNotFoundException"
