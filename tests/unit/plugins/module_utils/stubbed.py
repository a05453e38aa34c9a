"""A boto3 client behind botocore's Stubber, wrapped as AnsibleAWSModule wraps it (``aws_retry=``)."""

import boto3
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.refarch.aws.plugins.module_utils.client import retry_decorator
from botocore.stub import Stubber


def stubbed(service):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    return RetryingBotoClientWrapper(client, retry_decorator()), stubber
