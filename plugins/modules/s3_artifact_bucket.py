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
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.common.ownership
  - refarch.aws.common.managed_resource
"""

EXAMPLES = r"""
- name: Artifact bucket of the pipeline
  refarch.aws.s3_artifact_bucket:
    name: refarch-pipeline-artifacts-123456789012
    deployment: refarch

- name: Empty it (all object versions) and delete it
  refarch.aws.s3_artifact_bucket:
    name: refarch-pipeline-artifacts-123456789012
    state: absent
"""

RETURN = r"""
bucket:
  description: The bucket's settings; empty when absent.
  returned: always
  type: dict
  contains:
    name: {description: Bucket name., type: str, returned: when present}
    versioning: {description: Versioning status., type: str, returned: when present}
    encryption: {description: Default encryption rule., type: dict, returned: when present}
    public_access_block: {description: Public access block configuration., type: dict, returned: when present}
    tags: {description: Tags., type: dict, returned: when present}
deleted_objects:
  description: How many object versions and delete markers were (or would be) deleted.
  returned: when O(state=absent)
  type: int
"""

import re

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports it

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import s3
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client
from ansible_collections.refarch.aws.plugins.module_utils.diffing import diff_result
from ansible_collections.refarch.aws.plugins.module_utils.ownership import (
    OWNERSHIP_ARGUMENT_SPEC,
    desired_tags,
    is_owned,
    not_ours_message,
)


def run(module, client):
    params = module.params
    name = params["name"]
    current = s3.get_bucket(client, name)
    if current is not None and not is_owned(current["tags"], params["deployment"]):
        module.fail_json(msg=not_ours_message("bucket", name, params["deployment"]))
    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, bucket={}, deleted_objects=0, diff=diff_result(None, None))
        if module.check_mode:
            count = len(s3.object_versions(client, name))
        else:
            count = s3.empty_bucket(client, name)
            s3.delete_bucket(client, name)
        return dict(changed=True, bucket={}, deleted_objects=count, diff=diff_result(current, None))

    desired = s3.build_bucket(
        name, params["encryption"], params["kms_key_id"], desired_tags(params["deployment"], params["tags"])
    )
    changes = s3.bucket_changes(desired, current)
    if changes and not module.check_mode:
        if current is None:
            s3.create_bucket(client, name, module.region)
        for key in changes:
            s3.put_setting(client, name, key, desired[key])
    return dict(changed=bool(changes), bucket=desired, diff=diff_result(current, desired))


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        encryption=dict(type="str", choices=["AES256", "aws:kms"], default="AES256"),
        kms_key_id=dict(type="str"),
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", module.params["name"]):
        module.fail_json(msg="name: %r must be 3-63 lower-case letters, digits, dots, hyphens" % module.params["name"])
    client = aws_client(module, "s3", extra_error_codes=["NoSuchBucket"])
    try:
        result = run(module, client)
    except is_boto3_error_code(["AccessDenied", "403"]) as e:
        module.fail_json_aws(
            e,
            msg="S3 bucket %s: access denied; bucket names are global, so it may be another account's"
            % module.params["name"],
        )
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="S3 bucket %s" % module.params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
