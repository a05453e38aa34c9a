# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM roles with their trust policy, inline and managed policies and instance profile, as one resource.

API calls (each retried with jittered backoff), pure compare functions and the runner services of
refarch.aws.iam_role (:class:`RoleService`: one role with ``name``, several with ``roles``) and
refarch.aws.iam_role_info (:class:`RoleInfoService`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.client import paginate
from ansible_collections.refarch.aws.plugins.module_utils.client import wait_for

DEFAULT_PATH = "/refarch/"
# The options of one role: top-level options with ``name``, or the keys of each ``roles`` element.
ROLE_KEYS = (
    "name",
    "description",
    "assume_role_policy",
    "inline_policies",
    "managed_policy_arns",
    "instance_profile",
    "max_session_duration",
)


# ---------------------------------------------------------------- options (pure)
def role_specs(params):
    """``[(where, spec)]``: each role's options, ``where`` the prefix that names them in messages
    (``""`` for the ``name`` form, ``"roles[2]."`` for an element of ``roles``)."""
    if params.get("roles") is None:
        return [("", dict((key, params.get(key)) for key in ROLE_KEYS))]
    return [
        ("roles[%d]." % index, dict((key, role.get(key)) for key in ROLE_KEYS))
        for index, role in enumerate(params["roles"])
    ]


def role_problems(spec, where, state):
    """What is wrong with one role's options (a list of messages); option names are prefixed with ``where``."""
    problems = []
    name = spec.get("name") or ""
    if len(name) > 64:
        problems.append("%sname must be at most 64 characters for an IAM role, got %d" % (where, len(name)))
    for arn in spec.get("managed_policy_arns") or []:
        if not re.fullmatch(r"arn:[^:]+:iam::([0-9]{12}|aws):policy/.+", arn):
            problems.append("%smanaged_policy_arns: %r is not a managed policy ARN" % (where, arn))
    duration = spec.get("max_session_duration")
    if duration is not None and not 3600 <= duration <= 43200:
        problems.append("%smax_session_duration must be between 3600 and 43200, got %d" % (where, duration))
    for policy_name, document in sorted((spec.get("inline_policies") or {}).items()):
        if not isinstance(document, dict) or "Statement" not in document:
            problems.append("%sinline_policies.%s must be a policy document with a Statement" % (where, policy_name))
    trust = spec.get("assume_role_policy")
    if trust is not None and "Statement" not in trust:
        problems.append("%sassume_role_policy must be a policy document with a Statement" % where)
    if trust is None and state == "present":
        problems.append("%sassume_role_policy is required when state=present (role %s)" % (where, name))
    return problems


def options_problems(params):
    """What is wrong with the module's options: the path, then each role in order (a list of messages)."""
    problems = []
    path = params["path"]
    if not (path.startswith("/") and path.endswith("/")):
        problems.append("path must begin and end with '/', got %r" % path)
    seen = set()
    for where, spec in role_specs(params):
        problems.extend(role_problems(spec, where, params["state"]))
        if spec["name"] in seen:
            problems.append("%sname: role %s is listed twice" % (where, spec["name"]))
        seen.add(spec["name"])
    return problems


# ---------------------------------------------------------------- reads
def get_role(client, name, inline=True, managed=True, profile=True):
    """The role as one normalized dict, or None when it does not exist (or vanishes while being read:
    another stack's teardown may delete it between our calls)."""
    try:
        return _read_role(client, name, inline, managed, profile)
    except is_boto3_error_code("NoSuchEntity"):
        return None


def _read_role(client, name, inline, managed, profile):
    role = client.get_role(aws_retry=True, RoleName=name)["Role"]
    result = normalize_role(role)
    if inline:
        result["inline_policies"] = {}
        names = client.list_role_policies(aws_retry=True, RoleName=name)["PolicyNames"]
        for policy_name in names:
            document = client.get_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)["PolicyDocument"]
            result["inline_policies"][policy_name] = _policy_dict(document)
    if managed:
        attached = client.list_attached_role_policies(aws_retry=True, RoleName=name)["AttachedPolicies"]
        result["managed_policy_arns"] = sorted(p["PolicyArn"] for p in attached)
    if profile:
        result["instance_profile_arn"] = get_instance_profile_arn(client, name)
    return result


def get_instance_profile_arn(client, name):
    try:
        return client.get_instance_profile(aws_retry=True, InstanceProfileName=name)["InstanceProfile"]["Arn"]
    except is_boto3_error_code("NoSuchEntity"):
        return None


def list_owned_roles(client, path_prefix, is_owned_tags):
    """Roles under ``path_prefix`` whose tags satisfy ``is_owned_tags(dict)``; list_roles omits tags,
    so each candidate's tags are read (the path keeps the candidates few)."""
    roles = []
    for page in paginate(client, "list_roles", PathPrefix=path_prefix)["Roles"]:
        try:
            tags = client.list_role_tags(aws_retry=True, RoleName=page["RoleName"])["Tags"]
        except is_boto3_error_code("NoSuchEntity"):
            continue  # deleted since the listing
        if is_owned_tags(boto3_tag_list_to_ansible_dict(tags)):
            roles.append(page["RoleName"])
    return sorted(roles)


# ---------------------------------------------------------------- pure
def _policy_dict(document):
    if isinstance(document, str):
        return json.loads(document)
    return document


def normalize_role(role):
    return dict(
        arn=role["Arn"],
        role_name=role["RoleName"],
        role_id=role.get("RoleId"),
        path=role.get("Path", "/"),
        description=role.get("Description", ""),
        max_session_duration=role.get("MaxSessionDuration", 3600),
        assume_role_policy=_policy_dict(role.get("AssumeRolePolicyDocument", {})),
        tags=boto3_tag_list_to_ansible_dict(role.get("Tags", [])),
    )


def _sorted_or_none(values):
    return None if values is None else sorted(values)


def build_desired(params, tags):
    """The role as the user wants it, in the normalized shape; None = leave that attribute alone."""
    return dict(
        role_name=params["name"],
        path=params["path"],
        description=params.get("description"),
        max_session_duration=params.get("max_session_duration"),
        assume_role_policy=params["assume_role_policy"],
        inline_policies=params.get("inline_policies"),
        managed_policy_arns=_sorted_or_none(params.get("managed_policy_arns")),
        tags=tags,
        instance_profile=params.get("instance_profile"),
    )


def plan_changes(desired, current, purge_inline=True, purge_managed=True):
    """What to do to bring ``current`` (None: absent) to ``desired``: a dict of pending actions.

    Keys present only when there is something to do: create, description, max_session_duration,
    trust_policy, put_policies {name: doc}, delete_policies [names], attach [arns], detach [arns],
    create_profile. Tags are the runner's (its tag changes go in as ``tag`` and ``untag``).
    """
    plan = {}
    if current is None:
        plan["create"] = True
        current = dict(inline_policies={}, managed_policy_arns=[], tags={}, instance_profile_arn=None)
    else:
        if desired["path"] != current["path"]:
            plan["path_mismatch"] = (current["path"], desired["path"])
        if desired.get("description") is not None and desired["description"] != current["description"]:
            plan["description"] = desired["description"]
        if (
            desired.get("max_session_duration") is not None
            and desired["max_session_duration"] != current["max_session_duration"]
        ):
            plan["max_session_duration"] = desired["max_session_duration"]
        if compare_policies(current["assume_role_policy"], desired["assume_role_policy"]):
            plan["trust_policy"] = desired["assume_role_policy"]
    if desired.get("inline_policies") is not None:
        have = current.get("inline_policies") or {}
        put = dict(
            (name, doc)
            for name, doc in desired["inline_policies"].items()
            if name not in have or compare_policies(have[name], doc)
        )
        if put:
            plan["put_policies"] = put
        if purge_inline:
            remove = sorted(name for name in have if name not in desired["inline_policies"])
            if remove:
                plan["delete_policies"] = remove
    if desired.get("managed_policy_arns") is not None:
        have = set(current.get("managed_policy_arns") or [])
        want = set(desired["managed_policy_arns"])
        if want - have:
            plan["attach"] = sorted(want - have)
        if purge_managed and have - want:
            plan["detach"] = sorted(have - want)
    if desired.get("instance_profile") and not current.get("instance_profile_arn"):
        plan["create_profile"] = True
    return plan


def predicted_after(desired, current, plan):
    """The normalized role after ``plan`` runs (for --diff and check mode)."""
    after = dict(current or {})
    after.update(
        dict(
            role_name=desired["role_name"],
            path=desired["path"] if current is None else current["path"],
            assume_role_policy=desired["assume_role_policy"],
        )
    )
    for key in ("description", "max_session_duration"):
        if desired.get(key) is not None:
            after[key] = desired[key]
    inline = dict((current or {}).get("inline_policies") or {})
    inline.update(plan.get("put_policies", {}))
    for name in plan.get("delete_policies", []):
        inline.pop(name, None)
    after["inline_policies"] = inline
    managed = set((current or {}).get("managed_policy_arns") or [])
    managed |= set(plan.get("attach", []))
    managed -= set(plan.get("detach", []))
    after["managed_policy_arns"] = sorted(managed)
    after["tags"] = dict(desired["tags"])
    if plan.get("create_profile"):
        after["instance_profile_arn"] = "(known after creation)"
    return after


# ---------------------------------------------------------------- writes
def apply_plan(client, name, desired, plan):
    """Run the plan's API calls; returns nothing. Order: role, policies, tags, instance profile."""
    if plan.get("create"):
        kwargs = dict(
            RoleName=name,
            Path=desired["path"],
            AssumeRolePolicyDocument=json.dumps(desired["assume_role_policy"]),
            Tags=ansible_dict_to_boto3_tag_list(desired["tags"]),
        )
        if desired.get("description") is not None:
            kwargs["Description"] = desired["description"]
        if desired.get("max_session_duration") is not None:
            kwargs["MaxSessionDuration"] = desired["max_session_duration"]
        client.create_role(aws_retry=True, **kwargs)
    if "description" in plan or "max_session_duration" in plan:
        kwargs = dict(RoleName=name)
        if "description" in plan:
            kwargs["Description"] = plan["description"]
        if "max_session_duration" in plan:
            kwargs["MaxSessionDuration"] = plan["max_session_duration"]
        client.update_role(aws_retry=True, **kwargs)
    if "trust_policy" in plan:
        client.update_assume_role_policy(aws_retry=True, RoleName=name, PolicyDocument=json.dumps(plan["trust_policy"]))
    for policy_name, document in sorted(plan.get("put_policies", {}).items()):
        client.put_role_policy(
            aws_retry=True, RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    for policy_name in plan.get("delete_policies", []):
        client.delete_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)
    for arn in plan.get("attach", []):
        client.attach_role_policy(aws_retry=True, RoleName=name, PolicyArn=arn)
    for arn in plan.get("detach", []):
        client.detach_role_policy(aws_retry=True, RoleName=name, PolicyArn=arn)
    if plan.get("tag"):
        client.tag_role(aws_retry=True, RoleName=name, Tags=ansible_dict_to_boto3_tag_list(plan["tag"]))
    if plan.get("untag"):
        client.untag_role(aws_retry=True, RoleName=name, TagKeys=plan["untag"])
    if plan.get("create_profile"):
        try:
            client.create_instance_profile(
                aws_retry=True,
                InstanceProfileName=name,
                Path=desired["path"],
                Tags=ansible_dict_to_boto3_tag_list(desired["tags"]),
            )
        except is_boto3_error_code("EntityAlreadyExists"):
            pass  # a profile left by an interrupted run: reuse it
        client.add_role_to_instance_profile(aws_retry=True, InstanceProfileName=name, RoleName=name)


def delete_role(client, name):
    """Delete the role and everything hanging off it, in the order IAM requires."""
    profiles = client.list_instance_profiles_for_role(aws_retry=True, RoleName=name)["InstanceProfiles"]
    for profile in profiles:
        client.remove_role_from_instance_profile(
            aws_retry=True, InstanceProfileName=profile["InstanceProfileName"], RoleName=name
        )
        if profile["InstanceProfileName"] == name:  # the one this module created with the role
            client.delete_instance_profile(aws_retry=True, InstanceProfileName=name)
    for policy_name in client.list_role_policies(aws_retry=True, RoleName=name)["PolicyNames"]:
        client.delete_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)
    for policy in client.list_attached_role_policies(aws_retry=True, RoleName=name)["AttachedPolicies"]:
        client.detach_role_policy(aws_retry=True, RoleName=name, PolicyArn=policy["PolicyArn"])
    try:
        client.delete_role(aws_retry=True, RoleName=name)
    except is_boto3_error_code("NoSuchEntity"):
        pass


# ---------------------------------------------------------------- on the runner
# The result keys each planned action changes (``changed_keys``).
ACTION_KEYS = dict(
    description="description",
    max_session_duration="max_session_duration",
    trust_policy="assume_role_policy",
    put_policies="inline_policies",
    delete_policies="inline_policies",
    attach="managed_policy_arns",
    detach="managed_policy_arns",
    create_profile="instance_profile_arn",
)


class RoleService(runner.Service):
    """A role of an ``iam_role`` task (``name``, or each element of ``roles``) with its trust, inline and
    managed policies and instance profile; the role's path is fixed at creation."""

    kind = "IAM role"
    result_key = "role"
    client_names = ("iam",)
    waits = True
    many_key = "roles"

    def __init__(self, clients, params):
        super(RoleService, self).__init__(clients, params)
        self.actions = {}
        self.created = False

    @staticmethod
    def validate(params):
        return options_problems(params)

    def read(self):
        # The instance profile is read only when it is managed: one call less for every other role.
        managed_profile = self.params["state"] == "present" and bool(self.params.get("instance_profile"))
        return get_role(self.client, self.name(), profile=managed_profile)

    def desired(self, current, tags):
        return build_desired(self.params, tags)

    def planned_actions(self, desired, current):
        self.actions = plan_changes(
            desired,
            current,
            purge_inline=self.params["purge_inline_policies"],
            purge_managed=self.params["purge_managed_policies"],
        )
        if "path_mismatch" in self.actions:
            raise runner.Refused(
                "IAM role %s exists with path %s, not %s; a role's path cannot change"
                % ((self.name(),) + self.actions["path_mismatch"])
            )
        return self.actions

    def plan(self, desired, current):
        return sorted(set(ACTION_KEYS[action] for action in self.planned_actions(desired, current)))

    def predict(self, desired, current):
        if current is None:
            self.planned_actions(desired, None)
        return predicted_after(desired, current, self.actions)

    def create(self, desired):
        apply_plan(self.client, self.name(), desired, self.actions)
        self.created = True
        # Reads after create are eventually consistent: with wait, wait() reads the role once it answers.
        if self.params["wait"]:
            return predicted_after(desired, None, self.actions)
        return get_role(self.client, self.name())

    def update(self, desired, current, changes, tag_changes):
        actions = dict(self.actions, tag=tag_changes.set, untag=tag_changes.remove)
        apply_plan(self.client, self.name(), desired, actions)
        return get_role(self.client, self.name())

    def wait(self, resource, timeout):
        if not self.created:
            return resource
        name = self.name()
        profile = bool(self.params.get("instance_profile"))
        wait_for(
            lambda: get_role(self.client, name, inline=False, managed=False, profile=profile),
            lambda role: role is not None and (not profile or role["instance_profile_arn"]),
            timeout,
            "IAM role %s to exist" % name,
            delay=2,
        )
        return get_role(self.client, name)

    def delete(self, current):
        delete_role(self.client, self.name())


# ---------------------------------------------------------------- iam_role_info on the runner
class RoleInfoService(runner.InfoService):
    """Roles under ``path_prefix`` for ``iam_role_info``: ListRoles omits tags, so each candidate's
    tags are read and only the matching roles are read whole."""

    kind = "IAM roles"
    result_key = "roles"
    client_names = ("iam",)

    def by_name(self, name):
        return get_role(self.client, name)

    def list_all(self):
        matching = list_owned_roles(
            self.client, self.params["path_prefix"], lambda tags: runner.matches_filter(dict(tags=tags), self.params)
        )
        return [get_role(self.client, name) for name in matching]  # None: deleted meanwhile
