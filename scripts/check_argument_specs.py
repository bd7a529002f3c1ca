"""Check every role's meta/argument_specs.yml against its defaults/main.yml.

Fails when a role has no argument specs, when a default is not documented, when a documented option
has a `default:` that differs from defaults/main.yml, or when an option lacks a description.
"""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def check_role(role):
    problems = []
    spec_file = role / "meta" / "argument_specs.yml"
    if not spec_file.exists():
        return ["%s: missing meta/argument_specs.yml" % role.name]
    entry_points = load(spec_file).get("argument_specs", {})
    if "main" not in entry_points:
        problems.append("%s: argument_specs has no 'main' entry point" % role.name)
    documented = {}
    for entry, spec in entry_points.items():
        if not spec.get("short_description"):
            problems.append("%s/%s: entry point lacks short_description" % (role.name, entry))
        for name, option in (spec.get("options") or {}).items():
            documented.setdefault(name, option)
            if not option.get("description"):
                problems.append("%s/%s: option %s has no description" % (role.name, entry, name))
    defaults_file = role / "defaults" / "main.yml"
    defaults = load(defaults_file) if defaults_file.exists() else {}
    for name, value in defaults.items():
        if name not in documented:
            problems.append("%s: default %s is not documented in meta/argument_specs.yml" % (role.name, name))
            continue
        option = documented[name]
        if "default" in option and option["default"] != value:
            problems.append("%s: %s default differs: argument_specs %r, defaults/main.yml %r"
                            % (role.name, name, option["default"], value))
        if "default" not in option and not option.get("required"):
            problems.append("%s: %s has a default in defaults/main.yml but none in argument_specs" % (role.name, name))
    return problems


def main():
    roles = sorted(p for p in (ROOT / "roles").iterdir() if p.is_dir())
    if not roles:
        print("no roles found", file=sys.stderr)
        return 1
    problems = [p for role in roles for p in check_role(role)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print("argument specs: %d role(s) checked, %d problem(s)" % (len(roles), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
