#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: preflight_info
short_description: Read-only host checks before an Aurigraph V11 deploy (Java, ports, disk, memory, PostgreSQL) in one call
version_added: 0.1.0
description:
  - Runs every check of O(checks) on the host in one module call and returns one line per problem in RV(failures)
    (what is wrong, the value found, what is needed and how to fix it) plus a RV(summary) of what was found.
  - V(java) runs O(java_bin) C(-version) and compares its feature release with O(min_java).
  - V(ports) lists the listening TCP sockets with C(ss -Hltnp) (Debian package C(iproute2)) and reports every process
    on O(http_port) or O(grpc_port) other than the main process of the O(service_name) unit (read with
    C(systemctl show)), so a running service does not fail the check of its own upgrade.
  - V(disk) reads the free space (available to unprivileged users, as C(df) prints it) of the filesystem holding
    O(install_dir), or its nearest existing ancestor when it does not exist yet, and compares it with O(min_disk_gb).
  - V(memory) adds C(MemAvailable) of C(/proc/meminfo) (C(MemFree + Buffers + Cached) on kernels without that line)
    and the memory the running O(service_name) unit uses now (freed by the restart), and compares it with
    O(min_memory_gb).
  - V(database) runs the same code as M(aurigraph.dlt.database_info) (C(psql), no Python driver) with the O(db_host),
    O(db_port), O(db_name), O(db_user), O(db_password) and O(db_programs) settings.
  - Never fails on what it finds and never reports C(changed); the caller decides (the preflight role fails with
    every line at once).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
options:
  checks:
    description: The checks to run.
    type: list
    elements: str
    choices: [java, ports, disk, memory, database]
    default: [java, ports, disk, memory, database]
  java_bin:
    description: The Java program the service runs with (a path, or a name looked up in C(PATH)).
    type: str
    default: /usr/bin/java
  min_java:
    description: Minimum Java feature release.
    type: int
    default: 21
  service_name:
    description: The systemd unit of the service, without C(.service).
    type: str
    default: aurigraph-v11
  http_port:
    description: The service's HTTP port.
    type: int
    default: 9003
  grpc_port:
    description: The service's gRPC port.
    type: int
    default: 9004
  install_dir:
    description: The directory the releases are installed in (it may not exist yet).
    type: path
    default: /opt/aurigraph/v11
  min_disk_gb:
    description: Minimum free space in GiB on the filesystem of O(install_dir).
    type: float
    default: 5
  min_memory_gb:
    description: Minimum available memory in GiB (including what the running service uses).
    type: float
    default: 4
  db_host:
    description: Database host.
    type: str
    default: localhost
  db_port:
    description: Database port.
    type: int
    default: 5432
  db_name:
    description: Database name.
    type: str
    default: aurigraph
  db_user:
    description: Database user.
    type: str
    default: aurigraph
  db_password:
    description: Password of O(db_user). Passed to C(psql) in its environment, never on a command line.
    type: str
    default: ""
  db_programs:
    description:
      - Client programs that must be installed, as setting name -> program (name or path), for example
        C(aurigraph_pg_dump_bin=pg_dump); see O(aurigraph.dlt.database_info#module:programs).
    type: dict
    default: {}
  psql_bin:
    description: The C(psql) program (a name looked up in C(PATH), or a path).
    type: str
    default: psql
  db_connect_timeout:
    description: Seconds to wait for the database connection.
    type: int
    default: 10
notes:
  - Run it as root (C(become)) so that C(ss) can name the process behind every port. A socket whose process C(ss)
    cannot name (not root, or root without C(CAP_SYS_PTRACE) as in containers) cannot be told apart from the
    service's own, so it counts as held by an unknown process only while the service does not run.
seealso:
  - module: aurigraph.dlt.database_info
"""

EXAMPLES = r"""
- name: Check the host before a deploy
  aurigraph.dlt.preflight_info:
    checks: [java, ports, disk, memory, database]
    java_bin: /usr/bin/java
    min_java: 21
    service_name: aurigraph-v11
    install_dir: /opt/aurigraph/v11
    db_host: 127.0.0.1
    db_password: "{{ aurigraph_db_password }}"
    db_programs:
      aurigraph_pg_dump_bin: pg_dump
  register: preflight

- name: Stop with every problem at once
  ansible.builtin.fail:
    msg: "{{ preflight.failures | join('\n') }}"
  when: preflight.failures | length > 0
"""

RETURN = r"""
failures:
  description: One line per failed check (empty when every check passed), in the order java, ports, disk, memory, database.
  returned: always
  type: list
  elements: str
  sample: ["java: /usr/bin/java is Java 17.0.13, 21 or newer is required: install openjdk-21-jre-headless or point aurigraph_java_bin at a newer Java"]
summary:
  description: What was found, V(not checked) for each check that did not run.
  returned: always
  type: dict
  sample: {java: 21, disk_free_gb: 41.2, memory_available_gb: 6.35, port_holders: [], database_server_version: "170002"}
java:
  description: The version string and feature release of O(java_bin) (V("") and 0 when it did not run).
  returned: when V(java) is in O(checks)
  type: dict
  sample: {version: "21.0.5", major: 21}
unit:
  description: Main PID and current memory in bytes of the O(service_name) unit (0 when it does not run).
  returned: when V(ports) or V(memory) is in O(checks)
  type: dict
  sample: {main_pid: 4242, memory_current: 312000000}
port_holders:
  description: The other processes on O(http_port) / O(grpc_port) (name and pid null when ss cannot name them).
  returned: when V(ports) is in O(checks)
  type: list
  elements: dict
  sample: [{address: 127.0.0.1, port: 9004, name: python3, pid: 815}]
disk:
  description: The path measured (O(install_dir) or its nearest existing ancestor), its mount point and the GiB free.
  returned: when V(disk) is in O(checks)
  type: dict
  sample: {path: /opt/aurigraph, mount: /, free_gb: 41.2}
memory:
  description: The GiB available for the service (C(MemAvailable) plus what the running unit uses).
  returned: when V(memory) is in O(checks)
  type: dict
  sample: {available_gb: 6.35}
database:
  description: The result of the database check, as M(aurigraph.dlt.database_info) returns it (available,
    server_version, problems, programs).
  returned: when V(database) is in O(checks)
  type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import database, preflight


def _which(module, program):
    if "/" in program:
        return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
    return module.get_bin_path(program)


def _read(path):
    with open(path) as handle:
        return handle.read()


def check_java(module, p, result):
    java = _which(module, p["java_bin"])
    if not java:
        line, major = preflight.java_problem(p["java_bin"], p["min_java"], 127, error=preflight.JAVA_NOT_FOUND)
        version = ""
    else:
        try:
            rc, out, err = module.run_command([java, "-version"], handle_exceptions=False)
        except OSError as e:
            rc, out, err = 126, "", ""
            line, major = preflight.java_problem(p["java_bin"], p["min_java"], rc, error=e.strerror or str(e))
        else:
            line, major = preflight.java_problem(p["java_bin"], p["min_java"], rc, out, err)
        version = preflight.java_version(out, err) if rc == 0 else ""
    result["java"] = dict(version=version, major=major)
    return line


def read_unit(module, p):
    systemctl = module.get_bin_path("systemctl")
    if not systemctl:
        return 0, 0
    rc, out, dummy = module.run_command([systemctl, "show", "--property=MainPID", "--property=MemoryCurrent",
                                         "%s.service" % p["service_name"]])
    return preflight.parse_unit(out if rc == 0 else "")


def check_ports(module, p, main_pid, result):
    result["port_holders"] = []
    ss = module.get_bin_path("ss")
    if not ss:
        return preflight.SS_MISSING
    rc, out, err = module.run_command([ss, "-Hltnp"])
    if rc != 0:
        return preflight.ss_failed(rc, err or out)
    holders = preflight.port_holders(preflight.parse_ss(out), [p["http_port"], p["grpc_port"]], main_pid)
    result["port_holders"] = holders
    return preflight.ports_problem(holders, p["service_name"])


def check_disk(p, result):
    path = preflight.existing_ancestor(p["install_dir"], os.path.exists)
    try:
        st = os.statvfs(path)
    except OSError as e:
        result["disk"] = dict(path=path, mount=None, free_gb=0.0)
        return preflight.disk_unreadable(path, p["install_dir"], e.strerror or str(e))
    try:
        mounts = _read("/proc/self/mounts")
    except (IOError, OSError):
        mounts = ""
    mount = preflight.mount_point(os.path.realpath(path), mounts)
    free = preflight.free_gb(st.f_bavail, st.f_frsize)
    result["disk"] = dict(path=path, mount=mount, free_gb=free)
    return preflight.disk_problem(free, mount, p["install_dir"], p["min_disk_gb"])


def check_memory(p, unit_memory, result):
    try:
        meminfo = _read("/proc/meminfo")
    except (IOError, OSError) as e:
        result["memory"] = dict(available_gb=0.0)
        return preflight.meminfo_unreadable(e.strerror or str(e))
    available = preflight.memory_gb(preflight.available_kb(meminfo), unit_memory)
    result["memory"] = dict(available_gb=available)
    return preflight.memory_problem(available, p["service_name"], p["min_memory_gb"])


def check_database(module, p, result):
    def run(argv, env):
        return module.run_command(argv, environ_update=env)

    result["database"] = database.check(run, lambda program: _which(module, program), p["db_host"], p["db_port"],
                                        p["db_name"], p["db_user"], p["db_password"], psql_bin=p["psql_bin"],
                                        dump_bins=p["db_programs"], connect_timeout=p["db_connect_timeout"])
    return result["database"]["problems"]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            checks=dict(type="list", elements="str", choices=list(preflight.CHECKS), default=list(preflight.CHECKS)),
            java_bin=dict(type="str", default="/usr/bin/java"),
            min_java=dict(type="int", default=21),
            service_name=dict(type="str", default="aurigraph-v11"),
            http_port=dict(type="int", default=9003),
            grpc_port=dict(type="int", default=9004),
            install_dir=dict(type="path", default="/opt/aurigraph/v11"),
            min_disk_gb=dict(type="float", default=5),
            min_memory_gb=dict(type="float", default=4),
            db_host=dict(type="str", default="localhost"),
            db_port=dict(type="int", default=5432),
            db_name=dict(type="str", default="aurigraph"),
            db_user=dict(type="str", default="aurigraph"),
            db_password=dict(type="str", default="", no_log=True),
            db_programs=dict(type="dict", default={}),
            psql_bin=dict(type="str", default="psql"),
            db_connect_timeout=dict(type="int", default=10),
        ),
        supports_check_mode=True,
    )
    p = module.params
    checks = p["checks"]
    result = dict(changed=False)
    failures = []

    if "java" in checks:
        failures.append(check_java(module, p, result))
    main_pid = unit_memory = 0
    if "ports" in checks or "memory" in checks:
        main_pid, unit_memory = read_unit(module, p)
        result["unit"] = dict(main_pid=main_pid, memory_current=unit_memory)
    if "ports" in checks:
        failures.append(check_ports(module, p, main_pid, result))
    if "disk" in checks:
        failures.append(check_disk(p, result))
    if "memory" in checks:
        failures.append(check_memory(p, unit_memory, result))
    if "database" in checks:
        failures.extend(check_database(module, p, result))

    result["failures"] = [line for line in failures if line]
    result["summary"] = preflight.summary(
        checks, java=result.get("java", {}).get("major"), disk=result.get("disk", {}).get("free_gb"),
        memory=result.get("memory", {}).get("available_gb"), holders=result.get("port_holders"),
        database=result.get("database"))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
