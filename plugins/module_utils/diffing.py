# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-vs-current comparison shared by every module: pure functions, unit-tested.

A desired value of ``None`` means "leave it alone", as in amazon.aws. Dicts in the desired state
are compared key by key (keys the user did not set are ignored); lists and scalars compare whole.
"""

from __future__ import absolute_import, division, print_function

import copy
import json


def drop_none(value):
    """A copy of ``value`` without ``None`` entries in dicts, at any depth."""
    if isinstance(value, dict):
        return dict((k, drop_none(v)) for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def changed_keys(desired, current, prefix=""):
    """Dotted paths where ``desired`` differs from ``current``; ``[]`` when nothing would change."""
    if current is None:
        current = {}
    paths = []
    for key in sorted(desired):
        want = desired[key]
        if want is None:
            continue
        have = current.get(key) if isinstance(current, dict) else None
        path = prefix + str(key)
        if isinstance(want, dict) and isinstance(have, dict):
            paths.extend(changed_keys(want, have, path + "."))
        elif want != have:
            paths.append(path)
    return paths


def merged(current, desired):
    """What the resource looks like after ``desired`` is applied to ``current`` (for diff output)."""
    result = copy.deepcopy(current) if current else {}
    for key, want in (desired or {}).items():
        if want is None:
            continue
        if isinstance(want, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], want)
        else:
            result[key] = copy.deepcopy(want)
    return result


def diff_result(before, after):
    """The ``diff`` return value Ansible prints with ``--diff``: absent resources are ``{}``."""
    return dict(before=before or {}, after=after or {})


def with_text_apart(before, after, path, decode, header):
    """Ansible's list of diffs: the resource's before/after without the value at ``path`` (a key
    tuple, e.g. base64 user data), then that value ``decode``d, as a text diff of its own (a line
    diff, where a JSON diff would show two long encoded lines)."""
    dicts, texts = [], []
    for given in (before or {}, after or {}):
        resource = copy.deepcopy(given)
        holder = resource
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        value = holder.pop(path[-1], None) if isinstance(holder, dict) else None
        if value is not None:
            holder[path[-1]] = "(%s: the text diff below)" % header
        dicts.append(resource)
        texts.append("" if value is None else decode(value))
    text_diff = dict(before=texts[0], after=texts[1], before_header=header, after_header=header)
    return [dict(before=dicts[0], after=dicts[1]), text_diff]


def normalized_json(document):
    """A JSON document (string or object) as a canonical string: key order and spacing ignored."""
    if isinstance(document, str):
        document = json.loads(document)
    return json.dumps(document, sort_keys=True, separators=(",", ":"))
