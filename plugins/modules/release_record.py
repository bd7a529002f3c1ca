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
  - Creates, updates, activates, marks and prunes the release records of a deployment target, one JSON
    document kept in a file on the managed host (O(path), for example C(/opt/aurigraph/v11/.deploy/releases.json),
    used by the systemd and docker methods) or in a ConfigMap of the deployment's namespace (O(configmap), used by
    the k8s method). Every deploy method of the collection uses the same records and fields.
  - A record holds the version, sha256, artifact, deploy method, who created and activated it and when, its
    status (C(pending), C(good), C(failed), C(rolled_back)) and the DB dump taken before it was switched to.
  - Ordering comes from a sequence counter stored with the records, never from file or object times.
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
    description: The diff shows the records (file or ConfigMap key) before and after; they hold no secrets.
extends_documentation_fragment:
  - aurigraph.dlt.release_store
notes:
  - With O(configmap), writes use optimistic concurrency - a missing ConfigMap is created (the API server refuses a
    second create), an existing one is replaced at the C(resourceVersion) read; a write that conflicts with another
    writer reads the records again and re-applies the change (up to 5 times), so no change is lost.
  - With O(configmap), the identity needs C(get), C(create) and C(update) on C(configmaps) in the namespace.
options:
  path:
    description:
      - The release records file on the managed host. Its directory is created if missing.
      - Exactly one of O(path) and O(configmap) is required.
    type: path
  release_id:
    description:
      - The release to create or update, for example C(11.4.5-1a2b3c4d-0e9f8a).
      - A plain name, no C(/). Required unless the task only prunes (O(keep) without O(release_id)) or records an O(event).
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
  event:
    description:
      - Record an operational event of the service instead of changing a release (O(release_id) must be left
        out) - V(stopped) (graceful stop), V(killed) (forced stop), V(isolated) (stopped and kept from starting),
        V(started). The entry carries the event, when (UTC), O(user) as who, O(reason) as why and the
        current release; M(aurigraph.dlt.release_info) returns them as RV(aurigraph.dlt.release_info#module:events).
      - Every call appends an entry (an event is always a change); the newest 200 are kept.
    type: str
    choices: [stopped, killed, isolated, started]
  event_details:
    description: Extra facts stored with O(event) (for example the stop mode, the timeout, the PID that was stopped).
    type: dict
  releases_dir:
    description: Directory holding one sub-directory per release; with O(keep) or O(state=absent) the dropped
      releases' directories are deleted from it (and their recorded DB dumps). Only with O(path).
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

- name: Record a Kubernetes release in the ConfigMap of the namespace
  aurigraph.dlt.release_record:
    configmap:
      name: aurigraph-v11-releases
      namespace: aurigraph-production
      kubeconfig: /etc/aurigraph/deployer.kubeconfig
    release_id: 11.5.0-3f2a9c1b
    version: 11.5.0
    artifact: registry.example.com/aurigraph/aurigraph-v11:11.5.0
    method: k8s
    user: alice@controller

- name: Record that the service was isolated (stop.yml does this)
  aurigraph.dlt.release_record:
    path: /opt/aurigraph/v11/.deploy/releases.json
    event: isolated
    reason: "INC-4711: suspected key compromise"
    user: oncall@controller
    event_details:
      mode: isolate
"""

RETURN = r"""
record:
  description: The release record after the change (null after O(state=absent) or a prune-only call).
  returned: always
  type: dict
  sample: {"id": "11.5.0-3f2a9c1b", "version": "11.5.0", "status": "good", "method": "k8s", "seq": 4,
           "artifact": "registry.example.com/aurigraph/aurigraph-v11:11.5.0", "created_by": "alice@controller",
           "activated_at": "2026-11-30T06:00:00Z", "activated_by": "alice@controller", "activated_seq": 5}
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
event:
  description: The event entry recorded by O(event), else null.
  returned: always
  type: dict
  sample: {"event": "isolated", "at": "2026-11-30T03:12:00Z", "by": "oncall@controller", "reason": "INC-4711",
           "release": "11.4.5-1a2b3c4d-0e9f8a", "seq": 12, "details": {"mode": "isolate", "pid": 4242}}
removed_paths:
  description: Release directories and DB dumps deleted (or that would be, in check mode); always empty with
    O(configmap).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, release_store, releases


def main():
    module = AnsibleModule(
        argument_spec=release_store.argument_spec(
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
            event=dict(type="str", choices=list(releases.EVENTS)),
            event_details=dict(type="dict"),
        ),
        required_if=[("state", "absent", ("release_id",))],
        required_one_of=release_store.STORE_RULES["required_one_of"],
        mutually_exclusive=release_store.STORE_RULES["mutually_exclusive"],
        supports_check_mode=True,
    )
    try:
        result = release_store.record(module.params, module.check_mode, module._diff, warn=module.warn)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), changed=False, record=None, current_id=None, previous_good_id=None, pruned=[],
                         removed_paths=[], event=None,
                         **({"exception": exc.exception} if getattr(exc, "exception", None) else {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
