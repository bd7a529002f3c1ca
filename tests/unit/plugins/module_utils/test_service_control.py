# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""service_control against simulated systemctl / docker CLIs: every mode, idempotence, check mode, failures."""

from __future__ import annotations

import json

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import service_control as sc


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(seconds, 0.1)


class FakeSystemd(object):
    """A unit whose process exits ``exit_after`` seconds after SIGTERM (None: ignores SIGTERM), dies on SIGKILL."""

    def __init__(self, clock, active=True, enabled="enabled", exit_after=1.0, pid=4242):
        self.clock = clock
        self.active = active
        self.enabled = enabled
        self.exit_after = exit_after
        self.pid = pid if active else 0
        self.term_at = None
        self.calls = []
        self.alive = set([pid]) if active else set()

    def _tick(self):
        if self.term_at is not None and self.exit_after is not None and self.clock() >= self.term_at + self.exit_after:
            self._die()

    def _die(self):
        self.alive.discard(self.pid)
        self.active, self.pid, self.term_at = False, 0, None

    def __call__(self, argv):
        self.calls.append(argv)
        self._tick()
        verb = argv[1]
        if verb == "show":
            state = "deactivating" if self.term_at is not None else ("active" if self.active else "inactive")
            return 0, "LoadState=loaded\nActiveState=%s\nSubState=x\nMainPID=%d\nUnitFileState=%s\n" % (
                state, self.pid, self.enabled), ""
        if verb == "stop":
            assert "--no-block" in argv
            if self.active and self.term_at is None:
                self.term_at = self.clock()
            return 0, "", ""
        if verb == "kill":
            assert argv[2] == "--signal=SIGKILL"
            self._die()
            return 0, "", ""
        if verb == "disable":
            self.enabled = "disabled"
        elif verb == "enable":
            self.enabled = "enabled"
        elif verb == "start":
            self.active, self.pid = True, 5151
            self.alive.add(5151)
        return 0, "", ""


def systemd(tmp_path, fake, clock):
    return sc.Systemd(fake, "aurigraph-v11", dropin_dir=str(tmp_path / "etc"), runtime_dropin_dir=str(tmp_path / "run"),
                      sleep=clock.sleep, clock=clock, pid_alive=lambda pid: pid in fake.alive)


def verbs(fake):
    return [c[1] for c in fake.calls if c[1] != "show"]


def test_graceful_stop_then_idempotent(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, exit_after=2)
    res = sc.stop(systemd(tmp_path, fake, clock), "graceful", 30)
    assert res["changed"] and res["event"] == "stopped" and res["before"]["pid"] == 4242
    assert not res["after"]["running"] and verbs(fake) == ["daemon-reload", "stop", "daemon-reload"]
    assert not (tmp_path / "run" / sc.STOP_DROPIN).exists()   # runtime drop-in removed again
    again = sc.stop(systemd(tmp_path, fake, clock), "graceful", 30)
    assert again["changed"] is False and "nothing to stop" in again["msg"]


def test_graceful_stop_that_times_out_does_not_kill(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, exit_after=None)
    with pytest.raises(sc.ServiceControlError, match=r"still running 5s after SIGTERM.*aurigraph_stop_mode=forced"):
        sc.stop(systemd(tmp_path, fake, clock), "graceful", 5)
    assert "kill" not in verbs(fake) and fake.alive == {4242} and clock.now >= 5
    # the forced stop that follows finds the unit still deactivating: SIGKILL, no second stop job
    res = sc.stop(systemd(tmp_path, fake, clock), "forced", 5)
    assert res["event"] == "killed" and fake.alive == set() and verbs(fake).count("stop") == 1


def test_forced_stop_kills_after_the_timeout(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, exit_after=None)
    res = sc.stop(systemd(tmp_path, fake, clock), "forced", 10)
    assert res["event"] == "killed" and "killed after 10s" in res["msg"] and 10 <= clock.now < 12
    assert verbs(fake) == ["daemon-reload", "stop", "kill", "daemon-reload"] and not fake.alive


def test_a_process_that_survives_is_an_error(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, exit_after=1)
    backend = sc.Systemd(fake, "aurigraph-v11", dropin_dir=str(tmp_path / "etc"),
                         runtime_dropin_dir=str(tmp_path / "run"), sleep=clock.sleep, clock=clock,
                         pid_alive=lambda pid: True)
    with pytest.raises(sc.ServiceControlError, match="process 4242 is still alive"):
        sc.stop(backend, "forced", 10)


def test_isolate_then_start_undoes_it(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, exit_after=1)
    res = sc.stop(systemd(tmp_path, fake, clock), "isolate", 10, reason="INC-1", who="oncall", when="T")
    dropin = tmp_path / "etc" / sc.ISOLATION_DROPIN
    assert res["event"] == "isolated" and fake.enabled == "disabled" and dropin.exists()
    assert "AssertPathExists=/nonexistent/" in dropin.read_text() and "# why: INC-1" in dropin.read_text()
    assert res["after"]["isolated"] and not res["after"]["running"]
    assert sc.stop(systemd(tmp_path, fake, clock), "isolate", 10)["changed"] is False
    # a stopped but not isolated unit gets isolated without a signal
    check = sc.start(systemd(tmp_path, fake, clock), check_mode=True)
    assert check["changed"] and check["actions"] == ["undo the isolation", "start aurigraph-v11.service"]
    assert dropin.exists() and not fake.active
    started = sc.start(systemd(tmp_path, fake, clock))
    assert started["event"] == "started" and fake.active and fake.enabled == "enabled" and not dropin.exists()
    assert sc.start(systemd(tmp_path, fake, clock))["changed"] is False


def test_isolating_a_stopped_unit_sends_no_signal(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock, active=False)
    res = sc.stop(systemd(tmp_path, fake, clock), "isolate", 10)
    assert res["event"] == "isolated" and "stop" not in verbs(fake) and "kill" not in verbs(fake)


def test_check_mode_changes_nothing(tmp_path):
    clock = Clock()
    fake = FakeSystemd(clock)
    res = sc.stop(systemd(tmp_path, fake, clock), "isolate", 10, check_mode=True)
    assert res["changed"] and res["event"] is None and "then SIGKILL" in res["msg"]
    assert verbs(fake) == [] and fake.active and not (tmp_path / "etc").exists()


def test_unknown_unit_and_bad_inputs():
    def run(argv):
        return 0, "LoadState=not-found\nActiveState=inactive\nMainPID=0\n", ""
    with pytest.raises(sc.ServiceControlError, match="not installed on this host.*aurigraph_service_name"):
        sc.stop(sc.Systemd(run, "nope"), "graceful", 10)
    with pytest.raises(sc.ServiceControlError, match="unknown stop mode"):
        sc.stop(sc.Systemd(run, "nope"), "pause", 10)
    with pytest.raises(sc.ServiceControlError, match="at least 1 second"):
        sc.stop(sc.Systemd(run, "nope"), "forced", 0)


class FakeDocker(object):
    """``docker inspect/update/kill/start`` of one container."""

    def __init__(self, clock, running=True, policy="unless-stopped", exit_after=1.0, exists=True, labelled=False):
        self.labelled = labelled
        self.clock, self.running, self.policy, self.exit_after, self.exists = clock, running, policy, exit_after, exists
        self.pid = 777 if running else 0
        self.term_at = None
        self.calls = []
        self.alive = set([777]) if running else set()

    def _die(self):
        self.alive.discard(self.pid)
        self.running, self.pid, self.term_at = False, 0, None

    def __call__(self, argv):
        self.calls.append(argv[1:])
        if self.term_at is not None and self.exit_after is not None and self.clock() >= self.term_at + self.exit_after:
            self._die()
        verb = argv[1]
        if verb == "inspect":
            if not self.exists:
                return 1, "", "Error: No such container: %s" % argv[-1]
            state = {"Status": "running" if self.running else "exited", "Running": self.running,
                     "Restarting": False, "Pid": self.pid}
            labels = {"io.aurigraph.restart-policy": "always"} if self.labelled else None
            return 0, "%s\t%s\t%s\n" % (json.dumps(state), json.dumps({"Name": self.policy}), json.dumps(labels)), ""
        if verb == "update":
            self.policy = argv[2].split("=", 1)[1]
        elif verb == "kill":
            if argv[2] == "--signal=SIGKILL":
                self._die()
            elif self.term_at is None:
                self.term_at = self.clock()
        elif verb == "start":
            self.running, self.pid = True, 888
        return 0, "", ""


def docker(fake, clock):
    return sc.Docker(fake, "aurigraph-v11", sleep=clock.sleep, clock=clock, pid_alive=lambda pid: pid in fake.alive)


def test_docker_graceful_keeps_the_restart_policy():
    clock = Clock()
    fake = FakeDocker(clock)
    res = sc.stop(docker(fake, clock), "graceful", 20)
    assert res["event"] == "stopped" and not fake.running and fake.policy == "unless-stopped"
    changes = [c for c in fake.calls if c[0] != "inspect"]
    assert changes == [["update", "--restart=no", "aurigraph-v11"], ["kill", "--signal=SIGTERM", "aurigraph-v11"],
                       ["update", "--restart=unless-stopped", "aurigraph-v11"]]
    assert sc.stop(docker(fake, clock), "graceful", 20)["changed"] is False


def test_docker_graceful_timeout_restores_policy_and_fails():
    clock = Clock()
    fake = FakeDocker(clock, exit_after=None)
    with pytest.raises(sc.ServiceControlError, match="still running 3s after SIGTERM"):
        sc.stop(docker(fake, clock), "graceful", 3)
    assert fake.running and fake.policy == "unless-stopped"
    assert not any(c[:2] == ["kill", "--signal=SIGKILL"] for c in fake.calls)


def test_docker_forced_and_isolate_then_start():
    clock = Clock()
    fake = FakeDocker(clock, exit_after=None)
    res = sc.stop(docker(fake, clock), "isolate", 5)
    assert res["event"] == "isolated" and not fake.running and fake.policy == "no" and not fake.alive
    assert ["kill", "--signal=SIGKILL", "aurigraph-v11"] in fake.calls and res["after"]["isolated"]
    assert sc.stop(docker(fake, clock), "isolate", 5)["changed"] is False
    started = sc.start(docker(fake, clock))
    assert started["event"] == "started" and fake.running and fake.policy == "unless-stopped"
    forced = sc.stop(docker(FakeDocker(clock, exit_after=None), clock), "forced", 2)
    assert forced["event"] == "killed"


def test_docker_start_restores_the_deployed_policy_from_the_label():
    clock = Clock()
    fake = FakeDocker(clock, running=False, policy="no", labelled=True)
    res = sc.start(docker(fake, clock))
    assert res["event"] == "started" and fake.policy == "always" and fake.running


def test_docker_missing_container():
    clock = Clock()
    with pytest.raises(sc.ServiceControlError, match="container aurigraph-v11 does not exist"):
        sc.stop(docker(FakeDocker(clock, exists=False), clock), "forced", 5)
