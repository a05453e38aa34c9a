"""Elastic Beanstalk: application versions, the environment lifecycle, events, platforms.

moto 5.2.5 stores applications and creates environments that are Ready at once, without id, CNAME or
version; everything else answers 500. This extension adds, on moto's own ``EBBackend`` and
``EBResponse``:

* application versions from an S3 source bundle (the object must exist in the emulator's S3, in the
  backend's region, as AWS checks), ``Process`` → PROCESSING → PROCESSED, else UNPROCESSED;
  describe with filters, delete (optionally with the bundle), tags;
* environments with an ``e-`` id, a CNAME, version label, option settings, tier, solution stack or
  platform ARN; Launching → Ready, Updating → Ready, Terminating → Terminated after AWS's durations
  (``awsclock``: ``elasticbeanstalk-launch``/``-update``/``-terminate``, scaled), health Grey → Green;
  terminated environments stay
  visible for an hour (``IncludeDeleted``), as on AWS;
* ``describe_events``, ``describe_configuration_settings``, ``describe_environment_health``,
  ``describe_environment_resources`` (no resources: the emulator launches no instances),
  ``list_platform_versions``/``describe_platform_version`` (derived from moto's solution stacks),
  ``check_dns_availability``, application tags and descriptions.

State changes are evaluated lazily on every request (no background thread), so a waiter polling
``describe_environments`` sees the same transitions it would see on AWS, only faster.

``models`` holds the backend side, ``responses`` the API's answers, ``urls`` the test-only route,
``exceptions`` the errors.
"""

from __future__ import annotations


def install() -> None:
    from moto.elasticbeanstalk.models import EBBackend
    from moto.elasticbeanstalk.responses import EBResponse
    from moto.moto_api._internal.models import MotoAPIBackend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from refarch_emulator.extensions.elasticbeanstalk import models, responses, urls
    from refarch_emulator.extensions.patching import replace, wrap

    wrap(DomainDispatcherApplication, "__call__", urls.answer_release_hook)
    # /moto-api/reset goes through MotoAPIBackend.reset whether or not an EB backend exists yet.
    wrap(MotoAPIBackend, "reset", models.reset)
    for method in responses.RESPONSE_METHODS:
        replace(EBResponse, method.__name__, method)
    for name in ("update_tags_for_resource", "list_tags_for_resource", "iter_tagged_resources"):
        replace(EBBackend, name, getattr(models, name))
