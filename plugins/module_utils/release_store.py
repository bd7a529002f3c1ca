# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the release records live: one JSON document (the layout of ``releases.py``) in a store.

* :class:`FileStore` - ``releases.json`` on the managed host (systemd, docker methods): atomic write; the deploy
  lock serialises writers.
* :class:`ConfigMapStore` - the key ``releases.json`` of a ConfigMap in the deployment's namespace (k8s method):
  the same JSON, written with optimistic concurrency (create refuses an existing name; replace carries the
  ``resourceVersion`` read, so a write over someone else's change is refused with HTTP 409).

:func:`update` is the one read-modify-write of both: read, apply the change to a copy, write when something
changed (never in check mode), and on a conflict read again and re-apply, a bounded number of times.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, k8s, lock, releases

# Where a module finds the records: exactly one of a file (path) and a ConfigMap (configmap), documented by the
# aurigraph.dlt.release_store doc fragment. Modules build their spec with argument_spec() and pass STORE_RULES.
STORE_RULES = dict(required_one_of=[("path", "configmap")], mutually_exclusive=[("path", "configmap")])


def argument_spec(**options):
    """The ``path``/``configmap`` options of the release records modules plus the module's own ``options``."""
    spec = dict(
        path=dict(type="path"),
        configmap=dict(type="dict", options=k8s.connection_spec(name=dict(type="str", required=True),
                                                                namespace=dict(type="str", required=True))),
    )
    spec.update(options)
    return spec


KEY = "releases.json"
CONFLICT_RETRIES = 5


class StoreConflictError(releases.ReleaseError):
    """The records changed between read and write (optimistic concurrency): read again and re-apply."""


def dump(data):
    """The stored text of a records document (also the diff text)."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


class FileStore(object):
    """Release records in a JSON file on the managed host."""

    def __init__(self, path):
        self.path = path

    def describe(self):
        return self.path

    def exists(self):
        return os.path.exists(self.path)

    def load(self):
        """``(data, version)``; the file store has no version (None)."""
        return releases.load(self.path), None

    def save(self, data, version):
        releases.save(self.path, data)


class ConfigMapStore(object):
    """Release records in the key ``releases.json`` of a ConfigMap. ``core`` is a CoreV1Api (or a fake)."""

    def __init__(self, core, namespace, name, labels=None):
        self.core = core
        self.namespace = namespace
        self.name = name
        self.labels = dict({"app.kubernetes.io/managed-by": "aurigraph.dlt",
                            "app.kubernetes.io/component": "release-records"}, **(labels or {}))

    def describe(self):
        return "ConfigMap %s/%s (%s)" % (self.namespace, self.name, KEY)

    def _read(self):
        try:
            return self.core.read_namespaced_config_map(self.name, self.namespace)
        except k8s.ApiException as exc:
            if exc.status == 404:
                return None
            raise releases.ReleaseError("cannot read the release records in %s: %s"
                                        % (self.describe(), k8s.api_reason(exc)))

    def exists(self):
        return self._read() is not None

    def load(self):
        """``(data, resourceVersion)``; a missing ConfigMap (or key) is an empty history with version None."""
        found = self._read()
        if found is None:
            return releases.empty(), None
        text = (found.data or {}).get(KEY)
        version = found.metadata.resource_version
        if not text:
            return releases.empty(), version
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise releases.ReleaseError("the release records in %s are not valid JSON (%s): fix or delete the key to "
                                        "start a new history" % (self.describe(), exc))
        if not isinstance(data, dict) or not isinstance(data.get("releases"), dict):
            raise releases.ReleaseError("the release records in %s have an unknown layout: delete the key to start a "
                                        "new history" % self.describe())
        if data.get("format", releases.FORMAT) > releases.FORMAT:
            raise releases.ReleaseError("the release records in %s use format %s, newer than this collection "
                                        "understands (%s)" % (self.describe(), data.get("format"), releases.FORMAT))
        data.setdefault("counter", 0)
        data.setdefault("current", None)
        data["format"] = releases.FORMAT
        return data, version

    def save(self, data, version):
        """Create the ConfigMap (version None) or replace it at ``version``; StoreConflictError on HTTP 409."""
        metadata = {"name": self.name, "namespace": self.namespace, "labels": self.labels}
        if version is not None:
            metadata["resourceVersion"] = version
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {KEY: dump(data)}}
        try:
            if version is None:
                self.core.create_namespaced_config_map(self.namespace, body)
            else:
                self.core.replace_namespaced_config_map(self.name, self.namespace, body)
        except k8s.ApiException as exc:
            if exc.status == 409:
                raise StoreConflictError("the release records in %s changed while being written"
                                         % self.describe())
            raise releases.ReleaseError("cannot write the release records to %s: %s"
                                        % (self.describe(), k8s.api_reason(exc)))


def from_params(params):
    """The store named by a module's ``path`` or ``configmap`` option (exactly one is set)."""
    if params.get("configmap"):
        options = params["configmap"]
        api = k8s.client_from_params(options)
        return ConfigMapStore(k8s.k8s_client.CoreV1Api(api), options["namespace"], options["name"])
    return FileStore(params["path"])


def read(store):
    """The records of ``store`` (no write)."""
    return store.load()[0]


def update(store, change, check_mode=False, retries=CONFLICT_RETRIES):
    """Read-modify-write: ``change(data)`` mutates ``data`` and returns ``(changed, extra)``.

    Returns ``(before, after, changed, extra)``. Nothing is written unless ``changed`` and not ``check_mode``. A
    write that conflicts with another writer re-reads the store and re-applies ``change`` (at most ``retries``
    times), so no concurrent change is lost.
    """
    attempt = 0
    while True:
        before, version = store.load()
        after = copy.deepcopy(before)
        changed, extra = change(after)
        if not changed or check_mode:
            return before, after, changed, extra
        try:
            store.save(after, version)
            return before, after, changed, extra
        except StoreConflictError:
            attempt += 1
            if attempt > retries:
                raise StoreConflictError("the release records in %s kept changing while being written "
                                         "(%d attempts): another run writes them at the same time"
                                         % (store.describe(), attempt))


# ---------------------------------------------------------------- the modules' entry points
def _paths_of(record, releases_dir):
    paths = []
    if releases_dir:
        paths.append(os.path.join(releases_dir, record["id"]))
    if record.get("db_backup"):
        paths.append(record["db_backup"])
    return [p for p in paths if os.path.lexists(p)]


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def apply_record(params, data):
    """Apply a release_record task to ``data``; returns ``(changed, dropped_records)``."""
    rid, changed, dropped = params["release_id"], False, []
    if params["state"] == "absent":
        record = releases.get(data, rid)
        if record is not None:
            if data.get("current") == rid:
                raise releases.ReleaseError("release '%s' is the current release and cannot be removed" % rid)
            del data["releases"][rid]
            dropped.append(record)
            changed = True
    elif rid:
        fields = dict((k, params.get(k)) for k in releases.FIELDS)
        fields["message"] = params["reason"]
        changed |= releases.ensure(data, rid, fields, user=params["user"])
        if params["status"]:
            changed |= releases.set_status(data, rid, params["status"])
        if params["current"]:
            changed |= releases.activate(data, rid, user=params["user"])
    if params.get("event"):
        changed |= releases.add_event(data, params["event"], reason=params["reason"], user=params["user"],
                                      details=params.get("event_details"))
    if params["keep"] is not None:
        pruned = releases.prune(data, params["keep"])
        dropped.extend(pruned)
        changed |= bool(pruned)
    return changed, dropped


def record(params, check_mode=False, diff=False, warn=None):
    """aurigraph.dlt.release_record: the change, written to the store (not in check mode). Returns the result."""
    if not params["release_id"] and params["keep"] is None and not params.get("event"):
        raise errors.ValidationError("release_id is required unless the task only prunes with keep or records an event")
    if params.get("event") and params["release_id"]:
        raise errors.ValidationError("event records what happened to the service (it names the current release "
                                     "itself): leave release_id out")
    if params["sha256"] is not None and not re.match(r"^[0-9a-f]{64}$", params["sha256"]):
        raise errors.ValidationError("sha256 must be 64 lowercase hexadecimal characters, got '%s'" % params["sha256"])
    store = from_params(params)
    before, after, changed, dropped = update(store, lambda data: apply_record(params, data), check_mode)
    # release directories and DB dumps exist on a host only (file store)
    removed = []
    if isinstance(store, FileStore):
        for dropped_record in dropped:
            removed.extend(_paths_of(dropped_record, params["releases_dir"]))
        if changed and not check_mode:
            for path in removed:
                try:
                    _remove(path)
                except OSError as exc:
                    if warn:
                        warn("could not delete %s of a pruned release: %s" % (path, exc.strerror or exc))
    summary = releases.summary(after)
    result = dict(changed=changed, record=releases.get(after, params["release_id"]) if params["release_id"] else None,
                  current_id=summary["current_id"], previous_good_id=summary["previous_good_id"],
                  pruned=[r["id"] for r in dropped], removed_paths=removed,
                  event=summary["events"][-1] if params.get("event") and summary["events"] else None)
    if diff and changed:
        result["diff"] = dict(before=dump(before), after=dump(after), before_header=store.describe(),
                              after_header=store.describe())
    return result


def info(params):
    """aurigraph.dlt.release_info: the records, the current and previous good release, the rollback target."""
    store = from_params(params)
    data, version = store.load()
    result = dict(changed=False, exists=store.exists() if version is None else True, release=None,
                  rollback_target=None, rollback_db_backup=None)
    result.update(releases.summary(data))
    result["release"] = releases.get(data, params["release_id"]) if params["release_id"] else None
    holder = lock.read(params["lock_path"]) if params.get("lock_path") else None
    result["interrupted"] = releases.interrupted(data, holder, params.get("lock_path"))
    if params["failed_release"]:
        result["rollback_target"], result["rollback_db_backup"] = releases.auto_rollback(data, params["failed_release"])
    else:
        target = releases.rollback_target(data, params["rollback_to"])
        result["rollback_target"] = target
        if target:
            result["rollback_db_backup"] = releases.db_backup_for(data, target["id"])[0]
    return result
