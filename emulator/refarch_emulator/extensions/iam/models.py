"""IAM's backend records each change in the ``iam`` window; the questions other extensions ask."""

from __future__ import annotations

import json
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.iam.exceptions import NotFoundException

from refarch_emulator import consistency


def _backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id]["aws"]


def _role_key(backend: Any, role_name: str) -> str:
    try:
        return backend.get_role(role_name).arn
    except NotFoundException:  # moto's own call raises the proper error next
        return f"role:{role_name}"


def _profile_key(profile: Any) -> str:
    return profile.arn


def _recorded(key):
    """A wrapper that runs moto's method, then records the change of the role or profile it touched."""

    def recorded(original, self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        consistency.changed("iam", key(self, result, *args, **kwargs))
        return result

    recorded.__qualname__ = f"recorded[{key.__qualname__}]"
    return recorded


def _role_arg(arg_name: str, position: int):
    def key(self: Any, _result: Any, *args: Any, **kwargs: Any) -> str:
        role_name = kwargs.get(arg_name, args[position] if len(args) > position else None)
        return _role_key(self, role_name)

    key.__qualname__ = f"role_arg[{arg_name},{position}]"
    return key


def _created_role(self: Any, result: Any, *args: Any, **kwargs: Any) -> str:
    return result.arn


def _created_profile(self: Any, result: Any, *args: Any, **kwargs: Any) -> str:
    return _profile_key(result)


def _profile_of_call(self: Any, _result: Any, *args: Any, **kwargs: Any) -> str:
    name = kwargs.get("profile_name", args[0] if args else None)
    return _profile_key(self.get_instance_profile(name))


# IAMBackend methods whose change is recorded, each with how to find the role or profile it changed.
RECORDED_CALLS = {
    name: _recorded(key)
    for name, key in {
        "create_role": _created_role,
        "update_assume_role_policy": _role_arg("role_name", 0),
        "put_role_policy": _role_arg("role_name", 0),
        "delete_role_policy": _role_arg("role_name", 0),
        "attach_role_policy": _role_arg("role_name", 1),
        "detach_role_policy": _role_arg("role_name", 1),
        "create_instance_profile": _created_profile,
        "add_role_to_instance_profile": _profile_of_call,
        "remove_role_from_instance_profile": _profile_of_call,
    }.items()
}


def reset(original, self: Any) -> None:
    consistency.RECORD.clear()
    original(self)


# --- the questions other extensions ask --------------------------------------------------------


def find_role(account_id: str, role_arn: str) -> Any | None:
    try:
        return _backend(account_id).get_role_by_arn(role_arn)
    except NotFoundException:
        return None


def _trusts(role: Any, principal: str) -> bool:
    try:
        document = json.loads(role.assume_role_policy_document)
    except (TypeError, ValueError):
        return False
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        services = (statement.get("Principal") or {}).get("Service", [])
        services = [services] if isinstance(services, str) else services
        if principal in services:
            return True
    return False


def role_problem(account_id: str, role_arn: str, principal: str) -> str | None:
    """Why ``principal`` (e.g. ``states.amazonaws.com``) cannot use the role now, or None.

    ``"missing"``: no such role; ``"propagating"``: the role or a policy of it changed inside the IAM
    window; ``"untrusted"``: its trust policy does not let ``principal`` assume it.
    """
    role = find_role(account_id, role_arn)
    if role is None:
        return "missing"
    if consistency.settling("iam", role.arn):
        return "propagating"
    if not _trusts(role, principal):
        return "untrusted"
    return None


def role_allows(account_id: str, role_arn: str, action: str, resource: str) -> bool:
    """Whether the role's inline and attached policies allow ``action`` on ``resource``.

    An explicit Deny anywhere wins; no Allow means denied, as in AWS's policy evaluation logic
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    While a change to the role is propagating the role is treated as allowing nothing.
    """
    role = find_role(account_id, role_arn)
    if role is None or consistency.settling("iam", role.arn):
        return False
    documents = [IAMPolicy(doc) for doc in role.policies.values()]
    documents += [IAMPolicy(policy) for policy in role.managed_policies.values()]
    allowed = False
    for document in documents:
        result = document.is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return False
        allowed = allowed or result == PermissionResult.PERMITTED
    return allowed


def instance_profile_problem(account_id: str, name_or_arn: str) -> str | None:
    """Why EC2/Beanstalk cannot use the instance profile now, or None (``missing``, ``propagating``,
    ``empty`` when it holds no role)."""
    backend = _backend(account_id)
    try:
        if name_or_arn.startswith("arn:"):
            profile = backend.get_instance_profile_by_arn(name_or_arn)
        else:
            profile = backend.get_instance_profile(name_or_arn)
    except NotFoundException:
        return "missing"
    if consistency.settling("iam", _profile_key(profile)):
        return "propagating"
    if not profile.roles:
        return "empty"
    if any(consistency.settling("iam", role.arn) for role in profile.roles):
        return "propagating"
    return None
