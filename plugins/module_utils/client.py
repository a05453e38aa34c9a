# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""boto3 clients with jittered-backoff retries, and a polling wait with a timeout.

amazon.aws AWSRetry.jittered_backoff retries throttling and the usual transient errors; we widen
it to the extra codes AWS returns while a just-created resource propagates (``catch_extra_error_codes``
per call site) and give it a patient default, because a deployment makes bursts of calls.
"""

from __future__ import absolute_import, division, print_function

import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper

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
    """A client whose calls retry with jittered backoff when made with ``aws_retry=True``.

    The boto3 client behind it is made at its first use, and once per service per module run:
    making one costs a module process about 0.1 s (a new session, the service's model and endpoint
    rules; docs/benchmark.md), which a module pays for nothing when its path (a no-op, check mode)
    never uses a client it holds, or when it asks for the same service twice."""
    return LazyClient(lambda: _boto3_client(module, service), retry_decorator(extra_error_codes))


def _boto3_client(module, service):
    clients = vars(module).setdefault("_refarch_boto3_clients", {})
    if service not in clients:
        clients[service] = module.client(service)
    return clients[service]


class LazyClient(object):
    """A RetryingBotoClientWrapper whose client ``make()`` makes when an attribute is first asked for."""

    def __init__(self, make, retry):
        self._make = make
        self._retry = retry
        self._wrapped = None

    def __getattr__(self, name):
        if self._wrapped is None:
            self._wrapped = RetryingBotoClientWrapper(self._make(), self._retry)
        return getattr(self._wrapped, name)


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


def retry_until_role_propagates(call, answers, timeout=90, delay=5, sleep=time.sleep, clock=time.monotonic):
    """``call()``, retried while AWS answers that a new or changed IAM role is not usable yet.

    A role (or instance profile) created or changed seconds ago is known to IAM but not yet assumable
    by the service, which rejects it with its own error. ``answers`` maps each error code AWS gives
    for this to the parts of its message that say so (``{code: (part, ...)}``); any other error is
    raised at once, the last propagation error after ``timeout`` seconds.
    """
    return retry_while(
        call,
        lambda code, message: any(part in message for part in answers.get(code, ())),
        timeout,
        delay=delay,
        sleep=sleep,
        clock=clock,
    )


class LaterAnswer(Exception):
    """An answer AWS gives after the call itself succeeded, outside its response — an Elastic Beanstalk
    environment's events say its launch failed — as ``code`` (None: AWS gives none) and ``message``;
    :func:`retry_while` treats it like a ClientError."""

    def __init__(self, code, message):
        super(LaterAnswer, self).__init__(message)
        self.code = code
        self.message = message


def retry_while(call, retryable, timeout, delay=5, sleep=None, clock=None):
    """``call()``, retried while the ClientError (or LaterAnswer) it raises is ``retryable(code,
    message)`` — a state AWS documents as passing (a resource not yet propagated, a dependency not yet
    released) — for up to ``timeout`` seconds; any other error, or the same one past the deadline, is
    raised."""
    import botocore.exceptions

    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = clock() + timeout
    while True:
        try:
            return call()
        except (botocore.exceptions.ClientError, LaterAnswer) as error:
            if isinstance(error, LaterAnswer):
                code, message = error.code, error.message
            else:
                details = error.response.get("Error", {})
                code, message = details.get("Code"), details.get("Message", "")
            if not retryable(code, message) or clock() >= deadline:
                raise
        sleep(min(delay, max(0.0, deadline - clock())))
