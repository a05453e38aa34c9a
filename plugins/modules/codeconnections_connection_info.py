#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codeconnections_connection_info
short_description: The CodeConnections connections a deployment owns
version_added: 0.1.0
description:
  - Lists the connections whose C(refarch:deployment) tag equals O(deployment), with their status
    and, while C(PENDING), the console URL where the handshake is completed. Teardown uses it.
author:
  - refarch.aws maintainers (@refarch)
options:
  deployment:
    description: The deployment whose connections to list.
    type: str
    default: refarch
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Connections of this deployment
  refarch.aws.codeconnections_connection_info:
    deployment: refarch
  register: connections
"""

RETURN = r"""
connections:
  description: The deployment's connections.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    status: {description: Status., type: str}
    console_url: {description: Where to complete the handshake while PENDING., type: str}
    tags: {description: Tags., type: dict}
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import codeconnections as cc
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(deployment=dict(type="str", default="refarch")), supports_check_mode=True
    )
    client = aws_client(module, "codeconnections")
    found = []
    try:
        for connection in cc.list_connections(client):
            tags = cc.list_tags(client, connection["ConnectionArn"])
            if is_owned(tags, module.params["deployment"]):
                found.append(cc.normalize_connection(connection, tags))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="listing connections")
    module.exit_json(changed=False, connections=found)


if __name__ == "__main__":
    main()
