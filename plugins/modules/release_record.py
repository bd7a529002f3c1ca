#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: release_record
short_description: Manage the release records of an Aurigraph deployment target
version_added: 0.1.0
description:
  - Creates, updates, activates, marks and prunes the release records kept on the managed host in one JSON
    file (for example C(/opt/aurigraph/v11/.deploy/releases.json)). Every deploy method of the collection
    (systemd, docker, k8s) uses the same records.
  - A record holds the version, sha256, artifact, deploy method, who created and activated it and when, its
    status (C(pending), C(good), C(failed), C(rolled_back)) and the DB dump taken before it was switched to.
  - Ordering comes from a sequence counter stored in the file, never from file times.
  - Failed and pending releases are never chosen as rollback targets (see M(aurigraph.dlt.release_info)).
  - With O(keep), records beyond retention are dropped and, when O(releases_dir) is set, their release
    directories C(<releases_dir>/<release_id>) and recorded DB dumps are deleted. The current release and the
    O(keep) most recently activated good releases are always kept.
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: full
    description: Computes and returns the change without writing the records or deleting anything.
  diff_mode:
    support: full
    description: The diff shows the records file before and after; it holds no secrets.
options:
  path:
    description: The release records file on the managed host. Its directory is created if missing.
    type: path
    required: true
  release_id:
    description:
      - The release to create or update, for example C(11.4.5-1a2b3c4d-0e9f8a).
      - A plain name, no C(/). Required unless the task only prunes (O(keep) without O(release_id)).
    type: str
  state:
    description: V(present) creates or updates the record, V(absent) removes it (never the current release).
    type: str
    choices: [present, absent]
    default: present
  status:
    description:
      - Set the status. New records start as V(pending) when not given.
    type: str
    choices: [pending, good, failed, rolled_back]
  current:
    description: Make this release the current one (the one the service runs). Takes the next sequence number.
    type: bool
    default: false
  version:
    description: Version of the release. Fixed once recorded.
    type: str
  sha256:
    description: SHA-256 of the artifact (64 hex characters). Fixed once recorded.
    type: str
  artifact:
    description: Artifact name or reference (JAR file name, image reference).
    type: str
  method:
    description: Deploy method that installed it (systemd, docker, k8s).
    type: str
  commit:
    description: Commit identifier the release reports, if any.
    type: str
  reason:
    description: Free text stored as the record's C(message), for example why a release was marked failed.
    type: str
  db_backup:
    description: Path of the DB dump taken before this release was switched to.
    type: path
  db_backup_of:
    description: Release id that was running when O(db_backup) was taken (the state the dump restores).
    type: str
  user:
    description: Who performs the change; stored as C(created_by) on creation and C(activated_by) on activation.
    type: str
  keep:
    description: After the update, keep this many runnable releases (and as many failed ones) and drop the rest.
    type: int
  releases_dir:
    description: Directory holding one sub-directory per release; with O(keep) or O(state=absent) the dropped
      releases' directories are deleted from it.
    type: path
"""

EXAMPLES = r"""
- name: Record the release about to be deployed
  aurigraph.dlt.release_record:
    path: /opt/aurigraph/v11/.deploy/releases.json
    release_id: 11.4.5-1a2b3c4d-0e9f8a
    version: 11.4.5
    sha256: "{{ aurigraph_artifact_sha256 }}"
    artifact: aurigraph-v11-standalone-11.4.5-runner.jar
    method: systemd
    user: alice@controller

- name: Commit it after the health gate, keeping five good releases
  aurigraph.dlt.release_record:
    path: /opt/aurigraph/v11/.deploy/releases.json
    release_id: 11.4.5-1a2b3c4d-0e9f8a
    status: good
    current: true
    keep: 5
    releases_dir: /opt/aurigraph/v11/releases
"""

RETURN = r"""
record:
  description: The release record after the change (null after O(state=absent) or a prune-only call).
  returned: always
  type: dict
current_id:
  description: Id of the current release after the change.
  returned: always
  type: str
previous_good_id:
  description: Id of the good release that would be the rollback target after the change.
  returned: always
  type: str
pruned:
  description: Ids of the records dropped by O(keep) or O(state=absent).
  returned: always
  type: list
  elements: str
removed_paths:
  description: Release directories and DB dumps deleted (or that would be, in check mode).
  returned: always
  type: list
  elements: str
"""

import copy
import json
import os
import re
import shutil

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import releases


def _dump(data):
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


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


def apply(params, data):
    """Apply the requested change to ``data``; returns ``(changed, dropped_records)``."""
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
    if params["keep"] is not None:
        pruned = releases.prune(data, params["keep"])
        dropped.extend(pruned)
        changed |= bool(pruned)
    return changed, dropped


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            release_id=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            status=dict(type="str", choices=list(releases.STATUSES)),
            current=dict(type="bool", default=False),
            version=dict(type="str"),
            sha256=dict(type="str"),
            artifact=dict(type="str"),
            method=dict(type="str"),
            commit=dict(type="str"),
            reason=dict(type="str"),
            db_backup=dict(type="path"),
            db_backup_of=dict(type="str"),
            user=dict(type="str"),
            keep=dict(type="int"),
            releases_dir=dict(type="path"),
        ),
        required_if=[("state", "absent", ("release_id",))],
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False, record=None, current_id=None, previous_good_id=None, pruned=[], removed_paths=[])
    if not p["release_id"] and p["keep"] is None:
        module.fail_json(msg="release_id is required unless the task only prunes with keep", **result)
    if p["sha256"] is not None and not re.match(r"^[0-9a-f]{64}$", p["sha256"]):
        module.fail_json(msg="sha256 must be 64 lowercase hexadecimal characters, got '%s'" % p["sha256"], **result)
    try:
        before = releases.load(p["path"])
        data = copy.deepcopy(before)
        changed, dropped = apply(p, data)
        removed = []
        for record in dropped:
            removed.extend(_paths_of(record, p["releases_dir"]))
        if changed and not module.check_mode:
            releases.save(p["path"], data)
            for path in removed:
                try:
                    _remove(path)
                except OSError as exc:
                    module.warn("could not delete %s of a pruned release: %s" % (path, exc.strerror or exc))
    except releases.ReleaseError as exc:
        module.fail_json(msg=str(exc), **result)
    summary = releases.summary(data)
    result.update(changed=changed, record=releases.get(data, p["release_id"]) if p["release_id"] else None,
                  current_id=summary["current_id"], previous_good_id=summary["previous_good_id"],
                  pruned=[r["id"] for r in dropped], removed_paths=removed)
    if module._diff and changed:
        result["diff"] = dict(before=_dump(before), after=_dump(data), before_header=p["path"], after_header=p["path"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
