#!/usr/bin/env bash
# Build the stand-in Aurigraph V11 base JAR once, cached by a hash of pom.xml + src/.
# Prints the cached base JAR path on stdout; logs go to stderr.
#   Cache: ${AURIGRAPH_CACHE:-$HOME/.cache/aurigraph-dlt}/standin/<hash>/aurigraph-v11-standalone-<version>-runner.jar
#   Env:   AURIGRAPH_STANDIN_MVN_ARGS  extra Maven arguments (e.g. "-s settings.xml")
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root="${AURIGRAPH_CACHE:-$HOME/.cache/aurigraph-dlt}/standin"

log() { printf 'standin/build.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Hash of everything that goes into the JAR (paths and contents, in a stable order).
hash=$(
  cd "$here"
  { printf 'pom.xml\n'; find src -type f | LC_ALL=C sort; } |
    while IFS= read -r f; do printf '%s\n' "$f"; sha256sum "$f"; done |
    sha256sum | cut -c1-16
)
dest="$cache_root/$hash"

find_jar() { compgen -G "$1/aurigraph-v11-standalone-*-runner.jar" | head -n1 || true; }

jar=$(find_jar "$dest")
if [[ -n "$jar" && -f "$dest/.complete" ]]; then
  printf '%s\n' "$jar"
  exit 0
fi

command -v java >/dev/null 2>&1 || die "java not found on PATH: install a JDK 17+ (e.g. apt-get install -y openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: install Maven 3.8+ (e.g. apt-get install -y maven)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
log "waiting for the build lock $cache_root/.lock"
flock 9
jar=$(find_jar "$dest")
if [[ -n "$jar" && -f "$dest/.complete" ]]; then
  printf '%s\n' "$jar"
  exit 0
fi

work=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a "$here/pom.xml" "$here/src" "$work/"
build_log="$work/maven.log"
mvn_args=(-B -q package -DskipTests)
# shellcheck disable=SC2206
extra=(${AURIGRAPH_STANDIN_MVN_ARGS:-})
log "building base JAR (hash $hash) with Maven; log: $build_log"
start=$(date +%s)
if ! (cd "$work" && nice -n 10 mvn -o "${mvn_args[@]}" "${extra[@]}" >"$build_log" 2>&1); then
  if grep -qE 'offline mode|Could not resolve|could not be resolved|Cannot access' "$build_log"; then
    log "offline build lacks artifacts (local Maven repository not warm); retrying online"
    if ! (cd "$work" && nice -n 10 mvn "${mvn_args[@]}" "${extra[@]}" >"$build_log" 2>&1); then
      tail -n 40 "$build_log" >&2
      die "Maven build of the stand-in failed (see the log tail above)"
    fi
  else
    tail -n 40 "$build_log" >&2
    die "Maven build of the stand-in failed (see the log tail above)"
  fi
fi
built=$(find_jar "$work/target")
[[ -n "$built" ]] || die "Maven succeeded but produced no target/aurigraph-v11-standalone-*-runner.jar"
rm -rf "$dest"
mkdir -p "$dest"
cp "$built" "$dest/"
touch "$dest/.complete"
log "built in $(($(date +%s) - start)) s"
# keep the 4 most recent builds (older ones may still be in use by running tests, so not fewer)
find "$cache_root" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{16}' -printf '%T@ %p\n' |
  sort -rn | tail -n +5 | cut -d' ' -f2- | while IFS= read -r old; do rm -rf -- "$old"; done
find_jar "$dest"
