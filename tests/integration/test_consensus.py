# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from conftest import start_standin  # pylint: disable=import-error
from harness import free_port  # pylint: disable=import-error


def test_quorum_across_nodes(base_jar, playbook):
    common = {"AURIGRAPH_CLUSTER_SIZE": "3", "AURIGRAPH_CONSENSUS_LEADER": "node-1", "AURIGRAPH_CONSENSUS_TERM": "7"}
    n1 = start_standin(base_jar, env=dict(common, AURIGRAPH_NODE_ID="node-1"))
    n2 = start_standin(base_jar, env=dict(common, AURIGRAPH_NODE_ID="node-2"))
    dead = "http://127.0.0.1:%d" % free_port()
    try:
        run = playbook([{"name": "q", "aurigraph.dlt.consensus_info": {
            "nodes": [n2.url, dead], "require_quorum": True, "retries": 0}}], n1.url, check=True)
        res = run.result("q")
        assert run.rc == 0, res
        q = res["quorum"]
        assert q["has_quorum"] is True and q["leader_id"] == "node-1" and q["agreeing"] == 2 and q["required"] == 2
        assert q["cluster_size"] == 3 and q["reachable"] == 2 and q["terms"] == [7]
        assert [n["reachable"] for n in res["nodes"]] == [True, True, False]
        assert res["status"]["state"] == "LEADER" and res["changed"] is False

        run = playbook([{"name": "q", "aurigraph.dlt.consensus_info": {"require_quorum": True}}], n2.url)
        res = run.result("q")
        assert run.rc != 0
        assert res["msg"] == "no consensus quorum: only 1 of 3 nodes agree on leader node-1 (2 needed)"
    finally:
        n1.close()
        n2.close()
