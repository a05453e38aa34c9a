#!/usr/bin/env bash
# molecule test for every scenario under extensions/molecule/ (or what the arguments say, e.g.
# -s <scenario>). Each scenario starts and stops its own emulator (config.yml); here it gets a free
# port, never the one a deployment lives on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py="$root/.venv/bin/python"
REFARCH_MOLECULE_EMULATOR_PORT=$("$py" -c 'from refarch_emulator.testing import free_port; print(free_port())')
export REFARCH_MOLECULE_EMULATOR_PORT
export PATH="$root/.venv/bin:$PATH"
# A home of its own: the run must leave nothing there (no collection copy that would shadow the checkout).
home=$(mktemp -d "${TMPDIR:-/tmp}/refarch-molecule-home.XXXXXX")
trap 'rm -rf "$home"' EXIT
if [ $# -gt 0 ]; then
  HOME="$home" molecule test "$@"
else
  HOME="$home" molecule test --all
fi
left=$(find "$home" -path '*ansible_collections*' -print -quit)
if [ -n "$left" ]; then
  echo "molecule left a collection in the home directory: $left" >&2
  exit 1
fi
