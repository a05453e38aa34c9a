# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodePipeline: pipelines, their state, manual approvals. API calls and pure functions.

``GetPipeline`` returns the structure with defaults filled in and secrets masked, so the compare is
"does the current pipeline contain what we want": every key we set must match, lists must have the
same length and match element by element, keys AWS adds are ignored. A masked secret (``****``)
matches any desired value: AWS never returns it, so a changed token is not detectable (the module
documents ``force_update`` for that).
"""

from __future__ import absolute_import, division, print_function

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils.client import retry_until_role_propagates

MASK = "****"
SECRET_KEYS = ("OAuthToken",)
ACTION_DEFAULTS = dict(runOrder=1, inputArtifacts=[], outputArtifacts=[], configuration={})
# CreatePipeline/UpdatePipeline while the service role is new or changed: AWS's answer (the one
# terraform-provider-aws retries, internal/service/codepipeline/codepipeline.go). "Pipeline role … is
# not authorized to perform AssumeRole on action role …" is a configuration error, not retried.
ROLE_PROPAGATING = {"InvalidStructureException": ("CodePipeline is not authorized to perform AssumeRole on role",)}


def tags_to_dict(tags):
    return boto3_tag_list_to_ansible_dict(tags or [])


def dict_to_tags(tags):
    return ansible_dict_to_boto3_tag_list(tags or {}, "key", "value")


def build_pipeline(params):
    """The desired ``pipeline`` structure; actions get AWS's defaults so they compare equal."""
    stages = []
    for stage in params["stages"]:
        actions = []
        for action in stage["actions"]:
            full = dict(ACTION_DEFAULTS)
            full.update(dict((k, v) for k, v in action.items() if v is not None))
            full["configuration"] = dict((k, str(v)) for k, v in (full.get("configuration") or {}).items())
            actions.append(full)
        stages.append(dict(name=stage["name"], actions=actions))
    pipeline = dict(
        name=params["name"],
        roleArn=params["role_arn"],
        artifactStore=dict(type="S3", location=params["artifact_bucket"]),
        stages=stages,
    )
    if params.get("pipeline_type"):
        pipeline["pipelineType"] = params["pipeline_type"]
    if params.get("execution_mode"):
        pipeline["executionMode"] = params["execution_mode"]
    return pipeline


def contained_changes(desired, current, path=""):
    """Dotted paths where ``current`` does not contain ``desired``; ``[]`` when it does."""
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return [path or "."]
        paths = []
        for key in sorted(desired):
            sub = "%s.%s" % (path, key) if path else key
            if key in SECRET_KEYS and current.get(key) == MASK:
                continue
            paths.extend(contained_changes(desired[key], current.get(key), sub))
        return paths
    if isinstance(desired, list):
        if not isinstance(current, list) or len(desired) != len(current):
            return [path]
        paths = []
        for index, (want, have) in enumerate(zip(desired, current, strict=True)):
            paths.extend(contained_changes(want, have, "%s[%d]" % (path, index)))
        return paths
    return [] if desired == current else [path]


def mask_secrets(value):
    """A copy with every secret configuration value replaced by ``****`` (for diff and return)."""
    if isinstance(value, dict):
        return dict((k, MASK if k in SECRET_KEYS else mask_secrets(v)) for k, v in value.items())
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def stage_summary(pipeline):
    """``[(stage, [(action, provider)])]`` — the shape tests and users read back."""
    return [
        dict(
            name=s["name"], actions=[dict(name=a["name"], provider=a["actionTypeId"]["provider"]) for a in s["actions"]]
        )
        for s in (pipeline or {}).get("stages", [])
    ]


def pending_approvals(state, stage_name=None, action_name=None):
    """Approval actions waiting for a decision: ``[{stage, action, token, ...}]``."""
    pending = []
    for stage in (state or {}).get("stageStates", []):
        if stage_name and stage.get("stageName") != stage_name:
            continue
        for action in stage.get("actionStates", []):
            if action_name and action.get("actionName") != action_name:
                continue
            latest = action.get("latestExecution") or {}
            if latest.get("status") == "InProgress" and latest.get("token"):
                pending.append(
                    dict(
                        stage=stage["stageName"],
                        action=action["actionName"],
                        token=latest["token"],
                        pipeline_execution_id=(stage.get("latestExecution") or {}).get("pipelineExecutionId"),
                    )
                )
    return pending


# A stage whose latest run ended like this lets no execution go further until a new one starts.
ENDED_SHORT = ("Failed", "Stopped", "Cancelled")


def stopped_short_of(state, stage_name):
    """Why no execution can reach a decision in ``stage_name`` now, or None while one may still get there.

    The first stage up to ``stage_name`` whose latest run ended short, named with its actions' errors;
    None while any of those stages is running, or when none has ended short.
    """
    ended = None
    for stage in (state or {}).get("stageStates", []):
        latest = stage.get("latestExecution") or {}
        if latest.get("status") in ("InProgress", "Stopping"):
            return None
        if ended is None and latest.get("status") in ENDED_SHORT:
            ended = stage
        if stage.get("stageName") == stage_name:
            break
    if ended is None:
        return None
    latest = ended["latestExecution"]
    errors = [
        "%s: %s" % (action["actionName"], action["latestExecution"]["errorDetails"].get("message", ""))
        for action in ended.get("actionStates", [])
        if (action.get("latestExecution") or {}).get("errorDetails")
    ]
    return "execution %s ended %s in stage %s%s" % (
        latest.get("pipelineExecutionId"),
        latest["status"],
        ended["stageName"],
        " (%s)" % "; ".join(errors) if errors else "",
    )


def normalize_state(state):
    """Stage/action statuses without tokens (tokens are returned only by the approval module)."""
    if state is None:
        return None
    stages = []
    for stage in state.get("stageStates", []):
        latest = stage.get("latestExecution") or {}
        actions = []
        for action in stage.get("actionStates", []):
            run = action.get("latestExecution") or {}
            actions.append(dict(name=action.get("actionName"), status=run.get("status"), summary=run.get("summary")))
        stages.append(
            dict(
                name=stage.get("stageName"),
                status=latest.get("status"),
                pipeline_execution_id=latest.get("pipelineExecutionId"),
                actions=actions,
            )
        )
    return dict(pipeline_version=state.get("pipelineVersion"), stages=stages)


# ---------------------------------------------------------------- API calls


def get_pipeline(client, name):
    """``(pipeline, metadata)`` or ``(None, None)``."""
    try:
        result = client.get_pipeline(name=name, aws_retry=True)
    except is_boto3_error_code("PipelineNotFoundException"):
        return None, None
    return result["pipeline"], result.get("metadata", {})


def list_pipeline_names(client):
    names = []
    kwargs = {}
    while True:
        page = client.list_pipelines(aws_retry=True, **kwargs)
        names.extend(p["name"] for p in page.get("pipelines", []))
        if not page.get("nextToken"):
            return names
        kwargs["nextToken"] = page["nextToken"]


def list_tags(client, arn):
    try:
        return tags_to_dict(client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags"))
    except is_boto3_error_code("ResourceNotFoundException"):
        return {}


def create_pipeline(client, pipeline, tags):
    return retry_until_role_propagates(
        lambda: client.create_pipeline(pipeline=pipeline, tags=dict_to_tags(tags), aws_retry=True)["pipeline"],
        ROLE_PROPAGATING,
    )


def update_pipeline(client, pipeline):
    return retry_until_role_propagates(
        lambda: client.update_pipeline(pipeline=pipeline, aws_retry=True)["pipeline"], ROLE_PROPAGATING
    )


def update_tags(client, arn, to_set, to_remove):
    if to_set:
        client.tag_resource(resourceArn=arn, tags=dict_to_tags(to_set), aws_retry=True)
    if to_remove:
        client.untag_resource(resourceArn=arn, tagKeys=list(to_remove), aws_retry=True)


def delete_pipeline(client, name):
    client.delete_pipeline(name=name, aws_retry=True)  # AWS: deleting a missing pipeline succeeds


def get_state(client, name):
    try:
        return client.get_pipeline_state(name=name, aws_retry=True)
    except is_boto3_error_code("PipelineNotFoundException"):
        return None


def put_approval(client, pipeline, stage, action, token, approved, summary):
    return client.put_approval_result(
        pipelineName=pipeline,
        stageName=stage,
        actionName=action,
        result=dict(summary=summary, status="Approved" if approved else "Rejected"),
        token=token,
        aws_retry=True,
    )
