# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.aurigraph.dlt.plugins.modules import fleet_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module


def view(node, leader, live=("n1", "n2", "n3")):
    return {"reachable": True, "node_id": node, "state": "LEADER" if node == leader else "FOLLOWER",
            "leader_id": leader, "term": 2, "cluster_size": 3, "live_nodes": list(live), "quorum": True}


NODES = [{"host": "h%d" % i, "view": view("n%d" % i, "n1")} for i in (1, 2, 3)]


def test_plan_returns_batches_leader_last(capsys):
    res = run_module(fleet_info.main, dict(nodes=NODES), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False
    assert res["plan"]["batches"] == [["h2"], ["h3"], ["h1"]] and res["plan"]["serial"] == [1, 1, 1]
    assert res["state"].startswith("3-node cluster, term 2: leader n1")


def test_plan_refuses_too_many_at_once(capsys):
    res = run_module(fleet_info.main, dict(nodes=NODES, max_parallel=2), capsys)
    assert res.failed and "aurigraph_max_parallel=2 is too high" in res["msg"]
    assert res["state"].startswith("3-node cluster")


def test_plan_refuses_an_unreachable_host(capsys):
    nodes = NODES[:2] + [{"host": "h3", "unreachable": True}]
    res = run_module(fleet_info.main, dict(nodes=nodes), capsys)
    assert res.failed and "h3 cannot be reached" in res["msg"]


def test_before_and_after_batch(capsys):
    ok = run_module(fleet_info.main, dict(phase="before_batch", batch=["h2"], nodes=NODES), capsys)
    assert not ok.failed and "plan" not in ok
    behind = [dict(n) for n in NODES]
    behind[1] = {"host": "h2", "view": {"reachable": False, "error": "refused"}}
    res = run_module(fleet_info.main, dict(phase="after_batch", batch=["h2"], nodes=behind), capsys)
    assert res.failed and "h2 does not answer" in res["msg"]
