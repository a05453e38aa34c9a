from __future__ import annotations

import pytest
from ansible_collections.refarch.aws.plugins.filter.unknown_variables import unknown_variables

KNOWN = ["refarch_stacks_selected", "refarch_deployment", "spot_asg_alb_desired_capacity"]
PREFIXES = ["refarch_", "spot_asg_alb_"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["refarch_stacks_selected", "inventory_hostname"], []),
        (
            ["refarch_stack_selected"],
            ["refarch_stack_selected is not a known variable; did you mean refarch_stacks_selected?"],
        ),
        (
            ["spot_asg_alb_desired_capasity"],
            ["spot_asg_alb_desired_capasity is not a known variable; did you mean spot_asg_alb_desired_capacity?"],
        ),
        (["refarch_zzz"], ["refarch_zzz is not a known variable"]),
        (["other_prefix_thing", "refarch_deployment"], []),
    ],
)
def test_unknown_variables(names, expected):
    assert unknown_variables(names, KNOWN, PREFIXES) == expected
