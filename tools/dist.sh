#!/usr/bin/env bash
# The Galaxy tarball, from any working tree: only files git tracks (or would track) are copied to a
# clean ansible_collections/refarch/aws, so caches, virtualenvs and scratch files never ship; then
# galaxy.yml's build_ignore drops what only development needs. Prints the tarball's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="${1:-$root/dist}"
base=$(mktemp -d "${TMPDIR:-/tmp}/refarch-dist.XXXXXX")
trap 'rm -rf "$base"' EXIT
work="$base/ansible_collections/refarch/aws"
mkdir -p "$work" "$out"
cd "$root"
"$root/tools/copy_tracked.sh" "$work"
cd "$work"
"$root/.venv/bin/ansible-galaxy" collection build --force --output-path "$out" >/dev/null
ls "$out"/refarch-aws-*.tar.gz
