#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/aurigraph/dlt: copy the tracked
# and new (not ignored) files there and run the full suite with the project's Python.
# The tree lives under a temporary directory: ansible-test finds no targets below a hidden directory.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT" || exit 1
top="$(mktemp -d /tmp/aurigraph-sanity.XXXXXX)"
trap 'rm -rf "$top"' EXIT
tree="$top/ansible_collections/aurigraph/dlt"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ "$tree/"
cd "$tree"
"$VENV/bin/ansible-test" sanity --color no --python "$("$VENV/bin/python" -c 'import sys;print("%d.%d"%sys.version_info[:2])')" \
  --venv --requirements "$@"
