#!/usr/bin/env bash
# Copy what git tracks (and new files it does not ignore) from the repository root to DEST, keeping
# paths: regular files only — not the links back to the collection (.collections/, collections/,
# playbooks/collections), which would make the copy contain itself, nor files deleted from the tree.
# Paths matching the extended regex EXCLUDE (optional) are left out.
#   tools/copy_tracked.sh DEST [EXCLUDE]
set -euo pipefail
dest=$1
exclude=${2:-'^$'}
cd "$(dirname "$0")/.."
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard \
  | grep -zvE "$exclude" \
  | while IFS= read -r -d '' file; do
    if [ -f "$file" ] && [ ! -L "$file" ]; then printf '%s\0' "$file"; fi
  done \
  | xargs -0 --no-run-if-empty cp --parents -t "$dest" --
