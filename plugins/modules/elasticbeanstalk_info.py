#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: elasticbeanstalk_info
short_description: Elastic Beanstalk applications and their environments, by name, tags or owning deployment
version_added: 0.1.0
description:
  - Lists the Elastic Beanstalk applications and live (not terminated) environments that O(tags) and
    O(deployment) select, with status, health, CNAME and deployed version; only one application's,
    when O(name) is set.
  - Teardown finds what to terminate and delete with it.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Only this application and its environments.
    type: str
    aliases: [application_name]
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Where is the web app, and is it healthy?
  refarch.aws.elasticbeanstalk_info:
    name: refarch-webapp
    deployment: refarch
  register: eb

- name: Show it
  ansible.builtin.debug:
    msg: "{{ eb.environments | map(attribute='cname') }}"
"""

RETURN = r"""
applications:
  description: The applications found.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    versions: {description: Version labels., type: list, elements: str}
    tags: {description: Tags., type: dict}
environments:
  description: The live environments found (of the applications O(name) selects).
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    application_name: {description: Application., type: str}
    status: {description: Status., type: str}
    health: {description: Health colour., type: str}
    version_label: {description: Deployed version., type: str}
    cname: {description: CNAME., type: str}
    tags: {description: Tags., type: dict}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_application import ApplicationsInfo


def main():
    runner.run_info(ApplicationsInfo, dict(name=dict(type="str", aliases=["application_name"])))


if __name__ == "__main__":
    main()
