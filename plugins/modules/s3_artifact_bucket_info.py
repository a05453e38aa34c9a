#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: s3_artifact_bucket_info
short_description: S3 buckets, by name, name prefix, tags or owning deployment
version_added: 0.1.0
description:
  - Lists the buckets that O(name), O(name_prefix), O(tags) and O(deployment) select, with their
    tags; teardown uses it to find what to delete by the ownership tag only.
author:
  - refarch.aws maintainers (@refarch)
options:
  name_prefix:
    description: Only buckets whose name starts with this (saves a tag lookup per other bucket).
    type: str
    default: ""
seealso:
  - module: refarch.aws.s3_artifact_bucket
    description: The managing side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
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
  description: The buckets found, each with its name and tags only.
  returned: always
  type: list
  sample:
    - name: "refarch-webapp-artifacts-123456789012-us-east-1"
      tags:
        refarch:deployment: refarch
        refarch:stack: beanstalk_codepipeline
  elements: dict
  contains:
    name:
      description: Bucket name.
      returned: always
      type: str
      sample: refarch-webapp-artifacts-123456789012-us-east-1
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.s3 import BucketsInfo


def main():
    runner.run_info(BucketsInfo, dict(name_prefix=dict(type="str", default="")))


if __name__ == "__main__":
    main()
