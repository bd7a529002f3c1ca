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
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import K8sError

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


# ---------------------------------------------------------------------------------------------- Kubernetes
def _pod(name, env=None, restarted=False):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "ns",
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "aurigraph-v11-blue-5d9c"}],
                         "managedFields": [{"manager": "kube-controller-manager"}],
                         "annotations": {dg.LAST_APPLIED: '{"env": "%s"}' % SECRET}},
            "spec": {"containers": [{"name": "aurigraph", "image": "aurigraph/node:11.5.0", "env": env or []}]},
            "status": {"phase": "Running", "containerStatuses": [{"restartCount": 1 if restarted else 0}]}}


DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "aurigraph-v11-blue"},
    "spec": {"template": {"spec": {"containers": [{"name": "aurigraph", "env": [
        {"name": "DB_PASSWORD", "value": SECRET},
        {"name": "AURIGRAPH_API_TOKENS", "valueFrom": {"secretKeyRef": {"name": "aurigraph-v11-secret", "key": "tokens"}}},
        {"name": "JAVA_OPTS", "value": "-Xmx256m"}]}]}}}}


class Reader(object):
    """A fake cluster: what DiagnosticsReader returns, or K8sError for what it cannot read."""

    def __init__(self, pods=(), events=(), deployments=(DEPLOYMENT,), fail=(), logs=None):
        self.data = {"deployments": list(deployments), "pods": list(pods), "events": list(events)}
        self.fail, self.logs, self.calls = set(fail), logs or {}, []

    def _get(self, key, *args):
        self.calls.append((key,) + args)
        if key in self.fail:
            raise K8sError("cannot read the %s: HTTP 403: %s is forbidden" % (key, key))
        return self.data[key]

    def deployments(self, namespace, selector):
        return self._get("deployments", namespace, selector)

    def pods(self, namespace, selector):
        return self._get("pods", namespace, selector)

    def events(self, namespace):
        return self._get("events", namespace)

    def config_map_data(self, namespace, name):
        if "records" in self.fail:
            raise K8sError("cannot read ConfigMap %s/%s: HTTP 404: not found" % (namespace, name))
        return {"releases.json": '{"current": "r1"}'}

    def log(self, namespace, pod, container, previous, tail_lines):
        self.calls.append(("log", pod, container, previous, tail_lines))
        key = (pod, container, previous)
        if key not in self.logs:
            raise K8sError('cannot read the previous log of %s/%s: HTTP 400: previous terminated container "%s" '
                           'in pod "%s" not found' % (pod, container, container, pod))
        return self.logs[key]


def _event(obj, reason, message, when, kind="Pod", count=1):
    return {"involvedObject": {"kind": kind, "name": obj}, "type": "Warning", "reason": reason,
            "message": message, "lastTimestamp": when, "count": count}


def test_k8s_bundle_objects_events_logs_and_redaction(tmp_path):
    env = [{"name": "STRIPE_API_KEY", "value": SECRET}, {"name": "QUARKUS_PROFILE", "value": "prod"}]
    pod = _pod("aurigraph-v11-blue-5d9c-abcde", env=env, restarted=True)
    events = [_event("aurigraph-v11-blue-5d9c-abcde", "BackOff", "Back-off restarting failed container", "2026-11-30T03:02:00Z", count=3),
              _event("aurigraph-v11-blue-5d9c", "SuccessfulCreate", "Created pod", "2026-11-30T03:00:00Z", "ReplicaSet"),
              _event("some-other-app", "Pulled", "not ours", "2026-11-30T03:01:00Z")]
    reader = Reader([pod], events, logs={(pod["metadata"]["name"], "aurigraph", False): "started\nDB_PASSWORD=%s\n" % SECRET})
    k8s, records = dg.read_k8s(reader, "ns", "aurigraph-v11", 500)
    assert records == {"releases.json": '{"current": "r1"}'}
    assert ("pods", "ns", "app=aurigraph-v11") in reader.calls
    assert ("log", "aurigraph-v11-blue-5d9c-abcde", "aurigraph", True, 500) in reader.calls
    clock = Clock()
    col = dg.Collector(None, lambda url: (200, "UP"), dict(params(tmp_path), method="k8s", service_name="aurigraph-v11"),
                       clock=clock, sleep=clock.sleep, secrets=[])
    items = dg.collect_k8s_bundle(col, k8s, records=records)
    names = [i["item"] for i in items]
    assert names == ["health", "health_live", "health_ready", "health_started", "info",
                     "k8s_deployment aurigraph-v11-blue", "k8s_pod aurigraph-v11-blue-5d9c-abcde", "k8s_events",
                     "k8s_log aurigraph-v11-blue-5d9c-abcde/aurigraph (current)",
                     "k8s_log aurigraph-v11-blue-5d9c-abcde/aurigraph (previous)", "release_history", "metrics"]
    why = dict((i["item"], i.get("why")) for i in items if not i["collected"])
    assert list(why) == ["k8s_log aurigraph-v11-blue-5d9c-abcde/aurigraph (previous)"]
    assert "previous terminated container" in why["k8s_log aurigraph-v11-blue-5d9c-abcde/aurigraph (previous)"]
    out = tmp_path / "k.tar.gz"
    col.write(str(out), "k8s")
    with tarfile.open(str(out)) as tar:
        members = dict((m.name.split("/", 1)[1], tar.extractfile(m).read().decode()) for m in tar.getmembers())
    # no secret anywhere, not even with no literal secrets configured: env values by name, the last-applied copy
    assert not any(SECRET in text for text in members.values())
    dep = members["k8s/deployments/aurigraph-v11-blue.yaml"]
    assert "-Xmx256m" in dep and "secretKeyRef" in dep and "aurigraph-v11-secret" in dep
    podtext = members["k8s/pods/aurigraph-v11-blue-5d9c-abcde.yaml"]
    assert "managedFields" not in podtext and "value: prod" in podtext and "STRIPE_API_KEY" in podtext
    assert members["k8s/events.txt"].splitlines() == [
        "2026-11-30T03:00:00Z Warning SuccessfulCreate ReplicaSet/aurigraph-v11-blue-5d9c: Created pod",
        "2026-11-30T03:02:00Z Warning BackOff Pod/aurigraph-v11-blue-5d9c-abcde: Back-off restarting failed "
        "container (x3)"]
    assert members["k8s/logs/aurigraph-v11-blue-5d9c-abcde/aurigraph.log"] == "started\nDB_PASSWORD=<redacted>\n"
    assert "current" in members["releases.json"]


def test_k8s_failed_reads_are_in_the_manifest(tmp_path):
    k8s, records = dg.read_k8s(Reader(fail=("pods", "records")), "ns", "aurigraph-v11", 10)
    clock = Clock()

    def refused(url):
        raise dg.NotCollected("GET %s: connection refused" % url)

    col = dg.Collector(None, refused,
                       dict(params(tmp_path), method="k8s", service_name="aurigraph-v11"), clock=clock,
                       sleep=clock.sleep)
    items = dg.collect_k8s_bundle(col, k8s, records=records)
    why = dict((i["item"], i.get("why")) for i in items if not i["collected"])
    assert why["k8s_pods"] == "cannot read the pods: HTTP 403: pods is forbidden"
    assert "connection refused" in why["health"] and why["release_history"].startswith("no release records")
    assert why["k8s_events"].startswith("no events for aurigraph-v11-blue")
    assert [i["item"] for i in items if i["collected"]] == ["k8s_deployment aurigraph-v11-blue"]


def test_k8s_no_release_found(tmp_path):
    k8s = dg.read_k8s(Reader(deployments=()), "ns", "x", 10)[0]
    clock = Clock()
    col = dg.Collector(None, lambda url: (200, "UP"), dict(params(tmp_path), method="k8s", service_name="x"),
                       clock=clock, sleep=clock.sleep)
    why = dict((i["item"], i.get("why")) for i in dg.collect_k8s(col, k8s) if not i["collected"])
    assert why == {"k8s_deployments": "no Deployment of the release found", "k8s_pods": "no pod of the release found",
                   "k8s_events": "no Deployment or pod of the release found"}
