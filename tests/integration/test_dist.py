"""make dist: the Galaxy tarball holds only what a user needs, and works where it is installed —
every module's and role's page renders, the shipped unit tests pass, a module runs against the
emulator — with nothing of the source repository around it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from ansible_collections.amazon.aws.plugins.module_utils.botocore import MINIMUM_BOTO3_VERSION, MINIMUM_BOTOCORE_VERSION

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Development state that must never ship (issue: a 34 MB tarball of virtualenvs and caches).
NEVER = (".venv", ".venv-sanity", ".ansible/", ".ruff_cache", ".pytest_cache", ".tmp/", ".emulator/", "emulator/")
NEVER_FILES = {
    "changelogs/.plugin-cache.yaml",
    "tests/conftest.py",
    "Makefile",
    "pyproject.toml",
    "ansible.cfg",
    "requirements-dev.txt",
}


@dataclass
class Installed:
    names: list  # the tarball's members
    collection: Path  # where it is installed
    env: dict  # ansible-* with nothing of the source repository: that collections path, no ansible.cfg


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The tarball, built from this working tree (junk planted in it first) and installed into a
    collections path of its own."""
    work = tmp_path_factory.mktemp("dist")
    junk = ROOT / ".tmp" / "dist-test-junk.txt"  # ignored by git, so it must not ship
    junk.parent.mkdir(exist_ok=True)
    junk.write_text("scratch")
    try:
        built = subprocess.run(
            [str(ROOT / "tools/dist.sh"), str(work / "out")], check=False, capture_output=True, text=True
        )
    finally:
        junk.unlink()
    assert built.returncode == 0, built.stderr
    tarball = Path(built.stdout.strip())
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(work / "collections"),  # amazon.aws: the ansible package's own
        ANSIBLE_LOCAL_TEMP=str(work / "tmp"),
        HOME=str(work),
        AWS_EC2_METADATA_DISABLED="true",
        PATH=str(BIN) + os.pathsep + env.get("PATH", ""),
    )
    subprocess.run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "--offline",
            "--no-deps",
            "-p",
            env["ANSIBLE_COLLECTIONS_PATH"],
            str(tarball),
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    return Installed(names, work / "collections/ansible_collections/refarch/aws", env)


def test_the_tarball_has_what_a_user_needs_and_nothing_else(installed):
    names = installed.names
    assert not [n for n in names if n.startswith(NEVER) or "__pycache__" in n or n.endswith(".pyc")]
    assert not NEVER_FILES & set(names)
    assert "dist-test-junk.txt" not in " ".join(names)
    modules = {p.name for p in (ROOT / "plugins/modules").glob("*.py")}
    assert {n.split("/")[-1] for n in names if n.startswith("plugins/modules/")} == modules
    assert {"COPYING", "README.md", "meta/runtime.yml", "roles/spot_asg_alb/meta/argument_specs.yml"} <= set(names)
    # What ansible-builder reads: the modules' Python requirements (as amazon.aws states them), system packages.
    assert {"requirements.txt", "bindep.txt"} <= set(names)
    assert sum(1 for n in names if n.startswith("tests/unit/plugins/") and n.endswith(".py")) > 20


PROTOMATTER_WARNING = re.compile(r"\[WARNING\]: Collection at '.*/ansible/_protomatter' does not have a MANIFEST\.json")


def _without_known_core_warnings(stderr: str) -> str:
    """stderr less ansible-core 2.21's warning about its own internal collection, which `ansible-doc -t role`
    prints wherever it runs (ansible/ansible#85689); anything else still fails the test."""
    return "\n".join(line for line in stderr.splitlines() if not PROTOMATTER_WARNING.match(line))


def test_every_module_and_role_page_renders_where_it_is_installed(installed, tmp_path):
    collection, env = installed.collection, installed.env
    modules = sorted("refarch.aws." + p.stem for p in (collection / "plugins/modules").glob("*.py"))
    roles = sorted("refarch.aws." + p.name for p in (collection / "roles").iterdir())
    for kind, names in (("module", modules), ("role", roles)):
        shown = subprocess.run(
            [str(BIN / "ansible-doc"), "-t", kind, "--json", *names],
            check=False,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert shown.returncode == 0 and not _without_known_core_warnings(shown.stderr).strip(), shown.stderr
        pages = json.loads(shown.stdout)
        assert sorted(pages) == names
        for name, page in pages.items():
            assert page["doc"]["short_description"] if kind == "module" else page["entry_points"], name
            # The page says what the module needs: the boto3 fragment of the amazon.aws installed (10: 1.34, 11: 1.35).
            if kind == "module":
                needs = {"boto3 >= " + MINIMUM_BOTO3_VERSION, "botocore >= " + MINIMUM_BOTOCORE_VERSION}
                assert needs <= set(page["doc"]["requirements"]), name
    assert (
        len(modules) == len(yaml.safe_load((collection / "meta/runtime.yml").read_text())["action_groups"]["aws"]) - 1
    )


def test_the_shipped_unit_tests_pass_where_it_is_installed(installed):
    collection, env = installed.collection, installed.env
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib", "tests/unit"],
        check=False,
        cwd=collection,
        env=dict(env, PYTHONPATH=str(collection.parents[2])),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert " passed" in ran.stdout and "error" not in ran.stdout.splitlines()[-1]


def test_a_module_of_the_installed_collection_runs_against_the_emulator(installed, aws, tmp_path):
    env = installed.env
    args = dict(
        name="dist-check",
        deployment="dist",
        region="us-east-1",
        endpoint_url=aws.url,
        access_key="testing",
        secret_key="testing",
    )
    ran = subprocess.run(
        [
            str(BIN / "ansible"),
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            "ansible_python_interpreter=" + sys.executable,
            "-m",
            "refarch.aws.sqs_queue",
            "-a",
            json.dumps(args),
        ],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0 and "CHANGED" in ran.stdout, ran.stdout + ran.stderr
    url = aws.client("sqs").get_queue_url(QueueName="dist-check")["QueueUrl"]
    tags = aws.client("sqs").list_queue_tags(QueueUrl=url)["Tags"]
    assert tags["refarch:deployment"] == "dist"
