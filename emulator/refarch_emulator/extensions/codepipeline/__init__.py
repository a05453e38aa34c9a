"""CodePipeline: executions that walk the stages, manual approvals, pipeline state.

moto 5.2.5 stores pipelines and marks every execution Succeeded at once; ``get_pipeline_state``,
``put_approval_result``, ``list_action_executions`` and ``stop_pipeline_execution`` answer 500, and a
duplicate name gives ``InvalidStructureException``. This extension, on moto's own backend and response
class, runs each execution as AWS does:

* creating a pipeline starts an execution (trigger ``CreatePipeline``), as AWS does;
* ``create_pipeline``/``update_pipeline`` with a role CodePipeline cannot assume yet (created or changed
  inside the IAM window, missing, or not trusting ``codepipeline.amazonaws.com``) →
  ``InvalidStructureException`` "CodePipeline is not authorized to perform AssumeRole on role <arn>"
  (AWS's message; terraform-provider-aws retries CreatePipeline on it,
  internal/service/codepipeline/codepipeline.go);
* stages run in order, actions by ``runOrder``; every action but a Manual approval takes
  at least AWS's ``codepipeline-action`` duration (``awsclock``, scaled) and then succeeds or fails. Each action acts
  with the pipeline role's permissions, checked with the IAM extension's ``role_allows`` (see
  :data:`BEANSTALK_DEPLOY` and the sources named there); a deny fails the action with the message
  CodePipeline shows in the action execution's ``errorDetails``:
  - a ``CodeStarSourceConnection`` source fails unless its connection (CodeConnections extension) is
    AVAILABLE and the role may ``UseConnection`` it (the service prefix of the connection's ARN:
    ``codeconnections:`` or ``codestar-connections:``); a source writes its output artifact (a small
    zip: nothing is fetched from GitHub) to the artifact store (``s3:PutObject``);
  - a CodeBuild action needs ``codebuild:StartBuild``/``BatchGetBuilds`` on the project and runs a
    build of it in the emulator's CodeBuild, which reads the input artifact and writes the output one
    with the project's service role (it fails in the phase where AWS fails it);
  - an Elastic Beanstalk deploy reads the input artifact, creates an application version from it (it
    fails like CreateApplicationVersion when the object is not in S3), updates the environment to it,
    with the permissions AWS's UpdateEnvironment uses with the caller's credentials, and ends when the
    environment is Ready again (it fails if the environment is missing or not Ready);
* a Manual approval stays InProgress with a token until ``put_approval_result``: Approved moves on,
  Rejected fails the stage and the execution;
* one execution per stage at a time; a newer execution waiting for the same stage supersedes an
  older waiting one (``SUPERSEDED`` mode, the default); V2 ``QUEUED`` queues them instead and
  ``PARALLEL`` lets them run side by side;
* ``stop_pipeline_execution`` (abandon → Stopped at once; otherwise Stopping until the running
  actions finish), ``get_pipeline_state``, ``get_pipeline_execution``, ``list_pipeline_executions``,
  ``list_action_executions``; ``PipelineNameInUseException`` for a duplicate name.

Progress is computed lazily on each request from the clock, so no thread runs in the background.

``models`` holds the backend side, ``responses`` the API's answers, ``exceptions`` the errors.
"""

from __future__ import annotations


def install() -> None:
    from moto.codepipeline.models import CodePipelineBackend
    from moto.codepipeline.responses import CodePipelineResponse

    from refarch_emulator.extensions.codepipeline import models, responses
    from refarch_emulator.extensions.patching import replace, wrap

    wrap(CodePipelineBackend, "create_pipeline", models.create_pipeline)
    wrap(CodePipelineBackend, "update_pipeline", models.update_pipeline)
    for method in responses.RESPONSE_METHODS:
        replace(CodePipelineResponse, method.__name__, method)
