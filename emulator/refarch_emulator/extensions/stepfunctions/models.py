"""Step Functions' backend and ASL interpreter as AWS behaves: callbacks, stops, heartbeats, roles, deletion."""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from typing import Any

from refarch_emulator.extensions.stepfunctions.exceptions import (
    ROLE_NOT_ASSUMABLE,
    SQS_ERROR_NAME,
    STATES_PRINCIPAL,
    ExecutionStopped,
    sqs_access_denied,
)

STOP_WAIT_SECONDS = 5.0
MAX_ERROR_LENGTH = 256  # SendTaskFailure's limits on error and cause
MAX_CAUSE_LENGTH = 32768
_answer_lock = threading.Lock()  # a token is answered once, even by concurrent calls


def _find_task(backend: Any, task_token: str) -> tuple[Any, Any]:
    """(execution, callback endpoint) holding ``task_token``, or (None, None)."""
    for execution in backend._get_executions():
        worker = getattr(execution, "exec_worker", None)
        env = getattr(worker, "env", None)
        if env is None:
            continue
        endpoint = env.callback_pool_manager.get(task_token)
        if endpoint is not None:
            return execution, endpoint
    return None, None


def _waiting_endpoint(backend: Any, task_token: str) -> Any:
    """The endpoint of a task still waiting for ``task_token``; raises as AWS does otherwise."""
    from moto.core.exceptions import AWSError
    from moto.stepfunctions.parser.api import ExecutionStatus

    execution, endpoint = _find_task(backend, task_token)
    if endpoint is None:
        raise AWSError("Invalid Token: 'Invalid token'", "InvalidToken")
    if execution.exec_status != ExecutionStatus.RUNNING or endpoint._notify_event.is_set():
        raise AWSError("Task Timed Out: 'Provided task does not exist anymore'", "TaskTimedOut")
    return endpoint


def send_task_success(self: Any, task_token: str, outcome: str) -> Any:
    from moto.core.exceptions import AWSError
    from moto.stepfunctions.parser.api import SendTaskSuccessOutput
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackOutcomeSuccess

    try:
        json.loads(outcome)
    except (TypeError, ValueError) as exc:
        raise AWSError(f"Invalid Output: {exc}", "InvalidOutput") from None
    with _answer_lock:
        endpoint = _waiting_endpoint(self, task_token)
        endpoint.notify(CallbackOutcomeSuccess(callback_id=task_token, output=outcome))
    return SendTaskSuccessOutput()


def send_task_failure(self: Any, task_token: str, error: str | None = None, cause: str | None = None) -> Any:
    from moto.core.exceptions import AWSError
    from moto.stepfunctions.parser.api import SendTaskFailureOutput
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackOutcomeFailure

    for name, value, limit in (("error", error, MAX_ERROR_LENGTH), ("cause", cause, MAX_CAUSE_LENGTH)):
        if value is not None and len(value) > limit:
            raise AWSError(
                f"1 validation error detected: Value at '{name}' failed to satisfy constraint: "
                f"Member must have length less than or equal to {limit}",
                "ValidationException",
            )
    with _answer_lock:
        endpoint = _waiting_endpoint(self, task_token)
        endpoint.notify(CallbackOutcomeFailure(callback_id=task_token, error=error, cause=cause))
    return SendTaskFailureOutput()


def send_task_heartbeat(self: Any, task_token: str) -> Any:
    from moto.stepfunctions.parser.api import SendTaskHeartbeatOutput

    with _answer_lock:
        endpoint = _waiting_endpoint(self, task_token)
        endpoint.notify_heartbeat()
    return SendTaskHeartbeatOutput()


def stop_execution(self: Any, execution_arn: str, error: str | None = None, cause: str | None = None) -> Any:
    from moto.stepfunctions.parser.api import ExecutionStatus

    execution = self.describe_execution(execution_arn)
    if execution.exec_status != ExecutionStatus.RUNNING:
        return execution
    stop_date = datetime.datetime.now(tz=datetime.UTC)
    execution.stop(stop_date=stop_date, error=error, cause=cause)
    env = execution.exec_worker.env if execution.exec_worker else None
    if env is not None:
        for endpoint in list(env.callback_pool_manager._pool.values()):
            endpoint.interrupt_all()  # wake the task that waits for a token: it sees the stop and ends
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while execution.exec_status == ExecutionStatus.RUNNING and time.monotonic() < deadline:
        time.sleep(0.02)
    if execution.exec_status == ExecutionStatus.RUNNING:  # a state that cannot be woken: report it stopped
        execution.exec_status = ExecutionStatus.ABORTED
        execution.stop_date = stop_date
    execution.error, execution.cause = error, cause
    return execution


def state_task_from_error(original, self: Any, env: Any, ex: Exception) -> Any:
    from moto.stepfunctions.parser.api import HistoryEventType, TaskTimedOutEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.eval.callback.callback import HeartbeatTimeoutError
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if isinstance(env.program_state(), ProgramStopped):
        # StopExecution woke this task: no task event, the execution ends with ExecutionAborted only.
        raise ExecutionStopped() from ex
    if not isinstance(ex, HeartbeatTimeoutError):
        return original(self, env, ex)
    details = TaskTimedOutEventDetails(error=StatesErrorNameType.StatesHeartbeatTimeout.to_name())
    if hasattr(self, "_get_sfn_resource"):
        details["resourceType"] = self._get_sfn_resource_type()
        details["resource"] = self._get_sfn_resource()
    return FailureEvent(
        env=env,
        error_name=StatesErrorName(typ=StatesErrorNameType.StatesHeartbeatTimeout),
        event_type=HistoryEventType.TaskTimedOut,
        event_details=EventDetails(taskTimedOutEventDetails=details),
    )


def callback_evaluate_with_timeout(original, self: Any, env: Any) -> None:
    """Each attempt of a ``.waitForTaskToken`` task gets its own task token, as on AWS (moto reused the
    first attempt's token, so a Retry replayed the first failure to every attempt)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition

    if getattr(self.resource, "condition", None) == ResourceCondition.WaitForTaskToken:
        task = env.states.context_object.context_object_data.get("Task") or {}
        endpoint = env.callback_pool_manager.get(task.get("Token"))
        if endpoint is not None and endpoint._notify_event.is_set():  # a retry: the old task is over
            env.callback_pool_manager.add(env.states.context_object.update_task_token())
    original(self, env)


def setup_heartbeat_endpoint(original, self: Any, heartbeat_seconds: int) -> Any:
    """An answer that arrived before the task started its heartbeat clock counts (moto lost it: the
    SQS message goes out before the wait begins, so a fast consumer answered into the gap and the
    task then failed with a heartbeat timeout although it had its result)."""
    heartbeat_endpoint = original(self, heartbeat_seconds)
    if self._notify_event.is_set():
        heartbeat_endpoint.notify()
    return heartbeat_endpoint


def error_equals_eval_body(original, self: Any, env: Any) -> None:
    """As AWS: ``States.Timeout`` in ErrorEquals also matches a heartbeat timeout (it did before
    ``States.HeartbeatTimeout`` existed, and still does)."""
    error_name = env.stack[-1]
    original(self, env)
    if (
        not env.stack[-1]
        and getattr(error_name, "error_name", None) == "States.HeartbeatTimeout"
        and any(getattr(name, "error_name", None) == "States.Timeout" for name in self.error_names)
    ):
        env.stack[-1] = True


def environment_set_error(original, self: Any, error: Any) -> None:
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if isinstance(self._program_state, ProgramStopped):
        return  # stopped stays stopped: the woken task's failure is not the execution's outcome
    original(self, error)


def environment_set_timed_out(original, self: Any) -> None:
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if isinstance(self._program_state, ProgramStopped):
        return
    original(self)


# --- roles and permissions, as Step Functions checks them -------------------------------------


def _check_states_role(role_arn: str | None) -> None:
    from moto.core.exceptions import AWSError

    from refarch_emulator.extensions.iam import models as iam

    if not role_arn or not role_arn.startswith("arn:"):
        return  # moto's own ARN validation answers a malformed one
    if iam.role_problem(role_arn.split(":")[4], role_arn, STATES_PRINCIPAL) is not None:
        raise AWSError(ROLE_NOT_ASSUMABLE, "AccessDeniedException")


def _deletion_key(self: Any, name: str) -> str:
    return f"{self.account_id}:{self.region_name}:{name}"


def create_state_machine(original, self: Any, *args: Any, **kwargs: Any) -> Any:
    from moto.core.exceptions import AWSError

    from refarch_emulator import consistency

    name = kwargs.get("name", args[0] if args else "")
    if consistency.settling("states-delete", _deletion_key(self, name)):
        raise AWSError(f"State machine is being deleted: '{name}'", "StateMachineDeleting")
    _check_states_role(kwargs.get("roleArn", args[2] if len(args) > 2 else None))
    return original(self, *args, **kwargs)


def delete_state_machine(original, self: Any, arn: str) -> None:
    """Deletion is asynchronous on AWS: the name stays taken for the ``states-delete`` window."""
    from refarch_emulator import consistency

    machine = next((m for m in self.state_machines if m.arn == arn), None)
    original(self, arn)
    if machine is not None:
        consistency.changed("states-delete", _deletion_key(self, machine.name))


def update_state_machine(original, self: Any, arn: str, *args: Any, **kwargs: Any) -> Any:
    role_arn = kwargs.get("role_arn", args[1] if len(args) > 1 else None)
    if role_arn:
        _check_states_role(role_arn)
    return original(self, arn, *args, **kwargs)


def start_execution(
    original, self: Any, state_machine_arn: str, name: Any = None, execution_input: Any = None, *rest: Any
):
    from moto.core.exceptions import AWSError

    if execution_input is not None:
        try:
            json.loads(execution_input)
        except (TypeError, ValueError) as exc:
            raise AWSError(f"Invalid State Machine Execution Input: '{exc}'", "InvalidExecutionInput") from None
    # Without a name AWS generates a UUID (moto named every such execution "None": the second clashed).
    return original(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, *rest)


def _queue_arn(queue_url: str, region: str, account_id: str) -> str:
    parts = [part for part in queue_url.split("/") if part]
    name = parts[-1] if parts else ""
    owner = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else account_id
    return f"arn:aws:sqs:{region}:{owner}:{name}"


def sqs_eval_service_task(
    original, self: Any, env: Any, resource_runtime_part: Any, normalised_parameters: dict, **kwargs: Any
):
    """The state machine's role must allow sqs:SendMessage on the queue, as on AWS (moto sent anyway)."""
    from refarch_emulator.extensions.iam import models as iam

    execution = env.states.context_object.context_object_data.get("Execution") or {}
    role_arn = execution.get("RoleArn") or ""
    queue_url = str(normalised_parameters.get("QueueUrl") or "")
    if role_arn.startswith("arn:") and self._get_boto_service_action() == "send_message":
        account_id = role_arn.split(":")[4]
        queue_arn = _queue_arn(queue_url, resource_runtime_part.region, account_id)
        if not iam.role_allows(account_id, role_arn, "sqs:SendMessage", queue_arn):
            raise sqs_access_denied(queue_url)
    return original(
        self,
        env=env,
        resource_runtime_part=resource_runtime_part,
        normalised_parameters=normalised_parameters,
        **kwargs,
    )


def sqs_from_error(original, self: Any, env: Any, ex: Exception) -> Any:
    """An error SQS answered is ``SQS.AmazonSQSException``, its cause worded as the AWS SDK for Java
    words a service error (what Step Functions reports)."""
    from botocore.exceptions import ClientError
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    if not isinstance(ex, ClientError):
        return original(self, env, ex)
    error = ex.response.get("Error", {})
    metadata = ex.response.get("ResponseMetadata", {})
    cause = (
        f"{error.get('Message', '')} (Service: AmazonSQS; Status Code: {metadata.get('HTTPStatusCode', 400)}; "
        f"Error Code: {error.get('Code', '')}; Request ID: {metadata.get('RequestId', '')}; Proxy: null)"
    )
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(SQS_ERROR_NAME),
        event_type=HistoryEventType.TaskFailed,
        event_details=EventDetails(
            taskFailedEventDetails=TaskFailedEventDetails(
                error=SQS_ERROR_NAME,
                cause=cause,
                resource=self._get_sfn_resource(),
                resourceType=self._get_sfn_resource_type(),
            )
        ),
    )
