"""The project's playbooks: module defaults from one source, stacks run by one play."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# A user's example: runs without the project's inventory, so it spells its defaults out.
STANDALONE = {"playbooks/examples/own_playbook.yml"}
PLAYBOOKS = sorted(
    str(path.relative_to(ROOT))
    for pattern in ("*.yml", "playbooks/**/*.yml", "extensions/molecule/*/*.yml", "tests/integration/playbooks/*.yml")
    for path in ROOT.glob(pattern)
    if isinstance(yaml.safe_load(path.read_text()), list)
)
STACK_ROLES = sorted(path.parent.parent.name for path in ROOT.glob("roles/*/meta/argument_specs.yml"))


def plays(playbook):
    return [play for play in yaml.safe_load((ROOT / playbook).read_text()) if "hosts" in play]


def test_the_playbooks_are_found():
    assert {"site.yml", "playbooks/stacks.yml", "playbooks/approve.yml"} <= set(PLAYBOOKS)


@pytest.mark.parametrize("playbook", sorted(set(PLAYBOOKS) - STANDALONE))
def test_module_defaults_come_from_the_inventory(playbook):
    """One source: the inventory's refarch_module_defaults, never a copy of its keys."""
    for play in plays(playbook):
        if "module_defaults" in play:
            assert play["module_defaults"] == {"group/refarch.aws.aws": "{{ refarch_module_defaults }}"}, play["name"]


def test_one_play_runs_the_stack_roles():
    """Stacks are picked with refarch_stacks_selected (site.yml, teardown.yml), not by a playbook each."""
    running = {
        playbook
        for playbook in PLAYBOOKS
        if playbook.startswith(("playbooks/", "site.yml", "teardown.yml"))
        for play in plays(playbook)
        for role in play.get("roles", [])
        if (role["role"] if isinstance(role, dict) else role).split(".")[-1] in STACK_ROLES
    }
    assert running == set()
    assert "refarch.aws.{{ inventory_hostname }}" in (ROOT / "playbooks" / "stacks.yml").read_text()
