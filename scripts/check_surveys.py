"""Check the AWX objects in awx/ against the code they drive, so surveys cannot drift from the playbooks.

For every job template in awx/objects.yml (and the workflow), every field of its survey (awx/surveys/<name>.yml)
is checked against what the playbook really takes:
  - the options of the roles the playbook uses (meta/argument_specs.yml, every entry point, found by following
    ``aurigraph.dlt.<role>`` references from the playbook through the roles' tasks and defaults),
  - the playbook's own inputs: play ``vars:`` and literal ``<var> | default(<literal>)`` in the playbook.
A field fails when its variable is unknown or private, its survey type cannot carry the option's type, its
choices are not a subset of the option's, a required option is optional in the survey, its default differs from
the option's default (or overrides a computed one), or a no_log option is not a password field. The structure of
the objects is checked too (playbooks and surveys exist, workflow edges name existing nodes).

Usage: python3 scripts/check_surveys.py [REPO_ROOT]      exit 1 with one line per problem.
"""
import copy
import functools
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
# Option type -> survey types that deliver a value of that type to the playbook.
COMPATIBLE = {
    "str": {"text", "textarea", "password", "multiplechoice"},
    "path": {"text"},
    "int": {"integer"},
    "float": {"float", "integer"},
    "bool": {"multiplechoice"},
    "list": {"multiselect"},
    "raw": {"text", "textarea", "password", "multiplechoice", "integer", "float", "multiselect"},
}
# A list option may come as text when the playbook splits text itself ("<var> is string").
TEXT_LIST_TYPES = {"textarea", "password"}
EDGES = ("success_nodes", "failure_nodes", "always_nodes")
LITERAL_DEFAULT = re.compile(
    r"\b([a-z][a-z0-9_]*)\s*\|\s*default\(\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+)|(true|false|True|False))\s*\)")
ROLE_REF = re.compile(r"aurigraph\.dlt\.([a-z0-9_]+)")
MISSING = object()


class _Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """SafeLoader that reads Ansible's !unsafe tag as a plain string."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load(path):
    resolved = pathlib.Path(path).resolve()
    return copy.deepcopy(_load(str(resolved), resolved.stat().st_mtime_ns))


@functools.lru_cache(maxsize=256)
def _load(path, _mtime):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader) or {}  # nosec B506 - SafeLoader subclass


def infer_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return "str"


def is_template(value):
    return isinstance(value, str) and "{{" in value


class Sources:
    """What a playbook takes: option records per variable name."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.roles = {p.name for p in (self.root / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists()}

    def roles_of(self, playbook):
        """Roles reachable from the playbook text through the roles' tasks and defaults."""
        seen, todo = set(), set(ROLE_REF.findall(playbook.read_text(encoding="utf-8"))) & self.roles
        while todo:
            role = todo.pop()
            seen.add(role)
            for sub in ("tasks", "defaults", "meta", "handlers"):
                for path in (self.root / "roles" / role / sub).glob("*.yml"):
                    todo |= (set(ROLE_REF.findall(path.read_text(encoding="utf-8"))) & self.roles) - seen
        return seen

    def records(self, playbook):
        """Variable name -> list of option records (source, type, default, required, choices, no_log, text_list)."""
        text = playbook.read_text(encoding="utf-8")
        found = {}

        def add(name, **record):
            found.setdefault(name, []).append(record)

        for role in sorted(self.roles_of(playbook)):
            specs = load(self.root / "roles" / role / "meta" / "argument_specs.yml").get("argument_specs", {})
            for entry, spec in specs.items():
                for name, option in (spec.get("options") or {}).items():
                    add(name, source="role %s/%s" % (role, entry), type=option.get("type", "str"),
                        default=option.get("default", MISSING), required=bool(option.get("required")),
                        choices=option.get("choices"), no_log=bool(option.get("no_log")), private=name.startswith("_"))
        plays = yaml.safe_load(text) or []
        for play in plays:
            for name, value in (play.get("vars") or {}).items():
                add(name, source="%s vars" % playbook.name, type=infer_type(value), default=value, required=False,
                    choices=None, no_log=False, private=name.startswith("_"))
        for match in LITERAL_DEFAULT.finditer(text):
            name, single, double, number, boolean = match.groups()
            if number is not None:
                value = int(number)
            elif boolean is not None:
                value = boolean.lower() == "true"
            else:
                value = single if single is not None else double
            add(name, source="%s default()" % playbook.name, type=infer_type(value), default=value, required=False,
                choices=None, no_log=False, private=name.startswith("_"))
        text_lists = set(re.findall(r"\b([a-z][a-z0-9_]*) is string\b", text))
        for name, records in found.items():
            for record in records:
                record["text_list"] = name in text_lists
        return found


def convert(value, option_type):
    """A survey default as the playbook receives it, converted to the option's type (ValueError if impossible)."""
    if option_type == "bool":
        if value in ("true", "false", True, False):
            return value in ("true", True)
        raise ValueError("not true/false")
    if option_type == "int":
        return int(value)
    if option_type == "float":
        return float(value)
    if option_type == "list":
        return [v for v in str(value).split("\n") if v] if isinstance(value, str) else list(value)
    return value


def check_field(where, field, records, survey_type):
    problems = []
    var = field["variable"]
    for record in records:
        src = record["source"]
        if record["private"]:
            problems.append("%s: %s is private (leading underscore, %s): not a survey input" % (where, var, src))
            continue
        allowed = set(COMPATIBLE.get(record["type"], set()))
        if record["type"] == "list" and record["text_list"]:
            allowed |= TEXT_LIST_TYPES
        if survey_type not in allowed:
            problems.append("%s: %s is type %s in %s, a survey %r cannot carry it (use one of: %s)"
                            % (where, var, record["type"], src, survey_type, ", ".join(sorted(allowed)) or "none"))
        choices = field.get("choices")
        if record["type"] == "bool" and survey_type == "multiplechoice" and sorted(choices or []) != ["false", "true"]:
            problems.append("%s: %s is a bool (%s): its choices must be exactly \"true\" and \"false\", got %r"
                            % (where, var, src, choices))
        if record["choices"]:
            if survey_type not in ("multiplechoice", "multiselect"):
                problems.append("%s: %s has choices %s in %s: use a multiplechoice/multiselect field"
                                % (where, var, record["choices"], src))
            else:
                extra = [c for c in choices or [] if c not in [str(x) for x in record["choices"]]]
                if extra:
                    problems.append("%s: %s choices %s are not valid (%s allows %s)"
                                    % (where, var, extra, src, record["choices"]))
        if record["required"] and not field.get("required"):
            problems.append("%s: %s is required by %s: mark the survey field required" % (where, var, src))
        if record["no_log"] and survey_type != "password":
            problems.append("%s: %s is no_log in %s: the survey field must be a password" % (where, var, src))
        default = field.get("default")
        if default in (None, ""):
            continue
        if record["default"] is MISSING:
            continue
        if is_template(record["default"]):
            problems.append("%s: %s default %r would override the computed default %r of %s: leave it empty"
                            % (where, var, default, record["default"], src))
            continue
        try:
            value = convert(default, record["type"])
        except (TypeError, ValueError):
            problems.append("%s: %s default %r is not a valid %s (%s)" % (where, var, default, record["type"], src))
            continue
        if value != record["default"]:
            problems.append("%s: %s default %r differs from %r in %s" % (where, var, default, record["default"], src))
    return problems


def check_survey(where, survey, records):
    problems = []
    if not isinstance(survey.get("spec"), list) or not survey.get("name"):
        return ["%s: a survey needs a name and a spec list" % where]
    seen = set()
    for field in survey["spec"]:
        var = field.get("variable")
        survey_type = field.get("type")
        for key in ("question_name", "variable", "type", "required"):
            if key not in field:
                problems.append("%s: field %s lacks %s" % (where, var or field, key))
        if not var:
            continue
        if var in seen:
            problems.append("%s: %s appears twice" % (where, var))
        seen.add(var)
        if survey_type not in SURVEY_TYPES:
            problems.append("%s: %s has survey type %r (AWX knows %s)" % (where, var, survey_type, sorted(SURVEY_TYPES)))
            continue
        if survey_type in ("multiplechoice", "multiselect"):
            choices = field.get("choices")
            if not choices:
                problems.append("%s: %s is %s without choices" % (where, var, survey_type))
            elif survey_type == "multiplechoice" and field.get("default") not in ("", None) + tuple(choices):
                problems.append("%s: %s default %r is not one of its choices" % (where, var, field.get("default")))
        if var not in records:
            problems.append("%s: %s is not an input of the playbook (no role option, play var or default() of that name)"
                            % (where, var))
            continue
        problems += check_field("%s: field" % where, field, records[var], survey_type)
    return problems


def check(root=ROOT):
    root = pathlib.Path(root)
    problems = []
    objects = load(root / "awx" / "objects.yml")
    sources = Sources(root)
    templates = {}
    for jt in objects.get("awx_job_templates") or []:
        templates[jt["name"]] = jt
        playbook = root / jt["playbook"]
        if not playbook.exists():
            problems.append("job template %s: playbook %s does not exist" % (jt["name"], jt["playbook"]))
            continue
        if jt.get("survey") is None:
            continue
        survey_file = root / "awx" / "surveys" / ("%s.yml" % jt["survey"])
        if not survey_file.exists():
            problems.append("job template %s: survey %s does not exist" % (jt["name"], survey_file.relative_to(root)))
            continue
        problems += check_survey("%s (%s)" % (survey_file.relative_to(root), jt["playbook"]), load(survey_file),
                                 sources.records(playbook))
    workflow = objects.get("awx_workflow") or {}
    nodes = {n["identifier"]: n for n in workflow.get("nodes") or []}
    if not nodes:
        problems.append("awx_workflow has no nodes")
    for ident, node in nodes.items():
        if node.get("job_template") not in templates:
            problems.append("workflow node %s: unknown job template %r" % (ident, node.get("job_template")))
        for edge in EDGES:
            for target in node.get(edge) or []:
                if target not in nodes:
                    problems.append("workflow node %s: %s names unknown node %r" % (ident, edge, target))
    if workflow.get("survey"):
        # The workflow's survey answers reach every node: each field must be valid for every node's playbook.
        survey_file = root / "awx" / "surveys" / ("%s.yml" % workflow["survey"])
        for node in nodes.values():
            jt = templates.get(node.get("job_template"))
            if jt and (root / jt["playbook"]).exists() and jt.get("survey") == workflow["survey"]:
                problems += check_survey("workflow %s (%s)" % (survey_file.relative_to(root), jt["playbook"]),
                                         load(survey_file), sources.records(root / jt["playbook"]))

    def survey_of(jt):
        path = root / "awx" / "surveys" / ("%s.yml" % jt.get("survey"))
        return load(path).get("spec") or [] if jt.get("survey") and path.exists() else []

    for schedule in objects.get("awx_schedules") or []:
        jt = templates.get(schedule.get("job_template"))
        if jt is None:
            problems.append("schedule %s: unknown job template %r" % (schedule.get("name"), schedule.get("job_template")))
            continue
        records = sources.records(root / jt["playbook"]) if (root / jt["playbook"]).exists() else {}
        for var, value in (schedule.get("extra_data") or {}).items():
            if var not in records:
                problems.append("schedule %s: %s is not an input of %s" % (schedule["name"], var, jt["playbook"]))
                continue
            for record in records[var]:
                if record["choices"] and value not in record["choices"]:
                    problems.append("schedule %s: %s=%r is not one of %s (%s)"
                                    % (schedule["name"], var, value, record["choices"], record["source"]))
                try:
                    convert(value, record["type"])
                except (TypeError, ValueError):
                    problems.append("schedule %s: %s=%r is not a %s (%s)"
                                    % (schedule["name"], var, value, record["type"], record["source"]))
            # AWX validates schedule extra data against the survey like a launch.
            field = next((f for f in survey_of(jt) if f["variable"] == var), None)
            if field and field["type"] == "multiplechoice" and value not in field["choices"]:
                problems.append("schedule %s: %s=%r is not one of the survey choices %s (AWX refuses it)"
                                % (schedule["name"], var, value, field["choices"]))
    return problems


def main(argv):
    root = pathlib.Path(argv[1]) if len(argv) > 1 else ROOT
    problems = check(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    print("surveys: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
