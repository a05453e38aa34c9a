"""CodeBuild: ``update_project``, projects described as AWS describes them, AWS's input rules.

moto 5.2.5 answers ``update_project`` with 500, stores 0 for the timeouts AWS defaults to 60 and 480
minutes, returns ``tags: null`` and leaves out ``projectsNotFound``; it also demands a ``location``
for CODEPIPELINE (and NO_SOURCE) sources and CODEPIPELINE artifacts, which AWS does not. This
extension, on moto's backend and response class:

* ``update_project``: the fields given replace the stored ones, the others are kept (``tags`` given
  replaces all tags); ARN and ``created`` unchanged, ``lastModified`` updated; unknown project →
  ``ResourceNotFoundException``;
* fills the defaults AWS reports (timeouts, ``environmentVariables``, ``privilegedMode``,
  ``imagePullCredentialsType``, ``insecureSsl``, logs config, CODEPIPELINE artifact name/packaging,
  ``projectVisibility``, empty secondary lists, ``tags: []``), for created and updated projects;
* ``batch_get_projects`` lists the names it did not find in ``projectsNotFound``.

* ``create_project``/``update_project`` with a service role CodeBuild cannot assume yet (created or
  changed inside the IAM window, missing, or not trusting ``codebuild.amazonaws.com``) →
  ``InvalidInputException`` "CodeBuild is not authorized to perform: sts:AssumeRole on service role…",
  AWS's message (terraform-provider-aws retries CreateProject on it: internal/service/codebuild/project.go);
* builds: ``start_build`` records a build as AWS reports it — the project's own source (a CODEPIPELINE
  project's builds say CODEPIPELINE, not moto's CODECOMMIT), environment, artifacts and timeouts —
  IN_PROGRESS through its phases, each as long as AWS's duration of it (``awsclock``
  ``codebuild-<phase>``, scaled), then SUCCEEDED or FAILED in the phase where AWS fails it. A build
  started by a pipeline (:func:`pipeline_build`) runs with its service
  role's permissions: CloudWatch Logs (``logs:CreateLogGroup``/``CreateLogStream``/``PutLogEvents`` on
  ``/aws/codebuild/<project>``, PROVISIONING, ``ACCESS_DENIED``), the input artifact
  (``s3:GetObject``, DOWNLOAD_SOURCE, ``CLIENT_ERROR``) and the output artifact (``s3:PutObject``,
  UPLOAD_ARTIFACTS), checked with the IAM extension's ``role_allows``; the output artifact is written to
  the artifact bucket (a copy of the input: no buildspec runs here).

``models`` holds the backend side, ``responses`` the API's answers and input checks, ``exceptions``
the errors.
"""

from __future__ import annotations


def install() -> None:
    from moto.codebuild import responses as cb_responses
    from moto.codebuild.models import CodeBuildBackend

    from refarch_emulator.extensions.codebuild import models, responses
    from refarch_emulator.extensions.patching import replace, wrap

    wrap(CodeBuildBackend, "create_project", models.create_project)
    for name in ("update_project", "start_build", "batch_get_builds", "list_builds"):
        replace(CodeBuildBackend, name, getattr(models, name))
    wrap(cb_responses, "_validate_required_params_source", responses.validate_source)
    wrap(cb_responses, "_validate_required_params_artifacts", responses.validate_artifacts)
    wrap(cb_responses, "_validate_required_params_service_role", responses.validate_service_role)
    replace(cb_responses.CodeBuildResponse, "update_project", responses.update_project)
    replace(cb_responses.CodeBuildResponse, "batch_get_projects", responses.batch_get_projects)
