# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""diagnostics: redaction, the size cap, the manifest, thread dump paths, heap dump refusal, the tarball."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import diagnostics as dg

SECRET = "planted-Secret-4711-xyz"


@pytest.mark.parametrize("text, kept", [
    ("DB_PASSWORD=%s" % SECRET, "DB_PASSWORD=<redacted>"),
    ("export AURIGRAPH_API_TOKENS='%s'" % SECRET, "export AURIGRAPH_API_TOKENS='<redacted>'"),
    ('{"db_password": "%s", "user": "bob"}' % SECRET, '{"db_password": "<redacted>", "user": "bob"}'),
    ("quarkus.datasource.password: %s" % SECRET, "quarkus.datasource.password: <redacted>"),
    ("Authorization: Bearer %s" % SECRET, "Authorization: Bearer <redacted>"),
    ("url=jdbc:postgresql://u:%s@db:5432/x" % SECRET, "url=jdbc:postgresql://<redacted>@db:5432/x"),
    ("client_secret=%s&x=1" % SECRET, "client_secret=<redacted>&x=1"),
])
def test_redact_secret_looking_values(text, kept):
    out = dg.redact(text)
    assert out == kept and SECRET not in out


def test_redact_literal_values_everywhere_but_not_short_ones():
    out = dg.redact("echo %s and tok=abc and PrivateTmp=yes NoNewPrivileges=yes" % SECRET, secrets=[SECRET, "yes"])
    assert SECRET not in out and "PrivateTmp=yes NoNewPrivileges=yes" in out


def test_redact_docker_inspect_env():
    text = json.dumps([{"Config": {"Env": ["AURIGRAPH_API_TOKENS=%s" % SECRET, "JAVA_OPTS=-Xmx1g"]}}])
    out = dg.redact_docker_inspect(text)
    assert SECRET not in out and "-Xmx1g" not in out and "AURIGRAPH_API_TOKENS=<redacted>" in out


def test_since_epoch():
    assert dg.since_epoch("2h", 10000) == 10000 - 7200
    assert dg.since_epoch("@123", 0) == 123
    assert dg.since_epoch("1970-01-01T00:01:00Z", 0) == 60
    with pytest.raises(dg.DiagnosticsError, match="is not a time: use 2h"):
        dg.since_epoch("yesterday", 0)


def test_tail_lines(tmp_path):
    path = tmp_path / "a.log"
    path.write_text("".join("line %d\n" % i for i in range(100000)))
    assert dg.tail_lines(str(path), 3) == "line 99997\nline 99998\nline 99999\n"


class Node(object):
    """A fake systemd node: unit commands, a journal that gets the thread dump after SIGQUIT."""

    def __init__(self, pid=0, jcmd_rc=None):
        self.pid = pid
        self.jcmd_rc = jcmd_rc
        self.journal = "boot line\n"
        self.calls = []

    def run(self, argv):
        self.calls.append(argv)
        if argv[0] == "systemctl" and argv[1] == "show" and "--value" in argv:
            return 0, "%d\n" % self.pid, ""
        if argv[0] == "systemctl":
            return 0, "%s of the unit\nEnvironment=DB_PASSWORD=%s\n" % (argv[1], SECRET), ""
        if argv[0] == "systemd-analyze":
            return 0, "→ Overall exposure level for aurigraph-v11.service: 2.1 OK\n", ""
        if argv[0] == "journalctl":
            return 0, self.journal, ""
        if argv[-2:] == ["Thread.print", "-l"]:
            return self.jcmd_rc, "%d:\n\"main\" #1 prio=5\n" % self.pid, "attach failed" if self.jcmd_rc else ""
        raise AssertionError("unexpected command %s" % argv)

    def fetch(self, url):
        return 200, '{"status":"UP","url":"%s"}' % url


def params(tmp_path, **over):
    p = dict(method="systemd", service_name="aurigraph-v11", since="1h", log_dir=str(tmp_path / "log"), log_lines=5,
             api_url="http://127.0.0.1:9003", records_path=str(tmp_path / "releases.json"), java_bin="/nonexistent/java",
             heap_dump=False, heap_dump_dir=str(tmp_path), max_mb=10, timeout=5)
    p.update(over)
    return p


class Clock(object):
    def __init__(self):
        self.now = 1795000000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_bundle_manifest_and_redaction(tmp_path):
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "aurigraph.log").write_text("old\n" * 10 + "DB_PASSWORD=%s\nlast %s\n" % (SECRET, SECRET))
    (tmp_path / "releases.json").write_text('{"releases": {}}')
    node, clock = Node(pid=0), Clock()
    col = dg.Collector(node.run, node.fetch, params(tmp_path), clock=clock, sleep=clock.sleep, secrets=[SECRET])
    items = col.collect()
    names = [i["item"] for i in items]
    assert names == ["health", "health_live", "health_ready", "health_started", "info", "service_state",
                     "release_history", "thread_dump", "security", "app_log", "journal", "metrics", "heap_dump"]
    why = dict((i["item"], i.get("why")) for i in items if not i["collected"])
    assert set(why) == {"thread_dump", "heap_dump"} and "not running" in why["thread_dump"]
    assert "not requested" in why["heap_dump"]
    out = tmp_path / "b.tar.gz"
    col.write(str(out), "node1")
    with tarfile.open(str(out)) as tar:
        members = dict((m.name, tar.extractfile(m).read()) for m in tar.getmembers())
    manifest = json.loads(members["b/manifest.json"])
    assert manifest["node"] == "node1" and not manifest["size_cap_hit"]
    for item in manifest["items"]:
        if item["collected"]:
            data = members["b/" + item["file"]]
            assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["size"]
    assert not any(SECRET.encode() in data for data in members.values())
    assert members["b/app-log-tail.txt"].count(b"\n") == 6 and b"DB_PASSWORD=<redacted>" in members["b/app-log-tail.txt"]
    assert oct(os.stat(str(out)).st_mode & 0o777) == "0o600"


def test_size_cap_leaves_out_the_rest_with_a_reason(tmp_path):
    node, clock = Node(), Clock()
    node.fetch = lambda url: (200, "x" * (600 * 1024) if url.endswith(("/info", "/metrics")) else "ok")
    col = dg.Collector(node.run, node.fetch, params(tmp_path, max_mb=1), clock=clock, sleep=clock.sleep)
    items = dict((i["item"], i) for i in col.collect())
    assert items["health"]["collected"] and items["info"]["collected"] and items["journal"]["collected"]
    assert col.cap_hit and not items["metrics"]["collected"]
    assert items["metrics"]["why"].startswith("size cap:") and "raise aurigraph_diag_max_mb" in items["metrics"]["why"]
    assert items["heap_dump"]["why"] == "size cap reached before this item (aurigraph_diag_max_mb=1)"
    assert col.total <= 1024 * 1024 and col.manifest("n")["size_cap_hit"]


def test_thread_dump_by_sigquit_reads_the_journal(tmp_path, monkeypatch):
    node, clock = Node(pid=4242), Clock()
    sent = []

    def fake_kill(pid, sig):
        sent.append((pid, sig))
        node.journal += "Full thread dump OpenJDK 64-Bit Server VM:\n\"main\" #1\nJNI global refs: 5\nHeap\n"
    monkeypatch.setattr(dg.os, "kill", fake_kill)
    col = dg.Collector(node.run, node.fetch, params(tmp_path), clock=clock, sleep=clock.sleep)
    entry = col.add("thread_dump", "thread-dump.txt", col.thread_dump)
    assert sent == [(4242, 3)] and entry["collected"] and "SIGQUIT" in entry["note"] and "no jcmd" in entry["note"]
    assert col.files[0][1].startswith(b"Full thread dump")


def test_thread_dump_sigquit_timeout_is_explained(tmp_path, monkeypatch):
    node, clock = Node(pid=4242), Clock()
    monkeypatch.setattr(dg.os, "kill", lambda pid, sig: None)
    col = dg.Collector(node.run, node.fetch, params(tmp_path), clock=clock, sleep=clock.sleep)
    entry = col.add("thread_dump", "thread-dump.txt", col.thread_dump)
    assert not entry["collected"] and "no complete thread dump" in entry["why"] and "-Xrs" in entry["why"]


def test_thread_dump_with_jcmd_runs_as_the_owner(tmp_path, monkeypatch):
    jdk = tmp_path / "jdk" / "bin"
    jdk.mkdir(parents=True)
    (jdk / "java").write_text("")
    (jdk / "jcmd").write_text("#!/bin/sh\n")
    (jdk / "jcmd").chmod(0o755)
    node, clock = Node(pid=os.getpid(), jcmd_rc=0), Clock()
    col = dg.Collector(node.run, node.fetch, params(tmp_path, java_bin=str(jdk / "java")), clock=clock,
                       sleep=clock.sleep)
    entry = col.add("thread_dump", "thread-dump.txt", col.thread_dump)
    assert entry["collected"] and entry["note"] == "jcmd Thread.print"
    argv = node.calls[-1]
    assert argv[:2] == ["runuser", "-u"] and argv[3:] == ["--", str(jdk / "jcmd"), str(os.getpid()), "Thread.print",
                                                          "-l"]


def test_heap_dump_needs_jcmd_and_free_disk(tmp_path, monkeypatch):
    node, clock = Node(pid=os.getpid()), Clock()
    col = dg.Collector(node.run, node.fetch, params(tmp_path, heap_dump=True), clock=clock, sleep=clock.sleep)
    entry = col.add("heap_dump", "heap.hprof.gz", col.heap_dump, raw=True)
    assert not entry["collected"] and "needs jcmd" in entry["why"]
    monkeypatch.setattr(col, "jcmd", lambda: ["/jdk/bin/jcmd"])

    class Full(object):
        f_bavail, f_frsize = 1, 4096
    monkeypatch.setattr(dg.os, "statvfs", lambda path: Full())
    entry = col.add("heap_dump", "heap.hprof.gz", col.heap_dump, raw=True)
    assert not entry["collected"] and entry["why"].startswith("refused: a heap dump of PID")
    assert "MB free" in entry["why"] and all(c[-2:] != ["GC.heap_dump"] for c in node.calls)


def test_docker_items(tmp_path):
    calls = []

    def run(argv):
        calls.append(argv)
        if argv[1] == "inspect" and "--format" in argv:
            return 0, "0\n", ""
        if argv[1] == "inspect":
            return 0, json.dumps([{"Config": {"Env": ["X_TOKEN=%s" % SECRET]}}]), ""
        if argv[1] == "logs":
            return 0, "out\n", "err DB_PASSWORD=%s\n" % SECRET
        return 1, "", "no"
    col = dg.Collector(run, lambda url: (200, "ok"), params(tmp_path, method="docker"))
    items = dict((i["item"], i) for i in col.collect())
    assert items["service_state"]["collected"] and items["journal"]["collected"]
    assert "systemd units" in items["security"]["why"] and "container's output" in items["app_log"]["why"]
    assert not any(SECRET.encode() in data for dummy, data in col.files)
