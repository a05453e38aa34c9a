"""The role's own figures (the contract of every role: tests/unit/roles/test_role_contract.py)."""

from pathlib import Path

import yaml

ROLE = Path(__file__).resolve().parents[4] / "roles" / "spot_asg_alb"


def test_the_default_instance_types_reach_120_pools_in_us_east_1():
    """24 types offered in 5 AZs each (us-east-1e offers none of them); the deploy computes it for real."""
    types = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())["spot_asg_alb_instance_types"]
    assert len(types) == len(set(types)) >= 24
    assert types[0] == "c5.large"
