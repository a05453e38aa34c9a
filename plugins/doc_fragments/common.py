# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function


class ModuleDocFragment(object):
    # The ownership tag every resource this collection creates carries.
    OWNERSHIP = r"""
options:
  deployment:
    description:
      - Name of the deployment that owns the resource.
      - Written as the value of the C(refarch:deployment) tag on every resource the module creates;
        teardown finds resources by this tag only.
    type: str
    default: refarch
  tags:
    description:
      - Extra tags for the resource. The ownership tag is always added and cannot be overridden.
    type: dict
    default: {}
"""

    # The options the runner (module_utils/runner.py) adds to every resource module.
    TAGS = r"""
options:
  deployment:
    description:
      - Name of the deployment that owns the resource.
      - Written as the value of the C(refarch:deployment) tag on every resource the module creates;
        teardown finds resources by this tag only. A resource that exists without this deployment's
        tag is never changed or deleted.
    type: str
    default: refarch
  tags:
    description:
      - Tags for the resource. The ownership tag is always added and cannot be overridden.
      - When not set, the resource's tags are left as they are (the ownership tag aside).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not in O(tags) (the ownership tag and C(aws:) tags are never removed).
      - Ignored when O(tags) is not set.
    type: bool
    default: true
"""

    # The one filter of every ``_info`` module (runner.INFO_ARGUMENT_SPEC).
    INFO_FILTER = r"""
options:
  name:
    description: Only the resource of this name (none when it does not exist or does not match the other filters).
    type: str
  tags:
    description: Only resources carrying every one of these tags (key and value).
    type: dict
    default: {}
  deployment:
    description:
      - Only resources whose C(refarch:deployment) ownership tag has this value.
      - Not set, resources of every deployment (and none) are returned; teardown always sets it.
    type: str
"""

    # Waiting for eventually consistent AWS state.
    WAIT = r"""
options:
  wait:
    description:
      - Wait until the resource reaches its stable state before returning.
      - Skipped in check mode.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait before failing.
    type: int
    default: 600
"""

    # Attributes of a module that manages one resource: every one of ours reads, compares, then
    # makes only the calls that change something.
    MANAGED_RESOURCE = r"""
attributes:
  check_mode:
    support: full
    description: Reads, predicts the change and returns it; makes no mutating call.
  diff_mode:
    support: full
    description: Returns the normalized resource before and after.
  platform:
    support: full
    description: Target is AWS or an endpoint that speaks its API.
    platforms: aws
"""

    # Attributes of an _info module.
    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only; nothing to diff.
  platform:
    support: full
    description: Target is AWS or an endpoint that speaks its API.
    platforms: aws
"""

    # The one filter every _info module takes (runner.INFO_ARGUMENT_SPEC).
    INFO_FILTER = r"""
options:
  name:
    description: Only the resource of this name.
    type: str
  tags:
    description: Only resources that carry every one of these tags (with these values).
    type: dict
    default: {}
  deployment:
    description:
      - Only resources whose C(refarch:deployment) tag equals this; every resource of the kind when
        not set.
    type: str
"""
