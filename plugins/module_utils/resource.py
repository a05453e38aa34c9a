# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run of a one-resource module and of its ``_info`` module, shared by the queue, function,
event source mapping and state machine modules: read -> present/absent -> result with diff.

Each module supplies what differs (how to read, create/update, delete); ownership checks, error
reporting and the result shape are the same everywhere.
"""

from __future__ import absolute_import, division, print_function

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.refarch.aws.plugins.module_utils import diffing, ownership

INFO_ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    deployment=dict(type="str"),
    tags=dict(type="dict", default={}),
)


def fail_unless_owned(module, kind, name, tags, action="change"):
    """Stop the module when the resource lacks this deployment's ownership tag."""
    deployment = module.params["deployment"]
    if not ownership.is_owned(tags, deployment):
        module.fail_json(
            msg="%s %s exists but is not owned by deployment %s (tag %s); refusing to %s it"
            % (kind, name, deployment, ownership.OWNERSHIP_TAG_KEY, action)
        )


def ensure_absent(module, kind, name, current, delete):
    """Delete ``current`` (a normalized resource with ``tags``) if it exists and is ours."""
    if current is None:
        return False, None
    fail_unless_owned(module, kind, name, current.get("tags"), action="delete")
    if not module.check_mode:
        delete(current)
    return True, None


def run(module, kind, result_key, read, present, absent):
    """Read the resource, apply ``present(current)`` or ``absent(current)``, exit with the result."""
    name = module.params.get("name") or module.params.get("function_name")
    try:
        current = read()
        if module.params["state"] == "present":
            changed, after = present(current)
        else:
            changed, after = absent(current)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="failed to manage %s %s" % (kind, name))
    result = dict(changed=changed)
    result[result_key] = after or {}
    if module._diff:
        result["diff"] = diffing.diff_result(current, after)
    module.exit_json(**result)


def tags_match(tags, deployment, wanted):
    """The ``_info`` filter: owned by ``deployment`` (when given) and carrying every ``wanted`` tag."""
    tags = tags or {}
    if deployment is not None and not ownership.is_owned(tags, deployment):
        return False
    return all(tags.get(k) == v for k, v in (wanted or {}).items())


def run_info(module, kind, result_key, by_name, list_all):
    """``_info`` modules: one resource by name, or all of them, filtered by ownership and tags."""
    params = module.params
    try:
        if params["name"]:
            found = by_name(params["name"])
            resources = [found] if found else []
        else:
            resources = list_all()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="failed to list %s" % kind)
    resources = [r for r in resources if r is not None and tags_match(r["tags"], params["deployment"], params["tags"])]
    module.exit_json(changed=False, **{result_key: resources})
