"""Cluster mode of the stand-in (AURIGRAPH_CLUSTER_DIR + AURIGRAPH_CLUSTER_NODES): one leader that every member
names, a term that grows on re-election, liveness from heartbeats, leader hand-over on a graceful stop."""
from __future__ import annotations

import time

import pytest

MEMBERS = ["node-a", "node-b", "node-c"]


def status(svc) -> dict:
    code, _headers, body = svc.request("GET", "/api/v11/consensus/status")
    assert code == 200, body
    return body


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


@pytest.fixture()
def cluster(fresh, tmp_path):
    shared = tmp_path / "cluster"
    shared.mkdir()

    def start(node_id: str):
        return fresh(env={"AURIGRAPH_NODE_ID": node_id, "AURIGRAPH_CLUSTER_DIR": str(shared),
                          "AURIGRAPH_CLUSTER_NODES": ",".join(MEMBERS)})

    return start


def agreed(nodes):
    views = [status(n) for n in nodes]
    leaders = {v["leaderId"] for v in views}
    return views if len(leaders) == 1 and None not in leaders else None


def test_no_leader_without_majority_then_one_leader_all_agree(cluster):
    a = cluster("node-a")
    alone = status(a)
    assert alone["state"] == "CANDIDATE" and alone["leaderId"] is None and alone["quorum"] is False
    assert alone["clusterSize"] == 3 and alone["liveNodes"] == ["node-a"]
    b = cluster("node-b")
    c = cluster("node-c")
    views = wait_for(lambda: agreed([a, b, c]), what="one leader named by every member")
    leader = views[0]["leaderId"]
    states = sorted(v["state"] for v in views)
    assert states == ["FOLLOWER", "FOLLOWER", "LEADER"]
    assert all(v["liveNodes"] == MEMBERS and v["quorum"] for v in views)
    assert leader == "node-a" and views[0]["currentTerm"] >= 1


def test_stopping_a_follower_keeps_the_leader_and_stopping_the_leader_elects_another(cluster):
    nodes = {n: cluster(n) for n in MEMBERS}
    views = wait_for(lambda: agreed(list(nodes.values())), what="a leader")
    leader, term = views[0]["leaderId"], views[0]["currentTerm"]
    follower = next(n for n in MEMBERS if n != leader)

    nodes[follower].stop()
    rest = [s for n, s in nodes.items() if n != follower]
    after = wait_for(lambda: all(follower not in status(s)["liveNodes"] for s in rest) and agreed(rest),
                     what="the others to see the follower gone")
    assert after[0]["leaderId"] == leader and after[0]["currentTerm"] == term

    nodes[follower].start(timeout=90)
    wait_for(lambda: all(status(s)["liveNodes"] == MEMBERS for s in nodes.values()), what="the follower to rejoin")

    nodes[leader].stop()
    rest = [s for n, s in nodes.items() if n != leader]
    views = wait_for(lambda: agreed(rest), timeout=10, what="a new leader after the leader stopped")
    assert views[0]["leaderId"] != leader and views[0]["currentTerm"] == term + 1


def test_a_node_not_in_the_member_list_refuses_to_start(fresh, tmp_path):
    svc = fresh(env={"AURIGRAPH_NODE_ID": "intruder", "AURIGRAPH_CLUSTER_DIR": str(tmp_path / "c"),
                     "AURIGRAPH_CLUSTER_NODES": ",".join(MEMBERS)}, wait=False)
    assert svc.wait_exit(timeout=60) != 0
    assert "is not one of AURIGRAPH_CLUSTER_NODES" in svc.log_text()
