# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A per-host deploy lock: one JSON file created with ``O_CREAT | O_EXCL``.

The file records who holds the lock (``owner``), the run that took it (``token``), the play and the time.
A second run fails with a clear message, or waits up to ``timeout`` seconds for the holder to release it.
A lock older than ``stale_after`` seconds is reported as stale (its run probably died) with how to clear it;
``force`` breaks it. Clock and sleep are injectable for the unit tests.
"""

from __future__ import annotations

import errno
import json
import os
import time
import uuid

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError


class LockError(DltError):
    """A one-line, user-facing lock problem (``holder``: the lock record that blocks, if any)."""

    def __init__(self, msg, holder=None):
        super(LockError, self).__init__(msg, holder=holder)


def new_token():
    return uuid.uuid4().hex


def read(path):
    """The holder recorded in the lock file, None when there is no lock. An unreadable or corrupt lock
    file is still a lock: its holder is reported as unknown, aged by the file's mtime."""
    try:
        with open(path, "r", encoding="utf-8") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LockError("cannot read deploy lock %s: %s" % (path, exc.strerror or exc))
    try:
        holder = json.loads(raw)
        if not isinstance(holder, dict):
            raise ValueError("not an object")
    except ValueError:
        holder = {"owner": "unknown (unreadable lock file)"}
    if not isinstance(holder.get("acquired_at"), (int, float)):
        try:
            holder["acquired_at"] = os.stat(path).st_mtime
        except OSError:
            holder["acquired_at"] = 0
    return holder


def _describe(path, holder, now):
    age = max(0, int(now - holder.get("acquired_at", now)))
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(holder.get("acquired_at", now)))
    play = " (play '%s')" % holder["play"] if holder.get("play") else ""
    return "deploy lock %s is held by %s%s since %s (%ss ago)" % (path, holder.get("owner") or "unknown", play, when, age)


def _create(path, record):
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, sort_keys=True)
        handle.write("\n")


def _remove(path, holder=None):
    """Delete the lock file; a lock already gone is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise LockError("cannot remove deploy lock %s: %s" % (path, exc.strerror or exc), holder)


def acquire(path, owner, token=None, play=None, timeout=0, stale_after=3600, force=False, check_mode=False,
            hint="", interval=2.0, clock=time.time, sleep=time.sleep):
    """Take the lock. Returns a dict: ``acquired`` (bool), ``token``, ``holder`` (the new record),
    ``broken`` (the record of a lock removed by ``force``, or None), ``waited`` (seconds)."""
    token = token or new_token()
    start = clock()
    broken = None
    hint = (" " + hint) if hint else ""
    while True:
        now = clock()
        holder = read(path)
        if holder is not None and holder.get("token") == token:
            return {"acquired": False, "token": token, "holder": holder, "broken": None, "waited": 0}
        if holder is not None:
            age = now - holder.get("acquired_at", now)
            if force:
                broken = holder
                if not check_mode:
                    _remove(path, holder)
                    continue
                holder = None
            elif age > stale_after:
                raise LockError("%s and is stale (older than %ss): the run that took it probably died. Make sure no "
                                "deploy is running on this host, then clear it%s"
                                % (_describe(path, holder, now), stale_after, hint), holder)
            elif now - start >= timeout:
                waited = " after waiting %ss" % int(now - start) if timeout else ""
                died = "; if that run died (killed, connection lost), clear it%s" % hint if hint else ""
                raise LockError("%s: another deploy is running on this host%s; wait for it to finish or set a "
                                "lock timeout to wait for it%s" % (_describe(path, holder, now), waited, died), holder)
            else:
                sleep(max(0.1, min(interval, timeout - (now - start))))
                continue
        record = {"owner": owner, "token": token, "play": play, "pid": os.getpid(), "acquired_at": now,
                  "acquired": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
        if check_mode:
            return {"acquired": True, "token": token, "holder": record, "broken": broken, "waited": int(now - start)}
        try:
            _create(path, record)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                continue  # lost a race with another run: look at the new holder
            raise LockError("cannot create deploy lock %s: %s" % (path, exc.strerror or exc))
        return {"acquired": True, "token": token, "holder": record, "broken": broken, "waited": int(now - start)}


def release(path, token, check_mode=False):
    """Drop the lock if ``token`` holds it. Returns ``(released, warning)``; never raises for a missing lock."""
    holder = read(path)
    if holder is None:
        return False, None
    if holder.get("token") != token:
        return False, ("deploy lock %s is now held by %s, not by this run (it was cleared with force?): left in place"
                       % (path, holder.get("owner") or "unknown"))
    if not check_mode:
        _remove(path)
    return True, None
