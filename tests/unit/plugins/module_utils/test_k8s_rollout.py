# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils.k8s_rollout (the rollout state machine that was `until:` + lookups in YAML) and of
aurigraph.dlt.k8s_rollout_info. The real API server drives the same code in molecule/k8s_deploy."""

from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s as k8s_utils
from ansible_collections.aurigraph.dlt.plugins.module_utils import k8s_rollout as ro
from ansible_collections.aurigraph.dlt.plugins.modules import k8s_rollout_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

IMAGE = "registry.invalid/aurigraph-v11:11.5.0"


def deployment(replicas=2, generation=2, observed=2, current=2, updated=2, ready=2, available=2, conditions=None,
               image=IMAGE):
    return {"metadata": {"name": "aurigraph-v11-green", "generation": generation},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "aurigraph-v11", "color": "green"}},
                     "template": {"spec": {"containers": [{"name": "aurigraph", "image": image}]}}},
            "status": {"observedGeneration": observed, "replicas": current, "updatedReplicas": updated,
                       "readyReplicas": ready, "availableReplicas": available, "conditions": conditions or []}}


def pod(name, image=IMAGE, waiting=None, restarts=0, template="6c9f", deleting=False):
    meta = {"name": name, "labels": {"pod-template-hash": template}}
    if deleting:
        meta["deletionTimestamp"] = "2026-11-30T06:00:00Z"
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    return {"metadata": meta, "spec": {"containers": [{"image": image}]},
            "status": {"containerStatuses": [{"state": state, "restartCount": restarts}]}}


DEADLINE = {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
            "message": 'ReplicaSet "aurigraph-v11-green-6c9f" has timed out progressing.'}


def test_complete_names_the_template_hash():
    state = ro.rollout_state(deployment(), [pod("g-1"), pod("g-2"), pod("old", template="5b8e", deleting=True)])
    assert state["phase"] == ro.COMPLETE
    assert state["pod_template_hash"] == "6c9f"
    assert state["replicas"] == dict(wanted=2, current=2, updated=2, ready=2, available=2)


@pytest.mark.parametrize("changes", [
    dict(observed=1),            # the controller has not seen the new generation yet
    dict(updated=1),             # one pod of the old template left
    dict(current=3),             # surge pod still there
    dict(ready=1, available=1),  # a new pod not ready yet
])
def test_not_complete_is_progressing(changes):
    assert ro.rollout_state(deployment(**changes), [pod("g-1")])["phase"] == ro.PROGRESSING


def test_crash_loop_of_the_new_template_fails_at_once():
    pods = [pod("g-2", waiting="CrashLoopBackOff", restarts=2), pod("g-1", waiting="ErrImagePull"),
            pod("b-1", image="registry.invalid/aurigraph-v11:11.4.0", waiting="CrashLoopBackOff")]
    state = ro.rollout_state(deployment(ready=0, available=0), pods)
    assert state["phase"] == ro.FAILED
    # pods of other images are not the new template's
    assert state["message"] == "pods g-1 ErrImagePull (restarts 0); g-2 CrashLoopBackOff (restarts 2)"


def test_progress_deadline_fails_with_the_controllers_message():
    state = ro.rollout_state(deployment(ready=0, available=0, conditions=[DEADLINE]), [pod("g-1")])
    assert state["phase"] == ro.FAILED
    assert state["message"] == 'ProgressDeadlineExceeded: ReplicaSet "aurigraph-v11-green-6c9f" has timed out progressing.'
    assert ro.describe("aurigraph-v11-green", state, "failed: " + state["message"]) == (
        "rollout of aurigraph-v11-green (%s) failed: ProgressDeadlineExceeded: ReplicaSet \"aurigraph-v11-green-6c9f\" "
        "has timed out progressing. (replicas 2, updated 2, ready 0, wanted 2)" % IMAGE)


def test_complete_wins_over_an_old_deadline_condition():
    assert ro.rollout_state(deployment(conditions=[DEADLINE]), [pod("g-1")])["phase"] == ro.COMPLETE


def test_missing_deployment():
    assert ro.rollout_state(None, [])["phase"] == ro.MISSING


def test_scaled_to_zero_is_complete_without_a_hash():
    state = ro.rollout_state(deployment(replicas=0, current=0, updated=0, ready=0, available=0), [])
    assert (state["phase"], state["pod_template_hash"]) == (ro.COMPLETE, None)


class Reads(object):
    """A scripted reader: each call returns the next (deployment, pods); the last one repeats."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.now = [0.0]

    def __call__(self):
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def sleep(self, seconds):
        self.now[0] += seconds


def test_wait_polls_until_complete():
    reads = Reads((deployment(ready=0, available=0), []), (deployment(ready=1, available=1), []), (deployment(), []))
    state, polls = ro.wait(reads, "g", timeout=10, interval=1, clock=lambda: reads.now[0], sleep=reads.sleep)
    assert (state["phase"], polls, reads.now[0]) == (ro.COMPLETE, 3, 2.0)


def test_wait_gives_up_at_the_timeout():
    reads = Reads((deployment(ready=0, available=0), []))
    state, polls = ro.wait(reads, "g", timeout=5, interval=2, clock=lambda: reads.now[0], sleep=reads.sleep)
    assert (state["phase"], state["message"], polls) == (ro.FAILED, "not complete after 5 s", 3)
    assert reads.now[0] == 4.0  # polled at 0, 2 and 4 s; a fourth poll would pass the timeout


@pytest.fixture
def cluster(monkeypatch):
    reads = Reads((deployment(ready=0, available=0), [pod("g-1", waiting="CrashLoopBackOff", restarts=1)]))
    monkeypatch.setattr(k8s_utils, "api_client", lambda kubeconfig, context: "api")
    monkeypatch.setattr(ro, "DeploymentReader", lambda api, namespace, name: reads)
    monkeypatch.setattr(ro.time, "sleep", reads.sleep)
    return reads


ARGS = {"namespace": "prod", "name": "aurigraph-v11-green", "timeout": 60, "interval": 1}


def test_module_fails_with_the_reason(cluster, capsys):
    result = run_module(k8s_rollout_info.main, ARGS, capsys)
    assert result.failed
    assert result["msg"] == ("rollout of aurigraph-v11-green (%s) failed: pods g-1 CrashLoopBackOff (restarts 1) "
                             "(replicas 2, updated 2, ready 0, wanted 2)" % IMAGE)
    assert result["phase"] == "failed" and result["changed"] is False


def test_module_without_wait_only_reports(cluster, capsys):
    cluster.answers = [(deployment(ready=1, available=1), [])]
    result = run_module(k8s_rollout_info.main, dict(ARGS, wait=False), capsys)
    assert not result.failed, result
    assert (result["phase"], result["complete"], result["polls"]) == ("progressing", False, 1)


def test_module_complete(cluster, capsys):
    cluster.answers = [(deployment(), [pod("g-1"), pod("g-2")])]
    result = run_module(k8s_rollout_info.main, ARGS, capsys)
    assert not result.failed, result
    assert (result["complete"], result["pod_template_hash"], result["image"]) == (True, "6c9f", IMAGE)


def test_rollout_error_is_a_dlt_error():
    assert issubclass(errors.RolloutError, errors.K8sError) and issubclass(errors.K8sError, errors.DltError)
