#!/usr/bin/env bash
# Build the real upstream Aurigraph backend (public source, see docs/real-build.md) once, cached by the
# sha256 of its source tarball + tests/realbuild/pom.patch. Prints the cached runner JAR path on stdout;
# logs go to stderr. A cached call is instant; a cold build takes 3-7 minutes.
#   Usage: tests/realbuild/build.sh            -> .../aurigraph-v12-standalone-12.0.0-runner.jar
#          tests/realbuild/build.sh --variant  -> the same build with one extra ZIP entry (a second JAR
#                                                 with a different sha256, for upgrade tests)
#          tests/realbuild/build.sh --check    -> exit 0 when both JARs are cached (prints nothing), else 1
#   Cache: ${AURIGRAPH_CACHE:-$HOME/.cache/aurigraph-dlt}/realbuild/<hash>/ (each JAR with a <jar>.sha256 file:
#          the hex digest and a newline, as tests/standin/release.sh writes them)
#   Env:   AURIGRAPH_REAL_SRC       directory holding aurigraph-dlt-backend-*.tar.gz
#                                   (default: <repo>/../shared/real-aurigraph)
#          AURIGRAPH_REAL_JDK       JDK >= 21 to build with (default: $JAVA_HOME if >= 21, else the newest
#                                   JDK >= 21 under /usr/lib/jvm)
#          AURIGRAPH_REAL_MVN_ARGS  extra Maven arguments (e.g. "-s settings.xml")
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache_root="${AURIGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aurigraph-dlt}/realbuild"
src_dir="${AURIGRAPH_REAL_SRC:-$repo/../shared/real-aurigraph}"
patch_file="$here/pom.patch"

log() { printf 'realbuild/build.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

variant=0
check=0
case "${1:-}" in
  "") ;;
  --variant) variant=1 ;;
  --check) check=1 ;;
  *) die "unknown argument '$1' (usage: build.sh [--variant|--check])" ;;
esac

tarball=$(compgen -G "$src_dir/aurigraph-dlt-backend-*.tar.gz" | head -n1 || true)
[[ -n "$tarball" ]] || die "no aurigraph-dlt-backend-*.tar.gz in $src_dir: set AURIGRAPH_REAL_SRC to the directory holding the real backend source tarball"
hash=$({ sha256sum "$tarball" | cut -d' ' -f1; sha256sum "$patch_file" | cut -d' ' -f1; } | sha256sum | cut -c1-16)
dest="$cache_root/$hash"
jar_name=aurigraph-v12-standalone-12.0.0-runner.jar
variant_name=aurigraph-v12-standalone-12.0.0-variant-runner.jar

# Print the requested JAR if the cache holds it (base: .complete marker; variant: .variant-complete).
print_jar() {
  if [[ ! -s "$1.sha256" ]]; then
    sha256sum "$1" | cut -d' ' -f1 >"$1.sha256.tmp" && mv "$1.sha256.tmp" "$1.sha256"
  fi
  printf '%s\n' "$1"
}
cached() {
  if [[ $variant -eq 0 && -f "$dest/.complete" && -f "$dest/$jar_name" ]]; then
    print_jar "$dest/$jar_name"; return 0
  fi
  if [[ $variant -eq 1 && -f "$dest/.variant-complete" && -f "$dest/$variant_name" ]]; then
    print_jar "$dest/$variant_name"; return 0
  fi
  return 1
}
if [[ $check -eq 1 ]]; then
  [[ -f "$dest/.complete" && -f "$dest/$jar_name" && -f "$dest/.variant-complete" && -f "$dest/$variant_name" ]]
  exit $?
fi
cached && exit 0

# The variant: a copy of the base JAR with one extra entry (new sha256, same behaviour).
make_variant() {
  python3 - "$dest/$jar_name" "$dest/.variant.tmp" <<'PY'
import shutil, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
shutil.copyfile(src, dst)
with zipfile.ZipFile(dst, "a") as z:
    z.writestr("META-INF/aurigraph-dlt-test-variant.txt", "aurigraph.dlt test variant: the same build plus this entry\n")
PY
  mv "$dest/.variant.tmp" "$dest/$variant_name"
  touch "$dest/.variant-complete"
}

# JDK >= 21: the major version from the JDK's release file.
jdk_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
find_jdk() {
  local cand best="" best_v=0 v
  if [[ -n "${AURIGRAPH_REAL_JDK:-}" ]]; then
    v=$(jdk_major "$AURIGRAPH_REAL_JDK")
    [[ -n "$v" && "$v" -ge 21 && -x "$AURIGRAPH_REAL_JDK/bin/javac" ]] ||
      die "AURIGRAPH_REAL_JDK=$AURIGRAPH_REAL_JDK is not a JDK >= 21 (needs release file and bin/javac)"
    printf '%s\n' "$AURIGRAPH_REAL_JDK"; return
  fi
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$cand" && -x "$cand/bin/javac" ]] || continue
    v=$(jdk_major "$cand")
    [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best_v" ]] || continue
    best=$cand best_v=$v
  done
  printf '%s\n' "$best"
}

command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH: install Maven 3.8+ (e.g. apt-get install -y maven)"
command -v flock >/dev/null 2>&1 || die "flock not found on PATH (util-linux)"
command -v patch >/dev/null 2>&1 || die "patch not found on PATH (apt-get install -y patch)"
command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH"

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
log "waiting for the build lock $cache_root/.lock"
flock 9
cached && exit 0

if [[ $variant -eq 1 ]]; then
  if [[ ! -f "$dest/.complete" ]]; then
    # build the base first (it takes the lock itself), then come back for the variant
    flock -u 9
    bash "${BASH_SOURCE[0]}" >/dev/null
    flock 9
    cached && exit 0
  fi
  make_variant
  cached
  exit 0
fi

jdk=$(find_jdk)
[[ -n "$jdk" ]] || die "no JDK >= 21 found (JAVA_HOME, /usr/lib/jvm/*): the real build needs one, e.g. Temurin 25 or apt-get install -y openjdk-21-jdk-headless; or set AURIGRAPH_REAL_JDK"

work=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work" || die "cannot extract $tarball"
tree=$(find "$work" -mindepth 2 -maxdepth 2 -name pom.xml -printf '%h\n' | head -n1)
[[ -n "$tree" ]] || die "$tarball has no top-level <dir>/pom.xml"
(cd "$tree" && patch -p1 -s <"$patch_file") || die "tests/realbuild/pom.patch does not apply to $tarball"
build_log="$work/maven.log"
# shellcheck disable=SC2206
extra=(${AURIGRAPH_REAL_MVN_ARGS:-})
log "building the real backend (hash $hash, JDK $jdk) with Maven; log: $build_log; 3-7 minutes"
start=$(date +%s)
if ! (cd "$tree" && JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH" nice -n 10 \
  mvn -B -ntp -DskipTests -Dquarkus.package.jar.type=uber-jar "${extra[@]}" package >"$build_log" 2>&1); then
  cp "$build_log" "$cache_root/last-failed-build.log" 2>/dev/null || true
  first_error=$(grep -m1 -E '^\[ERROR\]' "$build_log" | cut -c1-240 || true)
  die "Maven build of the real backend failed: ${first_error:-no [ERROR] line} (full log: $cache_root/last-failed-build.log)"
fi
built=$(compgen -G "$tree/target/*-runner.jar" | head -n1 || true)
[[ -n "$built" ]] || die "Maven succeeded but produced no target/*-runner.jar"
rm -rf "$dest"
mkdir -p "$dest"
cp "$built" "$dest/.$jar_name.tmp"
mv "$dest/.$jar_name.tmp" "$dest/$jar_name"
touch "$dest/.complete"
log "built in $(($(date +%s) - start)) s"
# keep the 2 most recent builds (~200 MB each)
find "$cache_root" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{16}' -printf '%T@ %p\n' |
  sort -rn | tail -n +3 | cut -d' ' -f2- | while IFS= read -r old; do rm -rf -- "$old"; done
cached
