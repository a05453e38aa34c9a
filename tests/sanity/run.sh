#!/usr/bin/env bash
# ansible-test sanity, without Docker: copy the collection's own files (what galaxy.yml would ship:
# no emulator, no bench, no virtual environment) to an ansible_collections/refarch/aws path, next to
# the amazon.aws it depends on, and run the tests --local in .venv-sanity (see the Makefile).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# Outside the repo: inside it, ansible-test would ask git, which ignores the copy.
base=$(mktemp -d "${TMPDIR:-/tmp}/refarch-sanity.XXXXXX")
trap 'rm -rf "$base"' EXIT
work="$base/ansible_collections/refarch/aws"
mkdir -p "$work"
cd "$root"
git ls-files -z --cached --others --exclude-standard \
  | grep -zvE '^(emulator/|bench/|\.ci/|(playbooks/)?\.?collections(/|$)|Makefile$|requirements-dev\.txt$|constraints\.txt$|pyproject\.toml$)' \
  | xargs -0 -I{} cp --parents {} "$work"/
amazon=$("$root/.venv/bin/python" -c 'import ansible_collections.amazon.aws as m; print(m.__path__[0])')
mkdir -p "$base/ansible_collections/amazon"
ln -s "$amazon" "$base/ansible_collections/amazon/aws"
# ansible-test runs a bootstrap it would download from outside the package registries; give it ours.
pip_version=$("$root/.venv-sanity/bin/python" -c 'from ansible_test._internal.python_requirements import PIP_VERSION; print(PIP_VERSION)' 2>/dev/null || echo 24.2)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
"$root/.venv/bin/python" - "$root/tests/sanity/get_pip.py" "$cache" <<'PY'
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
PATH="$root/.venv-sanity/bin:$PATH" "$root/.venv-sanity/bin/ansible-test" sanity --local --python 3.11 --color no "$@"
