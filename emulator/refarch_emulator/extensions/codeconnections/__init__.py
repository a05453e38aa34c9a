"""CodeStar Connections and CodeConnections: connections to GitHub and friends, PENDING until a handshake.

moto 5.2.5 has neither service. This module adds one backend with two front doors:

* ``codestar-connections`` (JSON 1.0, ``X-Amz-Target: CodeStar_connections_20191201.*``) and
* ``codeconnections`` (botocore ≥ 1.38 speaks Smithy RPC v2 CBOR to it:
  ``POST /service/CodeConnections_20231201/operation/<Op>``; JSON also works),

routed by moto's dispatcher like any built-in service (registered in ``backend_index`` and as
``moto.codeconnections``/``moto.codestarconnections`` modules). A connection is created PENDING, as on
AWS, where a person must complete the handshake in the console; its ARN names the service that created
it (``arn:aws:codeconnections:…:connection/<uuid>`` or ``arn:aws:codestar-connections:…``) and either
API reads it by either ARN form. Operations: create, get, list (``ProviderTypeFilter``,
``HostArnFilter``, paging), delete, tag, untag, list tags.

Test-only, never on AWS: ``POST /refarch-emulator/connections/<uuid>/available`` (or ``/pending``,
``/error``) sets a connection's status, standing in for the console handshake. Paths under
``/refarch-emulator/`` are not recorded in the API-call record.

``models`` holds the backend, ``responses`` both wire formats, ``urls`` the routes, ``exceptions``
the errors.
"""

from __future__ import annotations

import re
import sys


def install() -> None:
    from moto import backend_index
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from refarch_emulator.extensions.codeconnections import models, urls
    from refarch_emulator.extensions.patching import wrap

    sys.modules.setdefault("moto.codestarconnections", models)
    sys.modules.setdefault("moto.codeconnections", models)
    patterns = [name for name, _ in backend_index.backend_url_patterns]
    for name, base in (("codestar-connections", urls.url_bases[0]), ("codeconnections", urls.url_bases[1])):
        if name not in patterns:
            backend_index.backend_url_patterns.append((name, re.compile(base.replace("(?P<region>", "(?:"))))
    wrap(DomainDispatcherApplication, "__call__", urls.answer_test_hook)
