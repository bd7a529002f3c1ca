"""scripts/check_argument_specs.py on small fixture trees: it must pass a clean tree and fail, with one line naming
the variable and the files, on each way a variable can be defined, documented or set in the wrong place."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import yaml

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_argument_specs.py"
_spec = importlib.util.spec_from_file_location("check_argument_specs", SCRIPT)
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)


def option(default=None, description="Some option.", **extra):
    opt = {"description": description, "type": "str" if not isinstance(default, int) else "int"}
    if default is not None:
        opt["default"] = default
    opt.update(extra)
    return opt


def role(tmp, name, defaults=None, options=None, entry_points=None, deps=(), tasks="", spec_text=None):
    base = tmp / "roles" / name
    for sub in ("defaults", "meta", "tasks"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    (base / "defaults" / "main.yml").write_text(yaml.safe_dump(defaults or {}), encoding="utf-8")
    specs = {"main": {"short_description": "Role %s." % name, "options": options or {}}}
    specs.update(entry_points or {})
    (base / "meta" / "argument_specs.yml").write_text(
        spec_text if spec_text is not None else yaml.safe_dump({"argument_specs": specs}), encoding="utf-8")
    (base / "meta" / "main.yml").write_text(
        yaml.safe_dump({"galaxy_info": {"author": "x"}, "dependencies": [{"role": "aurigraph.dlt.%s" % d} for d in deps]}),
        encoding="utf-8")
    (base / "tasks" / "main.yml").write_text("---\n" + tasks, encoding="utf-8")


def clean_tree(tmp):
    """common owns the shared port; two roles read it and depend on common; an inventory sets what is read."""
    role(tmp, "common", defaults={"aurigraph_http_port": 9003}, options={"aurigraph_http_port": option(9003)})
    role(tmp, "deploy", defaults={"aurigraph_deploy_user": "svc"}, options={"aurigraph_deploy_user": option("svc")},
         deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    role(tmp, "check", deps=["common"], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    inv = tmp / "inventories" / "example"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "group_vars" / "nodes.yml").write_text(
        "aurigraph_http_port: 9003\naurigraph_deploy_user: '{{ vault_user }}'\n", encoding="utf-8")
    (inv / "group_vars" / "vault.yml").write_text("vault_user: svc\n", encoding="utf-8")
    (inv / "hosts.yml").write_text(
        "all:\n  children:\n    nodes:\n      hosts:\n        n1:\n          ansible_host: 10.0.0.1\n"
        "      vars:\n        ansible_user: deploy\n", encoding="utf-8")
    return tmp


def problems(tmp):
    return checker.check(tmp)[1]


def only(found, *needles):
    """Exactly one problem, and it names every needle."""
    assert len(found) == 1, found
    assert all(n in found[0] for n in needles), found[0]
    return found[0]


def test_clean_tree_passes(tmp_path):
    assert problems(clean_tree(tmp_path)) == []


def test_default_in_two_roles_fails(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", defaults={"aurigraph_http_port": 9003}, options={}, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    found = [p for p in problems(tmp_path) if "default defined in 2 roles" in p]
    only(found, "aurigraph_http_port", "roles/check/defaults/main.yml", "roles/common/defaults/main.yml", "keep one")


def test_option_documented_in_two_roles_fails(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", options={"aurigraph_http_port": option(description="The port, described again.")},
         deps=["common"], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    only(problems(tmp_path), "aurigraph_http_port", "documented in 2 roles", "roles/check/meta/argument_specs.yml",
         "roles/common/meta/argument_specs.yml")


def test_entry_points_of_one_role_may_share_an_option_through_an_anchor(tmp_path):
    clean_tree(tmp_path)
    spec = """---
argument_specs:
  main:
    short_description: Role deploy.
    options:
      aurigraph_deploy_user: &user
        description: The user.
        type: str
        default: svc
  switch:
    short_description: Switch.
    options:
      aurigraph_deploy_user: *user
      _aurigraph_switch_to:
        description: Private input of the entry point.
        type: str
"""
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"}, deps=["common"], spec_text=spec,
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    assert problems(tmp_path) == []
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"}, deps=["common"],
         spec_text=spec.replace("aurigraph_deploy_user: *user", "aurigraph_deploy_user: {description: Other., type: str}"),
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "entry points main and switch", "YAML anchor")


def test_private_inputs_may_repeat_across_roles(tmp_path):
    clean_tree(tmp_path)
    private = {"rollback": {"short_description": "Rollback.", "options": {"_aurigraph_target": option()}}}
    role(tmp_path, "check", entry_points=private, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"}, options={"aurigraph_deploy_user": option("svc")},
         entry_points=private, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    assert problems(tmp_path) == []


def test_inventory_setting_a_name_nothing_reads_fails(tmp_path):
    clean_tree(tmp_path)
    path = tmp_path / "inventories" / "example" / "group_vars" / "nodes.yml"
    path.write_text(path.read_text(encoding="utf-8") + "aurigraph_min_memory_mb: 512\n", encoding="utf-8")
    only(problems(tmp_path), "aurigraph_min_memory_mb", "inventories/example/group_vars/nodes.yml", "INVENTORY_ONLY")


def test_inventory_hosts_file_and_plugin_compose_are_checked(tmp_path):
    clean_tree(tmp_path)
    hosts = tmp_path / "inventories" / "example" / "hosts.yml"
    hosts.write_text(hosts.read_text(encoding="utf-8") + "        aurigraph_serial: 2\n", encoding="utf-8")
    (tmp_path / "inventories" / "sandbox").mkdir()
    (tmp_path / "inventories" / "sandbox" / "docker.yml").write_text(
        "plugin: community.docker.docker_containers\ndocker_host: unix:///var/run/docker.sock\n"
        "compose:\n  ansible_python_interpreter: \"'/usr/bin/python3'\"\n  aurigraph_typo: \"'x'\"\n", encoding="utf-8")
    found = problems(tmp_path)
    assert len(found) == 2, found
    assert any("aurigraph_serial" in p and "hosts.yml (group nodes vars)" in p for p in found), found
    assert any("aurigraph_typo" in p and "docker.yml (compose)" in p for p in found), found


def test_comment_is_not_a_read(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", deps=["common"],
         tasks="# aurigraph_min_memory_mb is gone\n- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    path = tmp_path / "inventories" / "example" / "group_vars" / "nodes.yml"
    path.write_text(path.read_text(encoding="utf-8") + "aurigraph_min_memory_mb: 512\n", encoding="utf-8")
    only(problems(tmp_path), "aurigraph_min_memory_mb")


def test_reading_a_shared_default_without_the_dependency_fails(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", deps=[], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    only(problems(tmp_path), "aurigraph_http_port", "read by roles/check", "roles/common/defaults/main.yml",
         "`- role: aurigraph.dlt.common`", "roles/check/meta/main.yml")


def test_reading_another_roles_default_suggests_common(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "read by roles/check", "roles/deploy/defaults/main.yml",
         "move it to roles/common/defaults/main.yml")


def test_hostvars_of_another_host_is_not_a_read_of_the_default(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "monitor", tasks="- ansible.builtin.debug:\n    msg: \"{{ hostvars[item].aurigraph_http_port"
                                    " | default(9003) }} {{ hostvars[item]['aurigraph_http_port'] }}\"\n")
    assert problems(tmp_path) == []


def test_unused_default_fails(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "check", defaults={"aurigraph_check_unused": "x"}, options={"aurigraph_check_unused": option("x")},
         deps=["common"], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    only(problems(tmp_path), "aurigraph_check_unused", "read by no task", "roles/check/defaults/main.yml")


def test_existing_per_role_checks_still_fail(tmp_path):
    clean_tree(tmp_path)
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"}, options={}, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "not documented")
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"}, options={"aurigraph_deploy_user": option("root")},
         deps=["common"], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "default differs", "'root'", "'svc'")
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"},
         options={"aurigraph_deploy_user": option("svc", description="")}, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "no description")
    role(tmp_path, "deploy", defaults={"aurigraph_deploy_user": "svc"},
         options={"aurigraph_deploy_user": {"description": "The user.", "type": "str"}}, deps=["common"],
         tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }} {{ aurigraph_deploy_user }}'\n")
    only(problems(tmp_path), "aurigraph_deploy_user", "documents none")


def test_command_line_exit_code_and_one_line_per_problem(tmp_path):
    clean_tree(tmp_path)
    ok = subprocess.run([sys.executable, str(SCRIPT), "--root", str(tmp_path)], capture_output=True, text=True,
                        check=False)
    assert ok.returncode == 0 and ok.stderr == "" and "0 problem(s)" in ok.stdout
    role(tmp_path, "check", defaults={"aurigraph_http_port": 9003}, options={"aurigraph_http_port": option(9003)},
         deps=["common"], tasks="- ansible.builtin.debug:\n    msg: '{{ aurigraph_http_port }}'\n")
    bad = subprocess.run([sys.executable, str(SCRIPT), "--root", str(tmp_path)], capture_output=True, text=True,
                         check=False)
    lines = bad.stderr.splitlines()
    assert bad.returncode == 1 and "2 problem(s)" in bad.stdout
    assert len(lines) == 2 and all(line.startswith("aurigraph_http_port: ") for line in lines), lines
