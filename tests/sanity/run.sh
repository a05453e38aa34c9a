#!/usr/bin/env bash
# ansible-test sanity, without Docker: copy the collection's own files (what galaxy.yml would ship:
# no emulator, no bench, no virtual environment) to an ansible_collections/refarch/aws path, next to
# the amazon.aws it depends on, and run the tests --local in .venv-sanity (see the Makefile).
# REFARCH_SANITY_VENV names the venv with ansible-test and its linters (default .venv-sanity),
# REFARCH_COLLECTIONS_VENV the venv whose amazon.aws the collection is tested against (default .venv):
# make test-compat runs the oldest supported ansible-test and amazon.aws with them.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sanity_venv=$(cd "$root" && realpath "${REFARCH_SANITY_VENV:-.venv-sanity}")
collections_venv=$(cd "$root" && realpath "${REFARCH_COLLECTIONS_VENV:-.venv}")
# Outside the repo: inside it, ansible-test would ask git, which ignores the copy.
base=$(mktemp -d "${TMPDIR:-/tmp}/refarch-sanity.XXXXXX")
trap 'rm -rf "$base"' EXIT
work="$base/ansible_collections/refarch/aws"
mkdir -p "$work"
cd "$root"
"$root/tools/copy_tracked.sh" "$work" \
  '^(emulator/|bench/|\.ci/|Makefile$|requirements-dev\.txt$|constraints\.txt$|pyproject\.toml$)'
amazon=$("$collections_venv/bin/python" -c 'import ansible_collections.amazon.aws as m; print(m.__path__[0])')
mkdir -p "$base/ansible_collections/amazon"
ln -s "$amazon" "$base/ansible_collections/amazon/aws"
# ansible-test runs a bootstrap it would download from outside the package registries; give it ours.
pip_version=$("$sanity_venv/bin/python" -c 'import sys, types; from ansible_test._internal.python_requirements import get_venv_packages; print(get_venv_packages(types.SimpleNamespace(version="%d.%d" % sys.version_info[:2]))["pip"])')
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
"$sanity_venv/bin/python" - "$root/tests/sanity/get_pip.py" "$cache" <<'PY'
import os, subprocess, sys
settings = {}
for line in subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout.splitlines():
    key, _, value = line.partition("=")
    if key.startswith("global."):
        settings[key[7:]] = value.strip().strip("'")
for key, value in os.environ.items():
    if key.startswith("PIP_") and key not in ("PIP_BREAK_SYSTEM_PACKAGES",):
        settings[key[4:].lower().replace("_", "-")] = value
settings.pop("constraint", None)  # the machine's constraints file would pin ansible-test's tools too
source = open(sys.argv[1]).read().replace("PIP_SETTINGS = {}", f"PIP_SETTINGS = {settings!r}")
open(sys.argv[2], "w").write(source)
PY
cd "$work"
git init --quiet && git add --all  # ansible-test lists a collection's files through git
python_version=$("$sanity_venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PATH="$sanity_venv/bin:$PATH" "$sanity_venv/bin/ansible-test" sanity --local --python "$python_version" --color no "$@"
