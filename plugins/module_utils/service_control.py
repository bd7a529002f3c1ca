# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Emergency stop and start of the Aurigraph service on a host (systemd unit or Docker container).

Modes of a stop:

* ``graceful`` - SIGTERM, wait up to ``timeout`` seconds for the process to exit; a process still running then is
  left alone (still stopping) and the stop fails with the way out (``forced``).
* ``forced`` - the same, then SIGKILL after the timeout; the process must be gone afterwards.
* ``isolate`` - a forced stop, then the service is kept from starting again, across a reboot: the systemd unit is
  disabled and gets a drop-in whose ``AssertPathExists=`` can never hold (a start - manual, by a dependency or at
  boot - fails loudly); the container's restart policy becomes ``no``. ``start`` undoes it.

For systemd the stop is ``systemctl stop --no-block`` under a runtime drop-in ``TimeoutStopSec=infinity`` (so
systemd itself never kills before our timeout, and a stop job keeps the unit's ``Restart=`` from bringing the
process back), then ``systemctl kill --signal=SIGKILL`` when forced; the runtime drop-in is removed afterwards.
For Docker the container's restart policy is set to ``no`` first (a signal that ends the process would otherwise
restart it), then ``docker kill --signal=SIGTERM`` / ``docker kill`` (SIGKILL); graceful and forced stops put the
original policy back on the stopped container.

Everything runs through ``run(argv) -> (rc, stdout, stderr)``, ``sleep`` and ``clock`` so that the unit tests
drive it with fakes. Nothing is done in check mode: the result says what would be done.
"""

from __future__ import annotations

import json
import os
import time

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

MODES = ("graceful", "forced", "isolate")
RUNNING_STATES = ("active", "activating", "deactivating", "reloading", "refreshing")
ISOLATION_DROPIN = "zz-aurigraph-isolated.conf"
STOP_DROPIN = "zz-aurigraph-stop.conf"
KILL_GRACE = 30


class ServiceControlError(DltError):
    """A stop or start that could not be done, with what to do about it."""


def _pid_alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Base(object):
    def __init__(self, run, name, sleep=time.sleep, clock=time.monotonic, pid_alive=_pid_alive, poll=0.5):
        self.run = run
        self.name = name
        self.sleep = sleep
        self.clock = clock
        self.pid_alive = pid_alive
        self.poll = poll
        self.actions = []

    def _do(self, argv, what):
        rc, out, err = self.run(argv)
        if rc != 0:
            detail = (err or out or "").strip() or "no output"
            raise ServiceControlError("%s failed (%s, rc %s): %s" % (what, " ".join(argv), rc, detail))
        self.actions.append(" ".join(argv))
        return out

    def _wait_stopped(self, seconds):
        deadline = self.clock() + seconds
        while True:
            state = self.state()
            if not state["running"]:
                return state
            if self.clock() >= deadline:
                return state
            self.sleep(min(self.poll, max(0.0, deadline - self.clock())) or self.poll)


class Systemd(_Base):
    """A systemd unit. ``dropin_dir``/``runtime_dropin_dir`` default to /etc and /run (tests pass temp dirs)."""

    def __init__(self, run, name, dropin_dir=None, runtime_dropin_dir=None, **kwargs):
        unit = name if "." in name else name + ".service"
        super(Systemd, self).__init__(run, unit, **kwargs)
        self.dropin_dir = dropin_dir or "/etc/systemd/system/%s.d" % unit
        self.runtime_dropin_dir = runtime_dropin_dir or "/run/systemd/system/%s.d" % unit

    @property
    def isolation_file(self):
        return os.path.join(self.dropin_dir, ISOLATION_DROPIN)

    def state(self):
        rc, out, err = self.run(["systemctl", "show", self.name, "--property=LoadState,ActiveState,SubState,"
                                 "MainPID,UnitFileState"])
        if rc != 0:
            raise ServiceControlError("cannot read the state of %s: %s" % (self.name, (err or out).strip()))
        props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        if props.get("LoadState") == "not-found":
            raise ServiceControlError("unit %s is not installed on this host (LoadState not-found): check "
                                      "aurigraph_service_name and aurigraph_deploy_method" % self.name)
        pid = int(props.get("MainPID") or 0)
        return {"kind": "systemd", "name": self.name, "running": props.get("ActiveState") in RUNNING_STATES,
                "active_state": props.get("ActiveState"), "sub_state": props.get("SubState"), "pid": pid,
                "enabled": props.get("UnitFileState"), "isolated": os.path.exists(self.isolation_file)}

    def needs_isolation(self, state):
        return not state["isolated"] or state["enabled"] == "enabled"

    def send_term(self, state):
        if state["active_state"] == "deactivating":
            return   # a stop job is running already (an earlier graceful stop that timed out)
        self._write(self.runtime_dropin_dir, STOP_DROPIN,
                    "# aurigraph.dlt stop: this stop waits as long as the playbook says, then SIGKILLs (or not)\n"
                    "[Service]\nTimeoutStopSec=infinity\n")
        self._do(["systemctl", "daemon-reload"], "reloading systemd")
        self._do(["systemctl", "stop", "--no-block", self.name], "asking systemd to stop %s" % self.name)

    def send_kill(self, state):
        self._do(["systemctl", "kill", "--signal=SIGKILL", self.name], "sending SIGKILL to %s" % self.name)

    def after_stop(self, mode, original):
        path = os.path.join(self.runtime_dropin_dir, STOP_DROPIN)
        if os.path.exists(path):
            os.unlink(path)
            self._do(["systemctl", "daemon-reload"], "reloading systemd")

    def after_timeout(self, mode, original):
        """Graceful stop that timed out: the stop job stays (the unit is 'deactivating'); nothing to put back."""

    def isolate(self, state, reason, who, when):
        if state["enabled"] == "enabled":
            self._do(["systemctl", "disable", self.name], "disabling %s" % self.name)
        if not state["isolated"]:
            self._write(self.dropin_dir, ISOLATION_DROPIN,
                        "# Isolated by aurigraph.dlt playbooks/stop.yml (aurigraph_stop_mode=isolate)\n"
                        "# when: %s\n# who: %s\n# why: %s\n"
                        "# Every start fails on the assertion below, also at boot or as a dependency.\n"
                        "# Undo with playbooks/start.yml (removes this file and enables the unit).\n"
                        "[Unit]\nAssertPathExists=/nonexistent/aurigraph-isolated-see-%s\n"
                        % (when, who, (reason or "-").replace("\n", " "), ISOLATION_DROPIN))
            self._do(["systemctl", "daemon-reload"], "reloading systemd")

    def unisolate(self, state):
        changed = False
        if state["isolated"]:
            os.unlink(self.isolation_file)
            self.actions.append("rm %s" % self.isolation_file)
            self._do(["systemctl", "daemon-reload"], "reloading systemd")
            changed = True
        if state["enabled"] in ("disabled",):
            self._do(["systemctl", "enable", self.name], "enabling %s" % self.name)
            changed = True
        return changed

    def start(self):
        self._do(["systemctl", "start", self.name], "starting %s" % self.name)

    def _write(self, directory, name, text):
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, 0o644)
        self.actions.append("write %s" % path)


class Docker(_Base):
    """A Docker container (the docker method's container is named after aurigraph_service_name)."""

    def __init__(self, run, name, restart_policy=None, docker="docker", **kwargs):
        super(Docker, self).__init__(run, name, **kwargs)
        self.restart_policy = restart_policy
        self.docker = docker

    def state(self):
        rc, out, err = self.run([self.docker, "inspect", "--type=container", "--format",
                                 "{{json .State}}\t{{json .HostConfig.RestartPolicy}}\t{{json .Config.Labels}}", self.name])
        if rc != 0:
            text = (err or out or "").strip()
            if "No such" in text:
                raise ServiceControlError("container %s does not exist on this host: check aurigraph_service_name "
                                          "and aurigraph_deploy_method" % self.name)
            raise ServiceControlError("cannot inspect container %s: %s" % (self.name, text))
        state_text, policy_text, labels_text = out.strip().split("\t", 2)
        st, policy, labels = json.loads(state_text), json.loads(policy_text) or {}, json.loads(labels_text) or {}
        return {"kind": "docker", "name": self.name, "running": bool(st.get("Running")) or bool(st.get("Restarting")),
                "active_state": st.get("Status"), "pid": int(st.get("Pid") or 0),
                "restart_policy": policy.get("Name") or "no",
                # the policy aurigraph.dlt.docker_deploy gave the container after its health gate
                "deployed_restart_policy": labels.get("io.aurigraph.restart-policy"),
                "isolated": (policy.get("Name") or "no") == "no" and not st.get("Running")}

    def needs_isolation(self, state):
        return state["restart_policy"] != "no"

    def send_term(self, state):
        if state["restart_policy"] != "no":
            self._do([self.docker, "update", "--restart=no", self.name], "clearing the restart policy of %s" % self.name)
        self._do([self.docker, "kill", "--signal=SIGTERM", self.name], "sending SIGTERM to %s" % self.name)

    def send_kill(self, state):
        self._do([self.docker, "kill", "--signal=SIGKILL", self.name], "sending SIGKILL to %s" % self.name)

    def _restore(self, original):
        policy = original.get("restart_policy") or "no"
        if policy != "no":
            self._do([self.docker, "update", "--restart=%s" % policy, self.name],
                     "restoring the restart policy %s of %s" % (policy, self.name))

    def after_stop(self, mode, original):
        if mode != "isolate":
            self._restore(original)

    def after_timeout(self, mode, original):
        self._restore(original)

    def isolate(self, state, reason, who, when):
        if state["restart_policy"] != "no":
            self._do([self.docker, "update", "--restart=no", self.name], "clearing the restart policy of %s" % self.name)

    def unisolate(self, state):
        policy = self.restart_policy or state.get("deployed_restart_policy") or "unless-stopped"
        if state["restart_policy"] != policy and not state["running"]:
            self._do([self.docker, "update", "--restart=%s" % policy, self.name],
                     "setting the restart policy %s of %s" % (policy, self.name))
            return True
        return False

    def start(self):
        self._do([self.docker, "start", self.name], "starting container %s" % self.name)


def stop(backend, mode, timeout, check_mode=False, reason=None, who=None, when=None):
    """Stop ``backend`` in ``mode``. Returns a result dict: changed, event (stopped/killed/isolated/None), before,
    after, actions, msg. Raises ServiceControlError when the stop could not be done."""
    if mode not in MODES:
        raise ServiceControlError("unknown stop mode '%s' (one of %s)" % (mode, ", ".join(MODES)))
    if timeout < 1:
        raise ServiceControlError("the stop timeout must be at least 1 second (got %s)" % timeout)
    before = backend.state()
    isolate_todo = mode == "isolate" and backend.needs_isolation(before)
    if not before["running"] and not isolate_todo:
        return dict(changed=False, event=None, before=before, after=before, actions=[],
                    msg="%s is not running (%s): nothing to stop%s"
                    % (backend.name, before["active_state"], " (already isolated)" if mode == "isolate" else ""))
    plan = []
    if before["running"]:
        plan.append("SIGTERM to %s (PID %s), wait up to %ss" % (backend.name, before["pid"], timeout))
        if mode != "graceful":
            plan.append("then SIGKILL")
    if mode == "isolate":
        plan.append("keep it from starting again (start.yml undoes it)")
    if check_mode:
        return dict(changed=True, event=None, before=before, after=before, actions=plan,
                    msg="would stop %s: %s" % (backend.name, "; ".join(plan)))
    event, state = None, before
    if before["running"]:
        backend.send_term(before)
        state = backend._wait_stopped(timeout)
        event = "stopped"
        if state["running"]:
            if mode == "graceful":
                backend.after_timeout(mode, before)
                raise ServiceControlError(
                    "%s (PID %s) is still running %ss after SIGTERM (state %s): a graceful stop does not kill it; "
                    "run playbooks/stop.yml with aurigraph_stop_mode=forced to SIGKILL it, or raise "
                    "aurigraph_stop_timeout" % (backend.name, before["pid"], timeout, state["active_state"]))
            backend.send_kill(state)
            state = backend._wait_stopped(KILL_GRACE)
            event = "killed"
            if state["running"]:
                raise ServiceControlError("%s is still running %ss after SIGKILL (state %s, PID %s): look at the host "
                                          "(D state, hung storage?)" % (backend.name, KILL_GRACE,
                                                                        state["active_state"], state["pid"]))
        if backend.pid_alive(before["pid"]):
            raise ServiceControlError("%s reports stopped but its process %s is still alive: stop it by hand "
                                      "(kill -9 %s) and look at the host" % (backend.name, before["pid"], before["pid"]))
        backend.after_stop(mode, before)
    if mode == "isolate":
        backend.isolate(backend.state(), reason, who, when)
        event = "isolated"
    after = backend.state()
    return dict(changed=True, event=event, before=before, after=after, actions=list(backend.actions),
                msg="%s %s (was PID %s)" % (backend.name, {"stopped": "stopped gracefully", "killed":
                                                           "killed after %ss" % timeout,
                                                           "isolated": "stopped and isolated"}[event], before["pid"]))


def start(backend, check_mode=False):
    """Undo an isolation and start ``backend``. The health gate is the caller's (health_info)."""
    before = backend.state()
    todo = []
    if before["isolated"] or (before.get("enabled") == "disabled"):
        todo.append("undo the isolation")
    if not before["running"]:
        todo.append("start %s" % backend.name)
    if not todo:
        return dict(changed=False, event=None, before=before, after=before, actions=[],
                    msg="%s is running already (PID %s)" % (backend.name, before["pid"]))
    if check_mode:
        return dict(changed=True, event=None, before=before, after=before, actions=todo,
                    msg="would %s" % " and ".join(todo))
    backend.unisolate(before)
    if not before["running"]:
        backend.start()
    after = backend.state()
    return dict(changed=True, event="started" if not before["running"] else None, before=before, after=after,
                actions=list(backend.actions), msg="%s started (PID %s)" % (backend.name, after["pid"]))
