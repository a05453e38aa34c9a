#!/usr/bin/env bash
# The changelog: antsibull-changelog lint on the fragments, then a trial release of galaxy.yml's version
# in a temporary copy of the repository's files (the real tree is left as it is), whose CHANGELOG.rst
# must have the release summary, every module under New Modules and every role under New Roles.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.venv/bin"
export PATH="$bin:$PATH" # antsibull-changelog runs ansible-doc to read the version_added of modules and roles
cd "$root"
antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
version=$("$bin/python" -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')

base=$(mktemp -d "${TMPDIR:-/tmp}/refarch-changelog.XXXXXX")
trap 'rm -rf "$base"' EXIT
work="$base/refarch"
mkdir -p "$work"
state_before=$(git status --porcelain=v1 --untracked-files=all -- changelogs CHANGELOG.rst)
"$root/tools/copy_tracked.sh" "$work"  # what git tracks, as tests/sanity/run.sh copies it
cd "$work"
# ansible-doc reads the copy's ansible.cfg, not the one make exports (the real tree's).
ANSIBLE_CONFIG="$work/ansible.cfg" antsibull-changelog release --version "$version"
"$bin/python" - "$root" "$work" "$version" <<'PY'
import pathlib
import sys

import yaml

root, work, version = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
text = (work / "CHANGELOG.rst").read_text()
lines = text.splitlines()


def section(title):
    """The lines of the section titled title in the release (up to the next heading)."""
    for i, line in enumerate(lines[:-1]):
        if line == title and set(lines[i + 1]) == {"-"} and len(lines[i + 1]) == len(title):
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and lines[j + 1] and set(lines[j + 1]) <= set("-=~^") and lines[j]:
                    break
                body.append(lines[j])
            return body
    sys.exit(f"CHANGELOG.rst of the trial release has no section {title!r}; its headings: {headings()}")


def headings():
    return [lines[i] for i in range(len(lines) - 1) if lines[i] and lines[i + 1] and set(lines[i + 1]) <= set("-=~^")]


def listed(title):
    return {line[2:].split(" - ", 1)[0] for line in section(title) if line.startswith("- ")}


if f"v{version}" not in headings():
    sys.exit(f"CHANGELOG.rst of the trial release has no v{version} heading: {headings()}")
summaries = []
for fragment in sorted((root / "changelogs" / "fragments").glob("*.y*ml")):
    summary = (yaml.safe_load(fragment.read_text()) or {}).get("release_summary")
    if summary:
        summaries.append(" ".join(summary.split()))
if not summaries:
    sys.exit("no fragment in changelogs/fragments has a release_summary")
body = " ".join(" ".join(section("Release Summary")).split())
for summary in summaries:
    if summary[:60] not in body.replace("\\", ""):
        sys.exit(f"the Release Summary does not have the fragment's text {summary[:60]!r}...: {body[:200]!r}")
modules = {path.stem for path in (root / "plugins" / "modules").glob("*.py") if path.stem != "__init__"}
roles = {path.parent.parent.name for path in (root / "roles").glob("*/meta/argument_specs.yml")}
for title, expected in (("New Modules", modules), ("New Roles", roles)):
    found = listed(title)
    if found != expected:
        sys.exit(f"{title}: missing {sorted(expected - found)}, unexpected {sorted(found - expected)}")
print(f"trial release {version}: {', '.join(headings()[2:])}; {len(modules)} modules, {len(roles)} roles")
PY
cd "$root"
if [ "$(git status --porcelain=v1 --untracked-files=all -- changelogs CHANGELOG.rst)" != "$state_before" ]; then
  echo "the trial release changed the real tree's changelogs/ or CHANGELOG.rst" >&2
  exit 1
fi
