#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: s3_artifact_bucket
short_description: An S3 bucket for pipeline artifacts, versioned, encrypted and private
version_added: 0.1.0
description:
  - Creates an S3 bucket with versioning enabled, default server-side encryption, every public
    access block set, and the ownership tag; brings an existing bucket of ours to that state.
  - With O(state=absent) deletes every object version and delete marker first, then the bucket.
  - Written because M(amazon.aws.s3_bucket) has no check mode (Ansible skips it under C(--check)),
    so a check run of a deployment could not say what it would change.
  - An existing bucket without our ownership tag is never changed or deleted; the module fails.
author:
  - refarch.aws maintainers (@refarch)
options:
  name:
    description: Name of the bucket.
    type: str
    required: true
  state:
    description: Whether the bucket should exist.
    type: str
    choices: [present, absent]
    default: present
  encryption:
    description: Default server-side encryption algorithm.
    type: str
    choices: [AES256, aws:kms]
    default: AES256
  kms_key_id:
    description: KMS key for O(encryption=aws:kms); the AWS managed key when not set.
    type: str
seealso:
  - module: amazon.aws.s3_bucket
    description: The stock module this one is written instead of (see the description for why).
  - module: refarch.aws.s3_artifact_bucket_info
    description: The information side of the same resource.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.tags
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Artifact bucket of the pipeline
  refarch.aws.s3_artifact_bucket:
    name: refarch-webapp-artifacts-123456789012-us-east-1
    deployment: refarch

- name: Empty it (all object versions) and delete it
  refarch.aws.s3_artifact_bucket:
    name: refarch-webapp-artifacts-123456789012-us-east-1
    state: absent
"""

RETURN = r"""
changed_keys:
  description: >-
    The settings that differed (C(versioning), C(encryption), C(public_access_block), C(tags));
    empty when none.
  returned: always
  type: list
  elements: str
  sample: [encryption, tags]
bucket:
  description: The bucket's settings (those asked for, in check mode); empty when absent.
  returned: always
  type: dict
  sample:
    name: "refarch-webapp-artifacts-123456789012-us-east-1"
    versioning: Enabled
    encryption:
      SSEAlgorithm: aws:kms
      KMSMasterKeyID: alias/aws/s3
    public_access_block:
      BlockPublicAcls: true
      IgnorePublicAcls: true
      BlockPublicPolicy: true
      RestrictPublicBuckets: true
    tags:
      refarch:deployment: refarch
      refarch:stack: beanstalk_codepipeline
  contains:
    name:
      description: Bucket name.
      returned: when present
      type: str
      sample: refarch-webapp-artifacts-123456789012-us-east-1
    versioning:
      description: Versioning status (C(Enabled), C(Suspended), C(Disabled) when never set).
      returned: when present
      type: str
      sample: Enabled
    encryption:
      description:
        - Default encryption rule in the API's shape (C(SSEAlgorithm), and C(KMSMasterKeyID) for C(aws:kms)
          with a key given); empty when the bucket has none.
      returned: when present
      type: dict
      sample: {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}
    public_access_block:
      description: Public access block configuration, in the API's shape; empty when the bucket has none.
      returned: when present
      type: dict
      sample: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
    tags:
      description: Tags, the ownership tag included.
      returned: when present
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "beanstalk_codepipeline"}
deleted_objects:
  description: How many object versions and delete markers were (or would be) deleted.
  returned: when O(state=absent)
  type: int
  sample: 12
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.s3 import BucketService


def main():
    options = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        encryption=dict(type="str", choices=["AES256", "aws:kms"], default="AES256"),
        kms_key_id=dict(type="str"),
    )
    runner.run(BucketService, options)


if __name__ == "__main__":
    main()
