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

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


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


def validate(params):
    """Messages naming each bad parameter of a ``codeconnections_connection`` task."""
    messages = []
    if params["connection_arn"] and parse_arn(params["connection_arn"]) is None:
        messages.append(
            "connection_arn %r is not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)"
            % params["connection_arn"]
        )
    if params["name"] is not None and not 1 <= len(params["name"]) <= 32:
        messages.append("name must be 1 to 32 characters long, got %r" % params["name"])
    return messages


def find_owned(client, name, provider_type, deployment):
    """``(connection, tags)`` of the connection of this name that carries our tag, or ``(None, None)``:
    connection names are not unique, so one without our tag is not ours to find."""
    for connection in list_connections(client, provider_type):
        if connection.get("ConnectionName") != name:
            continue
        tags = list_tags(client, connection["ConnectionArn"])
        if is_owned(tags, deployment):
            return connection, tags
    return None, None


class ConnectionService(runner.Service):
    """The connection a ``codeconnections_connection`` task describes, on the runner: found by name
    among ours, or given by ARN (then only read, and deleted only when it is ours)."""

    kind = "CodeConnections connection"
    result_key = "connection"
    client_names = ("codeconnections",)
    validate = staticmethod(validate)

    @property
    def client(self):
        # The ARN's service decides the API: codestar-connections ARNs predate CodeConnections.
        arn = self.params["connection_arn"] or ""
        return self.clients["codestar-connections" if ":codestar-connections:" in arn else "codeconnections"]

    def name(self):
        return self.params["name"] or self.params["connection_arn"]

    def read(self):
        arn = self.params["connection_arn"]
        if arn:
            connection = get_connection(self.client, arn)
            tags = list_tags(self.client, arn) if connection is not None else None
        else:
            connection, tags = find_owned(
                self.client, self.params["name"], self.params["provider_type"], self.params["deployment"]
            )
        if self.params["state"] == "present":
            self.extra_result["created_by_us"] = connection is None or is_owned(tags, self.params["deployment"])
        return normalize_connection(connection, tags)

    def used_as_is(self, current):
        return bool(self.params["connection_arn"]) and (
            self.params["state"] == "present" or not is_owned(current["tags"], self.params["deployment"])
        )

    def desired(self, current, tags):
        if self.params["connection_arn"]:
            raise runner.Refused("connection_arn %s does not exist" % self.params["connection_arn"])
        return dict(
            name=self.params["name"], arn=None, provider_type=self.params["provider_type"], status="PENDING", tags=tags
        )

    def plan(self, desired, current):
        return []  # only the tags of a connection can change

    def predict(self, desired, current):
        return dict(current, tags=desired["tags"]) if current else dict(desired)

    def create(self, desired):
        arn = create_connection(self.client, desired["name"], desired["provider_type"], desired["tags"])
        return normalize_connection(get_connection(self.client, arn), desired["tags"])

    def update(self, desired, current, changes, tag_changes):
        update_tags(self.client, current["arn"], tag_changes.set, tag_changes.remove)
        return dict(current, tags=desired["tags"])

    def delete(self, current):
        delete_connection(self.client, current["arn"])


class ConnectionsInfo(runner.InfoService):
    """The connections a ``codeconnections_connection_info`` task lists, with their tags."""

    kind = "connections"
    result_key = "connections"
    client_names = ("codeconnections",)

    def by_name(self, name):
        # Names are not unique: the first of this name the filter keeps.
        found = [c for c in self.list_all() if c["name"] == name and runner.matches_filter(c, self.params)]
        return found[0] if found else None

    def list_all(self):
        return [
            normalize_connection(c, list_tags(self.client, c["ConnectionArn"])) for c in list_connections(self.client)
        ]


def get_connection(client, arn):
    try:
        return client.get_connection(ConnectionArn=arn, aws_retry=True)["Connection"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def list_connections(client, provider_type=None):
    # ListConnections has no botocore paginator, so client.paginate cannot page it.
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
        return boto3_tag_list_to_ansible_dict(
            client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags") or []
        )
    except is_boto3_error_code("ResourceNotFoundException"):
        return {}


def create_connection(client, name, provider_type, tags):
    result = client.create_connection(
        ConnectionName=name,
        ProviderType=provider_type,
        Tags=ansible_dict_to_boto3_tag_list(tags, "Key", "Value"),
        aws_retry=True,
    )
    return result["ConnectionArn"]


def update_tags(client, arn, to_set, to_remove):
    if to_set:
        client.tag_resource(
            ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set, "Key", "Value"), aws_retry=True
        )
    if to_remove:
        client.untag_resource(ResourceArn=arn, TagKeys=list(to_remove), aws_retry=True)


def delete_connection(client, arn):
    try:
        client.delete_connection(ConnectionArn=arn, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    return True
