# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quorum-safe rollout of a fleet of consensus nodes: batch plan, gate before a batch, rejoin check after it.

Input: one entry per inventory host, ``{"host": name, "unreachable": bool, "view": consensus.node_view(...)}``,
where the view is what the host's own node answered on its loopback (nodes often expose their API only there).

Kinds of fleet:
- ``bootstrap``: no node answers. Nothing serves, so nothing can be lost: one batch with every host (a new
  cluster forms only when a majority of its members starts).
- ``standalone``: nodes answer but report a cluster of one. Batches of ``max_parallel``; no quorum to keep.
- ``cluster``: a consensus cluster (``clusterSize`` > 1) whose view can be trusted. Nodes already down first,
  then followers, the leader last and alone; ``max_parallel`` may never take so many live nodes down that fewer
  than a majority stay live; a cluster without quorum now is refused.
- ``unverified``: nodes report a cluster, but their views cannot carry a quorum decision: they name different
  leaders, or report a ``clusterSize`` that is not the number of hosts with no ``liveNodes`` to say who the other
  members are (the real build reports a simulated 7-node cluster, each node its own leader). With
  ``quorum_gate=auto`` this plans ``max_parallel`` at a time (nodes down first) and says why the gate is off;
  ``quorum_gate=always`` refuses instead. ``quorum_gate=never`` treats every cluster this way.
"""

from __future__ import annotations

from ansible_collections.aurigraph.dlt.plugins.module_utils import api, errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.consensus import compute_quorum


class FleetError(errors.DltError):
    """The fleet is not in a state (or the settings are not such) that the rollout can go on safely."""


def _views(nodes):
    out = []
    for entry in nodes:
        view = dict(entry.get("view") or {})
        view.setdefault("url", entry["host"])
        view["reachable"] = bool(view.get("reachable")) and not entry.get("unreachable")
        view["host"] = entry["host"]
        out.append(view)
    return out


def _size(views):
    sizes = []
    for view in views:
        try:
            sizes.append(int(view.get("cluster_size") or 0))
        except (TypeError, ValueError):
            continue
    return max(sizes) if sizes else 0


class FleetState(object):
    """What the hosts' own nodes say, reduced to the facts the rollout decides on."""

    def __init__(self, nodes, quorum_gate="auto", planned_kind=None):
        self.hosts = [entry["host"] for entry in nodes]
        self.unreachable_hosts = [entry["host"] for entry in nodes if entry.get("unreachable")]
        self.views = _views(nodes)
        self.view_of = dict((v["host"], v) for v in self.views)
        self.answering = [v for v in self.views if v["reachable"]]
        self.size = _size(self.answering)
        if not self.answering:
            self.kind = "bootstrap"
        elif self.size <= 1:
            self.kind = "standalone"
        else:
            self.kind = "cluster"
        # A rollout keeps the kind its plan found: a trusted cluster stays gated even while a restarted node
        # disagrees (that is what the gate is for); an unverified one is never gated.
        if planned_kind == "cluster" and self.kind == "cluster":
            quorum_gate = "trusted"
        elif planned_kind in ("unverified", "standalone") and self.kind == "cluster":
            quorum_gate = "never"
        self.unverified_reason = self._unverified_reason() if self.kind == "cluster" and quorum_gate != "trusted" else None
        if self.unverified_reason and quorum_gate == "always":
            raise FleetError("cannot verify the cluster's quorum (aurigraph_fleet_quorum_gate=always): %s"
                             % self.unverified_reason)
        if self.kind == "cluster" and (self.unverified_reason or quorum_gate == "never"):
            self.kind = "unverified"
            self.unverified_reason = self.unverified_reason or "aurigraph_fleet_quorum_gate=never"
        self.required = self.size // 2 + 1 if self.kind == "cluster" else 0
        self.quorum = compute_quorum(self.views, self.size or None) if self.kind == "cluster" else None
        candidate = self.quorum["leader_id"] if self.quorum else None
        self.live_ids = self._live_ids(candidate)
        self.leader_id, self.no_quorum_reason = self._leader(candidate)
        self.host_of = dict((str(v["node_id"]), v["host"]) for v in self.answering if v.get("node_id") is not None)
        self.leader_host = self.host_of.get(self.leader_id) if self.leader_id else None

    def _unverified_reason(self):
        """Why the nodes' consensus views cannot carry a quorum decision, or None when they can."""
        leaders = sorted(set(str(v.get("leader_id")) for v in self.answering if v.get("leader_id")))
        ids = set(str(v.get("node_id")) for v in self.answering)
        has_live = any(v.get("live_nodes") is not None for v in self.answering)
        if len(leaders) > 1:
            return "the nodes name different leaders (%s)" % ", ".join(leaders)
        if leaders and not has_live and leaders[0] not in ids:
            return "the leader they name (%s) is none of the hosts asked and no node reports who is live" % leaders[0]
        if not has_live and self.size != len(self.hosts):
            return ("the nodes report a %d-node cluster but %d host(s) are in the run and no node reports who is "
                    "live" % (self.size, len(self.hosts)))
        return None

    def _live_ids(self, candidate):
        """Members live by the view of the nodes that name the leader (their liveNodes, else themselves)."""
        if self.kind != "cluster" or not candidate:
            return set(str(v["node_id"]) for v in self.answering if v.get("node_id") is not None)
        live = set()
        for view in self.answering:
            if str(view.get("leader_id")) != candidate:
                continue
            live.add(str(view.get("node_id")))
            for member in view.get("live_nodes") or []:
                live.add(str(member))
        return live

    def _leader(self, candidate):
        """The leader when the cluster has quorum (a majority live by the voters' view, the leader agreeing)."""
        if self.kind != "cluster":
            return None, None
        if not candidate:
            return None, self.quorum["reason"]
        voters = [v for v in self.answering if str(v.get("leader_id")) == candidate]
        if any(v.get("quorum") is False for v in voters):
            return None, "nodes naming leader %s report no quorum" % candidate
        named = [v for v in self.answering if str(v.get("node_id")) == candidate]
        if named and named[0].get("state") != "LEADER":
            return None, "node %s is named leader but reports state %s" % (candidate, named[0].get("state"))
        if len(self.live_ids) < self.required:
            return None, "only %d of %d members live (%s), %d needed" % (
                len(self.live_ids), self.size, ", ".join(sorted(self.live_ids)) or "none", self.required)
        return candidate, None

    def answers(self, host):
        return bool(self.view_of.get(host, {}).get("reachable"))

    def host_is_live(self, host):
        return self.answers(host) and str(self.view_of[host].get("node_id")) in self.live_ids

    def describe(self):
        """One line an operator can act on."""
        if self.kind == "bootstrap":
            text = "no node answers (new or fully stopped cluster)"
        elif self.kind == "standalone":
            text = "%d stand-alone node(s) answer (cluster size 1)" % len(self.answering)
        elif self.kind == "unverified":
            text = "%d node(s) answer; quorum gate off: %s" % (len(self.answering), self.unverified_reason)
        else:
            term = ",".join(str(t) for t in self.quorum["terms"]) or "?"
            if self.leader_id:
                text = "%d-node cluster, term %s: leader %s%s, %d live (%s), %d needed for quorum" % (
                    self.size, term, self.leader_id,
                    " (%s)" % self.leader_host if self.leader_host and self.leader_host != self.leader_id else "",
                    len(self.live_ids), ", ".join(sorted(self.live_ids)) or "none", self.required)
            else:
                text = "%d-node cluster without quorum: %s" % (self.size, self.no_quorum_reason)
        down = [h for h in self.hosts if h in self.unreachable_hosts or not self.host_is_live(h)]
        if self.kind != "bootstrap" and down:
            text += "; not serving: %s" % ", ".join(
                "%s (%s)" % (h, "unreachable" if h in self.unreachable_hosts else "down") for h in down)
        return text


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def plan(nodes, max_parallel=1, allow_quorum_loss=False, quorum_gate="auto"):
    """The batches, in order, or FleetError with the reason and what to do."""
    if isinstance(max_parallel, bool) or not isinstance(max_parallel, int) or max_parallel < 1:
        raise FleetError("aurigraph_max_parallel must be a whole number >= 1, got %r" % (max_parallel,))
    state = FleetState(nodes, quorum_gate)
    if state.unreachable_hosts:
        raise FleetError(
            "rollout refused before touching any host: %s cannot be reached (%s). Fix the connection, or leave "
            "the host out with --limit when it is meant to be out of service." % (
                ", ".join(state.unreachable_hosts), state.describe()))
    hosts = list(state.hosts)
    if state.kind == "bootstrap":
        batches = [hosts]
    elif state.kind == "standalone":
        batches = _chunks(hosts, max_parallel)
    elif state.kind == "unverified":
        down = [h for h in hosts if not state.answers(h)]
        batches = _chunks(down, max_parallel) + _chunks([h for h in hosts if h not in down], max_parallel)
    else:
        batches = _cluster_batches(state, hosts, max_parallel, allow_quorum_loss)
    return dict(kind=state.kind, batches=batches, serial=[len(b) for b in batches],
                order=[h for b in batches for h in b], leader=state.leader_id, leader_host=state.leader_host,
                cluster_size=state.size, required=state.required, live=sorted(state.live_ids),
                state=state.describe())


def _cluster_batches(state, hosts, max_parallel, allow_quorum_loss):
    down = [h for h in hosts if not state.host_is_live(h)]
    followers = [h for h in hosts if h not in down and h != state.leader_host]
    leader = [state.leader_host] if state.leader_host else []
    if allow_quorum_loss:
        return _chunks(down, max_parallel) + _chunks(followers, max_parallel) + ([leader] if leader else [])
    if not state.leader_id:
        raise FleetError(
            "rollout refused: the cluster has no quorum now (%s). Restore it first; a rollout that restarts nodes "
            "would only make it worse (or set aurigraph_allow_quorum_loss=true to accept an outage)." % state.describe())
    spare = len(state.live_ids) - state.required
    if spare < 1:
        if state.size <= 2:
            advice = "a %d-node cluster can never lose a node: add a member" % state.size
        else:
            advice = "bring the down nodes back first"
        raise FleetError(
            "rollout refused: restarting any live node of this cluster loses quorum (%s); %s, or set "
            "aurigraph_allow_quorum_loss=true to accept an outage." % (state.describe(), advice))
    if max_parallel > spare:
        raise FleetError(
            "aurigraph_max_parallel=%d is too high: restarting %d live nodes at once would leave %d of %d live, "
            "fewer than the %d needed for quorum (%s). Use aurigraph_max_parallel=%d or less." % (
                max_parallel, max_parallel, len(state.live_ids) - max_parallel, state.size, state.required,
                state.describe(), spare))
    return _chunks(down, max_parallel) + _chunks(followers, max_parallel) + ([leader] if leader else [])


def check_before_batch(nodes, batch, allow_quorum_loss=False, quorum_gate="auto", planned_kind=None):
    """Raise FleetError unless a quorum would remain while the batch's live nodes restart."""
    state = FleetState(nodes, quorum_gate, planned_kind)
    if state.unreachable_hosts:
        raise FleetError("batch %s not started: %s cannot be reached (%s)" % (
            ", ".join(batch), ", ".join(state.unreachable_hosts), state.describe()))
    if state.kind != "cluster" or allow_quorum_loss:
        return state.describe()
    if not state.leader_id:
        raise FleetError("batch %s not started: the cluster has no quorum (%s)" % (", ".join(batch), state.describe()))
    leaving = [h for h in batch if state.host_is_live(h)]
    remaining = len(state.live_ids) - len(leaving)
    if remaining < state.required:
        raise FleetError(
            "batch %s not started: restarting it would leave %d of %d nodes live, fewer than the %d needed for "
            "quorum (%s)" % (", ".join(batch), remaining, state.size, state.required, state.describe()))
    return state.describe()


def check_after_batch(nodes, batch, quorum_gate="auto", planned_kind=None):
    """Raise FleetError unless the batch's nodes are back: answering, live, and naming the cluster's leader."""
    state = FleetState(nodes, quorum_gate, planned_kind)
    if state.kind == "bootstrap":
        raise FleetError("after batch %s no node answers (%s)" % (", ".join(batch), state.describe()))
    if state.kind != "cluster":
        missing = [h for h in batch if not state.answers(h)]
        if missing:
            raise FleetError("after batch %s, %s do not answer (%s)" % (", ".join(batch), ", ".join(missing),
                                                                        state.describe()))
        return state.describe()
    if not state.leader_id:
        raise FleetError("after batch %s the cluster has no quorum (%s)" % (", ".join(batch), state.describe()))
    leader_view = [v for v in state.answering if str(v.get("node_id")) == state.leader_id]
    seen_live = state.live_ids
    if leader_view and leader_view[0].get("live_nodes") is not None:
        seen_live = set(str(m) for m in leader_view[0]["live_nodes"])
    behind = []
    for host in batch:
        view = state.view_of[host]
        if not view["reachable"]:
            behind.append("%s does not answer" % host)
        elif str(view.get("leader_id")) != state.leader_id:
            behind.append("%s names leader %s, not %s" % (host, view.get("leader_id"), state.leader_id))
        elif str(view.get("node_id")) not in seen_live:
            behind.append("%s is not live in the leader's view" % host)
    if behind:
        raise FleetError("after batch %s: %s (%s)" % (", ".join(batch), "; ".join(behind), state.describe()))
    return state.describe()


def joined(view):
    """True when one node's own view shows it inside a cluster with a leader (or a stand-alone node serving)."""
    if not view or not view.get("reachable"):
        return False
    try:
        size = int(view.get("cluster_size") or 1)
    except (TypeError, ValueError):
        size = 1
    if size <= 1:
        return True
    if view.get("state") not in ("LEADER", "FOLLOWER") or not view.get("leader_id"):
        return False
    if view.get("quorum") is False:
        return False
    live = view.get("live_nodes")
    return live is None or str(view.get("node_id")) in [str(m) for m in live]


def wait_joined(fetch, timeout, interval=1.0, clock=None, sleep=None):
    """Poll ``fetch()`` (returns a node view) until ``joined``; return the last view and whether it joined."""
    clock = clock or api._clock
    sleep = sleep or api._sleep
    deadline = clock() + max(0.0, float(timeout))
    while True:
        view = fetch()
        if joined(view):
            return view, True
        if clock() + interval > deadline:
            return view, False
        sleep(interval)
