# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The diagnostics bundle of one node: collect, redact, cap, manifest, tarball.

Each item is collected by a function that returns its text (or raises :class:`NotCollected` with the reason). The
text is redacted (:func:`redact`) before it is written; the size cap counts the redacted bytes; the manifest lists
every item - collected or not and why, file, size, sha256, when. Env files, the pgpass file and the process
environment are never read at all. Everything external goes through ``run(argv) -> (rc, out, err)``, ``fetch(url)
-> (status, text)``, ``clock`` and ``sleep`` so that unit tests drive it with fakes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pwd
import re
import tarfile
import time

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

REDACTED = "<redacted>"
MIN_SECRET_LEN = 6
# Keys whose values are secrets: KEY=value, KEY: value, "key": "value" (environment, properties, JSON, logs).
SECRET_KEY = re.compile(r"(PASSWORD|PASSWD|PASSPHRASE|_PASS$|^PASS$|PWD$|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|"
                        r"ACCESS_?KEY|SIGNING_?KEY|AUTH_?KEY|COOKIE|SESSION_?ID)", re.IGNORECASE)
# Keys start at a boundary and are bounded: no quadratic backtracking over long runs of letters (metrics, dumps).
_KV = re.compile(r"(?<![A-Za-z0-9_.\-])(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,100})(?P<sep>\s*[=:]\s*)(?P<val>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"',;&]+)")
_JSON_KV = re.compile(r"(?P<key>\"[A-Za-z_][A-Za-z0-9_.\-]{0,100}\")(?P<sep>\s*:\s*)(?P<val>\"(?:[^\"\\\n]|\\.)*\")")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{6,}")
_URL_CREDS = re.compile(r"(?<![a-z0-9+.\-])(?P<scheme>[a-z][a-z0-9+.\-]{0,30}://)[^/\s:@]{1,200}:[^/\s@]{1,200}@")


class DiagnosticsError(DltError):
    """The bundle could not be made at all."""


class NotCollected(Exception):
    """An item that could not be (or was not to be) collected; the message is the manifest's ``why``."""


def _secret_key(key):
    return bool(SECRET_KEY.search(key.strip("\"'")))


def redact(text, secrets=()):
    """Replace known secret values (``secrets``: literal strings of at least MIN_SECRET_LEN characters), values of
    secret-looking keys, bearer tokens and credentials in URLs by REDACTED."""
    for value in sorted(set(s for s in secrets if s and len(s) >= MIN_SECRET_LEN), key=len, reverse=True):
        text = text.replace(value, REDACTED)

    def kv(match):
        if _secret_key(match.group("key")):
            value = match.group("val")
            quote = value[0] if value[:1] in ("'", '"') else ""
            return match.group("key") + match.group("sep") + quote + REDACTED + quote
        return match.group(0)

    text = _JSON_KV.sub(kv, text)
    text = _KV.sub(kv, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    return _URL_CREDS.sub(lambda m: m.group("scheme") + REDACTED + "@", text)


def redact_docker_inspect(text):
    """``docker inspect`` JSON with the values of Config.Env replaced (all of them: the env carries the secrets)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    for container in data if isinstance(data, list) else [data]:
        env = (container.get("Config") or {}).get("Env") or []
        container.setdefault("Config", {})["Env"] = [e.split("=", 1)[0] + "=" + REDACTED for e in env]
    return json.dumps(data, indent=2, sort_keys=True)


def since_epoch(since, now):
    """``aurigraph_diag_since``: ``<N>s|m|h|d`` (that long ago), an epoch (``@1795000000``) or ISO 8601 UTC."""
    since = str(since).strip()
    match = re.match(r"^(\d+)\s*([smhd])$", since)
    if match:
        return int(now - int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)])
    if re.match(r"^@\d+$", since):
        return int(since[1:])
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return int(time.mktime(time.strptime(since, fmt)) - time.timezone)
        except ValueError:
            continue
    raise DiagnosticsError("aurigraph_diag_since '%s' is not a time: use 2h, 30m, 1d, @<epoch> or "
                           "2026-11-30T03:00:00Z (UTC)" % since)


def tail_lines(path, lines, block=65536):
    """The last ``lines`` lines of a file, read from the end (a big log is never read whole)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        data, pos = b"", size
        while pos > 0 and data.count(b"\n") <= lines:
            step = min(block, pos)
            pos -= step
            handle.seek(pos)
            data = handle.read(step) + data
    return b"\n".join(data.splitlines()[-lines:]).decode("utf-8", errors="replace") + "\n"


class Collector(object):
    """Collects the items of one node into memory (each already redacted), then writes the tarball."""

    def __init__(self, run, fetch, params, clock=time.time, sleep=time.sleep, secrets=(), which=None):
        self.run = run
        self.fetch = fetch
        self.p = params
        self.clock = clock
        self.sleep = sleep
        self.secrets = list(secrets)
        self.which = which or (lambda name: None)
        self.items = []
        self.files = []
        self.total = 0
        self.cap = int(params["max_mb"]) * 1024 * 1024
        self.cap_hit = False
        self.method = params["method"]
        self.name = params["service_name"]
        self.unit = self.name if "." in self.name else self.name + ".service"
        self._pid = None

    # ------------------------------------------------------------------ helpers
    def _cmd(self, argv, what, ok=(0,)):
        rc, out, err = self.run(argv)
        if rc not in ok:
            raise NotCollected("%s failed (rc %s): %s" % (" ".join(argv[:3]), rc,
                                                          ((err or out or "").strip().splitlines() or ["no output"])[-1]))
        return out

    def pid(self):
        if self._pid is None:
            if self.method == "docker":
                out = self._cmd(["docker", "inspect", "--type=container", "--format", "{{.State.Pid}}", self.name],
                                "container pid")
            else:
                out = self._cmd(["systemctl", "show", self.unit, "--property=MainPID", "--value"], "unit main PID")
            self._pid = int(out.strip() or 0)
        return self._pid

    def add(self, item, filename, producer, raw=False):
        """Collect one item: ``producer()`` returns text (or bytes with ``raw``) or raises NotCollected."""
        entry = {"item": item, "file": None, "collected": False, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                     time.gmtime(self.clock()))}
        try:
            if self.cap_hit:
                raise NotCollected("size cap reached before this item (aurigraph_diag_max_mb=%s)" % self.p["max_mb"])
            produced = producer()
            note = None
            if isinstance(produced, tuple):
                produced, note = produced
            data = produced if raw else redact(produced, self.secrets).encode("utf-8")
            if self.total + len(data) > self.cap:
                self.cap_hit = True
                raise NotCollected("size cap: %d bytes would take the bundle past aurigraph_diag_max_mb=%s MB "
                                   "(already %d bytes); raise aurigraph_diag_max_mb or narrow aurigraph_diag_since"
                                   % (len(data), self.p["max_mb"], self.total))
            self.total += len(data)
            self.files.append((filename, data))
            entry.update(file=filename, collected=True, size=len(data), sha256=hashlib.sha256(data).hexdigest())
            if note:
                entry["note"] = note
        except NotCollected as exc:
            entry["why"] = str(exc)
        except (OSError, ValueError) as exc:
            entry["why"] = "error: %s" % exc
        self.items.append(entry)
        return entry

    # ------------------------------------------------------------------ the items
    def http(self, path):
        def produce():
            status, text = self.fetch(self.p["api_url"].rstrip("/") + path)
            return "HTTP %s %s\n\n%s" % (status, path, text)
        return produce

    def journal(self):
        since = since_epoch(self.p["since"], self.clock())
        if self.method == "docker":
            rc, out, err = self.run(["docker", "logs", "--timestamps", "--since", str(since), self.name])
            if rc != 0:
                raise NotCollected("docker logs failed (rc %s): %s" % (rc, (err or out).strip()))
            return "== stdout ==\n%s\n== stderr ==\n%s" % (out, err)
        return self._cmd(["journalctl", "--unit", self.unit, "--since", "@%d" % since, "--no-pager",
                          "--output=short-iso-precise"], "journal")

    def app_log(self):
        if self.method == "docker":
            raise NotCollected("the docker method logs to the container's output: see the journal item (docker logs)")
        log_dir = self.p["log_dir"]
        if not log_dir or not os.path.isdir(log_dir):
            raise NotCollected("log directory %s does not exist" % log_dir)
        names = sorted(n for n in os.listdir(log_dir) if n.endswith(".log") and os.path.isfile(os.path.join(log_dir, n)))
        if not names:
            raise NotCollected("no *.log file in %s (the service logs to the journal only)" % log_dir)
        parts = []
        for name in names:
            parts.append("==> %s (last %d lines) <==\n" % (os.path.join(log_dir, name), self.p["log_lines"]))
            parts.append(tail_lines(os.path.join(log_dir, name), self.p["log_lines"]))
        return "".join(parts)

    def state(self):
        if self.method == "docker":
            rc, out, err = self.run(["docker", "inspect", "--type=container", self.name])
            if rc != 0:
                raise NotCollected("docker inspect failed: %s" % (err or out).strip())
            return redact_docker_inspect(out)
        status = self._cmd(["systemctl", "status", self.unit, "--no-pager", "--full", "--lines=0"], "status",
                           ok=(0, 1, 2, 3, 4))
        show = self._cmd(["systemctl", "show", self.unit], "show")
        cat = self._cmd(["systemctl", "cat", self.unit, "--no-pager"], "cat", ok=(0, 1))
        return "$ systemctl status\n%s\n$ systemctl show\n%s\n$ systemctl cat\n%s" % (status, show, cat)

    def security(self):
        if self.method == "docker":
            raise NotCollected("systemd-analyze security applies to systemd units (method docker)")
        return self._cmd(["systemd-analyze", "security", self.unit, "--no-pager"], "systemd-analyze security",
                         ok=(0, 1))

    def releases(self):
        path = self.p["records_path"]
        if not path or not os.path.exists(path):
            raise NotCollected("no release records at %s" % path)
        with open(path, "r", encoding="utf-8") as handle:
            return handle.read()

    def jcmd(self):
        if self.method == "docker":
            rc, out, err = self.run(["docker", "exec", self.name, "sh", "-c", "command -v jcmd"])
            return ["docker", "exec", self.name, "jcmd"] if rc == 0 and out.strip() else None
        java = self.p.get("java_bin") or ""
        candidates = []
        if java:
            candidates.append(os.path.join(os.path.dirname(os.path.realpath(java)), "jcmd"))
        found = self.which("jcmd")
        if found:
            candidates.append(found)
        for path in candidates:
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return [path]
        return None

    def _as_owner(self, pid, argv):
        """Run a JDK attach tool as the JVM's owner (HotSpot refuses an attach from another uid)."""
        if self.method == "docker":
            return argv
        owner = pwd.getpwuid(os.stat("/proc/%d" % pid).st_uid).pw_name
        return ["runuser", "-u", owner, "--"] + argv

    def thread_dump(self):
        pid = self.pid()
        if not pid:
            raise NotCollected("the service is not running (no main PID): no thread dump")
        jcmd = self.jcmd()
        target = "1" if self.method == "docker" else str(pid)
        if jcmd:
            rc, out, err = self.run(self._as_owner(pid, jcmd + [target, "Thread.print", "-l"]))
            if rc == 0 and out.strip():
                return out, "jcmd Thread.print"
            jcmd_problem = "jcmd failed (rc %s: %s); " % (rc, (err or out).strip().splitlines()[-1:] or "")
        else:
            jcmd_problem = "no jcmd next to the JVM (a JRE); "
        return self._sigquit(pid), jcmd_problem + "SIGQUIT to the JVM, its output read back from the " + (
            "container log" if self.method == "docker" else "journal")

    def _sigquit(self, pid):
        start = int(self.clock()) - 1
        if self.method == "docker":
            self._cmd(["docker", "kill", "--signal=SIGQUIT", self.name], "SIGQUIT")

            def read():
                rc, out, err = self.run(["docker", "logs", "--since", str(start), self.name])
                return out + err
        else:
            os.kill(pid, 3)

            def read():
                return self._cmd(["journalctl", "--unit", self.unit, "--since", "@%d" % start, "--no-pager",
                                  "--output=cat"], "journal")
        deadline = self.clock() + self.p["timeout"]
        while True:
            text = read()
            begin = text.find("Full thread dump")
            if begin >= 0 and "JNI global refs" in text[begin:]:
                return text[begin:]
            if self.clock() >= deadline:
                where = "container log" if self.method == "docker" else "journal"
                raise NotCollected("sent SIGQUIT to PID %s but no complete thread dump ('Full thread dump' ... "
                                   "'JNI global refs') reached the %s within %ss (JVM started with -Xrs? output "
                                   "not in the journal?)" % (pid, where, self.p["timeout"]))
            self.sleep(0.5)

    def heap_dump(self):
        if not self.p["heap_dump"]:
            raise NotCollected("not requested (opt in with aurigraph_diag_heap_dump=true)")
        pid = self.pid()
        if not pid:
            raise NotCollected("the service is not running (no main PID): no heap dump")
        jcmd = self.jcmd()
        if not jcmd:
            raise NotCollected("a heap dump needs jcmd (a JDK), and the JVM has none next to it: install the JDK "
                               "package of the same Java version, or point aurigraph_java_bin at a JDK")
        rss_kb = 0
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss_kb = int(line.split()[1])
        need = rss_kb * 1024 + 64 * 1024 * 1024
        where = self.p["heap_dump_dir"]
        st = os.statvfs(where)
        free = st.f_bavail * st.f_frsize
        if free < need * 2:
            raise NotCollected("refused: a heap dump of PID %s needs up to %d MB (its RSS) and %s has %d MB free; "
                               "twice that must be free (the dump and its copy in the bundle): free space or point "
                               "aurigraph_diag_heap_dump_dir elsewhere" % (pid, need // 1048576, where, free // 1048576))
        if need > self.cap - self.total:
            self.cap_hit = True
            raise NotCollected("size cap: the heap dump (about %d MB) does not fit in aurigraph_diag_max_mb=%s MB "
                               "(already %d bytes used): raise aurigraph_diag_max_mb"
                               % (need // 1048576, self.p["max_mb"], self.total))
        path = os.path.join(where, "aurigraph-heap-%d-%d.hprof" % (pid, int(self.clock())))
        try:
            self._cmd(self._as_owner(pid, jcmd + ["1" if self.method == "docker" else str(pid), "GC.heap_dump",
                                                  "-gz=1", path]), "heap dump")
            with open(path, "rb") as handle:
                return handle.read(), "jcmd GC.heap_dump -gz=1 (compressed HPROF; not redacted: it holds the heap)"
        finally:
            if os.path.exists(path):
                os.unlink(path)

    # ------------------------------------------------------------------ the whole bundle
    def collect(self):
        """Every item, most useful first (the size cap drops the later ones)."""
        self.add("health", "http/q-health.txt", self.http("/q/health"))
        for probe in ("live", "ready", "started"):
            self.add("health_%s" % probe, "http/q-health-%s.txt" % probe, self.http("/q/health/%s" % probe))
        self.add("info", "http/api-v11-info.txt", self.http("/api/v11/info"))
        self.add("service_state", "service-state.txt", self.state)
        self.add("release_history", "releases.json", self.releases)
        self.add("thread_dump", "thread-dump.txt", self.thread_dump)
        self.add("security", "systemd-analyze-security.txt", self.security)
        self.add("app_log", "app-log-tail.txt", self.app_log)
        self.add("journal", "journal.txt" if self.method == "systemd" else "container-log.txt", self.journal)
        self.add("metrics", "http/q-metrics.txt", self.http("/q/metrics"))
        self.add("heap_dump", "heap-dump.hprof.gz", self.heap_dump, raw=True)
        return self.items

    def manifest(self, node):
        return {"format": 1, "node": node, "service": self.name, "method": self.method,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock())),
                "max_mb": self.p["max_mb"], "size_cap_hit": self.cap_hit, "total_bytes": self.total,
                "since": self.p["since"],
                "redaction": "env files, pgpass and the process environment are never read; values of secret-looking "
                             "keys, bearer tokens, URL credentials and the configured secret values are replaced "
                             "by %s" % REDACTED,
                "items": self.items}

    def write(self, path, node):
        """Write ``<top>/manifest.json`` and every file into a gzip tarball at ``path`` (mode 0600)."""
        top = os.path.basename(path).split(".tar")[0]
        manifest = json.dumps(self.manifest(node), indent=2, sort_keys=True).encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for name, data in [("manifest.json", manifest)] + self.files:
                info = tarfile.TarInfo("%s/%s" % (top, name))
                info.size = len(data)
                info.mtime = int(self.clock())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
        return os.path.getsize(path)


# ---------------------------------------------------------------------------------------------- Kubernetes
# On Kubernetes the module runs on the controller and reads the objects and logs through the cluster API
# (read_k8s with module_utils.k8s.DiagnosticsReader), into the same bundle layout: k8s/deployments/<name>.yaml,
# k8s/pods/<name>.yaml, k8s/events.txt, k8s/logs/<pod>/<container>[.previous].log, plus the HTTP items when the
# service's URL answers from the controller.
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _k8s_env_clean(container):
    """A container's ``env`` with every literal value of a secret-looking name replaced; ``valueFrom`` references (a
    Secret's name and key, never its value) are kept; ``envFrom`` only names Secrets/ConfigMaps."""
    for entry in container.get("env") or []:
        if "value" in entry and _secret_key(str(entry.get("name", ""))):
            entry["value"] = REDACTED


def k8s_object_text(obj, secrets=()):
    """One object as YAML (JSON when PyYAML is missing: JSON is YAML too), without managedFields and without the
    last-applied annotation (a copy of the whole manifest, env values included), secret env values redacted."""
    obj = json.loads(json.dumps(obj))   # a deep copy of plain data
    meta = obj.get("metadata") or {}
    meta.pop("managedFields", None)
    annotations = meta.get("annotations") or {}
    if LAST_APPLIED in annotations:
        annotations[LAST_APPLIED] = REDACTED
    for spec in (obj.get("spec") or {}, ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}):
        for key in ("containers", "initContainers", "ephemeralContainers"):
            for container in spec.get(key) or []:
                _k8s_env_clean(container)
    try:
        import yaml  # PyYAML comes with ansible-core on the controller, where this runs
        text = yaml.safe_dump(obj, default_flow_style=False, sort_keys=True)
    except ImportError:
        text = json.dumps(obj, indent=2, sort_keys=True) + "\n"
    return redact(text, secrets)


def k8s_related_names(deployments, pods):
    """Names of the objects whose events belong in the bundle: the Deployments, their ReplicaSets (owners of the pods)
    and the pods."""
    names = set(d.get("metadata", {}).get("name") for d in deployments)
    for pod in pods:
        meta = pod.get("metadata") or {}
        names.add(meta.get("name"))
        for owner in meta.get("ownerReferences") or []:
            names.add(owner.get("name"))
    names.discard(None)
    return names


def _event_time(event):
    return (event.get("lastTimestamp") or event.get("eventTime") or event.get("firstTimestamp")
            or (event.get("metadata") or {}).get("creationTimestamp") or "")


def k8s_events_text(events, names):
    """The events of ``names`` (involvedObject.name), oldest first, one line each like ``kubectl get events``."""
    lines = []
    for event in sorted(events, key=_event_time):
        obj = event.get("involvedObject") or event.get("regarding") or {}
        if obj.get("name") not in names:
            continue
        count = " (x%s)" % event["count"] if (event.get("count") or 1) > 1 else ""
        lines.append("%s %s %s %s/%s: %s%s" % (
            _event_time(event) or "-", event.get("type") or "-", event.get("reason") or "-", obj.get("kind") or "?",
            obj.get("name"), (event.get("message") or event.get("note") or "").strip(), count))
    if not lines:
        raise NotCollected("no events for %s in the namespace (events expire after an hour by default)"
                           % ", ".join(sorted(names)) if names else "no Deployment or pod of the release found")
    return "\n".join(lines) + "\n"


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", str(name))


def collect_k8s(collector, k8s):
    """The Kubernetes items into ``collector`` (a :class:`Collector` made with method ``k8s``). ``k8s``: the
    ``deployments``, ``pods`` and ``events`` lists (plain API objects), ``logs``: a list of
    ``{pod, container, previous, ok, text, msg}``, ``errors``: ``{what: message}`` for the reads that failed
    (:func:`read_k8s`). The pods' order is kept; every item lands in the manifest, collected or with the reason."""
    errors_ = k8s.get("errors") or {}
    deployments = k8s.get("deployments") or []
    pods = k8s.get("pods") or []

    def fail(what, default):
        def produce():
            raise NotCollected(errors_.get(what) or default)
        return produce

    def text_of(obj):
        return lambda: k8s_object_text(obj, collector.secrets)

    if "deployments" in errors_ or not deployments:
        collector.add("k8s_deployments", None, fail("deployments", "no Deployment of the release found"))
    for dep in deployments:
        name = _safe(dep["metadata"]["name"])
        collector.add("k8s_deployment %s" % name, "k8s/deployments/%s.yaml" % name, text_of(dep))
    if "pods" in errors_ or not pods:
        collector.add("k8s_pods", None, fail("pods", "no pod of the release found"))
    for pod in pods:
        name = _safe(pod["metadata"]["name"])
        collector.add("k8s_pod %s" % name, "k8s/pods/%s.yaml" % name, text_of(pod))
    if "events" in errors_:
        collector.add("k8s_events", None, fail("events", "events not readable"))
    else:
        names = k8s_related_names(deployments, pods)
        collector.add("k8s_events", "k8s/events.txt", lambda: k8s_events_text(k8s.get("events") or [], names))
    for log in k8s.get("logs") or []:
        kind = "previous" if log.get("previous") else "current"
        item = "k8s_log %s/%s (%s)" % (log.get("pod"), log.get("container"), kind)
        suffix = ".previous" if log.get("previous") else ""
        filename = "k8s/logs/%s/%s%s.log" % (_safe(log.get("pod")), _safe(log.get("container")), suffix)
        if log.get("ok"):
            collector.add(item, filename, lambda text=log.get("text") or "": text)
        else:
            collector.add(item, None, fail(None, log.get("msg") or "not read"))
    return collector.items


def read_k8s(reader, namespace, name, log_lines):
    """Read what the bundle needs through ``reader`` (``module_utils.k8s.DiagnosticsReader`` or a fake): the
    Deployments and pods labelled ``app=<name>``, the namespace's events, the records ConfigMap ``<name>-releases``
    and each container's log, current and previous. Returns ``(k8s, records)`` for :func:`collect_k8s_bundle`; a
    read that fails is kept with its message (``errors``, or the log entry's ``msg``), never raised."""
    selector = "app=%s" % name
    k8s = {"errors": {}, "logs": []}
    for key, call in (("deployments", lambda: reader.deployments(namespace, selector)),
                      ("pods", lambda: reader.pods(namespace, selector)),
                      ("events", lambda: reader.events(namespace))):
        try:
            k8s[key] = call()
        except DltError as exc:
            k8s["errors"][key] = str(exc)
    try:
        records = reader.config_map_data(namespace, "%s-releases" % name) or None
    except DltError:
        records = None
    for pod in k8s.get("pods") or []:
        pod_name = (pod.get("metadata") or {}).get("name")
        for container in (pod.get("spec") or {}).get("containers") or []:
            for previous in (False, True):
                entry = {"pod": pod_name, "container": container.get("name"), "previous": previous}
                try:
                    entry.update(ok=True, text=reader.log(namespace, pod_name, container.get("name"), previous,
                                                          log_lines))
                except DltError as exc:
                    entry.update(ok=False, msg=str(exc))
                k8s["logs"].append(entry)
    return k8s, records


def collect_k8s_bundle(collector, k8s, records=None):
    """The whole bundle on Kubernetes: the HTTP items (from the controller), the objects, events and logs, the release
    records (the ConfigMap's data, when given), then /q/metrics (largest last, as on hosts)."""
    collector.add("health", "http/q-health.txt", collector.http("/q/health"))
    for probe in ("live", "ready", "started"):
        collector.add("health_%s" % probe, "http/q-health-%s.txt" % probe, collector.http("/q/health/%s" % probe))
    collector.add("info", "http/api-v11-info.txt", collector.http("/api/v11/info"))

    def releases():
        if not records:
            raise NotCollected("no release records ConfigMap data given")
        return records if isinstance(records, str) else json.dumps(records, indent=2, sort_keys=True)
    collect_k8s(collector, k8s)
    collector.add("release_history", "releases.json", releases)
    collector.add("metrics", "http/q-metrics.txt", collector.http("/q/metrics"))
    return collector.items
