# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.aurigraph.dlt.plugins.module_utils.consensus import compute_quorum, node_view


def status(node, state, leader, size=3, term=4):
    return {"nodeId": node, "state": state, "leaderId": leader, "clusterSize": size, "currentTerm": term}


def test_majority_agrees():
    views = [node_view("u1", status("n1", "LEADER", "n1")), node_view("u2", status("n2", "FOLLOWER", "n1")),
             node_view("u3", error="cannot reach")]
    q = compute_quorum(views)
    assert q["has_quorum"] is True and q["leader_id"] == "n1" and q["agreeing"] == 2 and q["required"] == 2
    assert q["reachable"] == 2 and q["asked"] == 3 and q["reason"] is None and q["terms"] == [4]


def test_split_vote_has_no_quorum():
    views = [node_view("u1", status("n1", "LEADER", "n1", size=5)), node_view("u2", status("n2", "FOLLOWER", "n1", 5)),
             node_view("u3", status("n3", "LEADER", "n3", 5)), node_view("u4", status("n4", "FOLLOWER", "n3", 5))]
    q = compute_quorum(views)
    assert q["has_quorum"] is False and q["required"] == 3
    assert q["split_votes"] == {"n1": 2, "n3": 2}
    assert q["reason"] == "only 2 of 5 nodes agree on leader n1 (3 needed)"


def test_named_leader_must_confirm():
    views = [node_view("u1", status("n1", "CANDIDATE", "n1")), node_view("u2", status("n2", "FOLLOWER", "n1")),
             node_view("u3", status("n3", "FOLLOWER", "n1"))]
    q = compute_quorum(views)
    assert q["has_quorum"] is False and q["reason"] == "node n1 is named leader but reports state CANDIDATE"


def test_single_node_cluster_and_no_answers():
    assert compute_quorum([node_view("u", status("n1", "LEADER", "n1", size=1))])["has_quorum"] is True
    assert compute_quorum([node_view("u", status("n1", "FOLLOWER", "n9", size=3))])["has_quorum"] is False
    assert compute_quorum([node_view("u", error="x")])["reason"] == "no node answered"
    q = compute_quorum([node_view("u", {"nodeId": "n1", "state": "FOLLOWER"})], cluster_size=1)
    assert q["reason"] == "no node reports a leader"
