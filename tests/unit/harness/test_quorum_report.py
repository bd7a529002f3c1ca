"""The fleet scenario's quorum verdict (tests/fleet/quorum_report.py) on synthetic probe samples: it must fail
when a majority is really missing, and not on the skew of sequential sampling around a leader hand-over."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "fleet" / "quorum_report.py"


def write(tmp_path, node, samples):
    with open(tmp_path / ("probe-%s.jsonl" % node), "w", encoding="utf-8") as fh:
        for t, leader, state in samples:
            timeout = state == "TIMEOUT"
            fh.write(json.dumps({"t": t, "ok": leader is not None or (state is not None and not timeout),
                                 "leader": leader, "state": None if timeout else state, "term": 1, "live": None,
                                 "error": "timed out" if timeout else None, "timeout": timeout}) + "\n")


def run(tmp_path):
    proc = subprocess.run([sys.executable, str(REPORT), str(tmp_path), "3"], capture_output=True, text=True, check=False)
    return proc.returncode, json.loads(proc.stdout)


def series(start, count, fn, offset=0.0):
    return [(start + offset + i * 0.2,) + fn(i) for i in range(count)]


def test_follower_restart_keeps_a_majority(tmp_path):
    write(tmp_path, "a", series(100, 50, lambda i: ("a", "LEADER")))
    write(tmp_path, "b", series(100, 50, lambda i: ("a", "FOLLOWER")))
    write(tmp_path, "c", series(100, 50, lambda i: (None, None) if 10 <= i < 30 else ("a", "FOLLOWER")))
    rc, report = run(tmp_path)
    assert rc == 0 and report["ticks_without_majority"] == 0 and report["leaders"] == ["a"]


def test_two_nodes_down_for_a_second_fails(tmp_path):
    write(tmp_path, "a", series(100, 50, lambda i: ("a", "LEADER")))
    write(tmp_path, "b", series(100, 50, lambda i: (None, None) if 10 <= i < 20 else ("a", "FOLLOWER")))
    write(tmp_path, "c", series(100, 50, lambda i: (None, None) if 12 <= i < 22 else ("a", "FOLLOWER")))
    rc, report = run(tmp_path)
    assert rc == 1 and report["ticks_without_majority"] >= 5 and report["longest_gap_s"] >= 1.0


def test_candidates_without_leader_fail(tmp_path):
    for node in "abc":
        write(tmp_path, node, series(100, 30, lambda i: (None, "CANDIDATE") if 10 <= i < 15 else ("a", "FOLLOWER")))
    rc, report = run(tmp_path)
    assert rc == 1 and report["first_bad"] is not None


def test_hand_over_between_two_sequential_samples_is_not_a_split(tmp_path):
    # a stops at sample 20 and hands over to b; c is sampled 150 ms after b, so for one instant b names itself
    # while c's latest sample still names a.
    write(tmp_path, "a", series(100, 40, lambda i: (None, None) if i >= 20 else ("a", "LEADER")))
    write(tmp_path, "b", series(100, 40, lambda i: ("b", "LEADER") if i >= 20 else ("a", "FOLLOWER")))
    write(tmp_path, "c", series(100, 40, lambda i: ("b", "FOLLOWER") if i >= 21 else ("a", "FOLLOWER"), offset=0.15))
    rc, report = run(tmp_path)
    assert rc == 0 and report["leaders"] == ["a", "b"]
    assert report["strict_ticks_without_majority"] >= 1


def test_missing_probe_fails(tmp_path):
    write(tmp_path, "a", series(100, 20, lambda i: ("a", "LEADER")))
    rc, report = run(tmp_path)
    assert rc == 1 and "expected 3 probes" in report["error"]


def test_busy_probes_are_inconclusive_not_bad_but_too_many_fail(tmp_path):
    write(tmp_path, "a", series(100, 50, lambda i: ("a", "LEADER")))
    write(tmp_path, "b", series(100, 50, lambda i: (None, "TIMEOUT") if 10 <= i < 15 else ("a", "FOLLOWER")))
    write(tmp_path, "c", series(100, 50, lambda i: (None, None) if 8 <= i < 30 else ("a", "FOLLOWER")))
    rc, report = run(tmp_path)
    assert rc == 0 and report["ticks_without_majority"] == 0 and report["inconclusive_ticks"] >= 3
    write(tmp_path, "b", series(100, 50, lambda i: (None, "TIMEOUT") if 5 <= i < 45 else ("a", "FOLLOWER")))
    rc, report = run(tmp_path)
    assert rc == 1 and report["ticks_without_majority"] == 0 and report["inconclusive_ticks"] > 12
