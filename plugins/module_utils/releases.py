# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release records of a deployment target, shared by every deploy method (systemd, docker, k8s).

One JSON document per host and service (``releases.json``) holds every release the host has seen:

* ``counter`` — a monotonic sequence; every new record and every activation takes the next value, so
  ordering never depends on file times;
* ``current`` — the id of the release the service was last switched to;
* ``releases`` — ``{id: record}``; a record carries version, sha256, artifact, method, who and when,
  ``status`` (``pending`` → ``good`` | ``failed``; ``rolled_back`` after a manual rollback away from
  it), ``seq`` (creation), ``activated_seq`` (last time it became current) and the DB dump taken
  before it was switched to (``db_backup``, ``db_backup_of``: the release that was running then).

Failed and pending releases are never rollback targets; "previous good" is the good release that
was most recently current, other than the current one. Everything here is pure data manipulation
(plus an atomic load/save), unit-tested without Ansible.
"""

from __future__ import annotations

import json
import os
import tempfile
import time

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

FORMAT = 1
STATUSES = ("pending", "good", "failed", "rolled_back")
# Descriptive fields a caller may set on a record; sha256/version are fixed once recorded.
FIELDS = ("version", "sha256", "artifact", "method", "commit", "message", "db_backup", "db_backup_of")
IMMUTABLE = ("version", "sha256")
# Operational events recorded beside the releases (stop.yml / start.yml): what happened to the service, who, when, why.
EVENTS = ("stopped", "killed", "isolated", "started")
MAX_EVENTS = 200


class ReleaseError(DltError):
    """A one-line, user-facing problem with the release records."""


def now_iso(clock=time.time):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock()))


def empty():
    return {"format": FORMAT, "counter": 0, "current": None, "releases": {}}


def load(path):
    """Read the records at ``path``; a missing file is an empty history."""
    if not os.path.exists(path):
        return empty()
    try:
        with open(path, "r", encoding="utf-8") as handle:
            data = json.load(handle)
    except ValueError as exc:
        raise ReleaseError("release records at %s are not valid JSON (%s): restore the file from a backup "
                           "or move it away to start a new history" % (path, exc))
    except OSError as exc:
        raise ReleaseError("cannot read release records at %s: %s" % (path, exc.strerror or exc))
    if not isinstance(data, dict) or not isinstance(data.get("releases"), dict):
        raise ReleaseError("release records at %s have an unknown layout: move the file away to start a new history"
                           % path)
    if data.get("format", FORMAT) > FORMAT:
        raise ReleaseError("release records at %s use format %s, newer than this collection understands (%s)"
                           % (path, data.get("format"), FORMAT))
    data.setdefault("counter", 0)
    data.setdefault("current", None)
    data["format"] = FORMAT
    return data


def save(path, data, mode=0o644):
    """Write atomically: a temporary file in the same directory, fsync, rename."""
    directory = os.path.dirname(path) or "."
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        fd, tmp = tempfile.mkstemp(prefix=".releases-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise ReleaseError("cannot write release records at %s: %s" % (path, exc.strerror or exc))


def _next(data):
    data["counter"] = int(data.get("counter", 0)) + 1
    return data["counter"]


def get(data, release_id):
    return data["releases"].get(release_id)


def require(data, release_id):
    record = get(data, release_id)
    if record is None:
        known = ", ".join(r["id"] for r in ordered(data)) or "none"
        raise ReleaseError("unknown release '%s' (known releases: %s)" % (release_id, known))
    return record


def ordered(data):
    """Records oldest first, by creation sequence."""
    return sorted(data["releases"].values(), key=lambda r: r.get("seq", 0))


def ensure(data, release_id, fields, user=None, clock=time.time):
    """Create the record of ``release_id`` or update its descriptive fields. Returns True if changed."""
    if not release_id or "/" in release_id or release_id.startswith("."):
        raise ReleaseError("invalid release id '%s': it must be a plain name (no '/', not starting with '.')"
                           % release_id)
    record = get(data, release_id)
    values = dict((k, v) for k, v in fields.items() if k in FIELDS and v is not None)
    if record is None:
        record = {"id": release_id, "seq": _next(data), "status": "pending", "created_at": now_iso(clock),
                  "created_by": user, "activated_seq": None, "activated_at": None, "activated_by": None}
        record.update(values)
        data["releases"][release_id] = record
        return True
    changed = False
    for key, value in values.items():
        if key in IMMUTABLE and record.get(key) not in (None, value):
            raise ReleaseError("release '%s' is recorded with %s %s, not %s: a release id names one artifact; "
                               "use a new version or remove the old record" % (release_id, key, record[key], value))
        if record.get(key) != value:
            record[key] = value
            changed = True
    return changed


def set_status(data, release_id, status, message=None, clock=time.time):
    if status not in STATUSES:
        raise ReleaseError("invalid release status '%s' (one of %s)" % (status, ", ".join(STATUSES)))
    record = require(data, release_id)
    changed = record.get("status") != status
    if changed:
        record["status"] = status
        record["status_at"] = now_iso(clock)
    if message is not None and record.get("message") != message:
        record["message"] = message
        changed = True
    return changed


def activate(data, release_id, user=None, clock=time.time):
    """Make ``release_id`` the current release. Returns True if it was not current already."""
    record = require(data, release_id)
    if data.get("current") == release_id and record.get("activated_seq"):
        return False
    data["previous"] = data.get("current")
    data["current"] = release_id
    record["activated_seq"] = _next(data)
    record["activated_at"] = now_iso(clock)
    record["activated_by"] = user
    return True


def current(data):
    cur = data.get("current")
    return get(data, cur) if cur else None


def _activation_key(record):
    return (record.get("activated_seq") or 0, record.get("seq") or 0)


def previous_good(data, exclude=None):
    """The good release most recently current, other than ``exclude`` (default: the current one)."""
    exclude = data.get("current") if exclude is None else exclude
    candidates = [r for r in data["releases"].values() if r.get("status") == "good" and r["id"] != exclude]
    if not candidates:
        return None
    return max(candidates, key=_activation_key)


def rollback_target(data, rollback_to=None):
    """Resolve a rollback target: ``rollback_to`` when given (must exist and not be failed/pending), else
    the previous good release. Returns a record or None when there is nothing to roll back to."""
    if rollback_to:
        record = require(data, rollback_to)
        if record.get("status") in ("failed", "pending"):
            raise ReleaseError("release '%s' is marked %s and cannot be a rollback target%s"
                               % (rollback_to, record.get("status"),
                                  ": %s" % record["message"] if record.get("message") else ""))
        return record
    return previous_good(data)


def auto_rollback(data, failed_id):
    """Where an automatic rollback goes after release ``failed_id`` failed its gate, and with which DB dump.

    The target is the good release most recently current other than the failed one: the release that ran
    before (still current when the switch did not happen, or the one just switched away from), else the
    previous good one. The dump is the one taken before the failed release's switch, when it captured the
    target's state (else the newest dump taken while the target ran). Returns ``(record or None, dump or None)``.
    """
    target = previous_good(data, exclude=failed_id)
    if target is None:
        return None, None
    failed = get(data, failed_id) or {}
    if failed.get("db_backup") and failed.get("db_backup_of") == target["id"]:
        return target, failed["db_backup"]
    return target, db_backup_for(data, target["id"])[0]


def db_backup_for(data, target_id):
    """The newest DB dump taken while ``target_id`` was the running release (the state to restore when
    rolling back to it), as ``(path, taken_before_release_id)`` or ``(None, None)``."""
    best = None
    for record in data["releases"].values():
        if record.get("db_backup") and record.get("db_backup_of") == target_id:
            if best is None or record.get("seq", 0) > best.get("seq", 0):
                best = record
    return (best["db_backup"], best["id"]) if best else (None, None)


def prune(data, keep):
    """Drop records beyond retention and return them (callers delete their files).

    Keeps the ``keep`` most recently activated runnable releases (good or rolled_back; the current one
    always counts and is never dropped) and the ``keep`` newest failed/pending ones. A DB dump referenced
    by a kept record's ``db_backup`` goes with its record.
    """
    if keep < 1:
        raise ReleaseError("keep must be at least 1 (got %s)" % keep)
    cur = data.get("current")
    runnable = [r for r in data["releases"].values() if r.get("status") in ("good", "rolled_back") or r["id"] == cur]
    others = [r for r in data["releases"].values() if r not in runnable]
    runnable.sort(key=lambda r: (r["id"] == cur,) + _activation_key(r), reverse=True)
    others.sort(key=lambda r: r.get("seq", 0), reverse=True)
    dropped = runnable[keep:] + others[keep:]
    for record in dropped:
        del data["releases"][record["id"]]
    return sorted(dropped, key=lambda r: r.get("seq", 0))


def add_event(data, event, reason=None, user=None, details=None, clock=time.time):
    """Append an operational event (``EVENTS``: stopped, killed, isolated, started) to the history, with who, when,
    why and the release that was current. Keeps the newest ``MAX_EVENTS``. Always a change (an event happened)."""
    if event not in EVENTS:
        raise ReleaseError("invalid event '%s' (one of %s)" % (event, ", ".join(EVENTS)))
    entry = {"event": event, "at": now_iso(clock), "by": user, "reason": reason, "release": data.get("current"),
             "seq": _next(data)}
    if details:
        entry["details"] = details
    events = data.setdefault("events", [])
    events.append(entry)
    del events[:-MAX_EVENTS]
    return True


def events(data):
    """Operational events, oldest first (an empty list for records written before events existed)."""
    return list(data.get("events") or [])


def interrupted(data, holder=None, lock_path=None, now=None):
    """The half-done state a run cut off during its switch leaves behind, or None.

    A deploy makes its release current (status ``pending``) right before the switch and marks it ``good`` or
    ``failed`` when the health gate and the rollback are done, so a current release still ``pending`` means a run
    started switching to it and never finished. ``holder`` is the record of the deploy lock at ``lock_path`` (None
    when no lock is held): a run that died holds it until it is broken. Returns a dict: ``release`` (the pending
    record), ``previous_id`` (the release current before it), ``lock`` (``holder``), ``message`` (one paragraph:
    what was found, why this host cannot tell a dead run from a live one, and what to do).
    """
    record = current(data)
    if record is None or record.get("status") != "pending":
        return None
    previous_id = data.get("previous")
    if previous_id == record["id"]:
        previous_id = None
    back = previous_good(data)
    found = ("release %s (version %s) was made current by %s at %s to be switched to and never finished: its "
             "record is still pending (it neither passed the health gate nor was rolled back)"
             % (record["id"], record.get("version") or "?", record.get("activated_by") or "unknown",
                record.get("activated_at") or "an unknown time"))
    outcome = ("the re-run restarts release %s and puts it through the health gate, then commits it or rolls back to "
               "%s" % (record["id"], back["id"] if back else "nothing (it would be stopped)"))
    if holder is None:
        message = "%s; no deploy lock is held: %s" % (found, outcome)
    else:
        now = time.time() if now is None else now
        acquired = holder.get("acquired_at") if isinstance(holder.get("acquired_at"), (int, float)) else now
        play = " (play '%s')" % holder["play"] if holder.get("play") else ""
        message = (
            "deploy lock %s is held by %s%s since %s (%ss ago): another deploy is running on this host, or that run "
            "was cut off during its switch (connection lost, controller killed): %s. This host cannot tell a dead "
            "run from a live one (the run lives on its controller, and a live run is silent here while it waits in "
            "the health gate), so breaking the lock is the operator's call: if no ansible-playbook run of %s is "
            "still running, re-run with -e aurigraph_lock_force=true; %s"
            % (lock_path or "?", holder.get("owner") or "unknown", play,
               time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(acquired)), max(0, int(now - acquired)), found,
               holder.get("owner") or "unknown", outcome))
    return {"release": record, "previous_id": previous_id, "lock": holder, "message": message}


def summary(data):
    """A compact view for module results."""
    cur = current(data)
    prev = previous_good(data)
    return {
        "current": cur,
        "current_id": cur["id"] if cur else None,
        "previous_good": prev,
        "previous_good_id": prev["id"] if prev else None,
        "releases": ordered(data),
        "events": events(data),
    }
