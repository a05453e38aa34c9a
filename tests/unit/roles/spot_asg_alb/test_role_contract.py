"""The role's contract: every default has an argument spec and a README row, and vice versa."""

import re
from pathlib import Path

import yaml

ROLE = Path(__file__).resolve().parents[4] / "roles" / "spot_asg_alb"


def defaults():
    return set(yaml.safe_load((ROLE / "defaults" / "main.yml").read_text()))


def specs():
    return set(yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"])


def readme_variables():
    names = set()
    for line in (ROLE / "README.md").read_text().splitlines():
        match = re.match(r"\| `(spot_asg_alb_[a-z_]+)`(?: / `(_[a-z_]+)`)*", line)
        if match:
            names.add(match.group(1))
            names.update("spot_asg_alb" + suffix for suffix in re.findall(r"`(_[a-z_]+)`", line))
    return names


def test_every_default_has_a_spec_and_a_readme_row():
    assert defaults() == specs()
    assert readme_variables() == specs()


def test_every_variable_is_prefixed():
    assert all(name.startswith("spot_asg_alb_") for name in defaults() | specs())


def test_the_default_instance_types_reach_120_pools_in_us_east_1():
    """24 types offered in 5 AZs each (us-east-1e offers none of them); the deploy computes it for real."""
    types = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())["spot_asg_alb_instance_types"]
    assert len(types) == len(set(types)) >= 24
    assert types[0] == "c5.large"
