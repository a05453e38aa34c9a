# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ownership tag: one key on every resource this collection creates; value = deployment name.

Teardown finds what to delete by this tag alone, never by name.
"""

from __future__ import absolute_import, division, print_function

OWNERSHIP_TAG_KEY = "refarch:deployment"
DEFAULT_DEPLOYMENT = "refarch"

OWNERSHIP_ARGUMENT_SPEC = dict(
    deployment=dict(type="str", default=DEFAULT_DEPLOYMENT),
    tags=dict(type="dict", default={}),
)


def desired_tags(deployment, tags=None):
    """The user's tags plus the ownership tag, which the user cannot override."""
    result = dict(tags or {})
    result[OWNERSHIP_TAG_KEY] = deployment
    return result


def is_owned(tags, deployment):
    """True when a resource's tags (a dict) say this deployment owns it."""
    return (tags or {}).get(OWNERSHIP_TAG_KEY) == deployment


def tag_changes(current, desired, purge=False):
    """(tags to set, keys to remove) to bring ``current`` to ``desired``; both dicts."""
    current = current or {}
    to_set = dict((k, v) for k, v in desired.items() if current.get(k) != v)
    to_remove = sorted(k for k in current if k not in desired and not k.startswith("aws:")) if purge else []
    return to_set, to_remove


def not_ours_message(kind, name, deployment):
    """Why a module refuses to change or delete a resource that lacks this deployment's tag."""
    return "%s %s exists but has no %s=%s tag: it is not ours, so it is left alone" % (
        kind,
        name,
        OWNERSHIP_TAG_KEY,
        deployment,
    )
