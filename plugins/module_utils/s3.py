# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pipeline's artifact bucket: versioned, encrypted, public access blocked, tagged.

amazon.aws ``s3_bucket`` has no check mode (measured: ansible skips it under ``--check``), so
this is our own, small on purpose: only the settings an artifact store needs.
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils.client import retry_decorator

BLOCK_ALL = dict(BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)


def tags_to_dict(tags):
    return boto3_tag_list_to_ansible_dict(tags or [])


def dict_to_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, "Key", "Value")


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
        tags = tags_to_dict(tagging.get("TagSet"))
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
    try:
        return tags_to_dict(client.get_bucket_tagging(Bucket=name, aws_retry=True).get("TagSet"))
    except is_boto3_error_code(["NoSuchTagSet", "NoSuchBucket"]):
        return {}


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
        client.put_bucket_tagging(Bucket=name, Tagging=dict(TagSet=dict_to_tags(desired)), aws_retry=True)


def object_versions(client, name):
    """Every object version and delete marker: ``[{Key, VersionId}]``."""
    found = []
    kwargs = dict(Bucket=name)
    while True:
        page = client.list_object_versions(aws_retry=True, **kwargs)
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            found.append(dict(Key=item["Key"], VersionId=item["VersionId"]))
        if not page.get("IsTruncated"):
            return found
        kwargs = dict(Bucket=name, KeyMarker=page.get("NextKeyMarker"), VersionIdMarker=page.get("NextVersionIdMarker"))


def empty_bucket(client, name):
    """Delete every object version and delete marker; returns how many."""
    versions = object_versions(client, name)
    for start in range(0, len(versions), 1000):
        client.delete_objects(
            Bucket=name, Delete=dict(Objects=versions[start : start + 1000], Quiet=True), aws_retry=True
        )
    return len(versions)


def delete_bucket(client, name):
    client.delete_bucket(Bucket=name, aws_retry=True)


def object_exists(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key, aws_retry=True)
    except is_boto3_error_code(["404", "NoSuchKey", "NotFound"]):
        return False
    return True


def put_object(client, bucket, key, body):
    client.put_object(Bucket=bucket, Key=key, Body=body, aws_retry=True)
