#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_info
short_description: Find an Aurigraph node backup and check its files against its manifest
version_added: 0.1.0
description:
  - Reads a backup written by C(playbooks/backup.yml) (role C(aurigraph.dlt.backup)), a directory holding
    C(manifest.json) and the files it lists (the database dump, the data directory archive), and checks that every
    listed file is there with the size and the sha256 the manifest records.
  - With O(root), picks the newest complete backup under that directory (directories named after the UTC time of
    the backup; C(.partial) directories, left by a backup in progress or a failed one, are never picked).
  - Fails, naming the file, the expected and the actual checksum, when a file differs; a restore refuses such a
    backup.
author:
  - Aurigraph DLT contributors (@aurigraph)
extends_documentation_fragment:
  - aurigraph.dlt.attributes.info_module
options:
  path:
    description:
      - One backup directory.
      - Exactly one of O(path) and O(root) is required.
    type: path
  root:
    description: Directory of one host's backups; the newest complete one is used.
    type: path
  checksums:
    description: Compute and compare the sha256 of every file (else sizes only).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Check the newest backup of this node on the controller
  aurigraph.dlt.backup_info:
    root: "{{ aurigraph_backup_dest }}/{{ inventory_hostname }}"
  delegate_to: localhost
  register: backup
"""

RETURN = r"""
backup_dir:
  description: The backup directory that was checked.
  returned: success
  type: str
  sample: /srv/backups/node1/20261130T090000Z
manifest:
  description: The backup's manifest (C(id), C(host), C(created_at), C(release), C(pause_seconds), C(database),
    C(files) with C(name), C(size), C(sha256)).
  returned: success
  type: dict
files:
  description: Full paths of the files the manifest lists.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import backup, errors


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            root=dict(type="path"),
            checksums=dict(type="bool", default=True),
        ),
        required_one_of=[("path", "root")],
        mutually_exclusive=[("path", "root")],
        supports_check_mode=True,
    )
    try:
        result = backup.info(module.params)
    except errors.DltError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
