"""Step Functions' responses: SendTaskFailure keeps ``cause``, StopExecution takes error and cause,
SendTask* made with a Lambda function's credentials are checked against its role."""

from __future__ import annotations

from typing import Any

from refarch_emulator.extensions.stepfunctions.models import _find_task


def send_task_failure(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    _check_send_task_caller(self, "states:SendTaskFailure")
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return EmptyResult()


def stop_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    backend = self.stepfunction_backend
    arn = self._get_param("executionArn")
    if isinstance(backend, StepFunctionsParserBackend):
        execution = backend.stop_execution(arn, error=self._get_param("error"), cause=self._get_param("cause"))
    else:
        execution = backend.stop_execution(arn)
    return ActionResult({"stopDate": execution.stop_date})


def _check_send_task_caller(response: Any, action: str) -> None:
    """SendTask* made with a Lambda function's credentials: its role must allow ``action`` on the
    state machine of the token (checked only for those credentials: the user/tests act as admin)."""
    from moto.core.exceptions import AWSError

    from refarch_emulator.extensions.awslambda import models as awslambda
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


def send_task_success(original, self: Any) -> Any:
    _check_send_task_caller(self, "states:SendTaskSuccess")
    return original(self)


def send_task_heartbeat(original, self: Any) -> Any:
    _check_send_task_caller(self, "states:SendTaskHeartbeat")
    return original(self)
