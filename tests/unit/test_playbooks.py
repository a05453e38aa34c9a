"""The project's playbooks: module defaults from one source, stacks run by one play."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# The Ansible of the venv the tests run in (.venv; .venv-compat for make test-compat).
ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")
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


def _outside_the_project(tmp_path):
    """ansible-playbook as a user runs it from another directory: no ansible.cfg found, no make."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["ANSIBLE_LOCAL_TEMP"] = str(tmp_path / "tmp")
    env["HOME"] = str(tmp_path)  # nothing read from or left in the user's ~/.ansible
    return dict(cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("playbook", ["site.yml", "teardown.yml", "playbooks/orders.yml", "playbooks/approve.yml"])
def test_the_playbooks_resolve_the_collection_from_any_directory(tmp_path, playbook):
    """The collection beside the playbook (collections/, playbooks/collections/) resolves the
    module_defaults group wherever ansible-playbook starts."""
    command = [ANSIBLE_PLAYBOOK, "-i", str(ROOT / "inventories/local"), str(ROOT / playbook)]
    done = subprocess.run([*command, "--syntax-check"], check=False, **_outside_the_project(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_an_inventory_the_first_task_says_exactly_what_to_do(tmp_path):
    (tmp_path / "playbooks").mkdir()
    options = _outside_the_project(tmp_path)
    options["cwd"] = tmp_path / "playbooks"
    done = subprocess.run([ANSIBLE_PLAYBOOK, str(ROOT / "site.yml")], check=False, **options)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "could not resolve the module_defaults group" not in done.stdout + done.stderr
    assert (
        "Run from %s (make deploy does), or give -i %s/inventories/local (the embedded emulator)" % (ROOT, ROOT)
        in done.stdout
    )
    assert "ANSIBLE_CONFIG=%s/ansible.cfg" % ROOT in done.stdout
