# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""boto3 clients with jittered-backoff retries, and a polling wait with a timeout.

amazon.aws AWSRetry.jittered_backoff retries throttling and the usual transient errors; we widen
it to the extra codes AWS returns while a just-created resource propagates (``catch_extra_error_codes``
per call site) and give it a patient default, because a deployment makes bursts of calls.
"""

from __future__ import absolute_import, division, print_function

import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRIES = 10
DELAY = 1
MAX_DELAY = 30
# Throttling as the JSON-protocol services (SQS, Step Functions, CodeBuild, CodePipeline, Logs) and S3
# name it; AWSRetry's own list only has the query-protocol names (Throttling, RequestLimitExceeded).
THROTTLING_CODES = ["ThrottlingException", "SlowDown", "RequestThrottled", "TooManyRequests"]


def retry_decorator(extra_error_codes=None):
    return AWSRetry.jittered_backoff(
        retries=RETRIES,
        delay=DELAY,
        max_delay=MAX_DELAY,
        catch_extra_error_codes=THROTTLING_CODES + list(extra_error_codes or []),
    )


def paginate(client, operation, **kwargs):
    """Every page of a paginated read, merged; retried as a whole like any other call
    (a paginator's calls do not go through ``aws_retry``)."""

    @retry_decorator()
    def _all_pages():
        return client.get_paginator(operation).paginate(**kwargs).build_full_result()

    return _all_pages()


def aws_client(module, service, extra_error_codes=None):
    """A client whose calls retry with jittered backoff when made with ``aws_retry=True``."""
    return module.client(service, retry_decorator=retry_decorator(extra_error_codes))


def identity_of(response):
    """Account, partition, ARN and user id from a GetCallerIdentity response."""
    return dict(
        account=response["Account"],
        partition=response["Arn"].split(":")[1],
        arn=response["Arn"],
        user_id=response["UserId"],
    )


def caller_identity(sts_client):
    """Who the credentials in use are (see :func:`identity_of`): one sts:GetCallerIdentity call."""
    return identity_of(sts_client.get_caller_identity(aws_retry=True))


class WaitTimeout(Exception):
    """Raised by :func:`wait_for` when the condition does not hold in time; the message says what."""


def wait_for(fetch, done, timeout, what, delay=5, failed=None, sleep=time.sleep, clock=time.monotonic):
    """Poll ``fetch()`` until ``done(result)``; return the last result.

    ``failed(result)`` may return a message to stop early (a terminal bad state).
    """
    deadline = clock() + timeout
    while True:
        result = fetch()
        if done(result):
            return result
        if failed is not None:
            message = failed(result)
            if message:
                raise WaitTimeout("%s: %s" % (what, message))
        if clock() >= deadline:
            raise WaitTimeout("timed out after %ss waiting for %s" % (timeout, what))
        sleep(min(delay, max(0.0, deadline - clock())))


def retry_while(call, retryable, timeout=90, delay=5, sleep=time.sleep, clock=time.monotonic):
    """``call()``, again every ``delay`` seconds while what it raises is ``retryable(error)``, for at
    most ``timeout`` seconds; any other error, or the same one once the time is up, is raised."""
    deadline = clock() + timeout
    while True:
        try:
            return call()
        except Exception as error:
            if not retryable(error) or clock() >= deadline:
                raise
        sleep(delay)


def role_not_yet_usable(codes):
    """Whether a ClientError says a new IAM role is not usable yet: one of ``codes`` with a message
    naming AssumeRole or the profile (CodeBuild, CodePipeline and Elastic Beanstalk word it so)."""
    import botocore.exceptions

    def retryable(error):
        if not isinstance(error, botocore.exceptions.ClientError):
            return False
        details = error.response.get("Error", {})
        message = details.get("Message", "")
        propagating = "AssumeRole" in message or "not authorized" in message or "IamInstanceProfile" in message
        return details.get("Code") in codes and propagating

    return retryable


def retry_until_role_propagates(call, codes, timeout=90, delay=5, sleep=time.sleep, clock=time.monotonic):
    """``call()``, retried while AWS answers one of ``codes`` because a new IAM role is not usable yet.

    A role (or instance profile) created seconds ago is known to IAM but not yet assumable, and
    CodeBuild, CodePipeline and Elastic Beanstalk reject it with a validation error that names
    AssumeRole or the profile. Only those messages are retried; any other error is raised at once.
    """
    return retry_while(call, role_not_yet_usable(codes), timeout, delay, sleep, clock)
