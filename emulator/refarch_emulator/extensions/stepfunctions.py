"""Step Functions callbacks (``.waitForTaskToken``) behave as on AWS.

moto 5.2.5's ASL interpreter (``execute_state_machine``) runs callback tasks, but:

* ``SendTaskFailure`` drops ``cause``: the response class passes only ``error`` on. Here the execution
  fails with both, in ``DescribeExecution`` and in the ``TaskFailed``/``ExecutionFailed`` history events.
* a ``HeartbeatSeconds`` expiry is reported as ``States.Timeout``; AWS names it
  ``States.HeartbeatTimeout`` (``TimeoutSeconds`` expiry stays ``States.Timeout``), and a Catch or
  Retry on ``States.Timeout`` matches both, as on AWS.
* ``StopExecution`` on an execution waiting for a task token leaves it ``RUNNING`` forever (the
  waiting thread is never woken) and ignores ``error``/``cause``. Here the wait is interrupted, the
  execution is ``ABORTED`` with the given error and cause and an ``ExecutionAborted`` event.
* with ``HeartbeatSeconds``, an answer that arrives before the task starts waiting (a fast consumer
  of the SQS message) is lost and the task fails with a heartbeat timeout; here it counts.
* a Retry of a callback task reuses the first attempt's token (and so replays its failure); here
  each attempt gets a new token, as on AWS.
* roles are checked as Step Functions checks them (with :mod:`refarch_emulator.extensions.iam`):
  CreateStateMachine / UpdateStateMachine with a role that is missing, still propagating, or does not
  trust ``states.amazonaws.com`` answer ``AccessDeniedException`` "Neither the global service principal
  states.amazonaws.com, nor the regional one is authorized to assume the provided role."; an
  ``sqs:sendMessage`` task whose role does not allow ``sqs:SendMessage`` on the queue fails with
  ``SQS.AmazonSQSException`` (AccessDenied, 403), the error name Step Functions gives every error SQS
  answers (moto said ``SQS.SdkClientException``, the name of client-side failures);
  ``SendTaskSuccess``/``Failure``/``Heartbeat`` made with a Lambda function's credentials are checked
  against the function's role (``states:SendTask*`` on the state machine) and answer
  ``AccessDeniedException`` as AWS words it; other credentials (the tests, the user) act as admin.
* ``DeleteStateMachine`` is asynchronous: for the ``states-delete`` window a CreateStateMachine of the
  same name answers ``StateMachineDeleting``.
* ``StartExecution`` with an input that is not JSON answers ``InvalidExecutionInput`` (moto: UnknownError);
  without a name, the execution is named by a UUID, as on AWS (moto named each one "None").
* a token whose task is no longer waiting (completed, timed out, execution stopped) is accepted
  silently by ``SendTaskFailure`` and answered ``InvalidToken`` by ``SendTaskSuccess``/``Heartbeat``;
  AWS answers ``TaskTimedOut`` to all three. An unknown token stays ``InvalidToken``; output that is
  not JSON is ``InvalidOutput`` and an over-long error/cause ``ValidationException``, as on AWS.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from typing import Any

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


def _response_send_task_failure(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    _check_send_task_caller(self, "states:SendTaskFailure")
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return EmptyResult()


def _response_stop_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    backend = self.stepfunction_backend
    arn = self._get_param("executionArn")
    if isinstance(backend, StepFunctionsParserBackend):
        execution = backend.stop_execution(arn, error=self._get_param("error"), cause=self._get_param("cause"))
    else:
        execution = backend.stop_execution(arn)
    return ActionResult({"stopDate": execution.stop_date})


class ExecutionStopped(Exception):
    """Raised through the interpreter when a task woken by StopExecution ends."""


def _state_task_from_error(self: Any, env: Any, ex: Exception) -> Any:
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
        return _originals["StateTask._from_error"](self, env, ex)
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


def _callback_evaluate_with_timeout(self: Any, env: Any) -> None:
    """Each attempt of a ``.waitForTaskToken`` task gets its own task token, as on AWS (moto reused the
    first attempt's token, so a Retry replayed the first failure to every attempt)."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition

    if getattr(self.resource, "condition", None) == ResourceCondition.WaitForTaskToken:
        task = env.states.context_object.context_object_data.get("Task") or {}
        endpoint = env.callback_pool_manager.get(task.get("Token"))
        if endpoint is not None and endpoint._notify_event.is_set():  # a retry: the old task is over
            env.callback_pool_manager.add(env.states.context_object.update_task_token())
    _originals["StateTaskServiceCallback._evaluate_with_timeout"](self, env)


def _setup_heartbeat_endpoint(self: Any, heartbeat_seconds: int) -> Any:
    """An answer that arrived before the task started its heartbeat clock counts (moto lost it: the
    SQS message goes out before the wait begins, so a fast consumer answered into the gap and the
    task then failed with a heartbeat timeout although it had its result)."""
    heartbeat_endpoint = _originals["CallbackEndpoint.setup_heartbeat_endpoint"](self, heartbeat_seconds)
    if self._notify_event.is_set():
        heartbeat_endpoint.notify()
    return heartbeat_endpoint


def _error_equals_eval_body(self: Any, env: Any) -> None:
    """As AWS: ``States.Timeout`` in ErrorEquals also matches a heartbeat timeout (it did before
    ``States.HeartbeatTimeout`` existed, and still does)."""
    error_name = env.stack[-1]
    _originals["ErrorEqualsDecl._eval_body"](self, env)
    if (
        not env.stack[-1]
        and getattr(error_name, "error_name", None) == "States.HeartbeatTimeout"
        and any(getattr(name, "error_name", None) == "States.Timeout" for name in self.error_names)
    ):
        env.stack[-1] = True


def _environment_set_error(self: Any, error: Any) -> None:
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if isinstance(self._program_state, ProgramStopped):
        return  # stopped stays stopped: the woken task's failure is not the execution's outcome
    _originals["Environment.set_error"](self, error)


def _environment_set_timed_out(self: Any) -> None:
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if isinstance(self._program_state, ProgramStopped):
        return
    _originals["Environment.set_timed_out"](self)


# --- roles and permissions, as Step Functions checks them -------------------------------------

STATES_PRINCIPAL = "states.amazonaws.com"
ROLE_NOT_ASSUMABLE = (
    "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to "
    "assume the provided role."
)
SQS_ERROR_NAME = "SQS.AmazonSQSException"  # every error SQS answers; SdkClientException is client-side


def _check_states_role(role_arn: str | None) -> None:
    from moto.core.exceptions import AWSError

    from refarch_emulator.extensions.iam import models as iam

    if not role_arn or not role_arn.startswith("arn:"):
        return  # moto's own ARN validation answers a malformed one
    if iam.role_problem(role_arn.split(":")[4], role_arn, STATES_PRINCIPAL) is not None:
        raise AWSError(ROLE_NOT_ASSUMABLE, "AccessDeniedException")


def _deletion_key(self: Any, name: str) -> str:
    return f"{self.account_id}:{self.region_name}:{name}"


def _create_state_machine(self: Any, *args: Any, **kwargs: Any) -> Any:
    from moto.core.exceptions import AWSError

    from refarch_emulator import consistency

    name = kwargs.get("name", args[0] if args else "")
    if consistency.settling("states-delete", _deletion_key(self, name)):
        raise AWSError(f"State machine is being deleted: '{name}'", "StateMachineDeleting")
    _check_states_role(kwargs.get("roleArn", args[2] if len(args) > 2 else None))
    return _originals["StepFunctionsParserBackend.create_state_machine"](self, *args, **kwargs)


def _delete_state_machine(self: Any, arn: str) -> None:
    """Deletion is asynchronous on AWS: the name stays taken for the ``states-delete`` window."""
    from refarch_emulator import consistency

    machine = next((m for m in self.state_machines if m.arn == arn), None)
    _originals["StepFunctionBackend.delete_state_machine"](self, arn)
    if machine is not None:
        consistency.changed("states-delete", _deletion_key(self, machine.name))


def _update_state_machine(self: Any, arn: str, *args: Any, **kwargs: Any) -> Any:
    role_arn = kwargs.get("role_arn", args[1] if len(args) > 1 else None)
    if role_arn:
        _check_states_role(role_arn)
    return _originals["StepFunctionBackend.update_state_machine"](self, arn, *args, **kwargs)


def _start_execution(self: Any, state_machine_arn: str, name: Any = None, execution_input: Any = None, *rest: Any):
    from moto.core.exceptions import AWSError

    if execution_input is not None:
        try:
            json.loads(execution_input)
        except (TypeError, ValueError) as exc:
            raise AWSError(f"Invalid State Machine Execution Input: '{exc}'", "InvalidExecutionInput") from None
    # Without a name AWS generates a UUID (moto named every such execution "None": the second clashed).
    return _originals["StepFunctionsParserBackend.start_execution"](
        self, state_machine_arn, name or str(uuid.uuid4()), execution_input, *rest
    )


def _sqs_access_denied(queue_url: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": "AccessDenied", "Message": f"Access to the resource {queue_url} is denied."},
            "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": str(uuid.uuid4())},
        },
        "SendMessage",
    )


def _queue_arn(queue_url: str, region: str, account_id: str) -> str:
    parts = [part for part in queue_url.split("/") if part]
    name = parts[-1] if parts else ""
    owner = parts[-2] if len(parts) >= 2 and parts[-2].isdigit() else account_id
    return f"arn:aws:sqs:{region}:{owner}:{name}"


def _sqs_eval_service_task(self: Any, env: Any, resource_runtime_part: Any, normalised_parameters: dict, **kwargs: Any):
    """The state machine's role must allow sqs:SendMessage on the queue, as on AWS (moto sent anyway)."""
    from refarch_emulator.extensions.iam import models as iam

    execution = env.states.context_object.context_object_data.get("Execution") or {}
    role_arn = execution.get("RoleArn") or ""
    queue_url = str(normalised_parameters.get("QueueUrl") or "")
    if role_arn.startswith("arn:") and self._get_boto_service_action() == "send_message":
        account_id = role_arn.split(":")[4]
        queue_arn = _queue_arn(queue_url, resource_runtime_part.region, account_id)
        if not iam.role_allows(account_id, role_arn, "sqs:SendMessage", queue_arn):
            raise _sqs_access_denied(queue_url)
    return _originals["StateTaskServiceSqs._eval_service_task"](
        self,
        env=env,
        resource_runtime_part=resource_runtime_part,
        normalised_parameters=normalised_parameters,
        **kwargs,
    )


def _sqs_from_error(self: Any, env: Any, ex: Exception) -> Any:
    """An error SQS answered is ``SQS.AmazonSQSException``, its cause worded as the AWS SDK for Java
    words a service error (what Step Functions reports)."""
    from botocore.exceptions import ClientError
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    if not isinstance(ex, ClientError):
        return _originals["StateTaskServiceSqs._from_error"](self, env, ex)
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


def _check_send_task_caller(response: Any, action: str) -> None:
    """SendTask* made with a Lambda function's credentials: its role must allow ``action`` on the
    state machine of the token (checked only for those credentials: the user/tests act as admin)."""
    from moto.core.exceptions import AWSError

    from refarch_emulator.extensions import awslambda
    from refarch_emulator.extensions.iam import models as iam

    identity = awslambda.identity_of_access_key(response.get_access_key())
    if identity is None:
        return
    role_arn, session = identity
    execution, _endpoint = _find_task(response.stepfunction_backend, response._get_param("taskToken"))
    if execution is None:
        return  # the backend answers InvalidToken
    machine_arn = execution.state_machine_arn
    account_id = role_arn.split(":")[4]
    if not iam.role_allows(account_id, role_arn, action, machine_arn):
        role_name = role_arn.split("/")[-1]
        raise AWSError(
            f"User: arn:aws:sts::{account_id}:assumed-role/{role_name}/{session} is not authorized to perform: "
            f"{action} on resource: {machine_arn} because no identity-based policy allows the {action} action",
            "AccessDeniedException",
        )


def _response_send_task_success(self: Any) -> Any:
    _check_send_task_caller(self, "states:SendTaskSuccess")
    return _originals["StepFunctionResponse.send_task_success"](self)


def _response_send_task_heartbeat(self: Any) -> Any:
    _check_send_task_caller(self, "states:SendTaskHeartbeat")
    return _originals["StepFunctionResponse.send_task_heartbeat"](self)


_originals: dict[str, Any] = {}


def install() -> None:
    from moto.stepfunctions.models import StepFunctionBackend
    from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
        StateTaskServiceCallback,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs import (
        StateTaskServiceSqs,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task import StateTask
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    if _originals:
        return
    patches = [
        (StepFunctionResponse, "send_task_failure", _response_send_task_failure),
        (StepFunctionResponse, "stop_execution", _response_stop_execution),
        (StepFunctionResponse, "send_task_success", _response_send_task_success),
        (StepFunctionResponse, "send_task_heartbeat", _response_send_task_heartbeat),
        (StepFunctionsParserBackend, "create_state_machine", _create_state_machine),
        (StepFunctionBackend, "update_state_machine", _update_state_machine),
        (StepFunctionBackend, "delete_state_machine", _delete_state_machine),
        (StepFunctionsParserBackend, "start_execution", _start_execution),
        (StateTaskServiceSqs, "_eval_service_task", _sqs_eval_service_task),
        (StateTaskServiceSqs, "_from_error", _sqs_from_error),
        (StepFunctionsParserBackend, "send_task_success", send_task_success),
        (StepFunctionsParserBackend, "send_task_failure", send_task_failure),
        (StepFunctionsParserBackend, "send_task_heartbeat", send_task_heartbeat),
        (StepFunctionsParserBackend, "stop_execution", stop_execution),
        (StateTask, "_from_error", _state_task_from_error),
        (ErrorEqualsDecl, "_eval_body", _error_equals_eval_body),
        (StateTaskServiceCallback, "_evaluate_with_timeout", _callback_evaluate_with_timeout),
        (CallbackEndpoint, "setup_heartbeat_endpoint", _setup_heartbeat_endpoint),
        (Environment, "set_error", _environment_set_error),
        (Environment, "set_timed_out", _environment_set_timed_out),
    ]
    for owner, name, replacement in patches:
        _originals[f"{owner.__name__}.{name}"] = getattr(owner, name)
        setattr(owner, name, replacement)
