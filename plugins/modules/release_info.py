#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: release_info
short_description: Read the release records of an Aurigraph deployment target and resolve a rollback target
version_added: 0.1.0
description:
  - Reads the release records written by M(aurigraph.dlt.release_record) (a file on the managed host, or a
    ConfigMap of the deployment's namespace for the k8s method) and returns the current release, the
    previous good release, one named release, and the rollback target with the DB dump that belongs to it.
  - The rollback target is O(rollback_to) when given, else the good release most recently current before the
    current one. Failed and pending releases are never rollback targets; naming one fails the task.
  - A missing records file or ConfigMap is an empty history (a fresh host or namespace).
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
  - aurigraph.dlt.release_store
notes:
  - With O(configmap), the identity needs C(get) on C(configmaps) in the namespace.
options:
  path:
    description:
      - The release records file on the managed host.
      - Exactly one of O(path) and O(configmap) is required.
    type: path
  release_id:
    description: Also return this release's record as RV(release) (null when unknown).
    type: str
  rollback_to:
    description:
      - Resolve this release as the rollback target instead of the previous good one. It must exist and must
        not be marked failed or pending.
    type: str
  failed_release:
    description:
      - Resolve the target of an automatic rollback after this release failed its health gate. The target is the good
        release most recently current other than it (the one that ran before), with the DB dump taken before the failed
        release's switch when that dump holds the target's state. Mutually exclusive with O(rollback_to).
    type: str
  lock_path:
    description:
      - The deploy lock file of the target (M(aurigraph.dlt.deploy_lock)), read to describe an interrupted run in
        RV(interrupted). Only with O(path) (a host); the lock is only read, never taken or broken.
    type: path
"""

EXAMPLES = r"""
- name: Read the release history
  aurigraph.dlt.release_info:
    path: /opt/aurigraph/v11/.deploy/releases.json
  register: releases

- name: Resolve a named rollback target
  aurigraph.dlt.release_info:
    path: /opt/aurigraph/v11/.deploy/releases.json
    rollback_to: 11.4.4-9f8e7d6c-112233
  register: target

- name: Where to go after release 11.4.5-0a1b2c3d-445566 failed its gate
  aurigraph.dlt.release_info:
    path: /opt/aurigraph/v11/.deploy/releases.json
    failed_release: 11.4.5-0a1b2c3d-445566
  register: auto

- name: Look for a deploy cut off during its switch (a pending current release, and who holds the lock)
  aurigraph.dlt.release_info:
    path: /opt/aurigraph/v11/.deploy/releases.json
    lock_path: /opt/aurigraph/v11/.deploy/deploy.lock
  register: state

- name: Read the release history of a Kubernetes deployment
  aurigraph.dlt.release_info:
    configmap:
      name: aurigraph-v11-releases
      namespace: aurigraph-production
  register: k8s_releases
"""

RETURN = r"""
exists:
  description: Whether the records file (or ConfigMap) exists.
  returned: always
  type: bool
releases:
  description: Every record, oldest first (by creation sequence).
  returned: always
  type: list
  elements: dict
current:
  description: The current release's record, or null.
  returned: always
  type: dict
current_id:
  description: Id of the current release, or null.
  returned: always
  type: str
previous_good:
  description: The good release most recently current before the current one, or null.
  returned: always
  type: dict
previous_good_id:
  description: Its id, or null.
  returned: always
  type: str
release:
  description: The record of O(release_id), or null.
  returned: always
  type: dict
rollback_target:
  description: The resolved rollback target record, or null when there is none.
  returned: always
  type: dict
events:
  description: Operational events (stopped, killed, isolated, started; see M(aurigraph.dlt.release_record)'s
    O(aurigraph.dlt.release_record#module:event)), oldest first, each with C(event), C(at), C(by), C(reason),
    C(release) and C(details).
  returned: always
  type: list
  elements: dict
interrupted:
  description:
    - The half-done state of a deploy that was cut off during its switch, verify or commit (its connection was lost,
      or the controller was killed), or null. A deploy makes its release current with status C(pending) right before
      the switch and sets C(good) or C(failed) when done, so a current release still C(pending) is an unfinished run.
  returned: always
  type: dict
  contains:
    release:
      description: The record of the current, still pending release.
      type: dict
    previous_id:
      description: The release that was current before it (null when none).
      type: str
    lock:
      description: The holder recorded in O(lock_path) (owner, play, acquired), or null when no lock is held.
      type: dict
    message:
      description: What was found, why the host cannot tell a dead run from a live one, and how to go on.
      type: str
rollback_db_backup:
  description: The newest DB dump taken while the rollback target was running (restore it when rolling back
    with the database), or null.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import errors, release_store


def main():
    module = AnsibleModule(
        argument_spec=release_store.argument_spec(
            release_id=dict(type="str"),
            rollback_to=dict(type="str"),
            failed_release=dict(type="str"),
            lock_path=dict(type="path"),
        ),
        required_one_of=release_store.STORE_RULES["required_one_of"],
        mutually_exclusive=release_store.STORE_RULES["mutually_exclusive"] + [
            ("rollback_to", "failed_release"), ("configmap", "lock_path")],
        supports_check_mode=True,
    )
    try:
        result = release_store.info(module.params)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), changed=False, exists=False, releases=[], current=None, current_id=None,
                         previous_good=None, previous_good_id=None, release=None, rollback_target=None,
                         rollback_db_backup=None, events=[], interrupted=None,
                         **({"exception": exc.exception} if getattr(exc, "exception", None) else {}))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
