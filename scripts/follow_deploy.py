"""Which task files a reader opens to follow one deploy of each method, from the pipeline file (issue 10).

    python3 scripts/follow_deploy.py [systemd|docker|k8s|systemd_bluegreen ...]

Walks roles/pipeline/tasks/deploy.yml statically: import_tasks / include_tasks (in the including role) and
include_role tasks_from (the method role for "{{ _aurigraph_method_role }}"), depth first in file order. The
failure branch (a block's rescue: failed.yml) is left out: it is the path of a failed deploy. A file reached only
through a task with a `when:` is listed as conditional (e.g. the database backup, the check-mode preview).
"""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
METHODS = {"systemd": "jar_deploy", "docker": "docker_deploy", "k8s": "k8s_deploy", "systemd_bluegreen": "bluegreen_deploy"}
INCLUDES = ("ansible.builtin.import_tasks", "ansible.builtin.include_tasks")
ROLE_INCLUDES = ("ansible.builtin.include_role", "ansible.builtin.import_role")


def role_of(name, method_role):
    if "_aurigraph_method_role" in name or "_aurigraph_use_role" in name:
        return method_role
    return name.split(".")[-1]


def walk(path, method_role, conditional, seen, order):
    rel = path.relative_to(ROOT).as_posix()
    if rel in seen:
        seen[rel] = seen[rel] and conditional
        return
    seen[rel] = conditional
    order.append(rel)
    role_dir = path.parents[1] if path.parent.name == "tasks" else path.parents[2]
    for task in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        visit(task, path, role_dir, method_role, conditional, seen, order)


def visit(task, path, role_dir, method_role, conditional, seen, order):
    cond = conditional or "when" in task
    for key in ("block", "always"):
        for inner in task.get(key) or []:
            visit(inner, path, role_dir, method_role, cond, seen, order)
    for key in INCLUDES:
        if key in task:
            target = task[key] if isinstance(task[key], str) else task[key].get("file")
            walk((path.parent / target).resolve(), method_role, cond, seen, order)
    for key in ROLE_INCLUDES:
        if key in task:
            spec = task[key]
            role = role_of(spec["name"], method_role)
            walk(ROOT / "roles" / role / "tasks" / ("%s.yml" % spec.get("tasks_from", "main")), method_role, cond,
                 seen, order)


def follow(method):
    seen, order = {}, []
    walk(ROOT / "roles" / "pipeline" / "tasks" / "deploy.yml", METHODS[method], False, seen, order)
    return [(rel, seen[rel]) for rel in order]


def main(argv):
    for method in argv or list(METHODS):
        files = follow(method)
        always = [rel for rel, cond in files if not cond]
        print("%s: %d files always, %d more only under a condition" % (method, len(always), len(files) - len(always)))
        for rel, cond in files:
            print("  %s%s" % (rel, "   (conditional)" if cond else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
