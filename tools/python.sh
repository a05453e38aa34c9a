#!/usr/bin/env bash
# Print the path of a Python interpreter whose minor version lies in [MIN, MAX], for the Makefile's
# virtual environments: the newest one (`newest`) or the oldest one (`oldest`). Looks at python3.N
# on PATH and at what pyenv has installed (pyenv's shims answer only for the selected versions).
# Usage: tools/python.sh newest|oldest MIN MAX, e.g. tools/python.sh newest 3.12 3.14
set -euo pipefail
order=$1
lo=${2#3.}
hi=${3#3.}
minors=$(seq "$lo" "$hi")
[[ $order == newest ]] && minors=$(seq "$hi" -1 "$lo")
pyenv_root=$(pyenv root 2>/dev/null || true)
for minor in $minors; do
  candidates=("python3.$minor" python3)
  if [[ -n $pyenv_root ]]; then
    while IFS= read -r dir; do
      [[ -n $dir ]] && candidates+=("$dir/bin/python3.$minor")
    done < <(printf '%s\n' "$pyenv_root"/versions/3."$minor".* | grep -v '\*$' | sort -V -r)
  fi
  for candidate in "${candidates[@]}"; do
    if found=$("$candidate" -c "import sys; assert sys.version_info[:2] == (3, $minor); print(sys.executable)" 2>/dev/null); then
      echo "$found"
      exit 0
    fi
  done
done
echo "tools/python.sh: no Python 3.$lo to 3.$hi found (on PATH or in pyenv); set PYTHON=/path/to/python" >&2
exit 1
