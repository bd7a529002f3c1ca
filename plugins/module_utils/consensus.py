# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Consensus status and quorum.

``GET /api/v11/consensus/status`` has no quorum field. Quorum here means: a strict majority of the cluster
(``clusterSize`` as the nodes report it, else the number of nodes asked) are reachable and agree on one
``leaderId``, and that leader itself reports state LEADER when it was asked.
"""

from __future__ import annotations

STATUS_PATH = "/api/v11/consensus/status"


def node_view(url, data=None, error=None):
    view = {"url": url, "reachable": data is not None, "error": error}
    data = data or {}
    for key, name in (("nodeId", "node_id"), ("state", "state"), ("currentTerm", "term"), ("leaderId", "leader_id"),
                      ("commitIndex", "commit_index"), ("clusterSize", "cluster_size")):
        view[name] = data.get(key)
    live = data.get("liveNodes")
    view["live_nodes"] = [str(m) for m in live] if isinstance(live, list) else None
    view["quorum"] = data.get("quorum") if isinstance(data.get("quorum"), bool) else None
    if isinstance(view["state"], str):
        view["state"] = view["state"].upper()
    return view


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def compute_quorum(views, cluster_size=None):
    """Quorum facts from ``node_view`` dicts."""
    reachable = [v for v in views if v["reachable"]]
    sizes = [s for s in (_int(v.get("cluster_size")) for v in reachable) if s]
    size = cluster_size or (max(sizes) if sizes else len(views))
    size = max(size, 1)
    required = size // 2 + 1
    votes = {}
    for view in reachable:
        leader = view.get("leader_id")
        if leader in (None, ""):
            continue
        votes.setdefault(str(leader), []).append(view)
    leader, agreeing = None, []
    for candidate, voters in sorted(votes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        leader, agreeing = candidate, voters
        break
    leader_view = [v for v in reachable if v.get("node_id") is not None and str(v["node_id"]) == leader]
    leader_confirms = not leader_view or leader_view[0].get("state") == "LEADER"
    terms = sorted(set(t for t in (_int(v.get("term")) for v in agreeing) if t is not None))
    has = leader is not None and len(agreeing) >= required and leader_confirms
    reason = None
    if not reachable:
        reason = "no node answered"
    elif leader is None:
        reason = "no node reports a leader"
    elif len(agreeing) < required:
        reason = "only %d of %d nodes agree on leader %s (%d needed)" % (len(agreeing), size, leader, required)
    elif not leader_confirms:
        reason = "node %s is named leader but reports state %s" % (leader, leader_view[0].get("state"))
    return {
        "has_quorum": has, "leader_id": leader, "agreeing": len(agreeing), "cluster_size": size,
        "required": required, "reachable": len(reachable), "asked": len(views),
        "agreeing_nodes": [v["url"] for v in agreeing], "terms": terms, "reason": reason,
        "split_votes": dict((k, len(v)) for k, v in votes.items()) if len(votes) > 1 else {},
    }
