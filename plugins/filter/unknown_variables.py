# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unknown_variables filter: names with one of our prefixes that no role or playbook knows."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: unknown_variables
short_description: Variables that carry one of our prefixes but are not known names, with the nearest known name
version_added: 1.0.0
author: refarch.aws maintainers (@refarch)
description:
  - Takes the names of the variables in scope and returns one line for each name that starts with one
    of O(prefixes) but is not in O(known), naming the nearest known name when one is close.
  - Used by the first play of C(site.yml) and C(teardown.yml), so that a misspelled C(-e) variable
    stops the run instead of being silently ignored.
options:
  _input:
    description: Names of the variables in scope (for example C(vars.keys())).
    type: list
    elements: str
    required: true
  known:
    description: Every name the roles and playbooks read.
    type: list
    elements: str
    required: true
  prefixes:
    description: Prefixes that mark a variable as ours.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse misspelled variables
  ansible.builtin.assert:
    that: _unknown | length == 0
    fail_msg: "{{ _unknown | join('; ') }}"
  vars:
    _unknown: "{{ vars.keys() | refarch.aws.unknown_variables(known=['refarch_deployment'], prefixes=['refarch_']) }}"
"""

RETURN = r"""
_value:
  description:
    - One message per unknown name, sorted, e.g.
      C(refarch_stack_selected is not a known variable; did you mean refarch_stacks_selected?).
  type: list
  elements: str
"""

import difflib


def unknown_variables(names, known, prefixes):
    known = set(known)
    messages = []
    for name in sorted(set(names)):
        if not name.startswith(tuple(prefixes)) or name in known:
            continue
        nearest = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        hint = "; did you mean %s?" % nearest[0] if nearest else ""
        messages.append("%s is not a known variable%s" % (name, hint))
    return messages


class FilterModule(object):
    def filters(self):
        return {"unknown_variables": unknown_variables}
