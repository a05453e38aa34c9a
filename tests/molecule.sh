#!/usr/bin/env bash
# molecule test for every scenario under extensions/molecule/, against a private emulator on a free
# port (never the one a deployment lives on), stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py="$root/.venv/bin/python"
state=$(mktemp -d "${TMPDIR:-/tmp}/refarch-molecule.XXXXXX")
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# AWS's consistency windows on, at the test suites' scale (refarch_emulator.testing.TEST_ENVIRONMENT).
export REFARCH_EMULATOR_TIME_SCALE="${REFARCH_EMULATOR_TIME_SCALE:-0.2}"
"$py" -m refarch_emulator ensure --port "$port" --state-dir "$state" >/dev/null
trap '"$py" -m refarch_emulator stop --port "$port" --state-dir "$state" >/dev/null; rm -rf "$state"' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export PATH="$root/.venv/bin:$PATH"
# With arguments (e.g. -s <scenario>) run what they say; without, every scenario.
if [ $# -gt 0 ]; then
  molecule test "$@"
else
  molecule test --all
fi
