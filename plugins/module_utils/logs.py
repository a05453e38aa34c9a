# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs log groups a module creates for a resource that would otherwise create its own
(Lambda writes to ``/aws/lambda/<function>``, created untagged at the first invocation): API calls,
and the desired-vs-current comparison as pure functions."""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.refarch.aws.plugins.module_utils import ownership
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


def plan_log_group(current, retention_days, tags, purge_tags):
    """What the log group needs: ``create``, ``retention`` (days to set, or None) and tag changes.
    ``current`` is :func:`get_log_group`'s result or None. An untagged group of the resource's own
    name is the one AWS created for it: it gets our tags, like any tag difference."""
    if current is None:
        return dict(create=True, retention=retention_days, tags_set=dict(tags), tags_remove=[])
    to_set, to_remove = ownership.tag_changes(current["tags"], tags, purge_tags)
    retention = retention_days if current.get("retention_in_days") != retention_days else None
    return dict(create=False, retention=retention, tags_set=to_set, tags_remove=to_remove)


def has_changes(plan):
    return bool(plan["create"] or plan["retention"] is not None or plan["tags_set"] or plan["tags_remove"])


def predicted(name, current, plan):
    """The log group after ``plan`` (for check mode and diff)."""
    after = dict(current or dict(name=name))
    if plan["retention"] is not None:
        after["retention_in_days"] = plan["retention"]
    tags = dict((k, v) for k, v in (after.get("tags") or {}).items() if k not in plan["tags_remove"])
    tags.update(plan["tags_set"])
    after["tags"] = tags
    return after


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
