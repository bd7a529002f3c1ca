# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Health, info and readiness-wait logic behind aurigraph.dlt.health_info.

The wait loop polls only ``/q/health/<probe>`` (not rate-limited; HTTP 503 means DOWN, not an error),
with a capped back-off. ``/api/v11/health`` and ``/api/v11/info`` (rate-limited) are read once each
afterwards. A systemd unit or Docker container can be watched while waiting so that a crashed JVM fails
the wait at once instead of after the whole timeout. With ``docker_healthy`` the container's own Docker
HEALTHCHECK must then report healthy too (same fail-fast watch; ``unhealthy`` fails at once).

Identity by process, not by version string: after the wait, :meth:`ProcessWatch.identity` reads who is
behind the service (the unit's main PID, its start time and command line; the container's image id and
start time) and :func:`identity_problems` decides whether that is the release just switched to.
"""

from __future__ import annotations

import json
import re

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import iso, parse_time

PROBES = {"none": "/q/health", "live": "/q/health/live", "ready": "/q/health/ready", "started": "/q/health/started"}
API_HEALTH_PATH = "/api/v11/health"
INFO_PATH = "/api/v11/info"
INTERVAL_CAP = 2.0  # /q/health/ready is cheap and not rate-limited: a ready service is seen within 2 s
BACKOFF_FACTOR = 1.5
PROBE_REQUEST_TIMEOUT = 10


def _status_text(value):
    if isinstance(value, bool):
        return "UP" if value else "DOWN"
    if value is None:
        return "UNKNOWN"
    if isinstance(value, dict):
        return _status_text(value.get("status"))
    text = str(value).strip().upper()
    return text or "UNKNOWN"


def normalise_checks(checks):
    """``[{name, status}]`` from either a list of ``{name, status, ...}`` or a map ``name -> status``."""
    result = []
    if isinstance(checks, dict):
        for name in sorted(checks):
            result.append({"name": str(name), "status": _status_text(checks[name])})
    elif isinstance(checks, list):
        for item in checks:
            if isinstance(item, dict):
                result.append({"name": str(item.get("name", "")), "status": _status_text(item.get("status"))})
            elif item is not None:
                result.append({"name": str(item), "status": "UNKNOWN"})
    return result


def normalise_health(data):
    """``{status, checks: [{name, status}]}`` from a health body of either shape."""
    if not isinstance(data, dict):
        return {"status": "UNKNOWN", "checks": []}
    return {"status": _status_text(data.get("status")), "checks": normalise_checks(data.get("checks"))}


def down_checks(checks):
    return [c["name"] for c in checks if c.get("status") != "UP"]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_unit_state(output):
    fields = {}
    for line in (output or "").splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            fields[key.strip()] = value.strip()
    return fields


def parse_systemd_timestamp(value):
    """Epoch seconds from a ``systemctl show`` timestamp, or None when unset.

    Accepts ``Mon 2026-11-30 02:40:00.123456 UTC`` (``--timestamp=us+utc``), the same without fraction,
    ``@1795999200`` (``--timestamp=unix``) and an empty value or ``n/a`` (never started).
    """
    text = (value or "").strip()
    if not text or text.lower() == "n/a":
        return None
    if text.startswith("@"):
        return parse_time(text[1:])
    match = re.match(r"^(?:[A-Za-z]{3} )?(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|GMT|Z)?$", text)
    if not match:
        return None
    return parse_time(match.group(1) + "Z")


def normalise_image_id(value):
    """``sha256:<hex>`` -> ``<hex>`` (lower case); None for an empty value."""
    text = str(value or "").strip().lower()
    if text.startswith("sha256:"):
        text = text[len("sha256:"):]
    return text or None


def jar_of_cmdline(argv):
    """The argument after ``-jar`` in a JVM command line, or None."""
    for index, arg in enumerate(argv or []):
        if arg == "-jar" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def identity_problems(process, expected_jar=None, expected_image=None, started_after=None):
    """Why the process behind the service is not the expected release: a list of one-line reasons.

    ``process`` is what :meth:`ProcessWatch.identity` returned: ``kind`` (``systemd``/``docker``),
    ``name``, ``pid``, ``started`` (epoch seconds or None), ``jar`` (systemd: the path after ``-jar``
    in the main process's command line), ``image_id`` (docker). An empty list means: proven.
    """
    problems = []
    kind = process.get("kind")
    what = "the main process of the unit %s" % process.get("name") if kind == "systemd" \
        else "the container %s" % process.get("name")
    if kind == "systemd" and not process.get("pid"):
        return ["the unit %s has no running main process" % process.get("name")]
    if started_after is not None:
        started = process.get("started")
        if started is None:
            problems.append("%s reports no start time, so it cannot be proven to have started after the switch (%s)"
                            % (what, iso(started_after)))
        elif started <= started_after:
            problems.append("%s (PID %s) started at %s, not after the switch at %s: the service was not restarted"
                            % (what, process.get("pid") or "?", iso(started), iso(started_after)))
    if expected_jar:
        if kind != "systemd":
            problems.append("expected_jar needs systemd_unit")
        else:
            actual = process.get("jar")
            if actual is None:
                command = " ".join(process.get("cmdline") or []) or "?"
                problems.append("%s (PID %s) runs no -jar: %s" % (what, process.get("pid"), command))
            elif actual != expected_jar:
                problems.append("%s (PID %s) runs %s, not the release's JAR %s" % (
                    what, process.get("pid"), actual, expected_jar))
    if expected_image:
        if kind != "docker":
            problems.append("expected_image needs docker_container")
        else:
            expected = normalise_image_id(expected_image)
            actual = normalise_image_id(process.get("image_id"))
            if actual is None or not (actual == expected or (len(expected) >= 12 and actual.startswith(expected))):
                problems.append("%s runs image %s, not the release's image %s" % (
                    what, process.get("image_id") or "?", expected_image))
    return problems


def _read_cmdline(pid):
    with open("/proc/%d/cmdline" % int(pid), "rb") as handle:
        raw = handle.read()
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


class ProcessWatch(object):
    """Fail-fast check of the process behind the service (a systemd unit or a Docker container).

    ``run_command`` is ``AnsibleModule.run_command``; ``get_bin_path`` is ``AnsibleModule.get_bin_path``.
    :meth:`check` returns None while the process may still come up, or a one-line failure message.
    """

    def __init__(self, run_command, get_bin_path, systemd_unit=None, docker_container=None, read_cmdline=None):
        self.run_command = run_command
        self.get_bin_path = get_bin_path
        self.read_cmdline = read_cmdline or _read_cmdline
        self.systemd_unit = systemd_unit
        self.docker_container = docker_container
        self.last_state = None
        self.first_restarts = {}  # restart counter of the unit / the container at the first poll

    def __bool__(self):
        return bool(self.systemd_unit or self.docker_container)

    __nonzero__ = __bool__

    def _binary(self, name):
        path = self.get_bin_path(name) if self.get_bin_path else None
        if not path:
            raise errors.ValidationError("%s was requested but the %s command is not available on this host"
                                         % ("systemd_unit" if name == "systemctl" else "docker_container", name))
        return path

    def check(self):
        if self.systemd_unit:
            msg = self._check_unit()
            if msg:
                return msg
        if self.docker_container:
            return self._check_container()
        return None

    def _check_unit(self):
        unit = self.systemd_unit
        rc, out, err = self.run_command([self._binary("systemctl"), "show", "-p",
                                         "LoadState,ActiveState,SubState,Result,ExecMainStatus,NRestarts", unit])
        if rc != 0:
            return "cannot query the unit %s: %s" % (unit, " ".join((err or out or "rc=%s" % rc).split()))
        fields = parse_unit_state(out)
        state = fields.get("ActiveState", "unknown")
        sub = fields.get("SubState", "unknown")
        status = fields.get("ExecMainStatus") or "unknown"
        self.last_state = "%s/%s" % (state, sub)
        if fields.get("LoadState") == "not-found":
            return "the unit %s does not exist" % unit
        if state in ("failed", "inactive"):
            return "the unit %s is %s (exit status %s)" % (unit, state, status)
        # Restart=on-failure hides a crash: the unit goes activating/auto-restart, then starts again.
        if sub == "auto-restart":
            return ("the unit %s exited (exit status %s, result %s) and systemd is restarting it: the service "
                    "crashes during start-up" % (unit, status, fields.get("Result") or "unknown"))
        restarted = self._restarts_since_first_poll("unit", fields.get("NRestarts"))
        if restarted:
            return ("the unit %s was restarted by systemd %d time(s) while waiting (last exit status %s): the "
                    "service crashes during start-up" % (unit, restarted, status))
        return None

    def _restarts_since_first_poll(self, key, counter):
        count = _int_or_none(counter)
        if count is None:
            return 0
        first = self.first_restarts.setdefault(key, count)
        return max(count - first, 0)

    def identity(self):
        """Who serves: a dict for :func:`identity_problems`; raises DltError when it cannot be read."""
        if self.systemd_unit:
            return self._unit_identity()
        return self._container_identity()

    def _unit_identity(self):
        unit = self.systemd_unit
        rc, out, err = self.run_command([self._binary("systemctl"), "show", "--timestamp=us+utc", "-p",
                                         "MainPID,ExecMainStartTimestamp,ActiveState,SubState", unit])
        if rc != 0:
            raise errors.DltError("cannot query the unit %s: %s" % (unit, " ".join((err or out or "rc=%s" % rc).split())))
        fields = parse_unit_state(out)
        pid = _int_or_none(fields.get("MainPID")) or None
        process = dict(kind="systemd", name=unit, pid=pid, state="%s/%s" % (fields.get("ActiveState", "unknown"),
                                                                            fields.get("SubState", "unknown")),
                       started=parse_systemd_timestamp(fields.get("ExecMainStartTimestamp")),
                       cmdline=[], jar=None, image_id=None)
        if pid:
            try:
                process["cmdline"] = self.read_cmdline(pid)
            except (IOError, OSError) as exc:
                raise errors.DltError("cannot read the command line of PID %s (main process of %s): %s"
                                      % (pid, unit, exc))
            process["jar"] = jar_of_cmdline(process["cmdline"])
        return process

    def _container_identity(self):
        name = self.docker_container
        rc, out, err = self.run_command([self._binary("docker"), "inspect", "-f",
                                         "{{.Image}} {{.State.StartedAt}} {{.State.Pid}} {{.State.Status}}", name])
        if rc != 0:
            raise errors.DltError("cannot inspect the container %s: %s" % (name, " ".join((err or out or "rc=%s" % rc).split())))
        parts = (out or "").split()
        parts += [""] * (4 - len(parts))
        return dict(kind="docker", name=name, image_id=parts[0] or None, started=parse_time(parts[1]),
                    pid=_int_or_none(parts[2]) or None, state=parts[3] or "unknown", cmdline=[], jar=None)

    def docker_health(self):
        """Status of the container's Docker HEALTHCHECK: (status, last output); status ``none`` without one."""
        name = self.docker_container
        rc, out, err = self.run_command([self._binary("docker"), "inspect", "-f", "{{json .State.Health}}", name])
        if rc != 0:
            raise errors.DltError("cannot inspect the container %s: %s" % (name, " ".join((err or out or "rc=%s" % rc).split())))
        try:
            health = json.loads(out or "null")
        except ValueError:
            raise errors.DltError("cannot read the Docker health of the container %s: %r" % (name, (out or "")[:200]))
        if not isinstance(health, dict):
            return "none", ""
        log = health.get("Log") if isinstance(health.get("Log"), list) else []
        last = log[-1] if log and isinstance(log[-1], dict) else {}
        return str(health.get("Status") or "unknown"), " ".join(str(last.get("Output") or "").split())

    def _check_container(self):
        name = self.docker_container
        rc, out, err = self.run_command([self._binary("docker"), "inspect", "-f",
                                         "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", name])
        if rc != 0:
            text = " ".join((err or out or "rc=%s" % rc).split())
            if "no such" in text.lower():
                return "the container %s does not exist" % name
            return "cannot inspect the container %s: %s" % (name, text)
        parts = (out or "").split()
        state = parts[0] if parts else "unknown"
        code = parts[1] if len(parts) > 1 else "unknown"
        self.last_state = state
        if state in ("exited", "dead"):
            return "the container %s is %s (exit status %s)" % (name, state, code)
        if state == "restarting":
            return ("the container %s exited (exit status %s) and Docker is restarting it: the service crashes "
                    "during start-up" % (name, code))
        restarted = self._restarts_since_first_poll("container", parts[2] if len(parts) > 2 else None)
        if restarted:
            return ("the container %s was restarted by Docker %d time(s) while waiting (last exit status %s): "
                    "the service crashes during start-up" % (name, restarted, code))
        return None


class HealthResult(object):
    """Everything health_info returns; ``as_dict()`` gives the module's return keys."""

    def __init__(self):
        self.status = "UNKNOWN"
        self.ready = False
        self.checks = []
        self.api_health = None
        self.info = None
        self.process = None
        self.docker_health = None
        self.elapsed = 0.0

    @property
    def version(self):
        info = self.info or {}
        build = info.get("build") if isinstance(info.get("build"), dict) else {}
        platform = info.get("platform") if isinstance(info.get("platform"), dict) else {}
        return build.get("version") or platform.get("version") or info.get("version")

    @property
    def versions(self):
        info = self.info or {}
        found = []
        for section in ("build", "platform"):
            part = info.get(section)
            if isinstance(part, dict) and part.get("version") is not None:
                found.append(str(part.get("version")))
        if info.get("version") is not None:
            found.append(str(info.get("version")))
        return found

    @property
    def commit(self):
        build = (self.info or {}).get("build")
        return build.get("commit_hash") if isinstance(build, dict) else None

    @property
    def start_time(self):
        runtime = (self.info or {}).get("runtime")
        return runtime.get("start_time") if isinstance(runtime, dict) else None

    def as_dict(self):
        return dict(status=self.status, ready=self.ready, checks=self.checks, api_health=self.api_health,
                    version=self.version, commit=self.commit, start_time=self.start_time, info=self.info,
                    process=self.process, docker_health=self.docker_health, elapsed=round(self.elapsed, 1))


class HealthFailure(errors.DltError):
    """A failed wait or verification; carries the partial :class:`HealthResult`."""

    def __init__(self, msg, result):
        super(HealthFailure, self).__init__(msg)
        self.result = result


class HealthChecker(object):
    """Readiness wait and verification. ``client`` is an api.Client (its sleep/clock are used)."""

    def __init__(self, client, wait_for="none", timeout=120, interval=2, expected_version=None,
                 expected_commit=None, started_after=None, require_components_up=None, watch=None,
                 expected_jar=None, expected_image=None, docker_healthy=False, docker_health_timeout=60):
        if wait_for not in PROBES:
            raise errors.ValidationError("wait_for must be one of %s" % ", ".join(sorted(PROBES)))
        if timeout is None or timeout <= 0:
            raise errors.ValidationError("timeout must be a positive number of seconds")
        if interval is None or interval <= 0:
            raise errors.ValidationError("interval must be a positive number of seconds")
        self.client = client
        self.wait_for = wait_for
        self.timeout = float(timeout)
        self.interval = float(interval)
        self.expected_version = expected_version
        self.expected_commit = expected_commit
        self.started_after = None
        if started_after not in (None, ""):
            self.started_after = parse_time(started_after)
            if self.started_after is None:
                raise errors.ValidationError(
                    "started_after must be an ISO-8601 date-time or epoch seconds, got %r" % (started_after,))
        if require_components_up is None:
            require_components_up = wait_for != "none"
        self.require_components_up = require_components_up
        self.watch = watch
        self.expected_jar = expected_jar or None
        self.expected_image = expected_image or None
        if self.expected_jar and not (watch and watch.systemd_unit):
            raise errors.ValidationError("expected_jar needs systemd_unit (the unit whose main process runs the JAR)")
        if self.expected_image and not (watch and watch.docker_container):
            raise errors.ValidationError("expected_image needs docker_container (the container that runs the image)")
        self.docker_healthy = bool(docker_healthy)
        if self.docker_healthy and not (watch and watch.docker_container):
            raise errors.ValidationError("docker_healthy needs docker_container (the container whose HEALTHCHECK to wait for)")
        if self.docker_healthy and (docker_health_timeout is None or docker_health_timeout <= 0):
            raise errors.ValidationError("docker_health_timeout must be a positive number of seconds")
        self.docker_health_timeout = float(docker_health_timeout or 0)

    @property
    def by_process(self):
        """Identity is checked on the process (unit/container) rather than on /api/v11/info."""
        return bool(self.watch) and bool(self.expected_jar or self.expected_image or self.started_after is not None)

    # -------------------------------------------------------------- probes
    def read_probe(self, path, deadline, retries=0):
        """GET a /q/health probe: returns (status, checks). 200 and 503 are both answers."""
        resp = self.client.request("GET", path, auth=False, ok=(200, 503), retries=retries, missing="endpoint",
                                   deadline=min(deadline, self.client.clock() + PROBE_REQUEST_TIMEOUT))
        body = normalise_health(resp.json)
        status = body["status"]
        if status == "UNKNOWN":
            status = "UP" if resp.status == 200 else "DOWN"
        return status, body["checks"]

    def run(self):
        clock = self.client.clock
        started = clock()
        deadline = started + self.timeout
        result = HealthResult()
        path = PROBES[self.wait_for]

        def fail(msg):
            result.elapsed = clock() - started
            raise HealthFailure(msg, result)

        if self.wait_for == "none":
            result.status, result.checks = self.read_probe(path, deadline, retries=self.client.retries)
        else:
            self._wait(path, deadline, result, fail)
        result.ready = result.status == "UP"
        if self.docker_healthy:
            self._wait_docker_healthy(result, fail)

        need_api_health = self.require_components_up or self.wait_for == "none"
        try:
            if need_api_health:
                data = self.client.get_json(API_HEALTH_PATH, auth=False, deadline=max(deadline, clock() + 5))
                result.api_health = normalise_health(data)
            result.info = self.client.get_json(INFO_PATH, auth=False, deadline=max(deadline, clock() + 5))
        except errors.DltError as exc:
            if self.wait_for != "none" or self.expected_version or self.expected_commit or self.started_after:
                fail("%s is %s but reading the service state failed: %s" % (path, result.status, exc))
            raise
        if self.by_process:
            try:
                result.process = self.watch.identity()
            except errors.DltError as exc:
                fail("%s is %s but the process behind it cannot be identified: %s" % (path, result.status, exc))
            problems = identity_problems(result.process, self.expected_jar, self.expected_image, self.started_after)
            if problems:
                fail("the service answers but is not the expected release: %s" % "; ".join(problems))
        self._verify(result, fail)
        result.elapsed = clock() - started
        return result

    def _wait(self, path, deadline, result, fail):
        clock = self.client.clock
        sleep = self.client.sleep
        delay = self.interval
        cap = max(self.interval, INTERVAL_CAP)
        last_error = None
        while True:
            if self.watch:
                problem = self.watch.check()
                if problem:
                    result.status = "DOWN"
                    fail(problem)
            try:
                result.status, result.checks = self.read_probe(path, deadline)
                last_error = None
            except errors.TLSError:
                raise
            except errors.EndpointMissingError as exc:
                fail(str(exc))
            except (errors.ApiConnectionError, errors.HttpError, errors.ResponseError) as exc:
                # Not listening yet, a proxy in front answering 502, ...: keep waiting.
                result.status, result.checks = "DOWN", []
                last_error = str(exc)
            if result.status == "UP":
                return
            remaining = deadline - clock()
            if remaining <= 0:
                break
            sleep(min(delay, remaining))
            delay = min(cap, delay * BACKOFF_FACTOR)
        if self.watch:
            problem = self.watch.check()
            if problem:
                fail(problem)
        if last_error:
            detail = "last error: %s" % last_error
        else:
            down = down_checks(result.checks)
            detail = "last status %s%s" % (result.status, ", checks DOWN: %s" % ", ".join(down) if down else "")
        if self.watch and self.watch.last_state:
            detail += "; process state %s" % self.watch.last_state
        fail("timed out after %g s waiting for %s to be UP; %s" % (self.timeout, path, detail))

    def _wait_docker_healthy(self, result, fail):
        """After readiness: the container's HEALTHCHECK reports healthy (or the image has none)."""
        clock = self.client.clock
        name = self.watch.docker_container
        deadline = clock() + self.docker_health_timeout
        while True:
            problem = self.watch.check()
            if problem:
                fail(problem)
            try:
                status, output = self.watch.docker_health()
            except errors.DltError as exc:
                fail(str(exc))
            result.docker_health = status
            if status in ("healthy", "none"):
                return
            detail = ": %s" % output if output else ""
            if status == "unhealthy":
                fail("the container %s is unhealthy: its Docker HEALTHCHECK fails%s" % (name, detail))
            remaining = deadline - clock()
            if remaining <= 0:
                fail("timed out after %g s waiting for the Docker HEALTHCHECK of the container %s to report healthy "
                     "(status %s%s)" % (self.docker_health_timeout, name, status, detail))
            self.client.sleep(min(self.interval, remaining))

    def _verify(self, result, fail):
        if self.require_components_up and result.api_health is not None:
            down = down_checks(result.api_health["checks"])
            if result.api_health["status"] not in ("UP",) or down:
                extra = ", components not UP: %s" % ", ".join(down) if down else ""
                fail("%s reports status %s%s" % (API_HEALTH_PATH, result.api_health["status"], extra))
        if self.expected_version:
            expected = str(self.expected_version).strip()
            if expected not in self.versions_of(result):
                fail("version mismatch: expected %s, service reports %s"
                     % (expected, result.version if result.version is not None else "no version"))
        if self.expected_commit:
            expected = str(self.expected_commit).strip()
            actual = result.commit
            if actual is None or str(actual).strip() != expected:
                fail("commit mismatch: expected %s, service reports %s"
                     % (expected, actual if actual not in (None, "") else "no commit_hash"))
        if self.started_after is not None and not self.by_process:
            actual = parse_time(result.start_time)
            if actual is None:
                fail("cannot check started_after: /api/v11/info reports no usable runtime.start_time (%r)"
                     % (result.start_time,))
            if actual <= self.started_after:
                fail("the service was not restarted: runtime.start_time %s is not later than %s"
                     % (result.start_time, iso(self.started_after)))

    @staticmethod
    def versions_of(result):
        return result.versions
