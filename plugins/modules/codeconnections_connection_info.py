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
  description: The connections found, each with the keys M(refarch.aws.codeconnections_connection) returns.
  returned: always
  type: list
  sample:
    - name: refarch-webapp-github
      arn: "arn:aws:codeconnections:us-east-1:123456789012:connection/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14"
      status: AVAILABLE
      provider_type: GitHub
      owner_account_id: '123456789012'
      console_url: "https://us-east-1.console.aws.amazon.com/codesuite/settings/123456789012/us-east-1/connections/\
        2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14?region=us-east-1"
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-webapp-github
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:codeconnections:us-east-1:123456789012:connection/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14
    status:
      description: C(PENDING), C(AVAILABLE) or C(ERROR).
      returned: always
      type: str
      sample: AVAILABLE
    provider_type:
      description: Provider.
      returned: always
      type: str
      sample: GitHub
    owner_account_id:
      description: Account that owns the connection.
      returned: always
      type: str
      sample: "123456789012"
    console_url:
      description: Where to complete the handshake.
      returned: while PENDING
      type: str
      sample: "https://us-east-1.console.aws.amazon.com/codesuite/settings/123456789012/us-east-1/\
        connections/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14?region=us-east-1"
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codeconnections import ConnectionsInfo


def main():
    runner.run_info(ConnectionsInfo)


if __name__ == "__main__":
    main()
