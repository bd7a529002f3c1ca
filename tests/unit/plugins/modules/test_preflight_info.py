# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest

from ansible_collections.aurigraph.dlt.plugins.modules import preflight_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

SS_OUT = ('LISTEN 0 5 127.0.0.1:9104 0.0.0.0:* users:(("python3",pid=815,fd=3))\n'
          'LISTEN 0 4096 *:9003 *:* users:(("java",pid=4242,fd=40))\n')


def fake_bin(directory, name, script):
    path = directory / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A PATH with a systemctl (unit running as pid 4242, 1 GiB) and an ss listing 9104 and 9003."""
    bins = tmp_path / "bin"
    bins.mkdir()
    fake_bin(bins, "systemctl", 'echo "$*" > %s/systemctl-args\necho MainPID=4242\necho MemoryCurrent=1073741824\n'
             % tmp_path)
    fake_bin(bins, "ss", "cat <<'EOF'\n%sEOF\n" % SS_OUT)
    fake_bin(bins, "java17", "echo 'openjdk version \"17.0.13\" 2024-10-15' >&2\n")
    fake_bin(bins, "java21", "echo 'openjdk version \"21.0.5\" 2024-10-15' >&2\n")
    fake_bin(bins, "psql", 'echo "password=$PGPASSWORD" > %s/psql-seen\n'
             'echo \'psql: error: connection to server at "127.0.0.1", port 5999 failed: Connection refused\' >&2\n'
             'exit 2\n' % tmp_path)
    monkeypatch.setenv("PATH", "%s:%s" % (bins, os.environ.get("PATH", "")))
    return tmp_path


def test_everything_fine_in_one_call(host, capsys):
    res = run_module(preflight_info.main, dict(checks=["java", "ports", "disk", "memory"], java_bin="java21",
                                               install_dir=str(host / "not" / "yet"), min_disk_gb=0.001,
                                               min_memory_gb=0.001), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False
    assert res["failures"] == []
    assert res["java"] == dict(version="21.0.5", major=21)
    assert res["unit"] == dict(main_pid=4242, memory_current=1073741824)
    assert res["port_holders"] == []
    assert res["disk"]["path"] == str(host) and res["disk"]["free_gb"] > 0
    assert res["memory"]["available_gb"] >= 1.0
    assert res["summary"]["java"] == 21 and res["summary"]["port_holders"] == []
    assert res["summary"]["database_server_version"] == "not checked"
    assert (host / "systemctl-args").read_text().split() == [
        "show", "--property=MainPID", "--property=MemoryCurrent", "aurigraph-v11.service"]


def test_every_failure_at_once_in_check_order(host, capsys):
    res = run_module(preflight_info.main, dict(java_bin="java17", grpc_port=9104, install_dir=str(host),
                                               min_disk_gb=1000000, min_memory_gb=1000000, db_host="127.0.0.1",
                                               db_port=5999, db_password="s3cr3t-pw",
                                               db_programs={"aurigraph_pg_dump_bin": str(host / "no-pg_dump")}),
                     capsys)
    assert not res.failed and res["changed"] is False
    lines = res["failures"]
    assert [line.split(":")[0] for line in lines] == ["java", "ports", "disk", "memory", "database", "database"]
    assert lines[0] == ("java: java17 is Java 17.0.13, 21 or newer is required: install openjdk-21-jre-headless or "
                        "point aurigraph_java_bin at a newer Java")
    assert lines[1] == ("ports: 9104 is held by python3 (pid 815), not by aurigraph-v11: stop that process "
                        "(see `ss -ltnp 'sport = :9104'`) or set aurigraph_http_port / aurigraph_grpc_port")
    assert lines[2].endswith("(holding %s), 1000000 GiB required: free space (old logs, dumps in the backup dir) or "
                             "lower aurigraph_min_disk_gb" % host)
    assert "GiB available (including what aurigraph-v11 uses now), 1000000 GiB required" in lines[3]
    assert lines[4].startswith("database: PostgreSQL aurigraph@127.0.0.1:5999/aurigraph is not reachable")
    assert "(aurigraph_pg_dump_bin=%s) is not installed" % (host / "no-pg_dump") in lines[5]
    assert res["database"]["available"] is False
    assert res["summary"]["port_holders"] == [9104]
    assert (host / "psql-seen").read_text().strip() == "password=s3cr3t-pw"
    assert "s3cr3t-pw" not in res.raw


def test_java_missing_and_unit_not_running(host, capsys):
    fake_bin(host / "bin", "systemctl", "echo MainPID=0\necho 'MemoryCurrent=[not set]'\n")
    res = run_module(preflight_info.main, dict(checks=["java", "ports"], java_bin=str(host / "no-java" / "java")),
                     capsys)
    assert res["failures"][0] == (
        "java: cannot run %s (not found (no such file, or not executable)): Java 21 or newer is required: install "
        "openjdk-21-jre-headless or set aurigraph_java_bin to a Java 21+ executable" % (host / "no-java" / "java"))
    # the unit does not run, so the java process on 9003 is someone else's
    assert res["failures"][1].startswith("ports: 9003 is held by java (pid 4242), not by aurigraph-v11")
    assert res["java"] == dict(version="", major=0) and res["unit"] == dict(main_pid=0, memory_current=0)
    assert "disk" not in res and "memory" not in res and res["summary"]["disk_free_gb"] == "not checked"


def test_java_that_cannot_start(host, capsys):
    fake_bin(host / "bin", "javabroken", "echo 'Error: could not find libjava.so' >&2\necho 'Error: more' >&2\nexit 1\n")
    res = run_module(preflight_info.main, dict(checks=["java"], java_bin="javabroken", min_java=17), capsys)
    assert res["failures"] == [
        "java: cannot run javabroken (Error: could not find libjava.so): Java 17 or newer is required: install "
        "openjdk-17-jre-headless or set aurigraph_java_bin to a Java 17+ executable"]


def test_ss_that_fails(host, capsys):
    fake_bin(host / "bin", "ss", "echo \"ss: invalid option -- 'H'\" >&2\nexit 1\n")
    res = run_module(preflight_info.main, dict(checks=["ports"]), capsys)
    assert res["failures"][0].startswith("ports: ss -Hltnp exited 1 (ss: invalid option -- 'H')")


def test_no_checks(host, capsys):
    res = run_module(preflight_info.main, dict(checks=[]), capsys)
    assert res["failures"] == [] and set(res["summary"].values()) == {"not checked"}
    assert not (host / "systemctl-args").exists()
