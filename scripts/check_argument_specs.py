"""Check the roles' variables: each public variable defined and documented once, and only names the code reads.

Fails (one line per problem, saying which variable, which files and how to fix it) when:
  * a role has no meta/argument_specs.yml, no `main` entry point, an entry point without short_description, or an
    option without description;
  * a default in defaults/main.yml is not documented in the same role's argument specs, or is documented with another
    default (or none);
  * a public variable (name not starting with `_`) has a default in the defaults/main.yml of two roles;
  * a public option is documented in the argument specs of two roles. Entry points of one role may list the same
    option (the role's task files that read it), but only with the same definition (share it with a YAML anchor);
  * a role reads a variable whose default lives in another role without depending on that role in meta/main.yml
    (a role sees the defaults of its dependencies only: Ansible does not pass them on through include_role);
  * a public default is read by no task, template, handler, var, default, playbook or plugin;
  * an inventory under inventories/ (group_vars, host_vars, hosts files, inventory plugin `compose`) sets a variable
    that no role, playbook, template, plugin or other inventory value reads, unless INVENTORY_ONLY allows it.

Usage: python3 scripts/check_argument_specs.py [--root DIR]     (DIR defaults to the repository)
"""
import argparse
import fnmatch
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Names an inventory may set although nothing in the collection reads them, each with the reason.
INVENTORY_ONLY = {
    "ansible_*": "connection, privilege and interpreter variables: read by Ansible itself",
    "vault_aurigraph_stripe_api_key": "vault placeholder of the commented real-build example (docs/real-build.md)",
    "vault_aurigraph_stripe_public_key": "vault placeholder of the commented real-build example (docs/real-build.md)",
}

# Where variables are read: role sub-directories, then collection directories (all files below them).
ROLE_CODE_DIRS = ("tasks", "handlers", "templates", "vars", "defaults", "files")
CODE_DIRS = ("playbooks", "plugins")

IDENT = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)")
# hostvars[host].name / hostvars[host]['name']: another host's inventory value, not this role's default.
HOSTVARS = re.compile(r"hostvars\[[^\]]+\]\s*(?:\.\s*[A-Za-z_][A-Za-z0-9_]*|\[\s*['\"][A-Za-z_][A-Za-z0-9_]*['\"]\s*\])")
DEFAULT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:", re.MULTILINE)
YAML_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
PY_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def rel(root, path):
    return str(pathlib.Path(path).relative_to(root))


def code_text(path, is_defaults=False):
    """The text of a file without its comments (and, for defaults, without the keys being defined)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""
    if path.suffix in (".yml", ".yaml"):
        text = YAML_COMMENT.sub("", text)
        if is_defaults:
            text = DEFAULT_KEY.sub("", text)
    elif path.suffix == ".py":
        text = PY_COMMENT.sub("", text)
    return JINJA_COMMENT.sub("", text)


def names_in(text):
    return set(IDENT.findall(text))


class Tree:
    """The roles, their defaults, specs, dependencies and reads, and what the playbooks/plugins read."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.roles = sorted(p for p in (self.root / "roles").iterdir() if p.is_dir()) if (self.root / "roles").is_dir() else []
        self.defaults = {}      # role -> {name: value}
        self.specs = {}         # role -> {entry: spec} (None when missing)
        self.deps = {}          # role -> set of role names it depends on (directly)
        self.reads = {}         # role -> names read by the role's own files (without hostvars[...] reads)
        self.reads_any = set()  # every name read anywhere in the code
        for role in self.roles:
            defaults_file = role / "defaults" / "main.yml"
            self.defaults[role.name] = load(defaults_file) if defaults_file.exists() else {}
            spec_file = role / "meta" / "argument_specs.yml"
            self.specs[role.name] = load(spec_file).get("argument_specs", {}) if spec_file.exists() else None
            meta_file = role / "meta" / "main.yml"
            meta = load(meta_file) if meta_file.exists() else {}
            self.deps[role.name] = {self.role_name(d) for d in meta.get("dependencies") or []}
            reads, reads_any = set(), set()
            for sub in ROLE_CODE_DIRS:
                for path in sorted((role / sub).rglob("*")) if (role / sub).is_dir() else []:
                    if path.is_file():
                        text = code_text(path, is_defaults=(sub == "defaults"))
                        reads_any |= names_in(text)
                        reads |= names_in(HOSTVARS.sub("", text))
            self.reads[role.name] = reads
            self.reads_any |= reads_any
        for sub in CODE_DIRS:
            for path in sorted((self.root / sub).rglob("*")) if (self.root / sub).is_dir() else []:
                if path.is_file() and path.suffix in (".yml", ".yaml", ".py", ".j2"):
                    self.reads_any |= names_in(code_text(path))

    @staticmethod
    def role_name(dep):
        name = dep.get("role") or dep.get("name") if isinstance(dep, dict) else dep
        return str(name).rsplit(".", 1)[-1]

    def all_deps(self, role):
        seen, todo = set(), set(self.deps.get(role, ()))
        while todo:
            dep = todo.pop()
            if dep not in seen:
                seen.add(dep)
                todo |= self.deps.get(dep, set())
        return seen

    def defaults_path(self, role):
        return "roles/%s/defaults/main.yml" % role

    def specs_path(self, role):
        return "roles/%s/meta/argument_specs.yml" % role


def check_role(tree, role):
    """The per-role checks: specs present and complete, every default documented with the same default."""
    problems = []
    specs = tree.specs[role]
    where = tree.specs_path(role)
    if specs is None:
        return ["%s: missing meta/argument_specs.yml: document the role's options there" % role]
    if "main" not in specs:
        problems.append("%s: %s has no 'main' entry point: add one" % (role, where))
    documented = {}
    for entry, spec in specs.items():
        spec = spec or {}
        if not spec.get("short_description"):
            problems.append("%s: entry point %s lacks short_description in %s" % (role, entry, where))
        for name, option in (spec.get("options") or {}).items():
            documented.setdefault(name, option)
            if not (option or {}).get("description"):
                problems.append("%s: option %s (entry point %s) has no description in %s" % (name, name, entry, where))
    for name, value in tree.defaults[role].items():
        if name not in documented:
            problems.append("%s: default in %s is not documented: add it to %s" % (name, tree.defaults_path(role), where))
            continue
        option = documented[name] or {}
        if "default" in option and option["default"] != value:
            problems.append("%s: default differs: %s says %r, %s says %r: make them equal"
                            % (name, where, option["default"], tree.defaults_path(role), value))
        if "default" not in option and not option.get("required"):
            problems.append("%s: %s has a default but %s documents none: add `default: %r`"
                            % (name, tree.defaults_path(role), where, value))
    return problems


def check_defined_once(tree):
    """A public variable has its default in one role only."""
    owners = {}
    for role in tree.defaults:
        for name in tree.defaults[role]:
            if not name.startswith("_"):
                owners.setdefault(name, []).append(role)
    return ["%s: default defined in %d roles (%s): keep one - in roles/common/defaults/main.yml when several roles "
            "read it, else in the role that reads it - and delete the others"
            % (name, len(roles), ", ".join(tree.defaults_path(r) for r in roles))
            for name, roles in sorted(owners.items()) if len(roles) > 1]


def check_documented_once(tree):
    """A public option is documented by one role; its entry points share one definition."""
    problems, owners = [], {}
    for role, specs in tree.specs.items():
        first = {}
        for entry, spec in (specs or {}).items():
            for name, option in ((spec or {}).get("options") or {}).items():
                if name.startswith("_"):
                    continue
                if name in first and first[name][1] != option:
                    problems.append("%s: documented differently by entry points %s and %s of %s: share one definition "
                                    "(a YAML anchor) or list it in one entry point"
                                    % (name, first[name][0], entry, tree.specs_path(role)))
                first.setdefault(name, (entry, option))
        for name in first:
            owners.setdefault(name, []).append(role)
    problems += ["%s: documented in %d roles (%s): keep one description - in roles/common/meta/argument_specs.yml "
                 "when several roles read it - and delete the others"
                 % (name, len(roles), ", ".join(tree.specs_path(r) for r in roles))
                 for name, roles in sorted(owners.items()) if len(roles) > 1]
    return problems


def check_visible(tree):
    """A role that reads another role's default depends on that role (its defaults are not visible otherwise)."""
    problems, owners = [], {}
    for role in tree.defaults:
        for name in tree.defaults[role]:
            if not name.startswith("_"):
                owners.setdefault(name, []).append(role)
    owner = {name: roles[0] for name, roles in owners.items() if len(roles) == 1}   # duplicates: reported above
    for role in sorted(tree.reads):
        visible = {role} | tree.all_deps(role)
        missing = {}
        for name in sorted(tree.reads[role]):
            if name in owner and owner[name] not in visible:
                missing.setdefault(owner[name], []).append(name)
        for dep, names in sorted(missing.items()):
            fix = ("add `- role: aurigraph.dlt.%s` to `dependencies` in roles/%s/meta/main.yml" % (dep, role)
                   if dep == "common" else
                   "move %s to roles/common/defaults/main.yml (and its description to roles/common/meta/argument_specs.yml)"
                   " and list aurigraph.dlt.common in the `dependencies` of roles/%s/meta/main.yml"
                   % ("it" if len(names) == 1 else "them", role))
            problems.append("%s: read by roles/%s, default in %s, which roles/%s does not depend on (a role sees only "
                            "its own and its dependencies' defaults): %s"
                            % (", ".join(names), role, tree.defaults_path(dep), role, fix))
    return problems


def check_used(tree):
    """Every public default is read somewhere."""
    return ["%s: default in %s is read by no task, template, default, playbook or plugin: delete it (and its "
            "documentation) or use it" % (name, tree.defaults_path(role))
            for role in sorted(tree.defaults) for name in tree.defaults[role]
            if not name.startswith("_") and name not in tree.reads_any]


def inventory_sets(path, data):
    """(name, where) pairs a parsed inventory file sets, and every string value in it."""
    sets, values = [], []

    def strings(value):
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)

    def group(name, body):
        if not isinstance(body, dict):
            return
        for key, value in (body.get("vars") or {}).items():
            sets.append((key, "%s (group %s vars)" % (path, name)))
            strings(value)
        for host, hvars in (body.get("hosts") or {}).items():
            for key, value in (hvars or {}).items():
                sets.append((key, "%s (host %s)" % (path, host)))
                strings(value)
        for child, cbody in (body.get("children") or {}).items():
            group(child, cbody)

    if not isinstance(data, dict):
        return sets, values
    if "plugin" in data:            # an inventory plugin's configuration: only `compose` sets variables
        for key, value in (data.get("compose") or {}).items():
            sets.append((key, "%s (compose)" % path))
            strings(value)
        return sets, values
    for name, body in data.items():
        group(name, body)
    return sets, values


def ini_inventory_sets(path, text):
    sets, values, section = [], [], None
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section and section.endswith(":vars") and "=" in line:
            key, value = line.split("=", 1)
            sets.append((key.strip(), "%s ([%s])" % (path, section)))
            values.append(value)
        elif not (section and section.endswith(":children")):
            for token in line.split()[1:]:
                if "=" in token:
                    key, value = token.split("=", 1)
                    sets.append((key, "%s (host %s)" % (path, line.split()[0])))
                    values.append(value)
    return sets, values


def check_inventories(tree):
    """Inventory examples set only names something reads (or INVENTORY_ONLY allows)."""
    root = tree.root / "inventories"
    if not root.is_dir():
        return []
    sets, values = [], []
    for inventory in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(inventory.rglob("*")):
            if not path.is_file():
                continue
            parts = path.relative_to(inventory).parts
            where = rel(tree.root, path)
            if parts[0] in ("group_vars", "host_vars"):
                if path.suffix in (".yml", ".yaml", ".json") or "." not in path.name:
                    data = load(path)
                    for key, value in (data.items() if isinstance(data, dict) else []):
                        sets.append((key, where))
                        values.append(yaml.safe_dump(value))
            elif len(parts) == 1 and path.suffix in (".yml", ".yaml"):
                found, strings = inventory_sets(where, load(path))
                sets += found
                values += strings
            elif len(parts) == 1 and path.suffix in ("", ".ini", ".cfg") and path.name != "README":
                found, strings = ini_inventory_sets(where, path.read_text(encoding="utf-8"))
                sets += found
                values += strings
    referenced = set().union(*(names_in(v) for v in values)) if values else set()
    read = tree.reads_any | referenced
    problems = []
    for name, where in sets:
        if name in read or any(fnmatch.fnmatchcase(name, pattern) for pattern in INVENTORY_ONLY):
            continue
        problems.append("%s: set in %s but read by no role, playbook, template, plugin or inventory value: fix the "
                        "name, delete it, or (an inventory-only name) add it with its reason to INVENTORY_ONLY in "
                        "scripts/check_argument_specs.py" % (name, where))
    return problems


def check(root=ROOT):
    tree = Tree(root)
    if not tree.roles:
        return tree, ["no roles found under %s/roles" % root]
    problems = [p for role in tree.defaults for p in check_role(tree, role)]
    problems += check_defined_once(tree)
    problems += check_documented_once(tree)
    problems += check_visible(tree)
    problems += check_used(tree)
    problems += check_inventories(tree)
    return tree, problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT), help="collection tree to check (default: this repository)")
    args = parser.parse_args(argv)
    tree, problems = check(pathlib.Path(args.root))
    for problem in problems:
        print(problem, file=sys.stderr)
    print("argument specs: %d role(s) checked, %d problem(s)" % (len(tree.roles), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
