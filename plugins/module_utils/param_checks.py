# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks that run before any API call; each returns a message naming the parameter, or None."""

from __future__ import absolute_import, division, print_function

import re


def check_pattern(name, value, pattern):
    """``value`` (when set) must match ``pattern`` whole."""
    if value is None or re.fullmatch(pattern, str(value)):
        return None
    return "%s: %r does not match %s" % (name, value, pattern)


def check_range(name, value, low, high):
    if value is None or low <= value <= high:
        return None
    return "%s: %r is not between %s and %s" % (name, value, low, high)


def check_launch_template_name(name, value):
    return check_pattern(name, value, r"[a-zA-Z0-9().\-/_]{3,128}")


def check_elb_name(name, value):
    """Load balancer and target group names: 1-32 alphanumerics or hyphens, no hyphen at either end."""
    if value is None or re.fullmatch(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?", value):
        return None
    return "%s: %r must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen" % (name, value)


def collect(*messages):
    """The messages that are not ``None``."""
    return [m for m in messages if m]
