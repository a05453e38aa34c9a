# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lambda functions and event source mappings: API calls and pure build/compare functions.

The deployment package is built here, deterministically: entries in name order, a fixed timestamp,
fixed permissions and compression, so unchanged sources give the same bytes, the same SHA-256 and
therefore the same ``CodeSha256`` Lambda reports - that is how the code is compared.
"""

from __future__ import absolute_import, division, print_function

import base64
import hashlib
import io
import os
import re
import time
import zipfile

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.refarch.aws.plugins.module_utils import diffing, logs, ownership, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import (
    retry_until_role_propagates,
    retry_while,
    wait_for,
)

# Lambda refuses an update while the previous one is in progress (ResourceConflictException).
EXTRA_RETRY_CODES = ["ResourceConflictException", "TooManyRequestsException"]
# A just-created (or changed) IAM role is not assumable by Lambda for a few seconds: CreateFunction and
# UpdateFunctionConfiguration answer InvalidParameterValueException "The role defined for the function
# cannot be assumed by Lambda." A mapping created right after the role's policy answers
# InvalidParameterValueException "The provided execution role does not have permissions to call
# ReceiveMessage on SQS" (or DeleteMessage / GetQueueAttributes). terraform-provider-aws retries exactly
# these messages for its IAM propagation timeout (2 min); any other InvalidParameterValueException is
# a real input error, raised at once.
ROLE_NOT_READY_MESSAGE = "cannot be assumed by Lambda"
ROLE_NOT_READY = {"InvalidParameterValueException": (ROLE_NOT_READY_MESSAGE,)}
MAPPING_ROLE_NOT_READY = {
    "InvalidParameterValueException": (ROLE_NOT_READY_MESSAGE, "execution role does not have permissions to call")
}
ROLE_READY_TIMEOUT = 120
ROLE_READY_DELAY = 5
# A mapping that is Creating, Updating, Enabling, Disabling or Deleting refuses another change:
# ResourceInUseException "Cannot update (delete) the event source mapping because it is in use."
MAPPING_BUSY_CODE = "ResourceInUseException"
MAPPING_BUSY_MESSAGE = "event source mapping because it is in use"
MAPPING_BUSY_TIMEOUT = 300  # terraform-provider-aws waits 5 min for a delete
MAPPING_BUSY_DELAY = 3

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
ZIP_FILE_MODE = 0o644

# normalized key -> Lambda configuration key
CONFIG_KEYS = {
    "runtime": "Runtime",
    "handler": "Handler",
    "role": "Role",
    "description": "Description",
    "timeout": "Timeout",
    "memory_size": "MemorySize",
}


# --------------------------------------------------------------------------- deployment package


def build_zip(entries):
    """A zip of ``entries`` (archive name -> bytes) that depends on nothing but names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.external_attr = ZIP_FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def read_sources(paths):
    """archive name (file base name) -> bytes; a duplicated base name is an error (ValueError)."""
    entries = {}
    for path in paths:
        name = os.path.basename(path)
        if name in entries:
            raise ValueError("source_files: two files are named %s" % name)
        with open(path, "rb") as handle:
            entries[name] = handle.read()
    return entries


def code_sha256(package):
    """What Lambda reports as ``CodeSha256`` for this package."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode("ascii")


# --------------------------------------------------------------------------- functions: pure


def normalize_function(configuration, tags):
    function = dict(
        function_name=configuration["FunctionName"],
        function_arn=configuration["FunctionArn"],
        code_sha256=configuration.get("CodeSha256"),
        code_size=configuration.get("CodeSize"),
        state=configuration.get("State"),
        last_update_status=configuration.get("LastUpdateStatus"),
        environment=dict((configuration.get("Environment") or {}).get("Variables") or {}),
        tags=dict(tags or {}),
    )
    for key, api_key in CONFIG_KEYS.items():
        function[key] = configuration.get(api_key)
    function["description"] = function["description"] or ""
    return function


def build_desired(params, sha256, tags):
    desired = dict((key, params.get(key)) for key in CONFIG_KEYS)
    desired["environment"] = params.get("environment")
    desired["code_sha256"] = sha256
    desired["tags"] = tags
    return desired


# UpdateFunctionConfiguration argument -> the normalized key it changes (``changed_keys``)
UPDATE_KEYS = dict((api_key, key) for key, api_key in CONFIG_KEYS.items())
UPDATE_KEYS["Environment"] = "environment"


def validate_function(params):
    """Messages naming each bad parameter; no API call."""
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", params["name"]):
        problems.append("name: %r must be 1-64 letters, digits, hyphens or underscores" % params["name"])
    if params.get("timeout") is not None and not 1 <= params["timeout"] <= 900:
        problems.append("timeout must be between 1 and 900 seconds")
    if params.get("memory_size") is not None and not 128 <= params["memory_size"] <= 10240:
        problems.append("memory_size must be between 128 and 10240 MB")
    problems.append(logs.check_retention("log_retention_days", params.get("log_retention_days")))
    return [p for p in problems if p]


def predicted(desired, current):
    """The function after ``desired`` is applied: every value set replaces the current one whole
    (the environment too: variables not listed are removed)."""
    after = dict(current or {})
    after.update((key, value) for key, value in desired.items() if value is not None)
    return after


def configuration_updates(desired, current):
    """Keyword arguments of UpdateFunctionConfiguration for what differs; {} when nothing does."""
    updates = {}
    for key, api_key in CONFIG_KEYS.items():
        want = desired.get(key)
        if want is not None and want != current.get(key):
            updates[api_key] = want
    environment = desired.get("environment")
    if environment is not None and environment != current.get("environment"):
        updates["Environment"] = dict(Variables=environment)
    return updates


def create_arguments(name, desired, package):
    arguments = dict(FunctionName=name, Code=dict(ZipFile=package), PackageType="Zip", Publish=False)
    for key, api_key in CONFIG_KEYS.items():
        if desired.get(key) is not None:
            arguments[api_key] = desired[key]
    if desired.get("environment"):
        arguments["Environment"] = dict(Variables=desired["environment"])
    arguments["Tags"] = desired["tags"]
    return arguments


def function_ready(function):
    """True once a function can be invoked and updated again."""
    return (
        function is not None
        and function.get("state") == "Active"
        and function.get("last_update_status") in (None, "Successful")
    )


def function_failed(function):
    if function is None:
        return "the function disappeared"
    if function.get("state") == "Failed" or function.get("last_update_status") == "Failed":
        return "the function is in state %s / last update %s" % (
            function.get("state"),
            function.get("last_update_status"),
        )
    return None


# --------------------------------------------------------------------------- functions: API


def get_function(client, name):
    try:
        response = client.get_function(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    return normalize_function(response["Configuration"], response.get("Tags"))


def list_functions(client):
    functions, kwargs = [], {}
    while True:
        page = client.list_functions(aws_retry=True, **kwargs)
        functions.extend(page.get("Functions", []))
        if not page.get("NextMarker"):
            return functions
        kwargs["Marker"] = page["NextMarker"]


def function_tags(client, arn):
    try:
        return client.list_tags(Resource=arn, aws_retry=True).get("Tags", {})
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def _while_role_propagates(call, answers, sleep, clock):
    return retry_until_role_propagates(
        call, answers, timeout=ROLE_READY_TIMEOUT, delay=ROLE_READY_DELAY, sleep=sleep, clock=clock
    )


def create_function(client, arguments, sleep=time.sleep, clock=time.monotonic):
    """CreateFunction, retried (bounded) while a just-created execution role propagates (about 10 s on AWS)."""
    return _while_role_propagates(
        lambda: client.create_function(aws_retry=True, **arguments), ROLE_NOT_READY, sleep, clock
    )


def update_configuration(client, name, updates, sleep=time.sleep, clock=time.monotonic):
    """UpdateFunctionConfiguration; a new ``Role`` is checked as at create, so it is retried the same way."""
    _while_role_propagates(
        lambda: client.update_function_configuration(FunctionName=name, aws_retry=True, **updates),
        ROLE_NOT_READY,
        sleep,
        clock,
    )


def update_code(client, name, package):
    client.update_function_code(FunctionName=name, ZipFile=package, Publish=False, aws_retry=True)


def update_tags(client, arn, to_set, to_remove):
    if to_remove:
        client.untag_resource(Resource=arn, TagKeys=to_remove, aws_retry=True)
    if to_set:
        client.tag_resource(Resource=arn, Tags=to_set, aws_retry=True)


def delete_function(client, name):
    try:
        client.delete_function(FunctionName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass


# --------------------------------------------------------------------------- functions: on the runner


class FunctionService(runner.Service):
    """The function of a ``lambda_function`` task, its code compared by the package's SHA-256; with
    ``log_retention_days`` (and always with ``state=absent``) its log group as a companion, kept
    before the function (Lambda would create it untagged) and deleted after it."""

    kind = "Lambda function"
    result_key = "function"
    client_names = ("lambda",)
    extra_error_codes = {"lambda": EXTRA_RETRY_CODES}
    waits = True

    validate = staticmethod(validate_function)

    def companions(self):
        params = self.params
        group = logs.LogGroupService(self.clients, params, logs.lambda_log_group_name(self.name()))
        if params["state"] == "absent":
            return (), (group,)
        return ((group,) if params.get("log_retention_days") is not None else ()), ()

    def read(self):
        return get_function(self.client, self.name())

    def load_package(self):
        params = self.params
        try:
            if params["source_files"]:
                return build_zip(read_sources(params["source_files"]))
            with open(params["zip_file"], "rb") as handle:
                return handle.read()
        except (OSError, ValueError) as e:
            raise runner.Refused("cannot read the function's code: %s" % e) from e

    def desired(self, current, tags):
        params = dict(self.params)
        if params.get("environment") is not None:
            params["environment"] = dict((str(k), str(v)) for k, v in params["environment"].items())
        self.package = self.load_package()
        return build_desired(params, code_sha256(self.package), tags)

    def plan(self, desired, current):
        self.updates = configuration_updates(desired, current)
        changes = [UPDATE_KEYS[api_key] for api_key in self.updates]
        if desired["code_sha256"] != current["code_sha256"]:
            changes.append("code_sha256")
        return sorted(changes)

    def predict(self, desired, current):
        if current is None:
            return diffing.drop_none(predicted(desired, dict(function_name=self.name())))
        return predicted(desired, current)

    def create(self, desired):
        arguments = create_arguments(self.name(), desired, self.package)
        return normalize_function(create_function(self.client, arguments), desired["tags"])

    def update(self, desired, current, changes, tag_changes):
        name, timeout = self.name(), self.params["wait_timeout"]
        if self.updates:
            self.wait(current, timeout)  # an update in progress from elsewhere
            update_configuration(self.client, name, self.updates)
        if "code_sha256" in changes:
            if self.updates:
                self.wait(None, timeout)  # Lambda takes one update at a time
            update_code(self.client, name, self.package)
        update_tags(self.client, current["function_arn"], tag_changes.set, tag_changes.remove)
        return get_function(self.client, name)

    def wait(self, resource, timeout):
        """Until the function is Active with its last update Successful (no call when it already is)."""
        if function_ready(resource) or not self.params["wait"]:
            return resource
        return wait_for(
            lambda: get_function(self.client, self.name()),
            function_ready,
            timeout,
            "function %s to be Active with its last update Successful" % self.name(),
            delay=2,
            failed=function_failed,
        )

    def delete(self, current):
        delete_function(self.client, self.name())


class FunctionsInfo(runner.InfoService):
    """The functions a ``lambda_function_info`` task lists, each with its event source mappings."""

    kind = "Lambda functions"
    result_key = "functions"
    client_names = ("lambda",)

    def with_mappings(self, function):
        if function is not None:
            function["event_source_mappings"] = list_mappings(self.client, function["function_name"])
        return function

    def by_name(self, name):
        return self.with_mappings(get_function(self.client, name))

    def list_all(self):
        """ListFunctions has no tags: each function's are read, and only a match's mappings."""
        functions = []
        for configuration in list_functions(self.client):
            tags = function_tags(self.client, configuration["FunctionArn"])
            if tags is not None and runner.matches_filter(dict(tags=tags), self.params):
                functions.append(self.with_mappings(normalize_function(configuration, tags)))
        return functions


# --------------------------------------------------------------------------- event source mappings: pure


def normalize_mapping(mapping):
    return dict(
        uuid=mapping["UUID"],
        event_source_arn=mapping.get("EventSourceArn"),
        function_arn=mapping.get("FunctionArn"),
        state=mapping.get("State"),
        enabled=mapping.get("State") in ("Enabled", "Enabling", "Creating", "Updating"),
        batch_size=mapping.get("BatchSize"),
        maximum_batching_window_in_seconds=mapping.get("MaximumBatchingWindowInSeconds", 0),
        report_batch_item_failures="ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []),
        maximum_concurrency=(mapping.get("ScalingConfig") or {}).get("MaximumConcurrency"),
    )


def build_desired_mapping(params):
    return dict(
        event_source_arn=params["event_source_arn"],
        enabled=params.get("enabled"),
        batch_size=params.get("batch_size"),
        maximum_batching_window_in_seconds=params.get("maximum_batching_window_in_seconds"),
        report_batch_item_failures=params.get("report_batch_item_failures"),
        maximum_concurrency=params.get("maximum_concurrency"),
    )


def validate_mapping(params):
    """A message naming every bad parameter, or None (the limits AWS enforces for SQS sources)."""
    if params.get("state") == "absent":
        return None
    problems = []
    batch = params.get("batch_size")
    window = params.get("maximum_batching_window_in_seconds")
    concurrency = params.get("maximum_concurrency")
    if batch is not None and not 1 <= batch <= 10000:
        problems.append("batch_size must be between 1 and 10000")
    if window is not None and not 0 <= window <= 300:
        problems.append("maximum_batching_window_in_seconds must be between 0 and 300")
    if batch is not None and batch > 10 and not window:
        problems.append("batch_size above 10 needs maximum_batching_window_in_seconds of at least 1 (an SQS rule)")
    if concurrency is not None and not 2 <= concurrency <= 1000:
        problems.append("maximum_concurrency must be between 2 and 1000")
    if not re.match(r"arn:aws[a-z-]*:sqs:", str(params.get("event_source_arn", ""))):
        problems.append("event_source_arn must be an SQS queue ARN")
    return "; ".join(problems) or None


# Create/UpdateEventSourceMapping argument -> the normalized key it sets (``changed_keys``)
MAPPING_KEYS = dict(
    Enabled="enabled",
    BatchSize="batch_size",
    MaximumBatchingWindowInSeconds="maximum_batching_window_in_seconds",
    FunctionResponseTypes="report_batch_item_failures",
    ScalingConfig="maximum_concurrency",
)


def mapping_arguments(desired, current=None):
    """Create/UpdateEventSourceMapping keyword arguments for what differs (all of them to create)."""
    current = current or {}
    arguments = {}
    simple = dict(
        enabled="Enabled", batch_size="BatchSize", maximum_batching_window_in_seconds="MaximumBatchingWindowInSeconds"
    )
    for key, api_key in simple.items():
        want = desired.get(key)
        if want is not None and want != current.get(key):
            arguments[api_key] = want
    report = desired.get("report_batch_item_failures")
    if report is not None and report != current.get("report_batch_item_failures"):
        arguments["FunctionResponseTypes"] = ["ReportBatchItemFailures"] if report else []
    concurrency = desired.get("maximum_concurrency")
    if concurrency is not None and concurrency != current.get("maximum_concurrency"):
        arguments["ScalingConfig"] = dict(MaximumConcurrency=concurrency)
    return arguments


def mapping_settled(mapping):
    return mapping is not None and mapping["state"] in ("Enabled", "Disabled")


# --------------------------------------------------------------------------- event source mappings: API


def list_mappings(client, function_name, event_source_arn=None):
    kwargs = dict(FunctionName=function_name)
    if event_source_arn:
        kwargs["EventSourceArn"] = event_source_arn
    mappings = []
    while True:
        try:
            page = client.list_event_source_mappings(aws_retry=True, **kwargs)
        except is_boto3_error_code("ResourceNotFoundException"):
            return []
        mappings.extend(normalize_mapping(m) for m in page.get("EventSourceMappings", []))
        if not page.get("NextMarker"):
            return mappings
        kwargs["Marker"] = page["NextMarker"]


def get_mapping(client, uuid):
    try:
        return normalize_mapping(client.get_event_source_mapping(UUID=uuid, aws_retry=True))
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def create_mapping(client, function_name, desired, sleep=time.sleep, clock=time.monotonic):
    """CreateEventSourceMapping, retried (bounded) while the function's role or its new SQS policy propagates."""
    arguments = mapping_arguments(desired)
    arguments["FunctionName"] = function_name
    arguments["EventSourceArn"] = desired["event_source_arn"]
    response = _while_role_propagates(
        lambda: client.create_event_source_mapping(aws_retry=True, **arguments),
        MAPPING_ROLE_NOT_READY,
        sleep,
        clock,
    )
    return normalize_mapping(response)


def _while_mapping_busy(call, sleep, clock):
    return retry_while(
        call,
        lambda code, message: code == MAPPING_BUSY_CODE and MAPPING_BUSY_MESSAGE in message,
        MAPPING_BUSY_TIMEOUT,
        delay=MAPPING_BUSY_DELAY,
        sleep=sleep,
        clock=clock,
    )


def update_mapping(client, uuid, arguments, sleep=time.sleep, clock=time.monotonic):
    """UpdateEventSourceMapping, retried while the mapping is still busy with an earlier change."""
    response = _while_mapping_busy(
        lambda: client.update_event_source_mapping(UUID=uuid, aws_retry=True, **arguments), sleep, clock
    )
    return normalize_mapping(response)


def delete_mapping(client, uuid, sleep=time.sleep, clock=time.monotonic):
    """DeleteEventSourceMapping, retried while the mapping is Creating/Updating (ResourceInUseException)."""
    try:
        _while_mapping_busy(lambda: client.delete_event_source_mapping(UUID=uuid, aws_retry=True), sleep, clock)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass


# --------------------------------------------------------------------------- event source mappings: on the runner


class MappingService(runner.Service):
    """The mapping of an ``lambda_event_source_mapping`` task, identified by function and queue (AWS
    allows one per pair), not by its UUID. It has no tags: it is ours when its function is."""

    kind = "event source mapping of function"
    result_key = "mapping"
    client_names = ("lambda",)
    extra_error_codes = {"lambda": EXTRA_RETRY_CODES}
    waits = True
    tagged = False
    takes_tags = False

    def __init__(self, clients, params):
        super(MappingService, self).__init__(clients, params)
        self.function = False  # not read yet

    @staticmethod
    def validate(params):
        message = validate_mapping(params)
        return [message] if message else []

    def name(self):
        return self.params["function_name"]

    def the_function(self):
        if self.function is False:
            self.function = get_function(self.client, self.name())
        return self.function

    def refusal(self, current, deployment):
        """The mapping is ours when its function is (or is gone)."""
        function = self.the_function()
        if function is not None and not ownership.is_owned(function["tags"], deployment):
            return ownership.not_ours_message("Lambda function", self.name(), deployment) + (
                " (and so are its event source mappings)"
            )
        return None

    def read(self):
        found = list_mappings(self.client, self.name(), self.params["event_source_arn"])
        return found[0] if found else None

    def desired(self, current, tags):
        refusal = self.refusal(None, self.params["deployment"]) if current is None else None
        if refusal:  # a new mapping too: its function must be ours
            raise runner.Refused(refusal)
        return build_desired_mapping(self.params)

    def plan(self, desired, current):
        self.arguments = mapping_arguments(desired, current)
        return sorted(MAPPING_KEYS[argument] for argument in self.arguments)

    def predict(self, desired, current):
        # A new mapping's function may itself be created by this (check-mode) run.
        return diffing.merged(current, desired) if current else diffing.drop_none(desired)

    def create(self, desired):
        if self.the_function() is None:
            raise runner.Refused("function %s does not exist" % self.name())
        return create_mapping(self.client, self.name(), desired)

    def update(self, desired, current, changes, tag_changes):
        self.wait(current, self.params["wait_timeout"])  # busy with an earlier change
        return update_mapping(self.client, current["uuid"], self.arguments)

    def wait(self, resource, timeout):
        """Until the mapping is Enabled or Disabled (no call when it already is)."""
        if mapping_settled(resource) or not self.params["wait"]:
            return resource
        return wait_for(
            lambda: get_mapping(self.client, resource["uuid"]),
            mapping_settled,
            timeout,
            "event source mapping %s to be Enabled or Disabled" % resource["uuid"],
            delay=2,
        )

    def delete(self, current):
        delete_mapping(self.client, current["uuid"])

    def wait_deleted(self, resource, timeout):
        wait_for(
            lambda: get_mapping(self.client, resource["uuid"]),
            lambda mapping: mapping is None,
            timeout,
            "event source mapping %s to be deleted" % resource["uuid"],
            delay=2,
        )
