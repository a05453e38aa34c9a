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
seealso:
  - module: refarch.aws.codeconnections_connection_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Connection to GitHub
  refarch.aws.codeconnections_connection:
    name: refarch-webapp-github
  register: connection

- name: Tell the user where to complete the handshake
  ansible.builtin.debug:
    msg: "Open {{ connection.connection.console_url }} and choose 'Update pending connection'."
  when: connection.connection.status == 'PENDING'
"""

RETURN = r"""
changed_keys:
  description: What differed from the parameters (only C(tags) can); empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
connection:
  description: The connection (predicted in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: refarch-webapp-github
    arn: "arn:aws:codeconnections:us-east-1:123456789012:connection/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14"
    status: PENDING
    provider_type: GitHub
    owner_account_id: '123456789012'
    console_url: "https://us-east-1.console.aws.amazon.com/codesuite/settings/123456789012/us-east-1/connections/\
      2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14?region=us-east-1"
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Name.
      returned: when present
      type: str
      sample: refarch-webapp-github
    arn:
      description: ARN (null in check mode before it is created).
      returned: when present
      type: str
      sample: arn:aws:codeconnections:us-east-1:123456789012:connection/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14
    status:
      description: C(PENDING), C(AVAILABLE) or C(ERROR).
      returned: when present
      type: str
      sample: PENDING
    provider_type:
      description: Provider.
      returned: when present
      type: str
      sample: GitHub
    owner_account_id:
      description: Account that owns the connection.
      returned: when the connection exists
      type: str
      sample: "123456789012"
    console_url:
      description: Where to complete the handshake ("Update pending connection").
      returned: while PENDING, once the connection exists
      type: str
      sample: "https://us-east-1.console.aws.amazon.com/codesuite/settings/123456789012/us-east-1/\
        connections/2f9c1b7e-4d3a-4b8e-9c61-7a2e5d0f3b14?region=us-east-1"
    tags:
      description: Tags.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
created_by_us:
  description: Whether the connection carries this deployment's ownership tag (teardown deletes only those).
  returned: when present
  type: bool
  sample: true
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.codeconnections import ConnectionService


def main():
    options = dict(
        name=dict(type="str"),
        connection_arn=dict(type="str"),
        provider_type=dict(
            type="str", choices=["GitHub", "GitHubEnterpriseServer", "Bitbucket", "GitLab"], default="GitHub"
        ),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    runner.run(
        ConnectionService,
        options,
        required_one_of=[("name", "connection_arn")],
        mutually_exclusive=[("name", "connection_arn")],
    )


if __name__ == "__main__":
    main()
