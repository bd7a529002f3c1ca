# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import preflight

JAVA17 = ('openjdk version "17.0.13" 2024-10-15\nOpenJDK Runtime Environment (build 17.0.13+11-Debian-2)\n'
          'OpenJDK 64-Bit Server VM (build 17.0.13+11-Debian-2, mixed mode, sharing)\n')
JAVA21 = 'Picked up JAVA_TOOL_OPTIONS: -Xss1m\nopenjdk version "21.0.5" 2024-10-15 LTS\n'


# --- java -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,version,major", [
    (JAVA17, "17.0.13", 17),
    (JAVA21, "21.0.5", 21),
    ('openjdk version "21" 2023-09-19\n', "21", 21),
    ('java version "1.8.0_392"\n', "1.8.0_392", 1),
    ("something else\n", "", 0),
    ("", "", 0),
])
def test_java_version_and_major(text, version, major):
    assert preflight.java_version("", text) == version
    assert preflight.java_major(version) == major


def test_java_version_read_from_stdout_too():
    assert preflight.java_version('openjdk version "25.0.1" 2025-10-21\n', "") == "25.0.1"


def test_java_17_fails_with_the_version_found_and_the_fix():
    line, major = preflight.java_problem("/usr/local/lib/molecule/java17/bin/java", 21, 0, "", JAVA17)
    assert major == 17
    assert line == ("java: /usr/local/lib/molecule/java17/bin/java is Java 17.0.13, 21 or newer is required: install "
                    "openjdk-21-jre-headless or point aurigraph_java_bin at a newer Java")


def test_java_21_passes_the_minimum_21_and_fails_the_minimum_25():
    assert preflight.java_problem("/usr/bin/java", 21, 0, "", JAVA21) == (None, 21)
    line, major = preflight.java_problem("/usr/bin/java", 25, 0, "", JAVA21)
    assert major == 21 and line.startswith("java: /usr/bin/java is Java 21.0.5, 25 or newer is required: install "
                                           "openjdk-25-jre-headless")


def test_java_of_unknown_version():
    line, major = preflight.java_problem("/opt/java", 21, 0, "hello\n", "")
    assert major == 0
    assert line == ("java: /opt/java is Java of unknown version, 21 or newer is required: install "
                    "openjdk-21-jre-headless or point aurigraph_java_bin at a newer Java")


def test_java_missing():
    line, major = preflight.java_problem("/opt/molecule-no-java/bin/java", 21, 127, error=preflight.JAVA_NOT_FOUND)
    assert major == 0
    assert line == ("java: cannot run /opt/molecule-no-java/bin/java (not found (no such file, or not executable)): "
                    "Java 21 or newer is required: install openjdk-21-jre-headless or set aurigraph_java_bin to a "
                    "Java 21+ executable")


def test_java_that_fails_quotes_the_first_line_of_its_error():
    line, dummy = preflight.java_problem("/usr/bin/java", 21, 1, "",
                                         "\nError: could not open `/usr/lib/jvm/x/lib/jvm.cfg'\nmore\n")
    assert line.startswith("java: cannot run /usr/bin/java (Error: could not open `/usr/lib/jvm/x/lib/jvm.cfg'): "
                           "Java 21 or newer is required")
    line, dummy = preflight.java_problem("/usr/bin/java", 21, 1, "", "")
    assert "(non-zero return code)" in line


# --- unit -------------------------------------------------------------------------------------------------------
def test_parse_unit_running():
    assert preflight.parse_unit("MainPID=4242\nMemoryCurrent=312000000\n") == (4242, 312000000)


@pytest.mark.parametrize("text", ["MainPID=0\nMemoryCurrent=[not set]\n", "", None,
                                  "MainPID=0\nMemoryCurrent=18446744073709551615\n"])
def test_parse_unit_not_running_or_unknown(text):
    assert preflight.parse_unit(text) == (0, 0)


# --- ports ------------------------------------------------------------------------------------------------------
SS = """LISTEN 0      5          127.0.0.1:9104      0.0.0.0:*    users:(("python3",pid=815,fd=3))
LISTEN 0      4096               *:9003            *:*    users:(("java",pid=4242,fd=40))
LISTEN 0      4096               *:9004            *:*    users:(("java",pid=4242,fd=41))
LISTEN 0      128             [::]:22             [::]:*    users:(("sshd",pid=1,fd=4),("sshd",pid=2,fd=4))
LISTEN 0      4096   127.0.0.53%lo:53          0.0.0.0:*
LISTEN 0      5            0.0.0.0:9104        0.0.0.0:*    users:(("python3",pid=815,fd=4))
"""


def test_parse_ss():
    sockets = preflight.parse_ss(SS)
    assert sockets[0] == dict(address="127.0.0.1", port=9104, name="python3", pid=815)
    assert sockets[1] == dict(address="*", port=9003, name="java", pid=4242)
    assert [s["pid"] for s in sockets if s["port"] == 22] == [1, 2]
    assert sockets[5] == dict(address="127.0.0.53%lo", port=53, name=None, pid=None)
    assert len(sockets) == 7


def test_parse_ss_with_netid_column_and_junk():
    text = 'tcp   LISTEN 0 5 [::1]:9003 [::]:* users:(("nc",pid=9,fd=3))\nState Recv-Q\ngarbage line\n'
    assert preflight.parse_ss(text) == [dict(address="::1", port=9003, name="nc", pid=9)]


def test_port_held_by_the_service_itself_is_no_problem():
    holders = preflight.port_holders(preflight.parse_ss(SS), [9003, 9004], 4242)
    assert holders == [] and preflight.ports_problem(holders, "aurigraph-v11") is None


def test_ports_held_by_another_process_when_the_unit_does_not_run():
    holders = preflight.port_holders(preflight.parse_ss(SS), [9003, 9004], 0)
    assert preflight.ports_problem(holders, "aurigraph-v11") == (
        "ports: 9003 is held by java (pid 4242), 9004 is held by java (pid 4242), not by aurigraph-v11: stop that "
        "process (see `ss -ltnp 'sport = :9003'`) or set aurigraph_http_port / aurigraph_grpc_port")


def test_port_held_by_another_process_once_per_process():
    holders = preflight.port_holders(preflight.parse_ss(SS), [9003, 9104], 4242)
    assert preflight.ports_problem(holders, "aurigraph-v11") == (
        "ports: 9104 is held by python3 (pid 815), not by aurigraph-v11: stop that process "
        "(see `ss -ltnp 'sport = :9104'`) or set aurigraph_http_port / aurigraph_grpc_port")


def test_port_held_by_a_process_ss_cannot_name():
    # the service does not run: whatever holds the port is in the way
    holders = preflight.port_holders(preflight.parse_ss(SS), [53], 0)
    assert preflight.ports_problem(holders, "svc").startswith("ports: 53 is held by an unknown process (pid ?), not by svc")
    # the service runs: the unnamed socket may be its own (ss in a container cannot read the service user's /proc)
    assert preflight.port_holders(preflight.parse_ss(SS), [53], 4242) == []


def test_ss_failed():
    assert preflight.ss_failed(1, "ss: invalid option -- 'H'\nusage") == (
        "ports: ss -Hltnp exited 1 (ss: invalid option -- 'H'), so the listening ports cannot be checked: run it on "
        "the host to see why (iproute2 from 2017 or newer is needed for -H) or leave ports out of "
        "aurigraph_preflight_checks")
    assert "install the Debian package iproute2" in preflight.SS_MISSING


# --- disk -------------------------------------------------------------------------------------------------------
def test_existing_ancestor():
    existing = {"/", "/opt", "/mnt/molecule-small"}
    assert preflight.existing_ancestor("/opt/aurigraph/v11", existing.__contains__) == "/opt"
    assert preflight.existing_ancestor("/mnt/molecule-small/v11/", existing.__contains__) == "/mnt/molecule-small"
    assert preflight.existing_ancestor("/nothing/here", existing.__contains__) == "/"
    assert preflight.existing_ancestor("/opt", existing.__contains__) == "/opt"
    assert preflight.existing_ancestor("/x", lambda p: False) == "/"


MOUNTS = """overlay / overlay rw,relatime 0 0
tmpfs /run tmpfs rw 0 0
molecule-small /mnt/molecule-small tmpfs rw,size=16384k 0 0
data /srv/my\\040data ext4 rw 0 0
"""


@pytest.mark.parametrize("path,mount", [
    ("/mnt/molecule-small", "/mnt/molecule-small"),
    ("/mnt/molecule-small/v11", "/mnt/molecule-small"),
    ("/mnt/molecule-smaller", "/"),
    ("/opt", "/"),
    ("/srv/my data/x", "/srv/my data"),
    ("/run", "/run"),
])
def test_mount_point(path, mount):
    assert preflight.mount_point(path, MOUNTS) == mount


def test_free_gb_is_what_df_prints_in_kib():
    assert preflight.free_gb(16227934, 4096) == 61.9
    assert preflight.free_gb(4000, 4096) == 0.02
    assert preflight.free_gb(0, 4096) == 0.0


def test_disk_problem():
    assert preflight.disk_problem(0.01, "/mnt/molecule-small", "/mnt/molecule-small/v11", 0.5) == (
        "disk: 0.01 GiB free on /mnt/molecule-small (holding /mnt/molecule-small/v11), 0.5 GiB required: free space "
        "(old logs, dumps in the backup dir) or lower aurigraph_min_disk_gb")
    assert preflight.disk_problem(4.99, "/", "/opt/aurigraph/v11", 5.0).endswith(
        "(holding /opt/aurigraph/v11), 5 GiB required: free space (old logs, dumps in the backup dir) or lower "
        "aurigraph_min_disk_gb")
    assert preflight.disk_problem(5.0, "/", "/opt/aurigraph/v11", 5) is None
    assert preflight.disk_unreadable("/opt", "/opt/a", "Permission denied").startswith(
        "disk: cannot read the free space of /opt (holding /opt/a): Permission denied")


# --- memory -----------------------------------------------------------------------------------------------------
MEMINFO = "MemTotal:       16384000 kB\nMemFree:         1000000 kB\nMemAvailable:    3145728 kB\n" \
          "Buffers:          100000 kB\nCached:          2000000 kB\n"


def test_available_kb():
    assert preflight.available_kb(MEMINFO) == 3145728
    assert preflight.available_kb(MEMINFO.replace("MemAvailable", "MemAvail")) == 3100000
    assert preflight.available_kb("") == 0


def test_memory_adds_what_the_running_unit_uses():
    assert preflight.memory_gb(3145728, 0) == 3.0
    assert preflight.memory_gb(3145728, 1073741824) == 4.0
    assert preflight.memory_problem(4.0, "aurigraph-v11", 4) is None


def test_memory_problem():
    assert preflight.memory_problem(3.0, "aurigraph-v11", 100000.0) == (
        "memory: 3.0 GiB available (including what aurigraph-v11 uses now), 100000 GiB required: stop other "
        "workloads, add memory, or lower aurigraph_min_memory_gb together with the heap in aurigraph_java_opts")
    assert "3.5 GiB required" in preflight.memory_problem(3.49, "svc", 3.5)
    assert preflight.meminfo_unreadable("No such file or directory").startswith(
        "memory: cannot read /proc/meminfo (No such file or directory), so the available memory is unknown")


@pytest.mark.parametrize("value,text", [(5, "5"), (5.0, "5"), (0.5, "0.5"), ("2.25", "2.25"), (100000, "100000")])
def test_number(value, text):
    assert preflight.number(value) == text


# --- summary ----------------------------------------------------------------------------------------------------
def test_summary():
    holders = [dict(port=9104, name="python3", pid=815, address="127.0.0.1")]
    assert preflight.summary(["java", "ports", "disk", "memory", "database"], java=21, disk=41.2, memory=6.5,
                             holders=holders, database=dict(server_version="170002")) == dict(
        java=21, disk_free_gb=41.2, memory_available_gb=6.5, port_holders=[9104], database_server_version="170002")
    assert preflight.summary([], database=dict(server_version=None)) == dict(
        java="not checked", disk_free_gb="not checked", memory_available_gb="not checked", port_holders="not checked",
        database_server_version="not checked")
