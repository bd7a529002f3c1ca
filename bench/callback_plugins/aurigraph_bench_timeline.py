# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bench-only callback: one JSON line per task start and per task result (wall-clock time, host, status), written
to the file named by BENCH_TIMELINE_FILE. bench/deploy_gap.py reads it for per-task costs and for the moment a
deploy's failure is detected. Not part of the collection (bench/ is in galaxy.yml's build_ignore)."""
from __future__ import annotations

DOCUMENTATION = r"""
name: aurigraph_bench_timeline
type: aggregate
short_description: Task timeline as JSON lines for bench/deploy_gap.py
description: Writes one JSON line per task start and per host result to the file in BENCH_TIMELINE_FILE.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "aurigraph_bench_timeline"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        path = os.environ.get("BENCH_TIMELINE_FILE")
        self._out = open(path, "a", encoding="utf-8") if path else None  # pylint: disable=consider-using-with

    def _write(self, **event):
        if self._out is None:
            return
        event["t"] = time.time()
        self._out.write(json.dumps(event) + "\n")
        self._out.flush()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._write(event="start", task=task.get_name(), uuid=task._uuid)

    def v2_playbook_on_handler_task_start(self, task):
        self._write(event="start", task=task.get_name(), uuid=task._uuid)

    def _result(self, status, result):
        self._write(event=status, task=result._task.get_name(), uuid=result._task._uuid,
                    host=result._host.get_name(), changed=bool(result._result.get("changed")))

    def v2_runner_on_ok(self, result):
        self._result("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result("ignored" if ignore_errors else "failed", result)

    def v2_runner_on_skipped(self, result):
        self._result("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._result("unreachable", result)

    def v2_playbook_on_stats(self, stats):
        self._write(event="end")
