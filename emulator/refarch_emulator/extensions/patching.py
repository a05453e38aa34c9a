"""The one way the extensions change moto: replace or wrap an attribute of a moto class (or module).

* :func:`replace` sets ``owner.<name>`` to a new value (a function, a property, a new method);
* :func:`wrap` sets it to a function that calls ``wrapper(original, *args, **kwargs)``, ``original``
  being what was there before (moto's method, or an earlier extension's wrapper of it).

Both remember what they replaced (:func:`original`) and are idempotent: an ``install()`` that runs
twice changes nothing the second time. A patch is known by its owner, the attribute's name and the
replacement's own name (module and qualified name), so two extensions may wrap the same attribute
(their wrappers chain, in install order) while one extension never wraps it twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

_MISSING = object()
# (owner, attribute, who) → the attribute as it was before this patch (_MISSING: there was none).
_PATCHES: dict[tuple[Any, str, str], Any] = {}


def _who(value: Any) -> str:
    target = value.fget if isinstance(value, property) else value
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None)
    if module is None or qualname is None:
        raise TypeError(f"cannot tell the patch {value!r} from another: give a function or a property")
    return f"{module}.{qualname}"


def replace(owner: Any, name: str, value: Any) -> Any:
    """``owner.<name> = value``; returns the attribute it replaced (None if there was none).

    A second call for the same owner, name and replacement changes nothing and returns the same."""
    key = (owner, name, _who(value))
    if key not in _PATCHES:
        _PATCHES[key] = getattr(owner, name, _MISSING)
        setattr(owner, name, value)
    found = _PATCHES[key]
    return None if found is _MISSING else found


def wrap(owner: Any, name: str, wrapper: Callable[..., Any]) -> Any:
    """``owner.<name>`` becomes a function calling ``wrapper(original, *args, **kwargs)``; returns the
    original. Idempotent as :func:`replace` (by the wrapper's name)."""
    key = (owner, name, _who(wrapper))
    if key in _PATCHES:
        return _PATCHES[key]
    original = getattr(owner, name)

    @functools.wraps(original)
    def patched(*args: Any, **kwargs: Any) -> Any:
        return wrapper(original, *args, **kwargs)

    patched.__refarch_wrapper__ = wrapper  # type: ignore[attr-defined]
    _PATCHES[key] = original
    setattr(owner, name, patched)
    return original


def original(owner: Any, name: str, value: Any) -> Any:
    """What ``value`` (a replacement or wrapper installed on ``owner.<name>``) replaced."""
    found = _PATCHES[(owner, name, _who(value))]
    return None if found is _MISSING else found
