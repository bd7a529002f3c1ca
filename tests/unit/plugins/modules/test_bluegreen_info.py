# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

from ansible_collections.aurigraph.dlt.plugins.modules import bluegreen_info
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module


def args(tmp_path, **kwargs):
    base = dict(release_id="r2", ports={"blue": 9013, "green": 9023}, grpc_ports={"blue": 9014, "green": 9024},
                data_dir="/var/lib/aurigraph-%i", service_name="aurigraph-v11", legacy_port=9003,
                upstream_path=str(tmp_path / "upstream.conf"), state_path=str(tmp_path / "colours.json"))
    base.update(kwargs)
    return base


def test_missing_files_mean_a_fresh_host(tmp_path, capsys):
    res = run_module(bluegreen_info.main, args(tmp_path), capsys, check_mode=True)
    assert not res.failed and res["changed"] is False
    assert res["plan"]["serving"] is None and res["plan"]["target"] == "blue" and "rollback" not in res


def test_reads_the_live_upstream_and_the_state(tmp_path, capsys):
    (tmp_path / "upstream.conf").write_text("upstream aurigraph_v11 {\n  server 127.0.0.1:9013 max_fails=0;\n}\n")
    (tmp_path / "colours.json").write_text(json.dumps({"colours": {"blue": {"release": "r1"}}}))
    res = run_module(bluegreen_info.main, args(tmp_path), capsys)
    assert res["plan"]["serving"] == "blue" and res["plan"]["target"] == "green" and res["plan"]["holds"]["blue"] == "r1"
    before = res["plan"]
    (tmp_path / "upstream.conf").write_text("upstream aurigraph_v11 {\n  server 127.0.0.1:9023 max_fails=0;\n}\n")
    res = run_module(bluegreen_info.main, args(tmp_path, rollback_before=before), capsys)
    assert res["rollback"]["switch_back"] and res["rollback"]["restore_port"] == 9013


def test_refusal_is_a_failure_with_the_reason(tmp_path, capsys):
    res = run_module(bluegreen_info.main, args(tmp_path, data_dir="/var/lib/aurigraph"), capsys)
    assert res.failed and "exclusive" in res["msg"] and "%i" in res["msg"]
