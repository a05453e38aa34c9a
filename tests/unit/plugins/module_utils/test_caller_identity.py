import pytest
from ansible_collections.refarch.aws.plugins.module_utils.client import identity_of


@pytest.mark.parametrize(
    ("arn", "partition"),
    [
        ("arn:aws:sts::123456789012:assumed-role/deployer/session", "aws"),
        ("arn:aws-cn:iam::123456789012:user/deployer", "aws-cn"),
        ("arn:aws-us-gov:iam::123456789012:root", "aws-us-gov"),
    ],
)
def test_identity_takes_the_partition_from_the_arn(arn, partition):
    response = {"Account": "123456789012", "Arn": arn, "UserId": "AIDAEXAMPLE", "ResponseMetadata": {}}
    assert identity_of(response) == dict(account="123456789012", partition=partition, arn=arn, user_id="AIDAEXAMPLE")
