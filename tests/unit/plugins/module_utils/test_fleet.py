# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import fleet
from ansible_collections.aurigraph.dlt.plugins.module_utils.consensus import node_view


def member(host, node_id, leader, size=3, live=None, state=None, quorum=None, term=4):
    data = {"nodeId": node_id, "state": state or ("LEADER" if leader == node_id else "FOLLOWER"),
            "currentTerm": term, "leaderId": leader, "clusterSize": size}
    if live is not None:
        data["liveNodes"] = live
    if quorum is not None:
        data["quorum"] = quorum
    return {"host": host, "view": node_view("http://127.0.0.1:9003", data)}


def down(host):
    return {"host": host, "view": node_view("http://127.0.0.1:9003", error="connection refused")}


def cluster(leader="n1", hosts=("h1", "h2", "h3"), ids=("n1", "n2", "n3")):
    return [member(h, i, leader, size=len(ids), live=list(ids)) for h, i in zip(hosts, ids)]


def test_cluster_plan_puts_followers_first_and_the_leader_last_alone():
    plan = fleet.plan(cluster(leader="n2"))
    assert plan["kind"] == "cluster"
    assert plan["batches"] == [["h1"], ["h3"], ["h2"]]
    assert plan["serial"] == [1, 1, 1] and plan["leader_host"] == "h2" and plan["required"] == 2


def test_five_nodes_two_at_a_time_is_allowed_three_is_refused_with_the_limit():
    nodes = cluster(hosts=("h1", "h2", "h3", "h4", "h5"), ids=("n1", "n2", "n3", "n4", "n5"))
    plan = fleet.plan(nodes, max_parallel=2)
    assert plan["batches"] == [["h2", "h3"], ["h4", "h5"], ["h1"]]
    with pytest.raises(fleet.FleetError) as exc:
        fleet.plan(nodes, max_parallel=3)
    msg = str(exc.value)
    assert "aurigraph_max_parallel=3 is too high" in msg and "aurigraph_max_parallel=2 or less" in msg
    assert "3 needed for quorum" in msg


def test_three_nodes_cannot_take_two_at_once():
    with pytest.raises(fleet.FleetError, match="aurigraph_max_parallel=1 or less"):
        fleet.plan(cluster(), max_parallel=2)


def test_a_node_already_down_goes_first_and_leaves_no_spare_for_a_three_node_cluster():
    nodes = cluster()[:2] + [down("h3")]
    for n in nodes[:2]:
        n["view"]["live_nodes"] = ["n1", "n2"]
    with pytest.raises(fleet.FleetError) as exc:
        fleet.plan(nodes)
    assert "restarting any live node of this cluster loses quorum" in str(exc.value)
    assert "h3 (down)" in str(exc.value)
    plan = fleet.plan(nodes, allow_quorum_loss=True)
    assert plan["batches"] == [["h3"], ["h2"], ["h1"]]


def test_five_nodes_one_down_still_rolls_down_node_first():
    ids = ("n1", "n2", "n3", "n4", "n5")
    nodes = [member("h%d" % (i + 1), n, "n1", size=5, live=["n1", "n2", "n3", "n4"]) for i, n in enumerate(ids[:4])]
    nodes.append(down("h5"))
    plan = fleet.plan(nodes)
    assert plan["batches"] == [["h5"], ["h2"], ["h3"], ["h4"], ["h1"]]


def test_unreachable_host_refuses_before_anything():
    nodes = cluster()
    nodes[2] = {"host": "h3", "unreachable": True, "view": {}}
    with pytest.raises(fleet.FleetError) as exc:
        fleet.plan(nodes)
    assert "refused before touching any host: h3 cannot be reached" in str(exc.value)


def test_no_quorum_now_is_refused():
    nodes = [member("h1", "n1", None, state="CANDIDATE", live=["n1"], quorum=False), down("h2"), down("h3")]
    nodes[0]["view"]["leader_id"] = None
    with pytest.raises(fleet.FleetError, match="has no quorum now"):
        fleet.plan(nodes)


def test_two_node_cluster_is_refused_and_says_why():
    nodes = cluster(hosts=("h1", "h2"), ids=("n1", "n2"))
    with pytest.raises(fleet.FleetError, match="a 2-node cluster can never lose a node: add a member"):
        fleet.plan(nodes)


def test_bootstrap_is_one_batch_and_standalone_follows_max_parallel():
    assert fleet.plan([down("a"), down("b"), down("c")])["batches"] == [["a", "b", "c"]]
    solo = [member(h, h, h, size=1) for h in ("a", "b", "c")]
    plan = fleet.plan(solo, max_parallel=2)
    assert plan["kind"] == "standalone" and plan["batches"] == [["a", "b"], ["c"]]


@pytest.mark.parametrize("value", [0, -1, True, "2"])
def test_max_parallel_must_be_a_positive_integer(value):
    with pytest.raises(fleet.FleetError, match="whole number >= 1"):
        fleet.plan(cluster(), max_parallel=value)


def test_leader_named_but_not_confirming_is_no_quorum():
    nodes = cluster()
    nodes[0]["view"]["state"] = "FOLLOWER"
    with pytest.raises(fleet.FleetError, match="named leader but reports state FOLLOWER"):
        fleet.plan(nodes)


def test_before_batch_refuses_when_a_node_went_down_meanwhile():
    nodes = cluster()
    assert "leader n1" in fleet.check_before_batch(nodes, ["h2"])
    nodes = cluster()[:2] + [down("h3")]
    for n in nodes[:2]:
        n["view"]["live_nodes"] = ["n1", "n2"]
    with pytest.raises(fleet.FleetError) as exc:
        fleet.check_before_batch(nodes, ["h2"])
    assert "would leave 1 of 3 nodes live, fewer than the 2 needed" in str(exc.value)
    # restarting the node that is down anyway is safe
    assert fleet.check_before_batch(nodes, ["h3"])


def test_after_batch_wants_the_batch_back_and_agreeing():
    assert fleet.check_after_batch(cluster(), ["h2"])
    lagging = cluster()
    lagging[1]["view"]["leader_id"] = "n3"
    with pytest.raises(fleet.FleetError, match="h2 names leader n3, not n1"):
        fleet.check_after_batch(lagging, ["h2"], planned_kind="cluster")
    # without the plan's kind, nodes naming different leaders cannot carry a quorum decision
    assert "quorum gate off" in fleet.check_after_batch(lagging, ["h2"])
    gone = cluster()[:1] + [down("h2")] + cluster()[2:]
    with pytest.raises(fleet.FleetError, match="h2 does not answer"):
        fleet.check_after_batch(gone, ["h2"])
    missing_live = cluster()
    for n in (missing_live[0], missing_live[2]):
        n["view"]["live_nodes"] = ["n1", "n3"]
    with pytest.raises(fleet.FleetError, match="h2 is not live"):
        fleet.check_after_batch(missing_live, ["h2"])


def test_after_a_leader_change_the_new_leader_is_accepted():
    nodes = [member("h1", "n1", "n2", term=5, live=["n1", "n2", "n3"]),
             member("h2", "n2", "n2", term=5, live=["n1", "n2", "n3"]),
             member("h3", "n3", "n2", term=5, live=["n1", "n2", "n3"])]
    assert "leader n2" in fleet.check_after_batch(nodes, ["h1"])


def test_joined_and_wait_joined_with_a_fake_clock():
    solo = node_view("u", {"nodeId": "a", "state": "LEADER", "leaderId": "a", "clusterSize": 1})
    assert fleet.joined(solo)
    assert not fleet.joined(node_view("u", error="refused"))
    candidate = node_view("u", {"nodeId": "a", "state": "CANDIDATE", "leaderId": None, "clusterSize": 3,
                                "liveNodes": ["a"], "quorum": False})
    follower = node_view("u", {"nodeId": "a", "state": "FOLLOWER", "leaderId": "b", "clusterSize": 3,
                               "liveNodes": ["a", "b"], "quorum": True})
    answers = [candidate, candidate, follower]
    now = [0.0]
    view, ok = fleet.wait_joined(lambda: answers.pop(0), 10, 1.0, clock=lambda: now[0],
                                 sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert ok and view is follower and now[0] == 2.0
    now[0] = 0.0
    view, ok = fleet.wait_joined(lambda: candidate, 3, 1.0, clock=lambda: now[0],
                                 sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert not ok and now[0] == 3.0


def real_build(host, uuid):
    """What the real upstream build answers: each node its own LEADER of a simulated 7-node cluster, no liveNodes."""
    return {"host": host, "view": node_view("http://127.0.0.1:9003", {
        "nodeId": uuid, "state": "LEADER", "currentTerm": 1, "commitIndex": 145000, "leaderId": uuid,
        "consensusLatency": 3, "throughput": 0, "clusterSize": 6})}


def test_real_build_single_node_is_unverified_not_refused():
    plan = fleet.plan([real_build("h1", "uuid-1")])
    assert plan["kind"] == "unverified" and plan["batches"] == [["h1"]]
    assert "quorum gate off: the nodes report a 6-node cluster but 1 host(s) are in the run" in plan["state"]


def test_real_build_fleet_each_its_own_leader_goes_one_at_a_time():
    nodes = [real_build("h%d" % i, "uuid-%d" % i) for i in (1, 2, 3)] + [down("h4")]
    plan = fleet.plan(nodes)
    assert plan["kind"] == "unverified" and plan["batches"] == [["h4"], ["h1"], ["h2"], ["h3"]]
    assert "name different leaders" in plan["state"]
    assert fleet.check_before_batch(nodes, ["h1"])
    with pytest.raises(fleet.FleetError, match="h4 do not answer"):
        fleet.check_after_batch(nodes, ["h4"])
    with pytest.raises(fleet.FleetError, match="cannot verify the cluster's quorum .aurigraph_fleet_quorum_gate=always"):
        fleet.plan(nodes, quorum_gate="always")


def test_quorum_gate_never_turns_a_trusted_cluster_into_plain_batches():
    plan = fleet.plan(cluster(leader="n2"), max_parallel=2, quorum_gate="never")
    assert plan["kind"] == "unverified" and plan["batches"] == [["h1", "h2"], ["h3"]]


def test_cluster_size_equal_to_hosts_without_live_nodes_is_trusted():
    nodes = [member(h, i, "n1", size=3) for h, i in (("h1", "n1"), ("h2", "n2"), ("h3", "n3"))]
    plan = fleet.plan(nodes)
    assert plan["kind"] == "cluster" and plan["batches"] == [["h2"], ["h3"], ["h1"]]
