"""Extensions that fill moto's gaps for refarch.aws, each written to behave like AWS.

Each module in this package exposes ``install()``, which patches or registers moto backends and
responses in the running process; ``load_extensions()`` installs them all, in name order.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_extensions() -> list[str]:
    loaded = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        install = getattr(module, "install", None)
        if install is not None:
            install()
            loaded.append(info.name)
    return loaded
