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
  description: The applications found, each with the keys M(refarch.aws.elasticbeanstalk_application) returns.
  returned: always
  type: list
  sample:
    - name: refarch-webapp
      arn: "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/refarch-webapp"
      description: Sample web app shipped by the pipeline
      versions:
        - v-3f2a9c0d1e2b4a5f
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-webapp
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1:123456789012:application/refarch-webapp
    description:
      description: Description (empty when none).
      returned: always
      type: str
      sample: Sample web app shipped by the pipeline
    versions:
      description: Version labels, sorted.
      returned: always
      type: list
      elements: str
      sample: [v-3f2a9c0d1e2b4a5f]
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
environments:
  description:
    - The live environments found (of the applications O(name) selects), each with the keys
      M(refarch.aws.elasticbeanstalk_environment) returns but C(option_settings).
  returned: always
  type: list
  sample:
    - name: refarch-webapp-env
      id: e-a1b2c3d4e5
      arn: "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/refarch-webapp/refarch-webapp-env"
      application_name: refarch-webapp
      description: ''
      tier: WebServer
      status: Ready
      health: Green
      health_status: Ok
      version_label: v-3f2a9c0d1e2b4a5f
      platform_arn: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
      solution_stack_name: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
      cname: "refarch-webapp-env.eba-abcd1234.us-east-1.elasticbeanstalk.com"
      endpoint_url: "awseb-e-a-AWSEBLoa-1ABCDEF2GHIJK-1234567890.us-east-1.elb.amazonaws.com"
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Name.
      returned: always
      type: str
      sample: refarch-webapp-env
    id:
      description: Environment id.
      returned: always
      type: str
      sample: e-a1b2c3d4e5
    arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/refarch-webapp/refarch-webapp-env
    application_name:
      description: Application.
      returned: always
      type: str
      sample: refarch-webapp
    description:
      description: Description (empty when none).
      returned: always
      type: str
      sample: ""
    tier:
      description: C(WebServer) or C(Worker).
      returned: always
      type: str
      sample: WebServer
    status:
      description: C(Launching), C(Updating), C(Ready), C(Terminating), C(Terminated), ...
      returned: always
      type: str
      sample: Ready
    health:
      description: C(Green), C(Yellow), C(Red) or C(Grey).
      returned: always
      type: str
      sample: Green
    health_status:
      description: Enhanced health status (C(Ok), C(Info), C(Warning), C(Degraded), ...), when enhanced health is on.
      returned: always
      type: str
      sample: Ok
    version_label:
      description: Deployed version.
      returned: always
      type: str
      sample: v-3f2a9c0d1e2b4a5f
    platform_arn:
      description: The platform version it runs.
      returned: always
      type: str
      sample: arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0
    solution_stack_name:
      description: Its solution stack name.
      returned: always
      type: str
      sample: 64bit Amazon Linux 2023 v4.3.0 running Python 3.11
    cname:
      description: CNAME of a web server environment.
      returned: always
      type: str
      sample: refarch-webapp-env.eba-abcd1234.us-east-1.elasticbeanstalk.com
    endpoint_url:
      description: URL of its load balancer (or instance).
      returned: always
      type: str
      sample: awseb-e-a-AWSEBLoa-1ABCDEF2GHIJK-1234567890.us-east-1.elb.amazonaws.com
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_application import ApplicationsInfo


def main():
    runner.run_info(ApplicationsInfo, dict(name=dict(type="str", aliases=["application_name"])))


if __name__ == "__main__":
    main()
