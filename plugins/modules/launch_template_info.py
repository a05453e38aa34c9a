#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: launch_template_info
short_description: Look up EC2 launch templates by name or by the deployment that owns them
version_added: 0.1.0
description:
  - Returns launch templates with the managed data of their C($Latest) version, in the shape
    M(refarch.aws.launch_template) returns.
  - Teardown uses O(deployment) to find what a deployment owns by its ownership tag.
author:
  - refarch.aws maintainers (!UNKNOWN)
options:
  names:
    description: Template names to look up; missing ones are left out of the result.
    type: list
    elements: str
    default: []
  deployment:
    description: Only templates whose C(refarch:deployment) tag has this value.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Everything deployment refarch owns
  refarch.aws.launch_template_info:
    deployment: refarch
  register: templates
"""

RETURN = r"""
launch_templates:
  description: The templates found, as M(refarch.aws.launch_template) returns them.
  returned: always
  type: list
  elements: dict
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import client as aws
from ansible_collections.refarch.aws.plugins.module_utils import launch_template as lt
from ansible_collections.refarch.aws.plugins.module_utils import ownership


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(names=dict(type="list", elements="str", default=[]), deployment=dict(type="str")),
        supports_check_mode=True,
    )
    ec2 = aws.aws_client(module, "ec2")
    names, deployment = module.params["names"], module.params["deployment"]
    try:
        if names:
            templates = [t for t in (lt.get_template(ec2, n) for n in names) if t]
            if deployment:
                templates = [
                    t for t in templates if ownership.is_owned(lt.normalize_template(t, None)["tags"], deployment)
                ]
        elif deployment:
            templates = lt.list_owned_templates(ec2, deployment)
        else:
            module.fail_json(msg="names or deployment: give at least one")
        found = [lt.normalize_template(t, lt.get_version(ec2, t["LaunchTemplateId"])) for t in templates]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="describing launch templates")
    module.exit_json(changed=False, launch_templates=found)


if __name__ == "__main__":
    main()
