"""Merge the probes' samples (probe-*.jsonl in DIR) on a 200 ms grid and report every instant at which no majority
of the cluster's nodes answered naming the same leader. Exit 1 if there was any, or if the samples do not cover
the window. Prints one JSON object.

The probes sample their own node one after the other, so two nodes' samples can be up to one interval apart: a
leader hand-over that falls between them would look like a split that never existed. A node therefore counts
for leader L at instant t when one of its samples within one interval of t (|sample - t| <= STEP) names L as a
LEADER or FOLLOWER. "strict_ticks_without_majority" reports the count without that tolerance, for information.

A probe whose request timed out (a busy machine) says nothing about its node: an instant at which the nodes that
could still agree include such unknown ones is "inconclusive", not bad. An instant is bad only when the conclusive
answers (a node naming another leader, answering without one, refusing the connection) leave no majority. The
verdict fails on any bad instant, and when more than MAX_INCONCLUSIVE (25 %) of the instants are inconclusive.
Usage: quorum_report.py DIR CLUSTER_SIZE [STEP=0.2]
"""
import glob
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def votes_at(series, t, window):
    """({leader: set(nodes)}, set(unknown nodes)) from each node's samples within +-window of t."""
    votes, unknown = {}, set()
    for node, samples in series.items():
        near = [s for s in samples if abs(s["t"] - t) <= window]
        voted = False
        for s in near:
            if s["ok"] and s["leader"] and s["state"] in ("LEADER", "FOLLOWER"):
                votes.setdefault(s["leader"], set()).add(node)
                voted = True
        if not voted and all(s.get("timeout") for s in near):
            unknown.add(node)
    return votes, unknown


MAX_INCONCLUSIVE = 0.25


def main():
    directory, size = sys.argv[1], int(sys.argv[2])
    step = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    series = {os.path.basename(p)[len("probe-"):-len(".jsonl")]: load(p)
              for p in sorted(glob.glob(os.path.join(directory, "probe-*.jsonl")))}
    report = {"nodes": sorted(series), "samples": sum(len(s) for s in series.values()), "ticks": 0,
              "ticks_without_majority": 0, "strict_ticks_without_majority": 0, "longest_gap_s": 0.0,
              "first_bad": None, "leaders": []}
    if len(series) < size or any(not s for s in series.values()):
        report["error"] = "expected %d probes with samples, got %s" % (size, {k: len(v) for k, v in series.items()})
        print(json.dumps(report))
        return 1
    start = max(s[0]["t"] for s in series.values())
    end = min(s[-1]["t"] for s in series.values())
    required = size // 2 + 1
    gap, t = 0.0, start
    while t <= end:
        report["ticks"] += 1
        strict, _unknown = votes_at(series, t, step / 2)
        if max((len(v) for v in strict.values()), default=0) < required:
            report["strict_ticks_without_majority"] += 1
        votes, unknown = votes_at(series, t, step)
        best = max((len(v) for v in votes.values()), default=0)
        leader = max(sorted(votes), key=lambda k: len(votes[k])) if votes else None
        if leader and best >= required and (not report["leaders"] or report["leaders"][-1] != leader):
            report["leaders"].append(leader)
        if best < required and best + len(unknown) >= required:
            report["inconclusive_ticks"] = report.get("inconclusive_ticks", 0) + 1
        elif best < required:
            report["ticks_without_majority"] += 1
            gap += step
            report["longest_gap_s"] = max(report["longest_gap_s"], round(gap, 3))
            if report["first_bad"] is None:
                report["first_bad"] = {"t": t, "votes": dict((k, sorted(v)) for k, v in votes.items())}
        else:
            gap = 0.0
        t += step
    report["window_s"] = round(end - start, 1)
    report.setdefault("inconclusive_ticks", 0)
    print(json.dumps(report))
    too_blind = report["inconclusive_ticks"] > MAX_INCONCLUSIVE * report["ticks"]
    return 1 if report["ticks_without_majority"] or report["ticks"] < 10 or too_blind else 0


if __name__ == "__main__":
    sys.exit(main())
