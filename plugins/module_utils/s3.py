# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pipeline's artifact bucket: versioned, encrypted, public access blocked, tagged.

amazon.aws ``s3_bucket`` has no check mode (measured: ansible skips it under ``--check``), so
this is our own, small on purpose: only the settings an artifact store needs.
"""

from __future__ import absolute_import, division, print_function

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate, retry_decorator
from ansible_collections.refarch.aws.plugins.module_utils.ownership import is_owned

BLOCK_ALL = dict(BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)


def build_bucket(name, encryption, kms_key_id, tags):
    rule = dict(SSEAlgorithm=encryption)
    if encryption == "aws:kms" and kms_key_id:
        rule["KMSMasterKeyID"] = kms_key_id
    return dict(name=name, versioning="Enabled", encryption=rule, public_access_block=dict(BLOCK_ALL), tags=tags)


def bucket_changes(desired, current):
    """Attribute names that differ (each has its own Put call)."""
    if current is None:
        return ["versioning", "encryption", "public_access_block", "tags"]
    return [key for key in ("versioning", "encryption", "public_access_block", "tags") if desired[key] != current[key]]


def get_bucket(client, name):
    """The bucket's settings in the shape of :func:`build_bucket`, or None when it does not exist.

    The tags are read first and answer "is there such a bucket" too (``NoSuchBucket``; another
    account's bucket answers 403 ``AccessDenied``, raised): no HeadBucket call of its own. That read
    retries throttling only, not ``NoSuchBucket``, which the module's client retries for a bucket
    that was just created.
    """
    try:
        tagging = retry_decorator()(client.get_bucket_tagging)(Bucket=name)
        tags = boto3_tag_list_to_ansible_dict(tagging.get("TagSet") or [])
    except is_boto3_error_code("NoSuchTagSet"):
        tags = {}
    except is_boto3_error_code(["NoSuchBucket", "404", "NotFound"]):
        return None
    versioning = client.get_bucket_versioning(Bucket=name, aws_retry=True).get("Status", "Disabled")
    try:
        rules = client.get_bucket_encryption(Bucket=name, aws_retry=True)["ServerSideEncryptionConfiguration"]["Rules"]
        encryption = rules[0]["ApplyServerSideEncryptionByDefault"] if rules else {}
    except is_boto3_error_code("ServerSideEncryptionConfigurationNotFoundError"):
        encryption = {}
    try:
        block = client.get_public_access_block(Bucket=name, aws_retry=True)["PublicAccessBlockConfiguration"]
    except is_boto3_error_code("NoSuchPublicAccessBlockConfiguration"):
        block = {}
    return dict(name=name, versioning=versioning, encryption=encryption, public_access_block=block, tags=tags)


def get_tags(client, name):
    """The bucket's tags, or None when there is no such bucket."""
    try:
        return boto3_tag_list_to_ansible_dict(
            client.get_bucket_tagging(Bucket=name, aws_retry=True).get("TagSet") or []
        )
    except is_boto3_error_code("NoSuchTagSet"):
        return {}
    except is_boto3_error_code("NoSuchBucket"):
        return None


def list_bucket_names(client):
    return [b["Name"] for b in client.list_buckets(aws_retry=True).get("Buckets", [])]


def create_bucket(client, name, region):
    kwargs = dict(Bucket=name)
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = dict(LocationConstraint=region)
    client.create_bucket(aws_retry=True, **kwargs)


def put_setting(client, name, key, desired):
    if key == "versioning":
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration=dict(Status=desired), aws_retry=True)
    elif key == "encryption":
        client.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration=dict(Rules=[dict(ApplyServerSideEncryptionByDefault=desired)]),
            aws_retry=True,
        )
    elif key == "public_access_block":
        client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=desired, aws_retry=True)
    elif key == "tags":
        client.put_bucket_tagging(
            Bucket=name, Tagging=dict(TagSet=ansible_dict_to_boto3_tag_list(desired, "Key", "Value")), aws_retry=True
        )


def object_versions(client, name):
    """Every object version and delete marker: ``[{Key, VersionId}]``."""
    listed = paginate(client, "list_object_versions", Bucket=name)
    return [
        dict(Key=item["Key"], VersionId=item["VersionId"])
        for item in listed.get("Versions", []) + listed.get("DeleteMarkers", [])
    ]


def empty_bucket(client, name, versions):
    """Delete ``versions`` (:func:`object_versions`, every object version and delete marker)."""
    for start in range(0, len(versions), 1000):
        client.delete_objects(
            Bucket=name, Delete=dict(Objects=versions[start : start + 1000], Quiet=True), aws_retry=True
        )


def delete_bucket(client, name):
    client.delete_bucket(Bucket=name, aws_retry=True)


NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class BucketService(runner.Service):
    """The artifact bucket an ``s3_artifact_bucket`` task describes, on the runner. Each setting has
    its own Put call, so a setting is compared whole and put when it differs."""

    kind = "S3 bucket"
    result_key = "bucket"
    client_names = ("s3",)
    # A bucket created moments ago may answer NoSuchBucket to the calls that set it up.
    extra_error_codes = {"s3": ["NoSuchBucket"]}

    @staticmethod
    def validate(params):
        if not NAME.fullmatch(params["name"]):
            return ["name: %r must be 3-63 lower-case letters, digits, dots, hyphens" % params["name"]]
        return []

    def read(self):
        try:
            current = get_bucket(self.client, self.name())
        except is_boto3_error_code(["AccessDenied", "403"]) as e:
            raise runner.Refused(
                "S3 bucket %s: access denied (%s); bucket names are global, so it may be another account's"
                % (self.name(), e)
            ) from e
        if self.params["state"] == "absent":
            # What a delete removes first, counted in check mode too; a bucket not ours is never listed.
            ours = current is not None and is_owned(current["tags"], self.params["deployment"])
            self.versions = object_versions(self.client, self.name()) if ours else []
            self.extra_result["deleted_objects"] = len(self.versions)
        return current

    def desired(self, current, tags):
        return build_bucket(self.name(), self.params["encryption"], self.params["kms_key_id"], tags)

    def plan(self, desired, current):
        return [key for key in bucket_changes(desired, current) if key != "tags"]

    def predict(self, desired, current):
        return dict(desired)

    def create(self, desired):
        create_bucket(self.client, self.name(), self.client.meta.region_name)
        for key in bucket_changes(desired, None):
            put_setting(self.client, self.name(), key, desired[key])
        return dict(desired)

    def update(self, desired, current, changes, tag_changes):
        for key in changes:
            put_setting(self.client, self.name(), key, desired[key])
        return dict(desired)

    def delete(self, current):
        empty_bucket(self.client, self.name(), self.versions)
        delete_bucket(self.client, self.name())


class BucketsInfo(runner.InfoService):
    """The buckets an ``s3_artifact_bucket_info`` task lists: name and tags."""

    kind = "S3 buckets"
    result_key = "buckets"
    client_names = ("s3",)

    def by_name(self, name):
        tags = get_tags(self.client, name)
        return None if tags is None else dict(name=name, tags=tags)

    def list_all(self):
        # ListBuckets has no tags: read them only for the buckets the prefix selects.
        prefix = self.params["name_prefix"]
        return [self.by_name(name) for name in list_bucket_names(self.client) if name.startswith(prefix)]


def object_exists(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key, aws_retry=True)
    except is_boto3_error_code(["404", "NoSuchKey", "NotFound"]):
        return False
    return True


def put_object(client, bucket, key, body):
    client.put_object(Bucket=bucket, Key=key, Body=body, aws_retry=True)
