"""Find copied task blocks between roles: two or more consecutive tasks with the same module, arguments and
conditions (task names ignored) in task files of different roles. `duplicates` skips YAML; this is its YAML side.

    python3 scripts/check_role_copies.py          exit 1 and one line per copied block
"""
import json
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
IGNORED_KEYS = {"name", "tags", "register", "loop_control", "no_log", "diff"}
MIN_RUN = 2


def flatten(tasks):
    """Tasks in file order, blocks opened (their own keys dropped)."""
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        if "block" in task:
            for key in ("block", "rescue", "always"):
                yield from flatten(task.get(key))
        else:
            yield task


def shape(task):
    return json.dumps({k: v for k, v in task.items() if k not in IGNORED_KEYS}, sort_keys=True, default=str)


def task_files():
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")):
        tasks = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        yield path.relative_to(ROOT), [shape(t) for t in flatten(tasks)]


def copies(files):
    seen = {}
    found = []
    for path, shapes in files:
        for start in range(len(shapes) - MIN_RUN + 1):
            key = tuple(shapes[start:start + MIN_RUN])
            for other_path, other_start in seen.get(key, []):
                if other_path.parts[1] != path.parts[1]:
                    found.append((other_path, other_start, path, start))
            seen.setdefault(key, []).append((path, start))
    return found


def main():
    found = copies(list(task_files()))
    for first, first_at, second, second_at in found:
        print("copied tasks: %s (task %d) and %s (task %d) run the same %d tasks in a row: move them to one "
              "task file (roles/pipeline for shared steps) and include it" % (first, first_at + 1, second,
                                                                              second_at + 1, MIN_RUN))
    if not found:
        print("role task files: no task block copied between roles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
