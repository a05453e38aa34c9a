# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function


class ModuleDocFragment(object):
    # The filter options of the _info modules built on module_utils.resource.run_info.
    DOCUMENTATION = r"""
options:
  name:
    description: One resource by name.
    type: str
  deployment:
    description:
      - Only resources whose ownership tag C(refarch:deployment) has this value.
      - One of O(name) and O(deployment) is required.
    type: str
  tags:
    description: Only resources carrying all of these tags, with these values.
    type: dict
    default: {}
"""
