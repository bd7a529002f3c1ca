#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/aurigraph/dlt: copy the tracked
# and new (not ignored) files there and run the full suite with the project's Python.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
tree="$REPO_ROOT/.cache/sanity/ansible_collections/aurigraph/dlt"
rm -rf "$REPO_ROOT/.cache/sanity" && mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ "$tree/"
cd "$tree"
"$VENV/bin/ansible-test" sanity --color no --python "$("$VENV/bin/python" -c 'import sys;print("%d.%d"%sys.version_info[:2])')" \
  --venv --requirements "$@"
