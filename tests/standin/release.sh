#!/usr/bin/env bash
# Produce a release JAR of the stand-in from the cached base JAR, without running Maven:
#   release.sh --version V [--fault F] [--fault-arg N] [--base JAR] --out DIR
# Writes DIR/aurigraph-v11-standalone-V-runner.jar and DIR/aurigraph-v11-standalone-V-runner.jar.sha256
# (hex digest + newline) and prints the JAR path. Deterministic: same inputs -> byte-identical JAR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "standin/release.sh: ERROR: python3 not found on PATH" >&2; exit 1; }
exec python3 "$here/release.py" "$@"
