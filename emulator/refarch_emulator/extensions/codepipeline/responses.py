"""CodePipeline's responses moto answers 500 to: execution state, approvals, stopping, action executions."""

from __future__ import annotations

import json
import time
from typing import Any

from refarch_emulator.extensions.codepipeline.exceptions import (
    ActionNotFoundException,
    ApprovalAlreadyCompletedException,
    DuplicatedStopRequestException,
    InvalidApprovalTokenException,
    PipelineExecutionNotStoppableException,
    StageNotFoundException,
    ValidationException,
)
from refarch_emulator.extensions.codepipeline.models import (
    LOCK,
    advance,
    find_execution,
    find_pipeline,
    start_execution,
    ts,
)


def start_pipeline_execution(self) -> str:
    with LOCK:
        execution = start_execution(
            self.codepipeline_backend, self._get_param("name"), "StartPipelineExecution", self._get_param("variables")
        )
        return json.dumps({"pipelineExecutionId": execution.id})


def get_pipeline_execution(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("pipelineName"))
        execution = find_execution(pipeline, self._get_param("pipelineExecutionId"))
        return json.dumps({"pipelineExecution": execution.to_dict()})


def list_pipeline_executions(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("pipelineName"))
        executions = sorted(pipeline.executions.values(), key=lambda e: e.start, reverse=True)
        start = int(self._get_param("nextToken") or 0)
        limit = int(self._get_param("maxResults") or 100)
        page = executions[start : start + limit]
        out: dict[str, Any] = {"pipelineExecutionSummaries": [e.to_summary_dict() for e in page]}
        if start + limit < len(executions):
            out["nextToken"] = str(start + limit)
        return json.dumps(out)


def get_pipeline_state(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("name"))
        executions = list(pipeline.executions.values())
        states = []
        for index, stage in enumerate(pipeline.pipeline["stages"]):
            name = stage["name"]
            entered = [e for e in executions if name in e.stage_status]
            latest = max(entered, key=lambda e: e.stage_status[name][1], default=None)
            state: dict[str, Any] = {"stageName": name, "inboundTransitionState": {"enabled": True}}
            waiting = [
                e
                for e in executions
                if e.status == "InProgress" and not e.in_stage and e.stage_index == index and index > 0
            ]
            if waiting:
                state["inboundExecution"] = {"pipelineExecutionId": waiting[-1].id, "status": "InProgress"}
                state["inboundExecutions"] = [{"pipelineExecutionId": w.id, "status": "InProgress"} for w in waiting]
            actions = []
            for action in stage["actions"]:
                action_state: dict[str, Any] = {"actionName": action["name"]}
                if latest is not None:
                    runs = [r for r in latest.runs if r.stage == name and r.name == action["name"]]
                    if runs:
                        action_state["latestExecution"] = runs[-1].state()
                actions.append(action_state)
            state["actionStates"] = actions
            if latest is not None:
                status = latest.stage_status[name][0]
                state["latestExecution"] = {"pipelineExecutionId": latest.id, "status": status}
            states.append(state)
        metadata = pipeline.metadata
        return json.dumps(
            {
                "pipelineName": pipeline.pipeline["name"],
                "pipelineVersion": pipeline.pipeline["version"],
                "stageStates": states,
                "created": metadata["created"],
                "updated": metadata["updated"],
            }
        )


def put_approval_result(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("pipelineName"))
        stage_name, action_name = self._get_param("stageName"), self._get_param("actionName")
        result, token = self._get_param("result") or {}, self._get_param("token")
        stage = next((s for s in pipeline.pipeline["stages"] if s["name"] == stage_name), None)
        if stage is None:
            raise StageNotFoundException(f"Stage {stage_name} not found in pipeline {pipeline.pipeline['name']}")
        if not any(a["name"] == action_name for a in stage["actions"]):
            raise ActionNotFoundException(f"Action {action_name} not found in stage {stage_name}")
        if result.get("status") not in ("Approved", "Rejected"):
            raise ValidationException(
                "1 validation error detected: Value at 'result.status' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Approved, Rejected]"
            )
        runs = [
            r
            for e in pipeline.executions.values()
            for r in e.runs
            if r.stage == stage_name and r.name == action_name and r.token
        ]
        run = next((r for r in runs if r.token == token), None)
        if run is None:
            raise InvalidApprovalTokenException(
                f"The token for the approval action {action_name} in stage {stage_name} of pipeline "
                f"{pipeline.pipeline['name']} is not valid."
            )
        if run.status != "InProgress" or run.execution.status not in ("InProgress", "Stopping"):
            raise ApprovalAlreadyCompletedException(
                f"The approval action {action_name} in stage {stage_name} of pipeline "
                f"{pipeline.pipeline['name']} has already been completed."
            )
        now = time.time()
        approved = result["status"] == "Approved"
        run.finish_at = now
        summary = result.get("summary") or None
        if approved:
            run.outcome = ("Succeeded", summary, None)
        else:
            run.outcome = ("Failed", summary, {"code": "JobFailed", "message": "Rejected"})
        advance(pipeline)
        return json.dumps({"approvedAt": ts(now)})


def stop_pipeline_execution(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("pipelineName"))
        execution = find_execution(pipeline, self._get_param("pipelineExecutionId"))
        abandon, reason = bool(self._get_param("abandon")), self._get_param("reason")
        if execution.status == "Stopping" and not abandon:
            raise DuplicatedStopRequestException("Execution is already being stopped.")
        if execution.status not in ("InProgress", "Stopping"):
            raise PipelineExecutionNotStoppableException(
                f"Unable to stop pipeline execution {execution.id} since it is in status {execution.status}"
            )
        now = time.time()
        execution.stop_requested = (abandon, reason)
        execution.status, execution.last_update = "Stopping", now
        for run in execution.group_runs:
            if run.status == "InProgress" and (abandon or run.token):
                run.status, run.last_change, run.finish_at = "Abandoned", now, now
        if abandon or not execution.in_stage:
            stage = execution.current_stage
            if execution.in_stage and stage is not None:
                execution.stage_status[stage["name"]] = ("Stopped", execution.stage_status[stage["name"]][1])
                pipeline.rf_free[stage["name"]] = now
            execution.finish("Stopped", now)
        advance(pipeline)
        return json.dumps({"pipelineExecutionId": execution.id})


def list_action_executions(self) -> str:
    with LOCK:
        pipeline = find_pipeline(self.codepipeline_backend, self._get_param("pipelineName"))
        wanted = (self._get_param("filter") or {}).get("pipelineExecutionId")
        if wanted:
            find_execution(pipeline, wanted)
        runs = [
            run
            for execution in pipeline.executions.values()
            if not wanted or execution.id == wanted
            for run in execution.runs
        ]
        runs.sort(key=lambda r: r.start, reverse=True)
        start = int(self._get_param("nextToken") or 0)
        limit = int(self._get_param("maxResults") or 100)
        out: dict[str, Any] = {"actionExecutionDetails": [r.detail() for r in runs[start : start + limit]]}
        if start + limit < len(runs):
            out["nextToken"] = str(start + limit)
        return json.dumps(out)


RESPONSE_METHODS = (
    start_pipeline_execution,
    get_pipeline_execution,
    list_pipeline_executions,
    get_pipeline_state,
    put_approval_result,
    stop_pipeline_execution,
    list_action_executions,
)
