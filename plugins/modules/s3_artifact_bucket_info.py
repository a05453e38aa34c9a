#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: s3_artifact_bucket_info
short_description: The S3 buckets a deployment owns
version_added: 0.1.0
description:
  - Lists the buckets whose C(refarch:deployment) tag equals O(deployment), with their settings;
    teardown uses it to find what to delete by the ownership tag only.
author:
  - refarch.aws maintainers (@refarch)
options:
  deployment:
    description: The deployment whose buckets to list.
    type: str
    default: refarch
  name_prefix:
    description: Only buckets whose name starts with this (saves a tag lookup per other bucket).
    type: str
    default: ""
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.read_only
"""

EXAMPLES = r"""
- name: Buckets of this deployment
  refarch.aws.s3_artifact_bucket_info:
    deployment: refarch
  register: buckets
"""

RETURN = r"""
buckets:
  description: The deployment's buckets.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Bucket name., type: str}
    tags: {description: Tags., type: dict}
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import s3
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(deployment=dict(type="str", default="refarch"), name_prefix=dict(type="str", default="")),
        supports_check_mode=True,
    )
    client = aws_client(module, "s3")
    buckets = []
    try:
        for name in s3.list_bucket_names(client):
            if not name.startswith(module.params["name_prefix"]):
                continue
            tags = s3.get_tags(client, name)
            if is_owned(tags, module.params["deployment"]):
                buckets.append(dict(name=name, tags=tags))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="listing S3 buckets")
    module.exit_json(changed=False, buckets=buckets)


if __name__ == "__main__":
    main()
