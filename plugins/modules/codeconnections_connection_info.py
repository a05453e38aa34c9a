#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: codeconnections_connection_info
short_description: CodeConnections connections, by name, tags or owning deployment
version_added: 0.1.0
description:
  - Lists the connections (of every provider) that O(name), O(tags) and O(deployment) select, with
    their status and, while C(PENDING), the console URL where the handshake is completed. Teardown
    uses it.
author:
  - refarch.aws maintainers (@refarch)
seealso:
  - module: refarch.aws.codeconnections_connection
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
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
  description: The connections found.
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

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codeconnections import ConnectionsInfo


def main():
    runner.run_info(ConnectionsInfo)


if __name__ == "__main__":
    main()
