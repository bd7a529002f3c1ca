"""bench/deploy_gap.py's arithmetic on synthetic prober samples: the readiness gap, the time until ready again, the
time from a detected failure to the old release ready, and the goal verdicts (ratios of per-repeat figures)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "deploy_gap", Path(__file__).resolve().parents[3] / "bench" / "deploy_gap.py")
deploy_gap = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(deploy_gap)


def samples(start, codes, step=0.05):
    return [(start + i * step, code) for i, code in enumerate(codes)]


def test_gap_is_between_the_last_and_the_first_ready_answer():
    # ready until 100.10, down (0 = no answer, 503) from 100.15 to 102.95, ready from 103.00
    s = samples(100.0, [200] * 3 + [0] * 40 + [503] * 17 + [200] * 5)
    out = deploy_gap.analyse(s, t0=100.12)
    assert out["gap_s"] == pytest.approx(103.0 - 100.10, abs=1e-6)
    assert out["ready_again_s"] == pytest.approx(103.0 - 100.12, abs=1e-6)
    assert out["first_not_ready_s"] == pytest.approx(100.15 - 100.12, abs=1e-6)
    assert out["not_ready_samples"] == 57


def test_longest_of_two_outages_counts_and_no_outage_is_zero():
    s = samples(0.0, [200, 0, 0, 200, 0, 0, 0, 0, 0, 200], step=1.0)
    assert deploy_gap.analyse(s, t0=0.0)["gap_s"] == pytest.approx(6.0)
    steady = deploy_gap.analyse(samples(0.0, [200] * 20), t0=0.0)
    assert steady["gap_s"] == 0.0 and steady["ready_again_s"] is None


def test_detect_to_ready_uses_the_first_ready_answer_after_the_failure():
    s = samples(10.0, [200, 0, 0, 0, 0, 0, 200, 200], step=1.0)  # ready again at 16
    out = deploy_gap.analyse(s, t0=10.5, t_detect=13.25)
    assert out["detected_s"] == pytest.approx(2.75)
    assert out["ready_after_detect_s"] == pytest.approx(2.75)


def test_still_down_at_the_end_is_not_reported_as_ready():
    out = deploy_gap.analyse(samples(0.0, [200, 0, 0, 0], step=1.0), t0=0.0, t_detect=2.0)
    assert out["ready_again_s"] is None and out["ready_after_detect_s"] is None


def test_goals_are_medians_of_per_repeat_ratios():
    rows = [{"noop_wall": 20.0, "restart_until_ready": 5.0, "upgrade_wall": 30.0, "seed_wall": 8.0,
             "upgrade_gap": 5.0, "restart_gap": 5.0, "auto_rb_detect_to_ready": 9.0},
            {"noop_wall": 9.0, "restart_until_ready": 5.0, "upgrade_wall": 10.0, "seed_wall": 8.0,
             "upgrade_gap": 5.6, "restart_gap": 5.0, "auto_rb_detect_to_ready": None},
            {"noop_wall": 8.0, "restart_until_ready": 5.0, "upgrade_wall": 11.0, "seed_wall": 8.0,
             "upgrade_gap": 5.4, "restart_gap": 5.0, "auto_rb_detect_to_ready": 12.0}]
    out = deploy_gap.goals(rows)
    assert out["noop"]["ratio"]["median"] == pytest.approx(1.8) and out["noop"]["met"] is True
    assert out["upgrade"]["ratio"]["median"] == pytest.approx(1.375) and out["upgrade"]["met"] is True
    assert out["gap"]["ratio"]["median"] == pytest.approx(1.08) and out["gap"]["met"] is True
    assert out["gap"]["ratio"]["max"] == pytest.approx(1.12)
    # a repeat without the figure is left out: median of 1.8 and 2.4 = 2.1 > 2
    assert out["auto_rb"]["ratio"]["n"] == 2 and out["auto_rb"]["met"] is False
