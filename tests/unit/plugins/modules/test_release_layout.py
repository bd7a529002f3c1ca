# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os
import stat

from ansible.module_utils import basic

from ansible_collections.aurigraph.dlt.plugins.modules import release_layout
from ansible_collections.aurigraph.dlt.tests.unit.plugins.fakes import run_module

SECRET = "tok-zz5ecr3t-9f8e"


def test_secret_file_never_reaches_the_invocation_log_or_the_result(tmp_path, capsys, monkeypatch):
    """A multi-line secret file: the module's invocation log (the journal on a host) and its result never hold it."""
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, "log", lambda self, msg, log_args=None: logged.append(msg))
    release = tmp_path / "r"
    args = {"directories": [{"path": str(release), "owner": "root", "group": "root"}],
            "files": [{"path": str(release / "service.env"), "content": "A=1\n"}],
            "sensitive_files": [{"path": str(release / "secrets.env"),
                                 "content": '# secrets\nAURIGRAPH_API_TOKENS="%s"\nK=v\n' % SECRET}]}
    result = run_module(release_layout.main, args, capsys, diff=True)
    assert not result.failed and result["changed"]
    assert logged and all(SECRET not in message for message in logged), logged
    assert SECRET not in result.raw
    assert [d["after_header"] for d in result["diff"]] == [str(release / "service.env")], "no diff of a secret"
    secret = release / "secrets.env"
    assert SECRET in secret.read_text() and stat.S_IMODE(os.stat(str(secret)).st_mode) == 0o600
    again = run_module(release_layout.main, args, capsys)
    assert not again["changed"] and again["host_time"]
