# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bridge transfers: stuck selection, retry policy and bounded-concurrency bulk retry.

* "Stuck" (alert ``BridgeTransactionStuck``) means an in-flight status (PENDING, SIGNED, APPROVED, EXECUTING)
  unchanged for longer than a threshold. No status named STUCK exists. The age is measured from ``updatedAt``
  (falling back to ``createdAt``), so a transfer re-queued by a retry is not stuck again at once: re-runs are
  idempotent.
* Real builds may ignore the filters of ``GET /api/v11/bridge/transfers``: everything is filtered client-side.
* Retryable: FAILED, or an in-flight transfer older than the threshold. COMPLETED and CANCELLED never are;
  the service's HTTP 409 is reported as ``skipped_not_retryable``.
* Rate limit: a 429 whose ``retryAfterSeconds`` does not fit in the per-call budget stops the run; the
  transfers not tried yet are reported as ``not_attempted``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors
from ansible_collections.aurigraph.dlt.plugins.module_utils.api import quote_segment
from ansible_collections.aurigraph.dlt.plugins.module_utils.timeutil import format_duration, parse_time

IN_FLIGHT = ("PENDING", "SIGNED", "APPROVED", "EXECUTING")
ALL_STATUSES = IN_FLIGHT + ("COMPLETED", "FAILED", "CANCELLED")
FINAL = ("COMPLETED", "CANCELLED")
OUTCOMES = ("retried", "would_retry", "completed", "failed", "timeout", "skipped_not_retryable", "not_found",
            "not_attempted")
LIST_PATH = "/api/v11/bridge/transfers"
PAGE_SIZE = 500
MAX_PAGES = 200
LIST_POLL_THRESHOLD = 25
MAX_CONCURRENCY = 16
POLL_START = 2.0
POLL_CAP = 15.0

# Indirections for tests.
_now = time.time


def transfer_id_of(item):
    for key in ("transferId", "transfer_id", "id"):
        if item.get(key) not in (None, ""):
            return str(item.get(key))
    return None


def bridge_id_of(item):
    for key in ("bridgeId", "bridge_id"):
        if item.get(key) not in (None, ""):
            return str(item.get(key))
    return None


def status_of(item):
    return str(item.get("status") or "").strip().upper() if isinstance(item, dict) else ""


def changed_at(item):
    """Epoch seconds of the last status change: updatedAt, else createdAt (camelCase or snake_case)."""
    for key in ("updatedAt", "updated_at", "createdAt", "created_at"):
        value = parse_time(item.get(key))
        if value is not None:
            return value
    return None


class RetryPolicy(object):
    """Decides whether one transfer may be retried now."""

    def __init__(self, threshold):
        self.threshold = float(threshold)

    def decide(self, item, now):
        """Return ``(retryable, reason)``."""
        status = status_of(item)
        if status == "FAILED":
            return True, "FAILED"
        if status in FINAL:
            return False, "status %s is final" % status
        if status in IN_FLIGHT:
            at = changed_at(item)
            if at is None:
                return False, "status %s without a usable updatedAt/createdAt" % status
            age = now - at
            if age > self.threshold:
                return True, "%s for %s" % (status, format_duration(age))
            return False, "%s for only %s (stuck threshold %s)" % (
                status, format_duration(max(0, age)), format_duration(self.threshold))
        return False, "unknown status %r" % (status or None,)


def select_stuck(transfers, threshold, now, statuses=IN_FLIGHT, bridge_id=None):
    """Transfers in ``statuses`` unchanged for more than ``threshold`` seconds, oldest first (client-side)."""
    wanted = set(s.upper() for s in statuses)
    picked = []
    for item in transfers:
        if not isinstance(item, dict) or transfer_id_of(item) is None:
            continue
        if status_of(item) not in wanted:
            continue
        if bridge_id and bridge_id_of(item) not in (None, bridge_id):
            continue
        at = changed_at(item)
        if at is None or now - at <= threshold:
            continue
        picked.append((at, item))
    picked.sort(key=lambda pair: pair[0])
    return [item for _at, item in picked]


def summarise(item, now=None):
    """The part of a transfer that modules return (no hashes of secrets are in transfers)."""
    now = _now() if now is None else now
    at = changed_at(item)
    out = {"transfer_id": transfer_id_of(item), "bridge_id": bridge_id_of(item), "status": status_of(item) or None,
           "age_seconds": int(now - at) if at is not None else None}
    for key in ("amount", "tokenSymbol", "fromChain", "toChain", "sourceChain", "targetChain", "retryCount",
                "errorCode", "errorDetails", "createdAt", "updatedAt", "completedAt"):
        if key in item:
            out[key] = item[key]
    return out


class BridgeApi(object):
    def __init__(self, client):
        self.client = client

    def bridge_status(self, bridge_id):
        return self.client.get_json("/api/v11/bridge/status/%s" % quote_segment(bridge_id))

    def transfer_status(self, transfer_id):
        """The transfer, or None when the service does not know the id."""
        try:
            return self.client.get_json("/api/v11/bridge/transfer/%s/status" % quote_segment(transfer_id))
        except errors.NotFoundError:
            return None

    def retry(self, transfer_id):
        return self.client.request("POST", "/api/v11/bridge/retry/%s" % quote_segment(transfer_id)).json or {}

    def list_transfers(self, bridge_id=None, page_size=PAGE_SIZE):
        """Every transfer the service lists (paged with offset/limit; copes with builds ignoring paging)."""
        found = {}
        order = []
        offset = 0
        for _page in range(MAX_PAGES):
            data = self.client.get_json(LIST_PATH, query={"bridgeId": bridge_id, "offset": offset, "limit": page_size},
                                        missing="endpoint")
            items = data.get("transfers")
            if not isinstance(items, list):
                raise errors.ResponseError("GET %s returned no transfers list" % LIST_PATH)
            new = 0
            for item in items:
                tid = transfer_id_of(item) if isinstance(item, dict) else None
                if tid is not None and tid not in found:
                    found[tid] = item
                    order.append(tid)
                    new += 1
            total = data.get("totalTransfers")
            offset += len(items)
            if new == 0 or len(items) < page_size or len(items) > page_size:
                break
            if isinstance(total, int) and not isinstance(total, bool) and offset >= total:
                break
        return [found[tid] for tid in order]


class BulkRetry(object):
    """Retry transfers with a small thread pool; optionally wait for them to finish.

    ``candidates`` are ``(transfer_id, transfer_or_None)``; None means "read its status first".
    """

    def __init__(self, api, policy, max_retries=1, wait=False, wait_timeout=600, concurrency=4, check_mode=False,
                 clock=None, sleep=None):
        self.api = api
        self.policy = policy
        self.max_retries = max(1, int(max_retries))
        self.wait = wait
        self.wait_timeout = float(wait_timeout)
        self.concurrency = max(1, min(MAX_CONCURRENCY, int(concurrency)))
        self.check_mode = check_mode
        self.clock = clock or api.client.clock
        self.sleep = sleep or api.client.sleep
        self.stop = threading.Event()
        self.stop_reason = None
        self.stop_error = None
        self.fatal = None
        self._lock = threading.Lock()

    def _halt(self, exc, fatal=False):
        with self._lock:
            if not self.stop.is_set():
                self.stop_reason = str(exc)
                self.stop_error = exc
                if fatal:
                    self.fatal = exc
                self.stop.set()

    def _map(self, func, items):
        if self.concurrency == 1 or len(items) <= 1:
            return [func(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(func, items))

    # -------------------------------------------------------------- phase 1: retry
    def _retry_one(self, candidate):
        transfer_id, item = candidate
        entry = {"transfer_id": transfer_id, "bridge_id": None, "status_before": None, "status": None,
                 "outcome": "not_attempted", "reason": None, "attempts": 0}
        if self.stop.is_set():
            entry["reason"] = "not attempted: %s" % self.stop_reason
            return entry
        try:
            if item is None:
                item = self.api.transfer_status(transfer_id)
                if item is None:
                    entry.update(outcome="not_found", reason="the service does not know this transfer")
                    return entry
            entry.update(bridge_id=bridge_id_of(item), status_before=status_of(item) or None,
                         status=status_of(item) or None)
            if "retryCount" in item:
                entry["retry_count"] = item.get("retryCount")
            ok, reason = self.policy.decide(item, _now())
            entry["reason"] = reason
            if not ok:
                entry["outcome"] = "skipped_not_retryable"
                return entry
            if self.check_mode:
                entry["outcome"] = "would_retry"
                return entry
            self._post_retry(entry)
        except errors.RateLimitError as exc:
            self._halt(exc)
            entry.update(outcome="not_attempted", reason="not attempted: %s" % exc)
        except (errors.AuthenticationError, errors.EndpointMissingError) as exc:
            self._halt(exc, fatal=True)
            entry.update(outcome="not_attempted", reason="not attempted: %s" % exc)
        except errors.DltError as exc:
            entry.update(outcome="failed", reason=str(exc))
        return entry

    def _post_retry(self, entry):
        try:
            answer = self.api.retry(entry["transfer_id"])
        except errors.ConflictError as exc:
            body = exc.body if isinstance(exc.body, dict) else {}
            why = body.get("error") or "HTTP 409"
            if isinstance(body.get("reason"), str) and body.get("reason"):
                why = "%s (%s)" % (why, body.get("reason"))
            entry.update(outcome="skipped_not_retryable", reason="the service refused: %s" % why)
            if body.get("status"):
                entry["status"] = str(body.get("status")).upper()
            return
        except errors.NotFoundError:
            entry.update(outcome="not_found", reason="the service does not know this transfer")
            return
        entry["attempts"] += 1
        entry["outcome"] = "retried"
        entry["status"] = status_of(answer) or "PENDING"
        if "retryCount" in answer:
            entry["retry_count"] = answer.get("retryCount")

    # -------------------------------------------------------------- phase 2: wait
    def _poll(self, entries):
        """Current transfers of ``entries`` by id (list endpoint for many, per-transfer GET for few)."""
        ids = [e["transfer_id"] for e in entries]
        current = {}
        if len(ids) > LIST_POLL_THRESHOLD:
            wanted = set(ids)
            bridges = set(e["bridge_id"] for e in entries)
            bridge = bridges.pop() if len(bridges) == 1 else None
            for item in self.api.list_transfers(bridge_id=bridge):
                tid = transfer_id_of(item)
                if tid in wanted:
                    current[tid] = item
        missing = [i for i in ids if i not in current]

        def get(tid):
            return tid, self.api.transfer_status(tid)

        for tid, item in self._map(get, missing):
            current[tid] = item
        return current

    def _wait_all(self, results):
        outstanding = [e for e in results if e["outcome"] == "retried"]
        deadline = self.clock() + self.wait_timeout
        delay = POLL_START
        while outstanding and not self.stop.is_set():
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            self.sleep(min(delay, remaining))
            delay = min(POLL_CAP, delay * 1.5)
            try:
                current = self._poll(outstanding)
            except errors.DltError as exc:
                self._halt(exc, fatal=isinstance(exc, (errors.AuthenticationError, errors.EndpointMissingError)))
                break
            again = []
            for entry in outstanding:
                item = current.get(entry["transfer_id"])
                if item is None:
                    entry.update(outcome="not_found", reason="the transfer disappeared while waiting")
                    continue
                status = status_of(item)
                entry["status"] = status
                if "retryCount" in item:
                    entry["retry_count"] = item.get("retryCount")
                if status == "COMPLETED":
                    entry.update(outcome="completed", reason="COMPLETED after %d retr%s"
                                 % (entry["attempts"], "y" if entry["attempts"] == 1 else "ies"))
                elif status in ("FAILED", "CANCELLED"):
                    if status == "FAILED" and entry["attempts"] < self.max_retries:
                        again.append(entry)
                    else:
                        entry.update(outcome="failed", reason="%s after %d retr%s" % (
                            status, entry["attempts"], "y" if entry["attempts"] == 1 else "ies"))
            if again:
                def redo(entry):
                    try:
                        self._post_retry(entry)
                    except errors.RateLimitError as exc:
                        self._halt(exc)
                    except errors.DltError as exc:
                        entry.update(outcome="failed", reason=str(exc))
                    return entry
                self._map(redo, again)
            outstanding = [e for e in outstanding if e["outcome"] == "retried"]
        for entry in outstanding:
            if self.stop.is_set():
                entry["reason"] = "retried; waiting stopped: %s" % self.stop_reason
            else:
                entry.update(outcome="timeout", reason="still %s after waiting %s" % (
                    entry["status"], format_duration(self.wait_timeout)))

    # -------------------------------------------------------------- run
    @property
    def rate_limited(self):
        return isinstance(self.stop_error, errors.RateLimitError)

    def run(self, candidates):
        results = self._map(self._retry_one, candidates)
        if self.wait and not self.check_mode:
            self._wait_all(results)
        return results


def count_outcomes(results):
    counts = dict((name, 0) for name in OUTCOMES)
    for entry in results:
        counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
    return counts
