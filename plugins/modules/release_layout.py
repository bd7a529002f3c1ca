#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: release_layout
short_description: Converge the on-host layout of an Aurigraph release in one call
version_added: 0.1.0
description:
  - Brings, in this order, the service account (system group and user), directories, files (given, or copied
    from another file on the host) and symlinks of a release to the wanted state, in one module call (one remote
    round trip) instead of a task per path. Links come last, so that a link switched to a new place points at content
    that is already complete.
  - Compares first and changes only what differs; an unchanged layout reports C(changed=false). Files are written
    atomically (a temporary file in the same directory, then a rename) with their owner and mode set before the
    rename, so a reader never sees a half-written or world-readable file.
  - Missing parent directories are created owned by root, mode C(0755).
  - A path that cannot be brought to the wanted state (a file where a directory belongs, a non-empty directory
    where a symlink belongs, an unknown owner) fails with the path and the fix; what was done before it stays done.
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: full
    description: Reports every change it would make (incl. the files' diffs) and changes nothing.
  diff_mode:
    support: full
    description: Returns a diff per changed file of O(files); never for O(sensitive_files).
options:
  account:
    description:
      - The service account to create when missing (C(groupadd --system), C(useradd --system --no-create-home))
        or to correct (C(usermod)) when its group, shell or home differ. Omit it to leave accounts alone.
    type: dict
    suboptions:
      user:
        description: User name.
        type: str
        required: true
      group:
        description: Primary group name (created as a system group when missing).
        type: str
        required: true
      home:
        description: Home directory recorded for the user (not created by this option).
        type: path
        required: true
      shell:
        description: Login shell.
        type: path
        default: /usr/sbin/nologin
  directories:
    description: Directories, in order; an existing one only gets its owner, group and mode corrected.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Directory path.
        type: path
        required: true
      owner:
        description: Owner name.
        type: str
        default: root
      group:
        description: Group name.
        type: str
        default: root
      mode:
        description: Octal mode, for example V(0750).
        type: str
        default: "0755"
  links:
    description:
      - Symlinks, in order, each replaced atomically when it points elsewhere, or when a file or an empty
        directory is in its place. A non-empty directory in its place is refused.
    type: list
    elements: dict
    default: []
    suboptions:
      src:
        description: What the link points to (not resolved, need not exist).
        type: str
        required: true
      dest:
        description: The link's path.
        type: path
        required: true
      owner:
        description: Owner name of the link itself.
        type: str
        default: root
      group:
        description: Group name of the link itself.
        type: str
        default: root
  files:
    description: Files with their whole content, written when the content differs; diffed in diff mode.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: File path (its directory must exist or be listed in O(directories)).
        type: path
        required: true
      content:
        description: The file's whole content.
        type: str
        required: true
      owner:
        description: Owner name.
        type: str
        default: root
      group:
        description: Group name.
        type: str
        default: root
      mode:
        description: Octal mode, for example V(0644).
        type: str
        default: "0644"
  copies:
    description:
      - Files whose content is another file on the managed host (for example the release's systemd unit installed
        under C(/etc/systemd/system)), written like O(files) when they differ; diffed in diff mode.
    type: list
    elements: dict
    default: []
    suboptions:
      src:
        description: The file on the managed host to copy (must exist).
        type: path
        required: true
      dest:
        description: Where the copy goes.
        type: path
        required: true
      owner:
        description: Owner name.
        type: str
        default: root
      group:
        description: Group name.
        type: str
        default: root
      mode:
        description: Octal mode.
        type: str
        default: "0644"
  sensitive_files:
    description:
      - Like O(files), for files holding secrets, for example an environment file with passwords. Each is written
        owned by root, mode C(0600). The whole option is C(no_log) (the module's invocation log, for example the
        journal, shows C(NOT_LOGGING_PARAMETER); the paths are masked in the task's result too); their content is
        never returned, logged or diffed.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: File path.
        type: path
        required: true
      content:
        description: The file's whole content (a secret, never logged).
        type: str
        required: true
"""

EXAMPLES = r"""
- name: Lay out release 11.4.5-108927f9-617e09
  aurigraph.dlt.release_layout:
    account: {user: aurigraph, group: aurigraph, home: /var/lib/aurigraph/v11}
    directories:
      - {path: /opt/aurigraph/v11/releases/11.4.5-108927f9-617e09}
      - {path: /var/lib/aurigraph/v11, owner: aurigraph, group: aurigraph, mode: "0750"}
    links:
      - {src: /opt/aurigraph/v11/current/config, dest: /var/lib/aurigraph/v11/config}
    files:
      - path: /opt/aurigraph/v11/releases/11.4.5-108927f9-617e09/service.env
        content: "{{ lookup('ansible.builtin.template', 'service.env.j2') }}"
    sensitive_files:
      - path: /opt/aurigraph/v11/releases/11.4.5-108927f9-617e09/secrets.env
        content: "{{ lookup('ansible.builtin.template', 'secrets.env.j2') }}"
"""

RETURN = r"""
changes:
  description: One line per change made (or, in check mode, that would be made); empty when nothing differed.
  returned: always
  type: list
  elements: str
  sample: ["created directory /opt/aurigraph/v11/releases/11.4.6-0a1b2c3d-1f2e3d (root:root 0755)"]
host_time:
  description:
    - The managed host's clock (seconds since the epoch, with microseconds) when the module started, before it
      changed anything; a deploy uses it to tell a process started after its switch from an older one.
  returned: always
  type: str
  sample: "1795000000.123456"
changed_paths:
  description: The paths that changed (or would), each once, in the order they were handled.
  returned: always
  type: list
  elements: str
  sample: [/etc/systemd/system/aurigraph-v11.service, /opt/aurigraph/v11/current]
"""

import time
import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aurigraph.dlt.plugins.module_utils import layout
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

_OWNED = dict(owner=dict(type="str", default="root"), group=dict(type="str", default="root"))


def _file_spec(mode):
    return dict(path=dict(type="path", required=True), content=dict(type="str", required=True),
                mode=dict(type="str", default=mode), **_OWNED)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            account=dict(type="dict", options=dict(
                user=dict(type="str", required=True), group=dict(type="str", required=True),
                home=dict(type="path", required=True), shell=dict(type="path", default="/usr/sbin/nologin"))),
            directories=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True), mode=dict(type="str", default="0755"), **_OWNED)),
            links=dict(type="list", elements="dict", default=[], options=dict(
                src=dict(type="str", required=True), dest=dict(type="path", required=True), **_OWNED)),
            files=dict(type="list", elements="dict", default=[], options=_file_spec("0644")),
            copies=dict(type="list", elements="dict", default=[], options=dict(
                src=dict(type="path", required=True), dest=dict(type="path", required=True),
                mode=dict(type="str", default="0644"), **_OWNED)),
            # no_log on the whole list: the invocation log renders a list with str(), where a multi-line secret's
            # newlines become "\\n" and no longer match the value to mask.
            sensitive_files=dict(type="list", elements="dict", default=[], no_log=True, options=dict(
                path=dict(type="path", required=True), content=dict(type="str", required=True, no_log=True))),
        ),
        supports_check_mode=True,
    )
    host_time = "%.6f" % time.time()
    check, params = module.check_mode, module.params
    changes, diffs, paths = [], [], []

    def run(argv):
        return module.run_command(argv)

    def note(path, done):
        changes.extend(done)
        if done and path not in paths:
            paths.append(path)

    try:
        account = params["account"]
        if account:
            changes += layout.ensure_account(account["user"], account["group"], account["home"], account["shell"],
                                             run, check)
        for item in params["directories"]:
            note(item["path"], layout.ensure_directory(item["path"], item["owner"], item["group"], item["mode"], check))
        files = [(f["path"], f["content"], f, False) for f in params["files"]]
        secret_owner = {"owner": "root", "group": "root", "mode": "0600"}
        files += [(f["path"], f["content"], secret_owner, True) for f in params["sensitive_files"]]
        files += [(f["dest"], layout.read_source(f["src"], f["dest"]), f, False) for f in params["copies"]]
        for path, content, item, secret in files:
            done, entry = layout.ensure_file(path, content, item["owner"], item["group"], item["mode"], check,
                                             diff=module._diff and not secret)
            note(path, done)
            if entry:
                diffs.append(entry)
        for item in params["links"]:
            note(item["dest"], layout.ensure_link(item["src"], item["dest"], item["owner"], item["group"], check))
    except DltError as exc:
        module.fail_json(msg=str(exc), changes=changes, changed_paths=paths)
    except OSError as exc:
        module.fail_json(msg="cannot lay out the release: %s (done before it: %s)" % (exc, "; ".join(changes) or "nothing"),
                         changes=changes, changed_paths=paths, exception=traceback.format_exc())
    result = dict(changed=bool(changes), changes=changes, changed_paths=paths, host_time=host_time)
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
