"""scripts/check_role_copies.py: a run of identical tasks in two roles is a copy; within one role, or one task alone, is not."""
import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).resolve().parents[3] / "scripts" / "check_role_copies.py"
spec = importlib.util.spec_from_file_location("check_role_copies", SCRIPT)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

LOCK = {"name": "Take the lock", "aurigraph.dlt.deploy_lock": {"path": "/x"}}
INFO = {"name": "Read", "aurigraph.dlt.release_info": {"path": "/x"}}
OTHER = {"ansible.builtin.debug": {"msg": "hi"}}


def shapes(*tasks):
    return [check.shape(t) for t in check.flatten(list(tasks))]


def test_two_identical_tasks_in_a_row_in_two_roles_are_a_copy():
    renamed = dict(LOCK, name="Lock it")  # names do not matter
    found = check.copies([(pathlib.Path("roles/a/tasks/main.yml"), shapes(LOCK, INFO)),
                          (pathlib.Path("roles/b/tasks/x.yml"), shapes(OTHER, {"block": [renamed, INFO]}))])
    assert [(str(a), i, str(b), j) for a, i, b, j in found] == [("roles/a/tasks/main.yml", 0, "roles/b/tasks/x.yml", 1)]


def test_same_role_single_task_and_different_args_are_not_copies():
    changed = {"aurigraph.dlt.release_info": {"path": "/y"}}
    assert not check.copies([(pathlib.Path("roles/a/tasks/one.yml"), shapes(LOCK, INFO)),
                             (pathlib.Path("roles/a/tasks/two.yml"), shapes(LOCK, INFO)),
                             (pathlib.Path("roles/b/tasks/x.yml"), shapes(LOCK, changed, INFO))])
