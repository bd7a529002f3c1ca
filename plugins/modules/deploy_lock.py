#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: deploy_lock
short_description: Take or release the per-host deploy lock of an Aurigraph service
version_added: 0.1.0
description:
  - Takes (O(state=present)) or releases (O(state=absent)) a lock file on the managed host so that two
    deploy or rollback runs cannot interleave on the same service.
  - The lock file is created atomically (C(O_CREAT|O_EXCL)) and records the owner, the run token, the play and
    the time it was taken.
  - A lock held by another run fails the task at once with a message naming the holder, or after waiting up to
    O(timeout) seconds for it to be released.
  - A lock older than O(stale_after) seconds is reported as stale (the run that took it probably died) together
    with O(hint), telling how to clear it; O(force=true) breaks it.
  - The lock is transient bookkeeping, so taking and releasing it never reports C(changed) and an unchanged
    deploy re-run reports C(changed=0).
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: full
    description: The lock is inspected (a held lock still fails) but the file is never written.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  path:
    description: Lock file on the managed host. Its directory is created if missing.
    type: path
    required: true
  state:
    description: V(present) takes the lock, V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  token:
    description:
      - Identifies the run holding the lock. Generated when taking the lock without one and returned as RV(token).
      - Required with O(state=absent); a lock held under another token is left in place (with a warning).
      - Taking a lock already held with the same token succeeds (re-entrant).
    type: str
  owner:
    description: Who takes the lock, shown to other runs, for example C(alice@controller).
    type: str
    default: unknown
  play:
    description: Name of the play or operation taking the lock, shown to other runs.
    type: str
  timeout:
    description: Seconds to wait for a lock held by another run before failing. V(0) fails at once.
    type: int
    default: 0
  stale_after:
    description: A lock older than this many seconds is reported as stale instead of waited for.
    type: int
    default: 3600
  force:
    description: Break a lock held by another run (stale or not) and take it. The broken holder is returned.
    type: bool
    default: false
  hint:
    description: Text appended to the stale-lock message, telling the user how to clear it.
    type: str
    default: ""
  dir_mode:
    description:
      - Octal mode (for example V(0750)) the lock's directory is kept at once the lock is taken, owned by root when
        the module runs as root. The deploy state directory (records, staging, lock) is restricted in the same call.
    type: str
"""

EXAMPLES = r"""
- name: Take the deploy lock
  aurigraph.dlt.deploy_lock:
    path: /opt/aurigraph/v11/.deploy/deploy.lock
    owner: "{{ lookup('env', 'USER') }}@{{ lookup('pipe', 'hostname') }}"
    play: deploy 11.4.5
    timeout: 300
    hint: "re-run with -e aurigraph_lock_force=true"
  register: lock

- name: Release it
  aurigraph.dlt.deploy_lock:
    path: /opt/aurigraph/v11/.deploy/deploy.lock
    token: "{{ lock.token }}"
    state: absent
"""

RETURN = r"""
token:
  description: The run token the lock is held under (pass it back with O(state=absent)).
  returned: always
  type: str
holder:
  description: The lock record (owner, token, play, pid, acquired, acquired_at), or null after a release.
  returned: always
  type: dict
acquired:
  description: True when this task took the lock (or would have, in check mode).
  returned: always
  type: bool
released:
  description: True when this task removed the lock (or would have, in check mode).
  returned: always
  type: bool
broken:
  description: The record of a lock removed by O(force), or null.
  returned: always
  type: dict
waited:
  description: Seconds spent waiting for another run's lock.
  returned: always
  type: int
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import lock


def _restrict(directory, mode):
    if os.geteuid() == 0:
        os.chown(directory, 0, 0)
    os.chmod(directory, mode)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            token=dict(type="str", no_log=False),
            owner=dict(type="str", default="unknown"),
            play=dict(type="str"),
            timeout=dict(type="int", default=0),
            stale_after=dict(type="int", default=3600),
            force=dict(type="bool", default=False),
            hint=dict(type="str", default=""),
            dir_mode=dict(type="str"),
        ),
        required_if=[("state", "absent", ("token",))],
        supports_check_mode=True,
    )
    p = module.params
    result = dict(changed=False, token=p["token"], holder=None, acquired=False, released=False, broken=None, waited=0)
    dir_mode = None
    if p["dir_mode"]:
        try:
            dir_mode = int(p["dir_mode"], 8)
        except ValueError:
            module.fail_json(msg="dir_mode must be an octal mode such as 0750, got '%s'" % p["dir_mode"], **result)
    try:
        if p["state"] == "present":
            if p["timeout"] < 0 or p["stale_after"] < 1:
                module.fail_json(msg="timeout must be >= 0 and stale_after >= 1", **result)
            got = lock.acquire(p["path"], p["owner"], token=p["token"], play=p["play"], timeout=p["timeout"],
                               stale_after=p["stale_after"], force=p["force"], check_mode=module.check_mode,
                               hint=p["hint"])
            result.update(token=got["token"], holder=got["holder"], acquired=got["acquired"], broken=got["broken"],
                          waited=got["waited"])
            if dir_mode is not None and not module.check_mode:
                _restrict(os.path.dirname(p["path"]), dir_mode)
            if got["broken"]:
                module.warn("broke the deploy lock held by %s since %s (force=true)"
                            % (got["broken"].get("owner"), got["broken"].get("acquired") or "an unknown time"))
        else:
            released, warning = lock.release(p["path"], p["token"], check_mode=module.check_mode)
            result["released"] = released
            if warning:
                module.warn(warning)
    except lock.LockError as exc:
        result["holder"] = exc.holder
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
