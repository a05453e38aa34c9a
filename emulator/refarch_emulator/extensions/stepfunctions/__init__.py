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

``models`` holds the backend and interpreter side, ``responses`` the API's answers, ``exceptions``
the errors.
"""

from __future__ import annotations


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

    from refarch_emulator.extensions.patching import replace, wrap
    from refarch_emulator.extensions.stepfunctions import models, responses

    replace(StepFunctionResponse, "send_task_failure", responses.send_task_failure)
    replace(StepFunctionResponse, "stop_execution", responses.stop_execution)
    wrap(StepFunctionResponse, "send_task_success", responses.send_task_success)
    wrap(StepFunctionResponse, "send_task_heartbeat", responses.send_task_heartbeat)
    wrap(StepFunctionsParserBackend, "create_state_machine", models.create_state_machine)
    wrap(StepFunctionBackend, "update_state_machine", models.update_state_machine)
    wrap(StepFunctionBackend, "delete_state_machine", models.delete_state_machine)
    wrap(StepFunctionsParserBackend, "start_execution", models.start_execution)
    wrap(StateTaskServiceSqs, "_eval_service_task", models.sqs_eval_service_task)
    wrap(StateTaskServiceSqs, "_from_error", models.sqs_from_error)
    replace(StepFunctionsParserBackend, "send_task_success", models.send_task_success)
    replace(StepFunctionsParserBackend, "send_task_failure", models.send_task_failure)
    replace(StepFunctionsParserBackend, "send_task_heartbeat", models.send_task_heartbeat)
    replace(StepFunctionsParserBackend, "stop_execution", models.stop_execution)
    wrap(StateTask, "_from_error", models.state_task_from_error)
    wrap(ErrorEqualsDecl, "_eval_body", models.error_equals_eval_body)
    wrap(StateTaskServiceCallback, "_evaluate_with_timeout", models.callback_evaluate_with_timeout)
    wrap(CallbackEndpoint, "setup_heartbeat_endpoint", models.setup_heartbeat_endpoint)
    wrap(Environment, "set_error", models.environment_set_error)
    wrap(Environment, "set_timed_out", models.environment_set_timed_out)
