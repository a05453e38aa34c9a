# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CodePipeline: pipelines, their state, manual approvals. API calls and pure functions.

``GetPipeline`` returns the structure with defaults filled in and secrets masked, so the compare is
"does the current pipeline contain what we want": every key we set must match, lists must have the
same length and match element by element, keys AWS adds are ignored. A masked secret (``****``)
matches any desired value: AWS never returns it, so a changed token is not detectable (the module
documents ``force_update`` for that).
"""

from __future__ import absolute_import, division, print_function

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate, retry_until_role_propagates

MASK = "****"
SECRET_KEYS = ("OAuthToken",)
ACTION_DEFAULTS = dict(runOrder=1, inputArtifacts=[], outputArtifacts=[], configuration={})
# CreatePipeline/UpdatePipeline while the service role is new or changed: AWS's answer (the one
# terraform-provider-aws retries, internal/service/codepipeline/codepipeline.go). "Pipeline role … is
# not authorized to perform AssumeRole on action role …" is a configuration error, not retried.
ROLE_PROPAGATING = {"InvalidStructureException": ("CodePipeline is not authorized to perform AssumeRole on role",)}


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


def inject_token(pipeline, token):
    """Set the legacy GitHub (version 1) token in every ThirdParty/GitHub source action."""
    for stage in pipeline["stages"]:
        for action in stage["actions"]:
            type_id = action.get("actionTypeId") or {}
            if type_id.get("owner") == "ThirdParty" and type_id.get("provider") == "GitHub":
                action["configuration"]["OAuthToken"] = token


def validate(params):
    """Messages naming each bad parameter of a ``codepipeline`` task (none with state=absent)."""
    if params["state"] != "present":
        return []
    messages = []
    if not re.fullmatch(r"arn:[^:]+:iam::[0-9]{12}:role/.+", params["role_arn"]):
        messages.append("role_arn: %r is not an IAM role ARN" % params["role_arn"])
    for index, stage in enumerate(params["stages"]):
        if not stage.get("name") or not stage.get("actions"):
            messages.append("stages[%d] needs a name and at least one action" % index)
            continue
        for action in stage["actions"]:
            if "OAuthToken" in (action.get("configuration") or {}):
                messages.append("stages[%d]: put the GitHub token in github_oauth_token, never in stages" % index)
            type_id = action.get("actionTypeId") or {}
            if not action.get("name") or not all(type_id.get(k) for k in ("category", "owner", "provider", "version")):
                messages.append(
                    "stages[%d] (%s): every action needs a name and "
                    "actionTypeId {category, owner, provider, version}" % (index, stage["name"])
                )
            if (
                type_id.get("provider") == "GitHub"
                and type_id.get("owner") == "ThirdParty"
                and not params["github_oauth_token"]
            ):
                messages.append(
                    "stages[%d] (%s): a GitHub version 1 source needs github_oauth_token" % (index, stage["name"])
                )
    if len(params["stages"]) < 2:
        messages.append("stages: a pipeline needs at least two stages")
    return messages


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


def view(pipeline, metadata, tags):
    """The pipeline as modules return it, secrets masked."""
    if pipeline is None:
        return None
    shown = mask_secrets(pipeline)
    return dict(
        name=shown["name"],
        arn=(metadata or {}).get("pipelineArn"),
        version=shown.get("version"),
        role_arn=shown.get("roleArn"),
        artifact_store=shown.get("artifactStore"),
        pipeline_type=shown.get("pipelineType"),
        stages=shown.get("stages"),
        stage_summary=stage_summary(shown),
        tags=tags,
    )


class PipelineService(runner.Service):
    """The pipeline a ``codepipeline`` task describes, on the runner. Compared on the API's own
    shapes (:func:`contained_changes`), returned as :func:`view`."""

    kind = "CodePipeline pipeline"
    result_key = "pipeline"
    client_names = ("codepipeline",)
    validate = staticmethod(validate)

    def read(self):
        self.current_api, self.metadata = get_pipeline(self.client, self.name())
        if self.current_api is None:
            return None
        arn = self.metadata.get("pipelineArn")
        return view(self.current_api, self.metadata, list_tags(self.client, arn) if arn else {})

    def desired(self, current, tags):
        self.api_desired = build_pipeline(self.params)
        if self.params["github_oauth_token"]:
            inject_token(self.api_desired, self.params["github_oauth_token"])
        self.structure_changes = []
        return view(self.api_desired, self.metadata, tags)

    def plan(self, desired, current):
        self.structure_changes = contained_changes(self.api_desired, self.current_api)
        if self.params["force_update"] and not self.structure_changes:
            self.structure_changes = ["force_update"]
        return self.structure_changes

    def predict(self, desired, current):
        # Every UpdatePipeline bumps the version; a tag change does not.
        version = 1 if current is None else (current["version"] or 0) + (1 if self.structure_changes else 0)
        return dict(desired, version=version)

    def create(self, desired):
        created = create_pipeline(self.client, self.api_desired, desired["tags"])
        fetched, metadata = get_pipeline(self.client, self.name())
        return view(fetched or created, metadata, desired["tags"])

    def update(self, desired, current, changes, tag_changes):
        if self.structure_changes:
            update_pipeline(self.client, self.api_desired)
        if tag_changes:
            update_tags(self.client, current["arn"], tag_changes.set, tag_changes.remove)
        fetched, metadata = get_pipeline(self.client, self.name())
        return view(fetched, metadata, desired["tags"])

    def delete(self, current):
        delete_pipeline(self.client, current["name"])


def describe(client, name, include_state):
    """A pipeline as ``codepipeline_info`` returns it (state and approvals without tokens), or None."""
    pipeline, metadata = get_pipeline(client, name)
    if pipeline is None:
        return None
    tags = list_tags(client, metadata["pipelineArn"]) if metadata.get("pipelineArn") else {}
    result = dict(
        name=name,
        arn=metadata.get("pipelineArn"),
        version=pipeline.get("version"),
        stage_summary=stage_summary(pipeline),
        tags=tags,
    )
    if include_state:
        state = get_state(client, name)
        result["state"] = normalize_state(state)
        result["pending_approvals"] = [
            dict((k, v) for k, v in a.items() if k != "token") for a in pending_approvals(state)
        ]
    return result


class PipelinesInfo(runner.InfoService):
    """The pipelines a ``codepipeline_info`` task lists."""

    kind = "pipelines"
    result_key = "pipelines"
    client_names = ("codepipeline",)

    def by_name(self, name):
        return describe(self.client, name, self.params["include_state"])

    def list_all(self):
        return [describe(self.client, name, self.params["include_state"]) for name in list_pipeline_names(self.client)]


# ---------------------------------------------------------------- API calls


def get_pipeline(client, name):
    """``(pipeline, metadata)`` or ``(None, None)``."""
    try:
        result = client.get_pipeline(name=name, aws_retry=True)
    except is_boto3_error_code("PipelineNotFoundException"):
        return None, None
    return result["pipeline"], result.get("metadata", {})


def list_pipeline_names(client):
    return [p["name"] for p in paginate(client, "list_pipelines").get("pipelines", [])]


def list_tags(client, arn):
    try:
        return boto3_tag_list_to_ansible_dict(
            client.list_tags_for_resource(resourceArn=arn, aws_retry=True).get("tags") or []
        )
    except is_boto3_error_code("ResourceNotFoundException"):
        return {}


def create_pipeline(client, pipeline, tags):
    return retry_until_role_propagates(
        lambda: client.create_pipeline(
            pipeline=pipeline, tags=ansible_dict_to_boto3_tag_list(tags, "key", "value"), aws_retry=True
        )["pipeline"],
        ROLE_PROPAGATING,
    )


def update_pipeline(client, pipeline):
    return retry_until_role_propagates(
        lambda: client.update_pipeline(pipeline=pipeline, aws_retry=True)["pipeline"], ROLE_PROPAGATING
    )


def update_tags(client, arn, to_set, to_remove):
    if to_set:
        client.tag_resource(
            resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_set, "key", "value"), aws_retry=True
        )
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


def latest_execution(client, name):
    """The pipeline's newest execution (a summary: id, status, trigger), or None when it has none yet.
    LookupError when the pipeline does not exist."""
    try:
        found = client.list_pipeline_executions(pipelineName=name, maxResults=1, aws_retry=True)
    except is_boto3_error_code("PipelineNotFoundException"):
        found = None
    if found is None:
        raise LookupError("pipeline %s does not exist" % name)
    summaries = found.get("pipelineExecutionSummaries") or []
    return summaries[0] if summaries else None


def execution_needed(latest, start):
    """Whether to start an execution: ``always``, or ``when_stopped`` — the newest execution ended
    short (Failed, Stopped, Cancelled; e.g. at Source before the GitHub connection was AVAILABLE) or
    there is none. One in progress or succeeded is left alone, so a rerun starts nothing."""
    if start == "always" or latest is None:
        return True
    return latest.get("status") in ENDED_SHORT


def start_execution(client, name):
    return client.start_pipeline_execution(name=name, aws_retry=True)["pipelineExecutionId"]
