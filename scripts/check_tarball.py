"""Check the built collection tarball: what users install must hold the plugins, roles and playbooks,
and none of the test fixtures, caches or CI files (galaxy.yml build_ignore)."""
import sys
import tarfile

REQUIRED = ("MANIFEST.json", "FILES.json", "meta/runtime.yml", "README.md")
REQUIRED_PREFIXES = ("plugins/modules/", "plugins/module_utils/", "roles/", "playbooks/")
FORBIDDEN_PREFIXES = ("tests/", "molecule/", ".cache/", ".venv/", ".ci/", "bench/", "scripts/", ".config/")


def main(path):
    with tarfile.open(path) as tar:
        names = [n[2:] if n.startswith("./") else n for n in tar.getnames()]
    problems = ["missing %s" % r for r in REQUIRED if r not in names]
    problems += ["nothing under %s" % p for p in REQUIRED_PREFIXES if not any(n.startswith(p) for n in names)]
    problems += ["should not ship %s" % n for n in names if n.startswith(FORBIDDEN_PREFIXES)]
    for problem in problems:
        print("%s: %s" % (path, problem), file=sys.stderr)
    print("%s: %d files, %d problem(s)" % (path, len(names), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
