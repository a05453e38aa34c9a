"""IAM: changes take time to reach other services, and what a service does with a role is checked.

moto applies an IAM change at once and never evaluates a role when a service uses it. AWS does both
(https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency:
"changes are not immediately visible ... in other services"). This extension records every change
to a role (create, trust policy, inline or managed policy) and to an instance profile in
:mod:`refarch_emulator.consistency` (window ``iam``), and gives the other extensions three questions
to ask where AWS asks them (in :mod:`.models`):

* :func:`~.models.role_problem` — may ``principal`` use this role now? (missing, not yet propagated,
  or its trust policy does not name the principal);
* :func:`~.models.role_allows` — does the role's policies allow ``action`` on ``resource``? (explicit
  deny wins; moto's own policy evaluator, ``moto.iam.access_control``);
* :func:`~.models.instance_profile_problem` — is this instance profile known yet, with a role in it?

Each service answers a "no" with its own error, in its own extension. Only the backend changes.
"""

from __future__ import annotations


def install() -> None:
    from moto.iam.models import IAMBackend

    from refarch_emulator.extensions.iam import models
    from refarch_emulator.extensions.patching import wrap

    for name, recorder in models.RECORDED_CALLS.items():
        wrap(IAMBackend, name, recorder)
    wrap(IAMBackend, "reset", models.reset)
