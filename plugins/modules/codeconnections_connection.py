#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codeconnections_connection
short_description: A CodeConnections (CodeStar Connections) connection to GitHub and where to complete its handshake
version_added: 0.1.0
description:
  - Creates a connection (it starts C(PENDING)) or finds the one of this name that carries our
    ownership tag, and returns its status and, while it is C(PENDING), the console URL where a
    human completes the GitHub handshake ("Update pending connection"); no API can do that step.
  - With O(connection_arn), uses an existing connection (any owner) and only reads it; it is never
    changed or deleted.
  - With O(state=absent), deletes the connection of this name that carries our ownership tag.
  - Written because neither amazon.aws nor community.aws manages connections.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the connection (1-32 characters). Required unless O(connection_arn) is set.
    type: str
  connection_arn:
    description: An existing connection to use instead of creating one.
    type: str
  provider_type:
    description: The provider.
    type: str
    choices: [GitHub, GitHubEnterpriseServer, Bitbucket, GitLab]
    default: GitHub
  state:
    description: Whether the connection should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Connection to GitHub
  refarch.aws.codeconnections_connection:
    name: refarch-github
  register: connection

- name: Tell the user where to complete the handshake
  ansible.builtin.debug:
    msg: "Open {{ connection.connection.console_url }} and choose 'Update pending connection'."
  when: connection.connection.status == 'PENDING'
"""

RETURN = r"""
connection:
  description: The connection; empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Name., type: str, returned: when present}
    arn: {description: ARN., type: str, returned: when present}
    status: {description: "C(PENDING), C(AVAILABLE) or C(ERROR).", type: str, returned: when present}
    provider_type: {description: Provider., type: str, returned: when present}
    console_url: {description: Where to complete the handshake., type: str, returned: while PENDING}
    tags: {description: Tags., type: dict, returned: when present}
created_by_us:
  description: Whether the connection carries this deployment's ownership tag (teardown deletes only those).
  returned: when present
  type: bool
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codeconnections as cc
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    tag_changes,
)


def find_owned(client, name, provider_type, deployment):
    for connection in cc.list_connections(client, provider_type):
        if connection.get("ConnectionName") != name:
            continue
        tags = cc.list_tags(client, connection["ConnectionArn"])
        if is_owned(tags, deployment):
            return connection, tags
    return None, None


def use_existing(module, client):
    """An existing connection given by ARN: read it; delete it only when it is ours and state=absent."""
    params = module.params
    arn = params["connection_arn"]
    connection = cc.get_connection(client, arn)
    if connection is None:
        if params["state"] == "absent":
            return dict(changed=False, connection={}, diff=diff_result(None, None))
        module.fail_json(msg="connection_arn %s does not exist" % arn)
    tags = cc.list_tags(client, arn)
    owned = is_owned(tags, params["deployment"])
    shown = cc.normalize_connection(connection, tags)
    if params["state"] == "absent":
        if owned and not module.check_mode:
            cc.delete_connection(client, arn)
        return dict(changed=owned, connection={}, diff=diff_result(shown if owned else None, None))
    return dict(changed=False, connection=shown, created_by_us=owned, diff=diff_result(shown, shown))


def run(module, client):
    params = module.params
    if params["connection_arn"]:
        return use_existing(module, client)
    connection, tags = find_owned(client, params["name"], params["provider_type"], params["deployment"])
    before = cc.normalize_connection(connection, tags)
    if params["state"] == "absent":
        if connection is not None and not module.check_mode:
            cc.delete_connection(client, connection["ConnectionArn"])
        return dict(changed=connection is not None, connection={}, diff=diff_result(before, None))

    wanted = desired_tags(params["deployment"], params["tags"])
    if connection is None:
        after = dict(name=params["name"], arn=None, provider_type=params["provider_type"], status="PENDING")
        after["tags"] = wanted
        if not module.check_mode:
            arn = cc.create_connection(client, params["name"], params["provider_type"], wanted)
            after = cc.normalize_connection(cc.get_connection(client, arn), wanted)
        return dict(changed=True, connection=after, created_by_us=True, diff=diff_result(None, after))
    to_set, to_remove = tag_changes(tags, wanted, purge=True)
    after = dict(before, tags=wanted)
    if (to_set or to_remove) and not module.check_mode:
        cc.update_tags(client, connection["ConnectionArn"], to_set, to_remove)
    return dict(
        changed=bool(to_set or to_remove), connection=after, created_by_us=True, diff=diff_result(before, after)
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str"),
            connection_arn=dict(type="str"),
            provider_type=dict(
                type="str", choices=["GitHub", "GitHubEnterpriseServer", "Bitbucket", "GitLab"], default="GitHub"
            ),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            **OWNERSHIP_ARGUMENT_SPEC,
        ),
        supports_check_mode=True,
        required_one_of=[("name", "connection_arn")],
        mutually_exclusive=[("name", "connection_arn")],
    )
    params = module.params
    if params["connection_arn"] and cc.parse_arn(params["connection_arn"]) is None:
        module.fail_json(
            msg="connection_arn %r is not a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)"
            % params["connection_arn"]
        )
    if params["name"] is not None and not 1 <= len(params["name"]) <= 32:
        module.fail_json(msg="name must be 1 to 32 characters long, got %r" % params["name"])
    # The ARN's service decides the API: codestar-connections ARNs predate CodeConnections.
    service = (
        "codestar-connections" if ":codestar-connections:" in (params["connection_arn"] or "") else "codeconnections"
    )
    client = aws_client(module, service)
    try:
        result = run(module, client)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="connection %s" % (params["name"] or params["connection_arn"]))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
