# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs log groups a module creates for a resource that would otherwise create its own
(Lambda writes to ``/aws/lambda/<function>``, created untagged at the first invocation): API calls,
and the desired-vs-current comparison as pure functions."""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.refarch.aws.plugins.module_utils import ownership, runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate

# The values PutRetentionPolicy accepts.
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def lambda_log_group_name(function_name):
    return "/aws/lambda/%s" % function_name


def check_retention(name, days):
    """A message naming ``name`` when ``days`` is not a retention CloudWatch Logs accepts, else None."""
    if days is not None and days not in RETENTION_DAYS:
        return "%s must be one of %s, got %s" % (name, ", ".join(str(d) for d in RETENTION_DAYS), days)
    return None


def get_log_group(client, name):
    """The log group ``name`` with its retention and tags, or None."""
    for group in paginate(client, "describe_log_groups", logGroupNamePrefix=name).get("logGroups", []):
        if group["logGroupName"] == name:
            arn = group.get("logGroupArn") or group["arn"].rsplit(":*", 1)[0]
            tags = client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags", {})
            return dict(name=name, arn=arn, retention_in_days=group.get("retentionInDays"), tags=tags)
    return None


def apply_plan(client, name, current, plan):
    if plan["create"]:
        try:
            client.create_log_group(logGroupName=name, tags=plan["tags_set"], aws_retry=True)
        except is_boto3_error_code("ResourceAlreadyExistsException"):
            # Created meanwhile by the service itself (untagged): tag that one.
            current = get_log_group(client, name)
            client.tag_resource(resourceArn=current["arn"], tags=plan["tags_set"], aws_retry=True)
    elif plan["tags_set"] or plan["tags_remove"]:
        if plan["tags_remove"]:
            client.untag_resource(resourceArn=current["arn"], tagKeys=plan["tags_remove"], aws_retry=True)
        if plan["tags_set"]:
            client.tag_resource(resourceArn=current["arn"], tags=plan["tags_set"], aws_retry=True)
    if plan["retention"] is not None:
        client.put_retention_policy(logGroupName=name, retentionInDays=plan["retention"], aws_retry=True)


def delete_log_group(client, name):
    try:
        client.delete_log_group(logGroupName=name, aws_retry=True)
    except is_boto3_error_code("ResourceNotFoundException"):
        pass


class LogGroupService(runner.Service):
    """The log group a service would create for a resource of ours (``/aws/lambda/<function>``), as
    that resource's companion: kept with ``log_retention_days`` and the resource's tags. An untagged
    group of its name is the one the service created: it is taken over (tagged), and with
    ``state=absent`` left alone, as is a group of another deployment."""

    kind = "log group"
    result_key = "log_group"
    client_names = ("logs",)

    def __init__(self, clients, params, group_name):
        super(LogGroupService, self).__init__(clients, params)
        self.group_name = group_name

    def name(self):
        return self.group_name

    def refusal(self, current, deployment):
        if current["tags"].get(ownership.OWNERSHIP_TAG_KEY) in (None, deployment):
            return None  # ours, or the service's own (untagged): taken over
        return ownership.not_ours_message(self.kind, self.name(), deployment)

    def used_as_is(self, current):
        return self.params["state"] == "absent" and not ownership.is_owned(current["tags"], self.params["deployment"])

    def read(self):
        return get_log_group(self.client, self.name())

    def desired(self, current, tags):
        return dict(name=self.name(), retention_in_days=self.params["log_retention_days"], tags=tags)

    def predict(self, desired, current):
        return dict(current or {}, **desired)

    def create(self, desired):
        plan = dict(create=True, retention=desired["retention_in_days"], tags_set=desired["tags"], tags_remove=[])
        apply_plan(self.client, self.name(), None, plan)
        return dict(desired)

    def update(self, desired, current, changes, tag_changes):
        retention = desired["retention_in_days"] if "retention_in_days" in changes else None
        plan = dict(create=False, retention=retention, tags_set=tag_changes.set, tags_remove=tag_changes.remove)
        apply_plan(self.client, self.name(), current, plan)
        return dict(current, **desired)

    def delete(self, current):
        delete_log_group(self.client, self.name())
