#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: elasticbeanstalk_info
short_description: Elastic Beanstalk applications and environments of a deployment
version_added: 0.1.0
description:
  - Lists the Elastic Beanstalk applications and live (not terminated) environments whose
    C(refarch:deployment) tag equals O(deployment), with status, health, CNAME and deployed version;
    or one application's, when O(application_name) is set.
  - Teardown finds what to terminate and delete with it.
author:
  - refarch.aws maintainers (@refarch)
options:
  deployment:
    description: The deployment whose resources to list.
    type: str
    default: refarch
  application_name:
    description: Only this application and its environments.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Where is the web app, and is it healthy?
  refarch.aws.elasticbeanstalk_info:
    application_name: refarch-webapp
  register: eb

- name: Show it
  ansible.builtin.debug:
    msg: "{{ eb.environments | map(attribute='cname') }}"
"""

RETURN = r"""
applications:
  description: The deployment's applications.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name., type: str}
    arn: {description: ARN., type: str}
    versions: {description: Version labels., type: list, elements: str}
    tags: {description: Tags., type: dict}
environments:
  description: The deployment's live environments.
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

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import beanstalk
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


def collect(client, deployment, application_name):
    kwargs = dict(ApplicationNames=[application_name]) if application_name else {}
    applications = []
    for app in client.describe_applications(aws_retry=True, **kwargs)["Applications"]:
        tags = beanstalk.list_tags(client, app["ApplicationArn"]) if app.get("ApplicationArn") else {}
        if is_owned(tags, deployment):
            applications.append(beanstalk.normalize_application(app, tags))
    environments = []
    for env in beanstalk.describe_environments(client, application_name):
        tags = beanstalk.list_tags(client, env["EnvironmentArn"]) if env.get("EnvironmentArn") else {}
        if is_owned(tags, deployment):
            environments.append(beanstalk.normalize_environment(env, tags=tags))
    return applications, environments


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(deployment=dict(type="str", default="refarch"), application_name=dict(type="str")),
        supports_check_mode=True,
    )
    client = aws_client(module, "elasticbeanstalk")
    try:
        applications, environments = collect(client, module.params["deployment"], module.params["application_name"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="listing Elastic Beanstalk resources")
    module.exit_json(changed=False, applications=applications, environments=environments)


if __name__ == "__main__":
    main()
