import botocore.exceptions
import pytest
from ansible_collections.refarch.aws.plugins.module_utils import runner, s3

from .stubbed import stubbed

OWNED = {"refarch:deployment": "refarch"}


def test_build_bucket_blocks_everything_public():
    desired = s3.build_bucket("b", "AES256", None, OWNED)
    assert desired["versioning"] == "Enabled"
    assert desired["encryption"] == {"SSEAlgorithm": "AES256"}
    assert set(desired["public_access_block"].values()) == {True}


def test_kms_key_goes_into_the_rule():
    assert s3.build_bucket("b", "aws:kms", "key", OWNED)["encryption"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": "key",
    }


@pytest.mark.parametrize(
    "current, expected",
    [
        (None, ["versioning", "encryption", "public_access_block", "tags"]),
        (
            dict(
                versioning="Enabled",
                encryption={"SSEAlgorithm": "AES256"},
                public_access_block=s3.BLOCK_ALL,
                tags=OWNED,
            ),
            [],
        ),
        (
            dict(
                versioning="Suspended",
                encryption={"SSEAlgorithm": "AES256"},
                public_access_block=s3.BLOCK_ALL,
                tags=OWNED,
            ),
            ["versioning"],
        ),
        (
            dict(versioning="Enabled", encryption={}, public_access_block={}, tags={}),
            ["encryption", "public_access_block", "tags"],
        ),
    ],
)
def test_bucket_changes(current, expected):
    assert s3.bucket_changes(s3.build_bucket("b", "AES256", None, OWNED), current) == expected


def test_get_bucket_of_a_bare_bucket():
    client, stub = stubbed("s3")
    stub.add_client_error("get_bucket_tagging", "NoSuchTagSet", "none", expected_params={"Bucket": "b"})
    stub.add_response("get_bucket_versioning", {}, {"Bucket": "b"})
    stub.add_client_error("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError", "none")
    stub.add_client_error("get_public_access_block", "NoSuchPublicAccessBlockConfiguration", "none")
    with stub:
        assert s3.get_bucket(client, "b") == dict(
            name="b", versioning="Disabled", encryption={}, public_access_block={}, tags={}
        )


def test_get_bucket_reads_the_tags_first_and_makes_no_head_bucket_call():
    client, stub = stubbed("s3")
    stub.add_response("get_bucket_tagging", {"TagSet": [{"Key": "refarch:deployment", "Value": "refarch"}]})
    stub.add_response("get_bucket_versioning", {"Status": "Enabled"})
    rules = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": rules})
    stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": s3.BLOCK_ALL})
    with stub:
        bucket = s3.get_bucket(client, "b")
    assert bucket == s3.build_bucket("b", "AES256", None, OWNED)


def test_missing_bucket_is_none_after_one_call_without_retries():
    client, stub = stubbed("s3")
    stub.add_client_error("get_bucket_tagging", "NoSuchBucket", "The specified bucket does not exist", 404)
    with stub:
        assert s3.get_bucket(client, "b") is None
    stub.assert_no_pending_responses()


def test_another_accounts_bucket_raises_access_denied():
    client, stub = stubbed("s3")
    stub.add_client_error("get_bucket_tagging", "AccessDenied", "Access Denied", 403)
    with stub, pytest.raises(botocore.exceptions.ClientError, match="AccessDenied"):
        s3.get_bucket(client, "b")


def test_empty_bucket_deletes_every_version_and_marker_across_pages():
    client, stub = stubbed("s3")
    stub.add_response(
        "list_object_versions",
        {
            "Versions": [{"Key": "a", "VersionId": "1"}, {"Key": "a", "VersionId": "2"}],
            "IsTruncated": True,
            "NextKeyMarker": "a",
            "NextVersionIdMarker": "2",
        },
        {"Bucket": "b"},
    )
    stub.add_response(
        "list_object_versions",
        {"DeleteMarkers": [{"Key": "c", "VersionId": "3"}], "IsTruncated": False},
        {"Bucket": "b", "KeyMarker": "a", "VersionIdMarker": "2"},
    )
    stub.add_response(
        "delete_objects",
        {},
        {
            "Bucket": "b",
            "Delete": {
                "Objects": [
                    {"Key": "a", "VersionId": "1"},
                    {"Key": "a", "VersionId": "2"},
                    {"Key": "c", "VersionId": "3"},
                ],
                "Quiet": True,
            },
        },
    )
    with stub:
        s3.empty_bucket(client, "b", s3.object_versions(client, "b"))
    stub.assert_no_pending_responses()


def test_put_setting_tags():
    client, stub = stubbed("s3")
    stub.add_response(
        "put_bucket_tagging",
        {},
        {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "refarch:deployment", "Value": "refarch"}]}},
    )
    with stub:
        s3.put_setting(client, "b", "tags", OWNED)
    stub.assert_no_pending_responses()


TASK = dict(name="b", state="present", encryption="AES256", kms_key_id=None, deployment="refarch", tags=None)


def bucket_as_built(stub, tags):
    stub.add_response("get_bucket_tagging", {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    stub.add_response("get_bucket_versioning", {"Status": "Enabled"})
    rules = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": rules})
    stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": s3.BLOCK_ALL})


def test_check_mode_absent_counts_what_the_delete_would_remove():
    client, stub = stubbed("s3")
    bucket_as_built(stub, OWNED)
    stub.add_response("list_object_versions", {"Versions": [{"Key": "a", "VersionId": "1"}]}, {"Bucket": "b"})
    params = dict(TASK, state="absent")
    with stub:
        result = runner.execute(s3.BucketService({"s3": client}, params), params, True)
    stub.assert_no_pending_responses()
    assert result["changed"] and result["deleted_objects"] == 1 and result["bucket"] == {}


def test_a_bucket_not_ours_is_refused_before_its_objects_are_listed():
    client, stub = stubbed("s3")
    bucket_as_built(stub, {"refarch:deployment": "other"})
    params = dict(TASK, state="absent")
    with stub, pytest.raises(runner.Refused, match="it is not ours"):
        runner.execute(s3.BucketService({"s3": client}, params), params, False)
    stub.assert_no_pending_responses()


def test_a_tag_change_puts_the_tags_only():
    client, stub = stubbed("s3")
    bucket_as_built(stub, dict(OWNED, team="old"))
    tagging = {"TagSet": [{"Key": "team", "Value": "web"}, {"Key": "refarch:deployment", "Value": "refarch"}]}
    stub.add_response("put_bucket_tagging", {}, {"Bucket": "b", "Tagging": tagging})
    params = dict(TASK, tags={"team": "web"})
    with stub:
        result = runner.execute(s3.BucketService({"s3": client}, params), params, False)
    stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["tags"] and result["bucket"]["tags"] == dict(OWNED, team="web")


def test_another_accounts_bucket_is_refused_saying_so():
    client, stub = stubbed("s3")
    stub.add_client_error("get_bucket_tagging", "AccessDenied", "Access Denied", 403)
    with stub, pytest.raises(runner.Refused, match="may be another account's"):
        runner.execute(s3.BucketService({"s3": client}, TASK), TASK, False)
