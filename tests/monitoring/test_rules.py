"""promtool on the shipped rules: `check rules`, the unit tests (rules_test.yml: every alert fires at its threshold
once `for:` has elapsed and stays silent below it; rules_annotations_test.yml: annotations render), and a mutation
check that the unit tests really pin every `for:` and every threshold.

By hand (from the repository root):
    promtool check rules roles/monitoring/files/aurigraph-v11-rules.yml
    promtool test rules tests/monitoring/rules_annotations_test.yml
    .venv/bin/pytest -q tests/monitoring/test_rules.py
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import HERE, RULES


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
                          check=False)


def _rules() -> dict:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


def _all_rules(doc: dict) -> list[dict]:
    return [r for g in doc["groups"] for r in g["rules"]]


def _unit_test(promtool: str, workdir: Path, doc: dict, alert: str | None = None) -> subprocess.CompletedProcess:
    """Run rules_test.yml against `doc` with the annotations removed (promtool compares them exactly); with
    `alert`, only the test cases that check that alert (faster)."""
    stripped = {"groups": [{**g, "rules": [{k: v for k, v in r.items() if k != "annotations"} for r in g["rules"]]}
                           for g in doc["groups"]]}
    (workdir / "aurigraph-v11-rules.noannotations.yml").write_text(yaml.safe_dump(stripped, sort_keys=False))
    if alert is None:
        shutil.copy(HERE / "rules_test.yml", workdir / "rules_test.yml")
    else:
        tests = yaml.safe_load((HERE / "rules_test.yml").read_text(encoding="utf-8"))
        tests["tests"] = [t for t in tests["tests"] if any(c["alertname"] == alert for c in t["alert_rule_test"])]
        (workdir / "rules_test.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    return _run([promtool, "test", "rules", "rules_test.yml"], cwd=workdir)


def test_check_rules(promtool):
    proc = _run([promtool, "check", "rules", str(RULES)])
    assert proc.returncode == 0, proc.stdout
    assert f"SUCCESS: {len(_all_rules(_rules()))} rules found" in proc.stdout


def test_every_rule_has_severity_runbook_and_unit_test():
    tests_text = (HERE / "rules_test.yml").read_text(encoding="utf-8")
    for rule in _all_rules(_rules()):
        assert rule["labels"].get("severity"), rule["alert"]
        assert rule["annotations"]["runbook_url"] == \
            f"https://docs.aurigraph.io/runbooks/{rule['alert'].lower()}", rule["alert"]
        assert rule["annotations"].get("summary") and rule["annotations"].get("runbook_section"), rule["alert"]
        assert f"alertname: {rule['alert']}\n" in tests_text, f"no unit test for {rule['alert']}"
    alerts = {r["alert"] for r in _all_rules(_rules())}
    # the two runbook 002 alerts that need an exported metric (issue 17)
    assert {"TokenBlacklistLarge", "WebSocketConnectionsHigh"} <= alerts


def test_unit_tests_pass(promtool, tmp_path):
    proc = _unit_test(promtool, tmp_path, _rules())
    assert proc.returncode == 0, proc.stdout


def test_annotation_rendering(promtool):
    proc = _run([promtool, "test", "rules", "rules_annotations_test.yml"], cwd=HERE)
    assert proc.returncode == 0, proc.stdout


def _mutants(doc: dict):
    """One mutant per rule with a `for:` (dropped) and per rule with a numeric threshold (nudged across it)."""
    for gi, group in enumerate(doc["groups"]):
        for ri, rule in enumerate(group["rules"]):
            name = f"{rule['alert']}#{ri}"
            if "for" in rule:
                mutant = yaml.safe_load(yaml.safe_dump(doc))
                del mutant["groups"][gi]["rules"][ri]["for"]
                yield rule["alert"], f"{name}: no for", mutant
            match = re.search(r"(>|<|!=)\s*([0-9][0-9.]*)\s*$", rule["expr"].strip())
            if match and group["name"] != "aurigraph-v11.coverage":
                op, value = match.group(1), float(match.group(2))
                nudged = {">": value * 1.5 + 1, "<": value / 2, "!=": value + 1}[op]
                mutant = yaml.safe_load(yaml.safe_dump(doc))
                expr = rule["expr"].strip()
                mutant["groups"][gi]["rules"][ri]["expr"] = expr[:match.start(2)] + repr(nudged)
                yield rule["alert"], f"{name}: threshold {op} {value} -> {nudged}", mutant


def test_unit_tests_catch_every_for_and_threshold(promtool, tmp_path):
    """The unit tests must fail when any `for:` is dropped or any threshold moves: they pin them all."""
    survived = []
    count = 0
    for alert, label, mutant in _mutants(_rules()):
        count += 1
        if _unit_test(promtool, tmp_path, mutant, alert).returncode == 0:
            survived.append(label)
    assert count >= 25, count
    assert not survived, f"mutants the unit tests did not catch: {survived}"
