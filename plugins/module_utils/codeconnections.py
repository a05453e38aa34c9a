# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodeConnections (formerly CodeStar Connections): the GitHub connection a pipeline's source uses.

A new connection is PENDING until someone completes the OAuth handshake in the console: no API
can do that, so the module returns the exact console URL.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)


def tags_to_dict(tags):
    return boto3_tag_list_to_ansible_dict(tags or [])


def dict_to_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, "Key", "Value")


def parse_arn(arn):
    """``(partition, region, account, connection id)`` of a connection ARN, or None when it is not one."""
    parts = (arn or "").split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] not in ("codeconnections", "codestar-connections"):
        return None
    resource = parts[5]
    if not resource.startswith("connection/") or not resource[len("connection/") :]:
        return None
    return parts[1], parts[3], parts[4], resource[len("connection/") :]


def console_url(arn):
    """Where a human completes the handshake of a PENDING connection ("Update pending connection")."""
    partition, region, account, connection_id = parse_arn(arn)
    domain = "console.amazonaws-us-gov.com" if partition == "aws-us-gov" else "console.aws.amazon.com"
    return "https://%s.%s/codesuite/settings/%s/%s/connections/%s?region=%s" % (
        region,
        domain,
        account,
        region,
        connection_id,
        region,
    )


def normalize_connection(connection, tags=None):
    if connection is None:
        return None
    result = dict(
        name=connection.get("ConnectionName"),
        arn=connection.get("ConnectionArn"),
        provider_type=connection.get("ProviderType"),
        status=connection.get("ConnectionStatus"),
        owner_account_id=connection.get("OwnerAccountId"),
    )
    if tags is not None:
        result["tags"] = tags
    if result["status"] == "PENDING" and parse_arn(result["arn"]):
        result["console_url"] = console_url(result["arn"])
    return result


def get_connection(client, arn):
    try:
        return client.get_connection(ConnectionArn=arn, aws_retry=True)["Connection"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def list_connections(client, provider_type=None):
    found = []
    kwargs = {}
    if provider_type:
        kwargs["ProviderTypeFilter"] = provider_type
    while True:
        page = client.list_connections(aws_retry=True, **kwargs)
        found.extend(page.get("Connections", []))
        if not page.get("NextToken"):
            return found
        kwargs["NextToken"] = page["NextToken"]


def list_tags(client, arn):
    try:
        return tags_to_dict(client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags"))
    except is_boto3_error_code("ResourceNotFoundException"):
        return {}


def create_connection(client, name, provider_type, tags):
    result = client.create_connection(
        ConnectionName=name, ProviderType=provider_type, Tags=dict_to_tags(tags), aws_retry=True
    )
    return result["ConnectionArn"]


def update_tags(client, arn, to_set, to_remove):
    if to_set:
        client.tag_resource(ResourceArn=arn, Tags=dict_to_tags(to_set), aws_retry=True)
    if to_remove:
        client.untag_resource(ResourceArn=arn, TagKeys=list(to_remove), aws_retry=True)


def delete_connection(client, arn):
    try:
        client.delete_connection(ConnectionArn=arn, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    return True
