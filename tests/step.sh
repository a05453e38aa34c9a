#!/usr/bin/env bash
# step.sh "what this does" command...: one line before a step of make, one after with its time.
set -uo pipefail
title=$1
shift
printf '==> %s\n' "$title"
start=$SECONDS
"$@"
rc=$?
if [ "$rc" -eq 0 ]; then
  printf '    %s: done in %ss\n' "$title" "$((SECONDS - start))"
else
  printf '    %s: FAILED (exit %s) after %ss\n' "$title" "$rc" "$((SECONDS - start))"
fi
exit "$rc"
