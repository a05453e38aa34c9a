#!/usr/bin/env bash
# molecule test for every scenario under extensions/molecule/, against a private emulator on a free
# port (never the one a deployment lives on), stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py="$root/.venv/bin/python"
state=$(mktemp -d "${TMPDIR:-/tmp}/refarch-molecule.XXXXXX")
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The test suites' clock (refarch_emulator.testing.TEST_ENVIRONMENT): AWS's durations and consistency
# windows, scaled, unless this shell sets them already.
eval "$("$py" -m refarch_emulator.testing)"
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
