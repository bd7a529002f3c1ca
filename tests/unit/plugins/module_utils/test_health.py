# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.health import (
    HealthChecker, HealthFailure, ProcessWatch, normalise_health)
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import parse_time
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import conn_error, reply

READY_DOWN = {"status": "DOWN", "checks": [
    {"name": "Database connections health check", "status": "UP"},
    {"name": "Redis connection health check", "status": "DOWN", "data": {"x": 1}}]}
READY_UP = {"status": "UP", "checks": [
    {"name": "Database connections health check", "status": "UP"},
    {"name": "Redis connection health check", "status": "UP"}]}
API_HEALTH_LIST = {"status": "UP", "checks": [{"name": "Database", "status": "UP"}, {"name": "Redis", "status": "UP"}]}
API_HEALTH_MAP = {"status": "UP", "timestamp": 1, "version": "11.4.4", "checks": {"database": "UP", "redis": "UP"}}
INFO = {"platform": {"name": "Aurigraph V11", "version": "11.4.4", "environment": "prod"},
        "runtime": {"java_version": "21", "start_time": "2026-11-23T15:00:00Z", "uptime_seconds": 12},
        "build": {"version": "11.4.4", "commit_hash": "abc1234", "branch": "main"}}


def service(fake_api, ready=(READY_UP,), api_health=None, info=None):
    api_health = API_HEALTH_LIST if api_health is None else api_health
    info = INFO if info is None else info
    fake_api.add("GET", "/q/health/ready", *[reply(200 if r["status"] == "UP" else 503, r) for r in ready])
    fake_api.add("GET", "/api/v11/health", reply(200, api_health))
    fake_api.add("GET", "/api/v11/info", reply(200, info))
    return fake_api


def checker(**kw):
    watch = kw.pop("watch", None)
    return HealthChecker(Client(timeout=30, retries=kw.pop("retries", 3)), watch=watch, **kw)


class FakeRunner(object):
    def __init__(self, outputs):
        self.outputs = list(outputs)
        self.commands = []

    def __call__(self, args):
        self.commands.append(args)
        return self.outputs.pop(0) if len(self.outputs) > 1 else self.outputs[0]


def bin_path(name):
    return "/usr/bin/" + name


def test_normalise_both_shapes():
    assert normalise_health(API_HEALTH_LIST) == {"status": "UP", "checks": [
        {"name": "Database", "status": "UP"}, {"name": "Redis", "status": "UP"}]}
    assert normalise_health(API_HEALTH_MAP) == {"status": "UP", "checks": [
        {"name": "database", "status": "UP"}, {"name": "redis", "status": "UP"}]}
    assert normalise_health({"status": "up", "checks": {"db": {"status": "down"}, "x": True}})["checks"] == [
        {"name": "db", "status": "DOWN"}, {"name": "x", "status": "UP"}]
    assert normalise_health(None) == {"status": "UNKNOWN", "checks": []}


@pytest.mark.parametrize("value,expected", [
    ("2026-11-23T15:00:00Z", 1795446000.0),
    ("2026-11-23T16:00:00+01:00", 1795446000.0),
    ("2026-11-23T15:00:00.250Z", 1795446000.25),
    ("2026-11-23 15:00:00", 1795446000.0),
    ("1795446000", 1795446000.0),
    (1795446000000, 1795446000.0),
    ("1795446000.5", 1795446000.5),
    ("yesterday", None),
    (None, None),
])
def test_parse_time(value, expected):
    assert parse_time(value) == expected


def test_wait_ready_polls_probe_only_then_reads_api_once(fake_api, clock):
    service(fake_api, ready=(READY_DOWN, READY_DOWN, READY_DOWN, READY_UP))
    result = checker(wait_for="ready", timeout=60, interval=1).run()
    assert result.ready is True and result.status == "UP"
    assert fake_api.paths() == ["/q/health/ready"] * 4 + ["/api/v11/health", "/api/v11/info"]
    assert all("Authorization" not in c.headers for c in fake_api.calls)
    assert clock.sleeps == [1.0, 1.5, 2.0]  # the back-off grows by half, capped at 2 s (the probe is cheap)
    data = result.as_dict()
    assert data["version"] == "11.4.4" and data["commit"] == "abc1234"
    assert data["start_time"] == "2026-11-23T15:00:00Z"
    assert data["api_health"]["checks"] == [{"name": "Database", "status": "UP"}, {"name": "Redis", "status": "UP"}]
    assert data["checks"][1] == {"name": "Redis connection health check", "status": "UP"}
    assert data["elapsed"] == 4.5


def test_backoff_capped_at_2s(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    with pytest.raises(HealthFailure):
        checker(wait_for="ready", timeout=60, interval=2).run()
    assert max(clock.sleeps) == 2.0
    assert sum(clock.sleeps) == 60.0


def test_timeout_lists_down_checks(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=20, interval=2).run()
    assert str(exc.value) == ("timed out after 20 s waiting for /q/health/ready to be UP; last status DOWN, "
                              "checks DOWN: Redis connection health check")
    assert exc.value.result.as_dict()["ready"] is False
    assert "/api/v11/info" not in fake_api.paths()


def test_connection_refused_counts_as_down(fake_api, clock):
    fake_api.add("GET", "/q/health/ready", conn_error(), conn_error(), reply(200, READY_UP))
    fake_api.add("GET", "/api/v11/health", reply(200, API_HEALTH_MAP))
    fake_api.add("GET", "/api/v11/info", reply(200, INFO))
    assert checker(wait_for="ready", timeout=30).run().ready
    # no inner retries in the loop: one request per poll
    assert fake_api.paths().count("/q/health/ready") == 3


def test_timeout_with_connection_error_reports_it(fake_api, clock):
    fake_api.add("GET", "/q/health/ready", conn_error())
    with pytest.raises(HealthFailure, match=r"timed out after 10 s waiting for /q/health/ready to be UP; "
                                            r"last error: cannot reach the Aurigraph API"):
        checker(wait_for="ready", timeout=10).run()


def test_missing_probe_endpoint_fails_at_once(fake_api, clock):
    fake_api.add("GET", "/q/health/started", reply(404, raw=b""))
    with pytest.raises(HealthFailure, match=r"does not expose GET /q/health/started \(HTTP 404\)"):
        checker(wait_for="started", timeout=60).run()
    assert len(fake_api.calls) == 1


def test_version_mismatch(fake_api, clock):
    service(fake_api)
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", expected_version="11.4.5").run()
    assert str(exc.value) == "version mismatch: expected 11.4.5, service reports 11.4.4"
    assert exc.value.result.as_dict()["version"] == "11.4.4"


def test_version_match_in_platform_only(fake_api, clock):
    info = dict(INFO, build={"version": "11.0.0-SNAPSHOT", "commit_hash": "abc1234"})
    service(fake_api, info=info)
    assert checker(wait_for="ready", expected_version="11.4.4").run().ready


def test_commit_check(fake_api, clock):
    service(fake_api)
    assert checker(wait_for="ready", expected_commit="abc1234").run().ready
    with pytest.raises(HealthFailure, match="^commit mismatch: expected deadbee, service reports abc1234$"):
        checker(wait_for="ready", expected_commit="deadbee").run()


def test_started_after(fake_api, clock):
    service(fake_api)
    assert checker(wait_for="ready", started_after="2026-11-23T14:59:59Z").run().ready
    with pytest.raises(HealthFailure, match="the service was not restarted: runtime.start_time "
                                            "2026-11-23T15:00:00Z is not later than 2026-11-23T15:00:00Z"):
        checker(wait_for="ready", started_after="1795446000").run()
    with pytest.raises(errors.ValidationError, match="started_after must be"):
        checker(wait_for="ready", started_after="last tuesday")


def test_components_down_in_api_health_fail_when_waiting(fake_api, clock):
    service(fake_api, api_health={"status": "UP", "checks": {"database": "UP", "redis": "DOWN"}})
    with pytest.raises(HealthFailure, match=r"^/api/v11/health reports status UP, components not UP: redis$"):
        checker(wait_for="ready").run()
    # can be switched off
    assert checker(wait_for="ready", require_components_up=False).run().ready


def test_components_not_required_without_wait(fake_api, clock):
    fake_api.add("GET", "/q/health", reply(200, READY_UP))
    fake_api.add("GET", "/api/v11/health", reply(200, {"status": "DOWN", "checks": [{"name": "Redis", "status": "DOWN"}]}))
    fake_api.add("GET", "/api/v11/info", reply(200, INFO))
    result = checker(wait_for="none").run()
    assert result.ready and result.api_health["status"] == "DOWN"
    assert fake_api.paths() == ["/q/health", "/api/v11/health", "/api/v11/info"]


def test_none_reports_down_without_failing(fake_api, clock):
    fake_api.add("GET", "/q/health", reply(503, READY_DOWN))
    fake_api.add("GET", "/api/v11/health", reply(200, API_HEALTH_MAP))
    fake_api.add("GET", "/api/v11/info", reply(200, INFO))
    result = checker(wait_for="none").run()
    assert result.status == "DOWN" and result.ready is False


def test_info_429_is_retried_within_budget(fake_api, clock):
    service(fake_api)
    fake_api.add("GET", "/api/v11/info", reply(429, {"retryAfterSeconds": 4}), reply(200, INFO))
    result = checker(wait_for="ready", timeout=60).run()
    assert result.version == "11.4.4"
    assert clock.sleeps == [4.0]


def test_info_429_beyond_budget_fails_clearly(fake_api, clock):
    service(fake_api)
    fake_api.add("GET", "/api/v11/info", reply(429, {"retryAfterSeconds": 3000}))
    with pytest.raises(HealthFailure, match=r"^/q/health/ready is UP but reading the service state failed: "
                                            r"rate limit exceeded: GET /api/v11/info returned HTTP 429"):
        checker(wait_for="ready", timeout=60).run()


def test_systemd_unit_failed_fails_fast(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([
        (0, "ActiveState=activating\nSubState=start\nResult=success\nExecMainStatus=0\n", ""),
        (0, "ActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainStatus=1\n", ""),
    ])
    watch = ProcessWatch(runner, bin_path, systemd_unit="aurigraph-v11")
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=120, watch=watch).run()
    assert str(exc.value) == "the unit aurigraph-v11 is failed (exit status 1)"
    assert runner.commands[0] == ["/usr/bin/systemctl", "show", "-p",
                                  "LoadState,ActiveState,SubState,Result,ExecMainStatus,NRestarts", "aurigraph-v11"]
    assert sum(clock.sleeps) == 2.0  # failed after one poll, not after 120 s


def test_systemd_unit_inactive(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([(0, "ActiveState=inactive\nSubState=dead\nResult=success\nExecMainStatus=143\n", "")])
    with pytest.raises(HealthFailure, match=r"^the unit svc is inactive \(exit status 143\)$"):
        checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run()
    assert clock.sleeps == []


def test_systemd_unit_active_does_not_interfere(fake_api, clock):
    service(fake_api, ready=(READY_DOWN, READY_UP))
    runner = FakeRunner([(0, "ActiveState=active\nSubState=running\nResult=success\nExecMainStatus=0\n", "")])
    assert checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run().ready
    assert len(runner.commands) == 2


def test_timeout_mentions_process_state(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([(0, "ActiveState=activating\nSubState=start\nResult=success\nExecMainStatus=0\nNRestarts=0\n",
                          "")])
    with pytest.raises(HealthFailure, match=r"; process state activating/start$"):
        checker(wait_for="ready", timeout=10, watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run()


def test_systemd_auto_restart_fails_fast(fake_api, clock):
    # Restart=on-failure: the crash shows as activating/auto-restart, never as failed until the start limit
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([
        (0, "LoadState=loaded\nActiveState=activating\nSubState=start\nResult=success\nExecMainStatus=0\nNRestarts=0\n", ""),
        (0, "LoadState=loaded\nActiveState=activating\nSubState=auto-restart\nResult=exit-code\nExecMainStatus=1\n"
            "NRestarts=0\n", ""),
    ])
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=120, watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run()
    assert str(exc.value) == ("the unit svc exited (exit status 1, result exit-code) and systemd is restarting it: "
                              "the service crashes during start-up")
    assert sum(clock.sleeps) == 2.0


def test_systemd_restart_between_polls_fails_fast(fake_api, clock):
    # the auto-restart window was missed, but the restart counter moved since the first poll
    service(fake_api, ready=(READY_DOWN,))
    polls = ["LoadState=loaded\nActiveState=activating\nSubState=start\nExecMainStatus=%s\nNRestarts=%d\n" % (s, n)
             for s, n in (("0", 3), ("0", 3), ("1", 4))]
    runner = FakeRunner([(0, out, "") for out in polls])
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=120, watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run()
    assert str(exc.value) == ("the unit svc was restarted by systemd 1 time(s) while waiting (last exit status 1): "
                              "the service crashes during start-up")
    assert len(runner.commands) == 3


def test_systemd_restarts_before_the_wait_do_not_count(fake_api, clock):
    service(fake_api, ready=(READY_DOWN, READY_DOWN, READY_UP))
    runner = FakeRunner([(0, "LoadState=loaded\nActiveState=active\nSubState=running\nNRestarts=7\n", "")])
    assert checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run().ready


def test_systemd_unit_not_found(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([(0, "LoadState=not-found\nActiveState=inactive\nSubState=dead\nNRestarts=0\n", "")])
    with pytest.raises(HealthFailure, match=r"^the unit nope does not exist$"):
        checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, systemd_unit="nope")).run()


def test_systemctl_missing(fake_api, clock):
    service(fake_api)
    with pytest.raises(errors.ValidationError, match="systemctl command is not available"):
        checker(wait_for="ready", watch=ProcessWatch(FakeRunner([(0, "", "")]), lambda n: None,
                                                     systemd_unit="svc")).run()


@pytest.mark.parametrize("output,message", [
    ((0, "exited 137\n", ""), "the container aurigraph is exited (exit status 137)"),
    ((0, "dead 1\n", ""), "the container aurigraph is dead (exit status 1)"),
    ((1, "", "Error: No such object: aurigraph"), "the container aurigraph does not exist"),
    ((0, "restarting 3 2\n", ""),
     "the container aurigraph exited (exit status 3) and Docker is restarting it: the service crashes during start-up"),
])
def test_docker_container_fails_fast(fake_api, clock, output, message):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([output])
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="aurigraph")).run()
    assert str(exc.value) == message
    assert runner.commands[0] == ["/usr/bin/docker", "inspect", "-f",
                                  "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", "aurigraph"]


def test_docker_running_keeps_waiting(fake_api, clock):
    service(fake_api, ready=(READY_DOWN, READY_UP))
    runner = FakeRunner([(0, "running 0\n", "")])
    assert checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="c")).run().ready


def test_docker_restart_between_polls_fails_fast(fake_api, clock):
    service(fake_api, ready=(READY_DOWN,))
    runner = FakeRunner([(0, "running 0 5\n", ""), (0, "running 137 6\n", "")])
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=120, watch=ProcessWatch(runner, bin_path, docker_container="c")).run()
    assert str(exc.value) == ("the container c was restarted by Docker 1 time(s) while waiting (last exit status 137): "
                              "the service crashes during start-up")


def test_tls_error_not_waited_out(fake_api, clock):
    import ssl
    from urllib.error import URLError
    from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import raise_exc
    fake_api.add("GET", "/q/health/ready", raise_exc(URLError(ssl.SSLCertVerificationError(1, "verify failed"))))
    with pytest.raises(errors.TLSError):
        checker(wait_for="ready").run()
    assert clock.sleeps == []


@pytest.mark.parametrize("kw,match", [
    (dict(timeout=0), "timeout must be"), (dict(interval=0), "interval must be"), (dict(wait_for="x"), "wait_for")])
def test_invalid_arguments(kw, match):
    with pytest.raises(errors.ValidationError, match=match):
        checker(**kw)


# ------------------------------------------------------------------ identity by process
from ansible_collections.aurigraph.dlt.plugins.module_utils.health import (  # noqa: E402
    identity_problems, jar_of_cmdline, parse_systemd_timestamp)

JAR = "/opt/aurigraph/v11/releases/12.0.0-aaaaaaaa-bbbbbb/aurigraph-v11-standalone-12.0.0-runner.jar"
OLD_JAR = "/opt/aurigraph/v11/releases/12.0.0-cccccccc-dddddd/aurigraph-v11-standalone-12.0.0-runner.jar"
UNIT_ACTIVE = (0, "ActiveState=active\nSubState=running\nResult=success\nExecMainStatus=0\nNRestarts=0\n", "")


def unit_identity(pid=4242, started="Mon 2026-11-30 02:40:00.500000 UTC"):
    return (0, "MainPID=%s\nExecMainStartTimestamp=%s\nActiveState=active\nSubState=running\n" % (pid, started), "")


def cmdline_of(argv):
    calls = []

    def read(pid):
        calls.append(pid)
        return list(argv)
    read.calls = calls
    return read


@pytest.mark.parametrize("value,expected", [
    ("Mon 2026-11-30 02:40:00.500000 UTC", parse_time("2026-11-30T02:40:00.5Z")),
    ("Mon 2026-11-30 02:40:00 UTC", parse_time("2026-11-30T02:40:00Z")),
    ("@1795999200", 1795999200.0),
    ("", None),
    ("n/a", None),
    ("garbage", None),
])
def test_parse_systemd_timestamp(value, expected):
    assert parse_systemd_timestamp(value) == expected


def test_jar_of_cmdline():
    assert jar_of_cmdline(["/usr/bin/java", "-Xmx1g", "-jar", JAR, "--x"]) == JAR
    assert jar_of_cmdline(["/usr/bin/java", "-cp", "a.jar", "Main"]) is None
    assert jar_of_cmdline(["java", "-jar"]) is None


def test_identity_proven_for_the_release_jar_started_after_the_switch(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE, unit_identity()])
    read = cmdline_of(["/usr/bin/java", "-Xmx768m", "-jar", JAR])
    watch = ProcessWatch(runner, bin_path, systemd_unit="aurigraph-v11.service", read_cmdline=read)
    result = checker(wait_for="ready", watch=watch, expected_jar=JAR,
                     started_after=str(parse_time("2026-11-30T02:39:59Z"))).run()
    assert result.process["pid"] == 4242 and result.process["jar"] == JAR
    assert result.as_dict()["process"]["kind"] == "systemd"
    assert runner.commands[-1] == ["/usr/bin/systemctl", "show", "--timestamp=us+utc", "-p",
                                   "MainPID,ExecMainStartTimestamp,ActiveState,SubState", "aurigraph-v11.service"]
    assert read.calls == [4242]


def test_identity_no_runtime_start_time_needed_with_a_unit(fake_api, clock):
    # The real build's /api/v11/info has no runtime.start_time: the unit's start time is the proof.
    service(fake_api, info={"name": "Aurigraph V12", "version": "12.0.0", "commit": "unknown"})
    runner = FakeRunner([UNIT_ACTIVE, unit_identity()])
    watch = ProcessWatch(runner, bin_path, systemd_unit="svc", read_cmdline=cmdline_of(["java", "-jar", JAR]))
    assert checker(wait_for="ready", watch=watch, expected_jar=JAR, expected_version="12.0.0",
                   started_after="2026-11-30T02:40:00Z").run().ready


def test_identity_old_jar_fails(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE, unit_identity()])
    watch = ProcessWatch(runner, bin_path, systemd_unit="svc", read_cmdline=cmdline_of(["java", "-jar", OLD_JAR]))
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", watch=watch, expected_jar=JAR).run()
    assert str(exc.value) == ("the service answers but is not the expected release: the main process of the unit svc "
                              "(PID 4242) runs %s, not the release's JAR %s" % (OLD_JAR, JAR))
    assert exc.value.result.process["jar"] == OLD_JAR


def test_identity_process_started_before_the_switch_fails(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE, unit_identity(started="Mon 2026-11-30 02:40:00.500000 UTC")])
    watch = ProcessWatch(runner, bin_path, systemd_unit="svc", read_cmdline=cmdline_of(["java", "-jar", JAR]))
    with pytest.raises(HealthFailure, match=r"\(PID 4242\) started at 2026-11-30T02:40:00Z, not after the switch at "
                                            r"2026-11-30T02:40:00Z: the service was not restarted"):
        checker(wait_for="ready", watch=watch, expected_jar=JAR,
                started_after=str(parse_time("2026-11-30T02:40:00.6Z"))).run()


def test_identity_no_main_pid_fails(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE, unit_identity(pid=0, started="")])
    watch = ProcessWatch(runner, bin_path, systemd_unit="svc", read_cmdline=cmdline_of([]))
    with pytest.raises(HealthFailure, match=r"not the expected release: the unit svc has no running main process$"):
        checker(wait_for="ready", watch=watch, expected_jar=JAR).run()


def test_identity_unreadable_cmdline_fails_clearly(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE, unit_identity()])

    def unreadable(pid):
        raise OSError(13, "Permission denied")
    watch = ProcessWatch(runner, bin_path, systemd_unit="svc", read_cmdline=unreadable)
    with pytest.raises(HealthFailure, match=r"^/q/health/ready is UP but the process behind it cannot be identified: "
                                            r"cannot read the command line of PID 4242 \(main process of svc\)"):
        checker(wait_for="ready", watch=watch, expected_jar=JAR).run()


def test_identity_not_read_without_identity_options(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([UNIT_ACTIVE])
    result = checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, systemd_unit="svc")).run()
    assert result.process is None and len(runner.commands) == 1


@pytest.mark.parametrize("image,expected,ok", [
    ("sha256:" + "ab" * 32, "sha256:" + "ab" * 32, True),
    ("sha256:" + "ab" * 32, "ab" * 6, True),
    ("sha256:" + "ab" * 32, "sha256:" + "cd" * 32, False),
    ("sha256:" + "ab" * 32, "abab", False),  # too short a prefix proves nothing
])
def test_identity_docker_image(fake_api, clock, image, expected, ok):
    service(fake_api)
    runner = FakeRunner([(0, "running 0 0\n", ""), (0, "%s 2026-11-30T02:40:01.123456789Z 777 running\n" % image, "")])
    watch = ProcessWatch(runner, bin_path, docker_container="aurigraph")
    run = checker(wait_for="ready", watch=watch, expected_image=expected, started_after="2026-11-30T02:40:00Z").run
    if ok:
        assert run().process["image_id"] == image
        assert runner.commands[-1] == ["/usr/bin/docker", "inspect", "-f",
                                       "{{.Image}} {{.State.StartedAt}} {{.State.Pid}} {{.State.Status}}", "aurigraph"]
    else:
        with pytest.raises(HealthFailure, match=r"the container aurigraph runs image %s, not the release's image %s$"
                                                % (image, expected)):
            run()


def test_identity_docker_started_before_switch(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([(0, "running 0 0\n", ""), (0, "sha256:%s 2026-11-30T02:39:00Z 777 running\n" % ("ab" * 32), "")])
    watch = ProcessWatch(runner, bin_path, docker_container="c")
    with pytest.raises(HealthFailure, match=r"the container c \(PID 777\) started at 2026-11-30T02:39:00Z, not after"):
        checker(wait_for="ready", watch=watch, started_after="2026-11-30T02:40:00Z").run()


@pytest.mark.parametrize("kw,match", [
    (dict(expected_jar=JAR), "expected_jar needs systemd_unit"),
    (dict(expected_image="sha256:abc"), "expected_image needs docker_container"),
])
def test_identity_options_need_their_watch(kw, match):
    with pytest.raises(errors.ValidationError, match=match):
        checker(wait_for="ready", **kw)


def test_identity_problems_lists_every_reason():
    process = dict(kind="systemd", name="svc", pid=1, started=10.0, jar=OLD_JAR, cmdline=["java", "-jar", OLD_JAR])
    problems = identity_problems(process, expected_jar=JAR, started_after=20.0)
    assert len(problems) == 2
    assert identity_problems(dict(process, jar=JAR, started=30.0), expected_jar=JAR, started_after=20.0) == []


# ----------------------------------------------------------------- Docker HEALTHCHECK (docker_healthy)
RUNNING = (0, "running 0 0\n", "")


def docker_health(status, output=""):
    return (0, '{"Status": "%s", "FailingStreak": 0, "Log": [{"ExitCode": 1, "Output": "%s"}]}\n' % (status, output), "")


def test_docker_healthy_waits_for_starting_then_healthy(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING, RUNNING, docker_health("starting"), RUNNING, docker_health("starting"),
                         RUNNING, docker_health("healthy")])
    result = checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="c"),
                     docker_healthy=True).run()
    assert result.docker_health == "healthy" and result.as_dict()["docker_health"] == "healthy"
    assert ["/usr/bin/docker", "inspect", "-f", "{{json .State.Health}}", "c"] in runner.commands
    assert runner.commands.count(["/usr/bin/docker", "inspect", "-f", "{{json .State.Health}}", "c"]) == 3


def test_docker_unhealthy_fails_at_once_with_the_check_output(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING, RUNNING, docker_health("unhealthy", "curl: (7) Failed to connect")])
    with pytest.raises(HealthFailure) as exc:
        checker(wait_for="ready", timeout=600, watch=ProcessWatch(runner, bin_path, docker_container="c"),
                docker_healthy=True).run()
    assert str(exc.value) == "the container c is unhealthy: its Docker HEALTHCHECK fails: curl: (7) Failed to connect"
    assert clock.sleeps == []


def test_docker_health_times_out_with_its_own_budget(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING, docker_health("starting")])
    runner.outputs = [RUNNING] + [RUNNING, docker_health("starting")] * 100
    with pytest.raises(HealthFailure, match=r"^timed out after 20 s waiting for the Docker HEALTHCHECK of the container c "
                                            r"to report healthy \(status starting"):
        checker(wait_for="ready", interval=2, watch=ProcessWatch(runner, bin_path, docker_container="c"),
                docker_healthy=True, docker_health_timeout=20).run()


def test_docker_without_healthcheck_passes(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING, RUNNING, (0, "null\n", "")])
    result = checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="c"),
                     docker_healthy=True).run()
    assert result.docker_health == "none"


def test_docker_exits_while_waiting_for_health(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING, RUNNING, docker_health("starting"), (0, "exited 143 0\n", "")])
    with pytest.raises(HealthFailure, match=r"^the container c is exited \(exit status 143\)$"):
        checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="c"), docker_healthy=True).run()


def test_docker_healthy_not_checked_by_default(fake_api, clock):
    service(fake_api)
    runner = FakeRunner([RUNNING])
    result = checker(wait_for="ready", watch=ProcessWatch(runner, bin_path, docker_container="c")).run()
    assert result.docker_health is None and len(runner.commands) == 1


@pytest.mark.parametrize("kw,match", [
    (dict(docker_healthy=True), "docker_healthy needs docker_container"),
    (dict(docker_healthy=True, docker_health_timeout=0, watch=ProcessWatch(None, bin_path, docker_container="c")),
     "docker_health_timeout must be a positive"),
])
def test_docker_healthy_validation(kw, match):
    with pytest.raises(errors.ValidationError, match=match):
        checker(wait_for="ready", **kw)
