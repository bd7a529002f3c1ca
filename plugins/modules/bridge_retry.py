#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bridge_retry
short_description: Retry stuck or failed Aurigraph bridge transfers
version_added: 0.1.0
description:
  - Automates the runbook's manual intervention for the C(BridgeTransactionStuck) alert with
    C(POST /api/v11/bridge/retry/{transferId}).
  - Works on explicit O(transfer_ids) and/or on every transfer stuck for longer than O(stuck_older_than), that is
    with an in-flight status (O(statuses)) unchanged since C(updatedAt) (else C(createdAt)). The list comes from
    C(GET /api/v11/bridge/transfers) and is filtered client-side, because real builds ignore its filters.
  - Only retryable transfers are retried, oldest first - FAILED ones, and in-flight ones older than the threshold.
    COMPLETED and CANCELLED transfers are reported as C(skipped_not_retryable), unknown ids as C(not_found).
  - With O(wait) each retried transfer is polled until COMPLETED or FAILED (a FAILED one is retried again up to
    O(max_retries) times) or until O(wait_timeout).
  - B(Rate limit.) The service allows 100 requests per rolling hour per client, so one client cannot retry
    hundreds of transfers within an hour. On HTTP 429 the module waits C(retryAfterSeconds) when that fits in
    O(timeout); otherwise it stops, reports the remaining transfers as C(not_attempted) and fails, so that a
    later run (or a client exempted with M(aurigraph.dlt.token_whitelist)) can finish the job. Re-runs are safe;
    retried transfers are no longer stuck.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.api
  - aurigraph.dlt.api.timeout
attributes:
  check_mode:
    support: full
    description: Transfers are read and selected; none is retried. They are reported as C(would_retry).
  diff_mode:
    support: full
    description: Status of each retried transfer before and after.
options:
  transfer_ids:
    description:
      - Transfers to retry. Each one's status is read first.
      - An in-flight transfer is retried only when older than O(stuck_older_than) (default 1h); FAILED always is.
    type: list
    elements: str
  stuck_older_than:
    description:
      - Also retry every transfer stuck for longer than this, such as V(1h), V(30m), V(3600s), V(2d) or V(1h30m).
      - Required when O(transfer_ids) is empty.
    type: str
  bridge_id:
    description: Only select stuck transfers of this bridge (for example V(bridge-eth-001)).
    type: str
  statuses:
    description:
      - Statuses that count as stuck for O(stuck_older_than). Add V(FAILED) to also retry failed transfers.
    type: list
    elements: str
    choices: [PENDING, SIGNED, APPROVED, EXECUTING, FAILED]
    default: [PENDING, SIGNED, APPROVED, EXECUTING]
  max_retries:
    description: Retries per transfer in this run (more than 1 only matters with O(wait)).
    type: int
    default: 1
  wait:
    description: Poll retried transfers until they finish or O(wait_timeout) passes.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for retried transfers with O(wait).
    type: int
    default: 600
  concurrency:
    description: Transfers handled in parallel (1 to 16).
    type: int
    default: 4
  max_transfers:
    description: Retry at most this many transfers (the oldest first); the others are reported as C(not_attempted).
    type: int
notes:
  - The module fails when the run stopped early (rate limit beyond O(timeout), lost access while waiting) or cannot
    work at all (authentication, missing endpoints), returning everything done so far. Per-transfer problems
    (not found, not retryable, failed again) are reported in RV(transfers) and RV(counts) without failing.
    Transfers beyond O(max_transfers) are C(not_attempted) without failing.
"""

EXAMPLES = r"""
- name: Retry everything stuck for more than an hour
  aurigraph.dlt.bridge_retry:
    api_url: https://dlt.example.com:9003
    api_token: "{{ vault_aurigraph_admin_token }}"
    stuck_older_than: 1h
  register: retry

- name: Retry two transfers and wait for them
  aurigraph.dlt.bridge_retry:
    transfer_ids: [tx-1001, tx-1002]
    wait: true
    wait_timeout: 300
    max_retries: 2
"""

RETURN = r"""
transfers:
  description: One entry per transfer considered, oldest stuck first.
  returned: always
  type: list
  elements: dict
  contains:
    transfer_id:
      description: Transfer id.
      type: str
    bridge_id:
      description: Bridge of the transfer, when known.
      type: str
    status_before:
      description: Status before the module ran.
      type: str
    status:
      description: Last status seen.
      type: str
    outcome:
      description: >-
        V(retried), V(would_retry) (check mode), V(completed), V(failed), V(timeout), V(skipped_not_retryable),
        V(not_found) or V(not_attempted).
      type: str
    reason:
      description: Why, in words.
      type: str
    attempts:
      description: Retries issued for this transfer.
      type: int
counts:
  description: Number of transfers per outcome (every outcome is present).
  returned: always
  type: dict
  sample: {"retried": 3, "would_retry": 0, "completed": 0, "failed": 0, "timeout": 0, "skipped_not_retryable": 1,
           "not_found": 0, "not_attempted": 0}
selected:
  description: Number of transfers considered.
  returned: always
  type: int
rate_limited:
  description: Whether the run stopped on the rate limit.
  returned: always
  type: bool
"""

from ansible_collections.aurigraph.dlt.plugins.module_utils.api import Client
from ansible_collections.aurigraph.dlt.plugins.module_utils.arguments import api_module
from ansible_collections.aurigraph.dlt.plugins.module_utils.bridge import (
    BridgeApi, BulkRetry, RetryPolicy, count_outcomes, select_stuck)
from ansible_collections.aurigraph.dlt.plugins.module_utils import bridge as bridge_utils
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import parse_duration


def main():
    module = api_module(
        dict(
            transfer_ids=dict(type="list", elements="str"),
            stuck_older_than=dict(type="str"),
            bridge_id=dict(type="str"),
            statuses=dict(type="list", elements="str", default=["PENDING", "SIGNED", "APPROVED", "EXECUTING"],
                          choices=["PENDING", "SIGNED", "APPROVED", "EXECUTING", "FAILED"]),
            max_retries=dict(type="int", default=1),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=600),
            concurrency=dict(type="int", default=4),
            max_transfers=dict(type="int"),
        ),
        required_one_of=[["transfer_ids", "stuck_older_than"]],
    )
    p = module.params
    if not (p["transfer_ids"] or p["stuck_older_than"]):
        module.fail_json(msg="one of the following is required: transfer_ids (not empty), stuck_older_than")
    results, rate_limited, stopped = [], False, None
    try:
        threshold = parse_duration(p["stuck_older_than"] or "1h", "stuck_older_than")
        if not 1 <= p["concurrency"] <= 16 or p["max_retries"] < 1 or p["wait_timeout"] < 1:
            module.fail_json(msg="concurrency must be 1-16, max_retries and wait_timeout at least 1")
        api = BridgeApi(Client.from_module(module))
        candidates, seen = [], set()
        for tid in p["transfer_ids"] or []:
            if tid and tid not in seen:
                seen.add(tid)
                candidates.append((tid, None))
        if p["stuck_older_than"]:
            listed = api.list_transfers(bridge_id=p["bridge_id"])
            for item in select_stuck(listed, threshold, bridge_utils._now(), p["statuses"], p["bridge_id"]):
                tid = bridge_utils.transfer_id_of(item)
                if tid not in seen:
                    seen.add(tid)
                    candidates.append((tid, item))
        limit = p["max_transfers"] if p["max_transfers"] is not None else len(candidates)
        bulk = BulkRetry(api, RetryPolicy(threshold), max_retries=p["max_retries"], wait=p["wait"],
                         wait_timeout=p["wait_timeout"], concurrency=p["concurrency"], check_mode=module.check_mode)
        results = bulk.run(candidates[:limit])
        results += [dict(transfer_id=tid, bridge_id=None, status_before=None, status=None, outcome="not_attempted",
                         reason="not attempted: beyond max_transfers=%d" % limit, attempts=0)
                    for tid, _item in candidates[limit:]]
        rate_limited, stopped = bulk.rate_limited, bulk.stop_reason
        if bulk.fatal is not None:
            raise bulk.fatal
    except DltError as exc:
        counts = count_outcomes(results)
        module.fail_json(msg=str(exc), changed=counts["retried"] + counts["completed"] + counts["failed"] > 0,
                         transfers=results, counts=counts, selected=len(results), rate_limited=rate_limited)
    counts = count_outcomes(results)
    issued = any(r.get("attempts") for r in results) or counts["would_retry"] > 0
    out = dict(changed=bool(issued), transfers=results, counts=counts, selected=len(results),
               rate_limited=rate_limited)
    if module._diff:
        touched = [r for r in results if r.get("attempts") or r["outcome"] == "would_retry"]
        out["diff"] = dict(before=dict((r["transfer_id"], r["status_before"]) for r in touched),
                           after=dict((r["transfer_id"], r["status"] if r.get("attempts") else "PENDING")
                                      for r in touched))
    summary = ", ".join("%d %s" % (n, k) for k, n in counts.items() if n)
    if stopped:
        module.fail_json(msg="incomplete: %s; stopped because %s" % (summary, stopped), **out)
    module.exit_json(msg=summary or "nothing to retry", **out)


if __name__ == "__main__":
    main()
