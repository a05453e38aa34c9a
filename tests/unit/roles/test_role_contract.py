"""Every role's contract: each variable it reads is prefixed, defaulted in the role, has an argument
spec and a README row; tasks, templates and derived vars read no inventory variable themselves."""

import re
from pathlib import Path

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[3] / "roles"
ROLES = sorted(path.name for path in ROLES_DIR.iterdir() if (path / "meta" / "argument_specs.yml").exists())
# Facts a role leaves for playbooks/summary.yml and playbooks/leftovers.yml: set, never read.
FACTS_FOR_PLAYBOOKS = {"refarch_stack_summary", "refarch_stack_leftovers"}


def defaults(role):
    return set(yaml.safe_load((ROLES_DIR / role / "defaults" / "main.yml").read_text()))


def specs(role):
    spec = yaml.safe_load((ROLES_DIR / role / "meta" / "argument_specs.yml").read_text())
    return set(spec["argument_specs"]["main"]["options"])


def readme_variables(role):
    names = set()
    for line in (ROLES_DIR / role / "README.md").read_text().splitlines():
        match = re.match(rf"\| `({role}_[a-z_]+)`", line)
        if match:
            names.add(match.group(1))
            names.update(role + suffix for suffix in re.findall(r"`(_[a-z_]+)`", line))
    return names


def test_the_three_stack_roles_are_found():
    assert ROLES == ["beanstalk_codepipeline", "sfn_sqs_callback", "spot_asg_alb"]


@pytest.mark.parametrize("role", ROLES)
def test_every_default_has_a_spec_and_a_readme_row(role):
    assert defaults(role) == specs(role)
    assert readme_variables(role) == specs(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_is_prefixed(role):
    assert all(name.startswith(role + "_") for name in defaults(role) | specs(role))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_defaults_read_inventory_variables(role):
    """refarch_deployment, aws_region and the like reach a role through its defaults only (e.g.
    <role>_deployment), so one variable of the role changes what every task uses."""
    read = {
        f"{path.relative_to(ROLES_DIR)}: {name}"
        for folder in ("tasks", "templates", "vars")
        for path in sorted((ROLES_DIR / role / folder).glob("*"))
        for name in re.findall(r"\b(?:refarch|aws)_[a-z_]+", path.read_text())
        if name not in FACTS_FOR_PLAYBOOKS
    }
    assert read == set()
