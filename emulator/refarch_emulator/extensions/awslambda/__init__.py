"""Lambda runs the function's Python code, and SQS event source mappings poll their queue as Lambda does.

moto 5.2.5 without Docker (our setting) answers every Invoke with an echo of the payload, and an
enabled SQS mapping invokes that echo synchronously inside ``SendMessage`` and then deletes the
message whatever happened. Here, for the Python runtimes (python3.9-python3.13, zip packages):

* **Invoke** unpacks the function's zip (once per code hash), runs the handler in an execution
  environment: a child process of the emulator's own Python (``_lambda_bootstrap.py``) that
  initialises once and stays warm for later invocations of the same configuration, as on Lambda,
  with the function's environment variables,
  ``AWS_REGION``/``AWS_DEFAULT_REGION``, fake credentials and ``AWS_ENDPOINT_URL`` pointing back at this
  emulator, enforces the function's timeout (the child is killed; ``Sandbox.Timedout``), and shapes
  the response as Lambda does: the return value as payload, or ``X-Amz-Function-Error: Unhandled``
  with ``errorMessage``/``errorType``/``requestId``/``stackTrace``. ``InvocationType=Event`` returns
  202 at once and runs in the background; ``DryRun`` runs nothing. The log (START/END/REPORT and
  what the handler printed) goes to CloudWatch Logs ``/aws/lambda/<name>`` and, with
  ``LogType=Tail``, its last 4 KB to ``X-Amz-Log-Result``.
* **SQS event source mappings** get a poller thread each, as Lambda's pollers: messages are
  received with the queue's visibility timeout, handed to the function in batches of up to
  ``BatchSize`` as Lambda's SQS event, deleted when the invocation succeeds and left on the queue
  when it fails (visible again after the visibility timeout, then to the DLQ after
  ``maxReceiveCount``); with ``FunctionResponseTypes=["ReportBatchItemFailures"]`` only the messages
  named in ``batchItemFailures`` stay. ``SendMessage`` no longer blocks on the function.
  Disabled mappings do not poll; deleting the mapping or ``/moto-api/reset`` stops its poller.

* **Roles and permissions**, checked as Lambda checks them (with :mod:`refarch_emulator.extensions.iam`):
  CreateFunction / UpdateFunctionConfiguration with a role that is missing, still propagating or does
  not trust ``lambda.amazonaws.com`` answer ``InvalidParameterValueException`` "The role defined for
  the function cannot be assumed by Lambda."; CreateEventSourceMapping for an SQS queue whose function
  role does not (yet) allow ``sqs:ReceiveMessage``, ``DeleteMessage`` and ``GetQueueAttributes`` on it
  answers "The provided execution role does not have permissions to call <action> on SQS"; a poller
  whose role later loses ReceiveMessage stops receiving and says why in ``LastProcessingResult``.
  Each execution environment gets credentials of its own (an access key id per function and role),
  so the other extensions can tell the function's calls from the user's (:func:`identity_of_access_key`).
* **Function states**: a new function is ``Pending`` and an updated one ``LastUpdateStatus: InProgress``
  for the ``lambda-update`` window; UpdateFunctionConfiguration / UpdateFunctionCode meanwhile answer
  ``ResourceConflictException`` "The operation cannot be performed at this time. The function is
  currently in the following state: Pending" / "… An update is in progress for resource: <arn>".
* **Mapping states**: a mapping is ``Creating`` (then Enabled/Disabled), ``Updating``/``Enabling``/
  ``Disabling`` after an update and ``Deleting`` after a delete, for the ``lambda-mapping`` window;
  Update/DeleteEventSourceMapping meanwhile answer ``ResourceInUseException`` "Cannot update (delete)
  the event source mapping because it is in use.", and the poller starts once the mapping is Enabled.

Other runtimes and image packages keep moto's behaviour.

Only the backend changes (``models``; the execution environment's bootstrap is
``_lambda_bootstrap.py``); moto's responses serve it unchanged.
"""

from __future__ import annotations


def install() -> None:
    from moto.awslambda.models import EventSourceMapping, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    from refarch_emulator.extensions.awslambda import models
    from refarch_emulator.extensions.patching import replace, wrap

    for name in (
        "create_function",
        "update_function_configuration",
        "update_function_code",
        "invoke",
        "create_event_source_mapping",
        "update_event_source_mapping",
        "reset",
    ):
        wrap(LambdaSimpleBackend, name, getattr(models, name))
    replace(LambdaSimpleBackend, "delete_event_source_mapping", models.delete_event_source_mapping)
    wrap(EventSourceMapping, "get_configuration", models.mapping_configuration)
    wrap(LambdaFunction, "get_configuration", models.function_configuration)
