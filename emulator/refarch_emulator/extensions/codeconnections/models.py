"""One store of connections for both APIs (CodeStar Connections and CodeConnections)."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from refarch_emulator.extensions.codeconnections.exceptions import ConnectionsError, not_found

PROVIDER_TYPES = ("Bitbucket", "GitHub", "GitHubEnterpriseServer", "GitLab", "GitLabSelfManaged", "AzureDevOps")
_ARN = re.compile(
    r"^arn:aws:(?P<service>codeconnections|codestar-connections):(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"connection/(?P<id>[0-9a-f-]{36})$"
)
LOCK = threading.Lock()


class Connection:
    def __init__(self, service: str, region: str, account: str, name: str, provider: str | None, host: str | None):
        self.id = str(uuid.uuid4())
        self.arn = f"arn:aws:{service}:{region}:{account}:connection/{self.id}"
        self.name, self.provider, self.host_arn, self.account = name, provider, host, account
        self.status = "PENDING"
        self.tags: dict[str, str] = {}

    def describe(self) -> dict[str, Any]:
        out = {
            "ConnectionName": self.name,
            "ConnectionArn": self.arn,
            "ProviderType": self.provider,
            "OwnerAccountId": self.account,
            "ConnectionStatus": self.status,
        }
        if self.host_arn:
            out["HostArn"] = self.host_arn
        return {k: v for k, v in out.items() if v is not None}


class ConnectionsBackend(BaseBackend):
    """One store for both APIs: AWS serves the same connections through either namespace."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.connections: dict[str, Connection] = {}  # by id

    def lookup(self, arn: str | None) -> Connection:
        match = _ARN.match(arn or "")
        found = self.connections.get(match["id"]) if match else None
        if found is None or match["region"] != self.region_name or match["account"] != self.account_id:
            raise not_found(arn)
        return found

    # -- operations (parameters as AWS names them)
    def create_connection(self, service: str, params: dict[str, Any]) -> dict[str, Any]:
        name, provider, host = params.get("ConnectionName"), params.get("ProviderType"), params.get("HostArn")
        if not name or not 1 <= len(name) <= 32:
            raise ConnectionsError("ValidationException", "ConnectionName must be 1 to 32 characters long.")
        if provider is None and host is None:
            raise ConnectionsError("InvalidInputException", "Either ProviderType or HostArn must be specified.")
        if provider is not None and provider not in PROVIDER_TYPES:
            raise ConnectionsError("UnsupportedProviderTypeException", f"Provider type {provider} is not supported.")
        if host is not None:
            raise ConnectionsError("ResourceNotFoundException", f"Host not found: {host}")
        tags = params.get("Tags") or []
        if len(tags) > 50:
            raise ConnectionsError("LimitExceededException", "Tag limit exceeded (50).")
        connection = Connection(service, self.region_name, self.account_id, name, provider, host)
        connection.tags = {t["Key"]: t["Value"] for t in tags}
        self.connections[connection.id] = connection
        out: dict[str, Any] = {"ConnectionArn": connection.arn}
        if tags:
            out["Tags"] = tags
        return out

    def get_connection(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        return {"Connection": self.lookup(params.get("ConnectionArn")).describe()}

    def list_connections(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        provider, host = params.get("ProviderTypeFilter"), params.get("HostArnFilter")
        found = [
            c.describe()
            for c in self.connections.values()
            if (provider is None or c.provider == provider) and (host is None or c.host_arn == host)
        ]
        start = int(params.get("NextToken") or 0)
        limit = int(params.get("MaxResults") or 50)
        out: dict[str, Any] = {"Connections": found[start : start + limit]}
        if start + limit < len(found):
            out["NextToken"] = str(start + limit)
        return out

    def delete_connection(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        del self.connections[self.lookup(params.get("ConnectionArn")).id]
        return {}

    def tag_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        if len(set(connection.tags) | set(tags)) > 50:
            raise ConnectionsError("LimitExceededException", "Tag limit exceeded (50).")
        connection.tags.update(tags)
        return {}

    def untag_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        for key in params.get("TagKeys") or []:
            connection.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, _: str, params: dict[str, Any]) -> dict[str, Any]:
        connection = self.lookup(params.get("ResourceArn"))
        return {"Tags": [{"Key": k, "Value": v} for k, v in connection.tags.items()]}


connections_backends = BackendDict(ConnectionsBackend, "codestar-connections")


def connection_status(account: str, region: str, arn: str) -> str | None:
    """The status of the connection ``arn`` (either ARN form), or None if there is none."""
    try:
        return connections_backends[account][region].lookup(arn).status
    except (ConnectionsError, KeyError):
        return None


# moto's dispatcher imports ``moto.<name>`` and reads ``<name>_backends`` for a routed service name;
# ``moto.codestarconnections`` and ``moto.codeconnections`` are this module (see ``install``). The
# backend's URLs are in ``urls``, next to this module, as moto derives them.
codestarconnections_backends = connections_backends
codeconnections_backends = connections_backends
