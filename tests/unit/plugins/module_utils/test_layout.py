# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import collections
import grp
import os
import pwd
import stat

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import layout

ME = pwd.getpwuid(os.geteuid()).pw_name
MY_GROUP = grp.getgrgid(os.getegid()).gr_name


def mode_of(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def test_parse_mode_accepts_octal_text_and_refuses_the_rest():
    assert layout.parse_mode("0750", "/x") == 0o750 and layout.parse_mode("644", "/x") == 0o644
    for bad in ("rwx", "0999", "77777", ""):
        with pytest.raises(layout.LayoutError, match="not an octal mode .* of /x|of /x is not an octal mode"):
            layout.parse_mode(bad, "/x")


def test_directory_created_with_parents_then_unchanged(tmp_path):
    path = tmp_path / "a" / "b"
    assert layout.ensure_directory(str(path), ME, MY_GROUP, "0750", check_mode=True) == [
        "created directory %s (%s:%s 0750)" % (path, ME, MY_GROUP)]
    assert not path.exists(), "check mode must not create anything"
    old_umask = os.umask(0o077)
    try:
        assert len(layout.ensure_directory(str(path), ME, MY_GROUP, "0750", check_mode=False)) == 1
    finally:
        os.umask(old_umask)
    assert path.is_dir() and mode_of(path) == 0o750, "the mode is set whatever the umask"
    assert mode_of(path.parent) == 0o755
    assert layout.ensure_directory(str(path), ME, MY_GROUP, "0750", check_mode=False) == []


def test_directory_mode_corrected_and_check_mode_only_reports(tmp_path):
    path = tmp_path / "d"
    path.mkdir(mode=0o700)
    os.chmod(str(path), 0o700)
    assert layout.ensure_directory(str(path), ME, MY_GROUP, "0755", check_mode=True) == [
        "mode of %s 0700 -> 0755" % path]
    assert mode_of(path) == 0o700
    layout.ensure_directory(str(path), ME, MY_GROUP, "0755", check_mode=False)
    assert mode_of(path) == 0o755


def test_directory_through_a_symlink_is_accepted_and_a_file_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    os.chmod(str(real), 0o755)
    (tmp_path / "alias").symlink_to(real)
    assert layout.ensure_directory(str(tmp_path / "alias"), ME, MY_GROUP, "0755", check_mode=False) == []
    (tmp_path / "f").write_text("x")
    with pytest.raises(layout.LayoutError, match="exists and is not a directory"):
        layout.ensure_directory(str(tmp_path / "f"), ME, MY_GROUP, "0755", check_mode=False)


def test_unknown_owner_is_refused_with_the_fix(tmp_path):
    with pytest.raises(layout.LayoutError, match="owner no-such-user-x of .* does not exist: create the account"):
        layout.ensure_directory(str(tmp_path / "d"), "no-such-user-x", MY_GROUP, "0755", check_mode=False)
    # in check mode the account may be created by the same run: reported, not refused
    assert layout.ensure_directory(str(tmp_path), "no-such-user-x", MY_GROUP, "0755", check_mode=True)


def test_link_created_repointed_and_left_alone(tmp_path):
    dest = tmp_path / "config"
    assert layout.ensure_link("/opt/x/current/config", str(dest), ME, MY_GROUP, check_mode=True)
    assert not os.path.lexists(str(dest))
    assert layout.ensure_link("/opt/x/current/config", str(dest), ME, MY_GROUP, check_mode=False) == [
        "link %s -> /opt/x/current/config (was nothing)" % dest]
    assert os.readlink(str(dest)) == "/opt/x/current/config"
    assert layout.ensure_link("/opt/x/current/config", str(dest), ME, MY_GROUP, check_mode=False) == []
    assert layout.ensure_link("/elsewhere", str(dest), ME, MY_GROUP, check_mode=False) == [
        "link %s -> /elsewhere (was /opt/x/current/config)" % dest]
    assert os.readlink(str(dest)) == "/elsewhere"


def test_link_replaces_an_empty_directory_and_refuses_a_full_one(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert layout.ensure_link("/target", str(empty), ME, MY_GROUP, check_mode=False)
    assert os.path.islink(str(empty))
    full = tmp_path / "full"
    full.mkdir()
    (full / "application.properties").write_text("a=1\n")
    with pytest.raises(layout.LayoutError, match="is a directory with files in it, where a symlink to /target"):
        layout.ensure_link("/target", str(full), ME, MY_GROUP, check_mode=False)
    assert (full / "application.properties").read_text() == "a=1\n", "nothing of it is deleted"


def test_file_written_atomically_with_mode_then_unchanged(tmp_path):
    path = tmp_path / "service.env"
    changes, diff = layout.ensure_file(str(path), "A=1\n", ME, MY_GROUP, "0640", check_mode=True, diff=True)
    assert changes == ["wrote %s" % path] and diff["before"] == "" and diff["after"] == "A=1\n"
    assert not path.exists()
    changes, diff = layout.ensure_file(str(path), "A=1\n", ME, MY_GROUP, "0640", check_mode=False, diff=False)
    assert changes == ["wrote %s" % path] and diff is None
    assert path.read_text() == "A=1\n" and mode_of(path) == 0o640
    assert layout.ensure_file(str(path), "A=1\n", ME, MY_GROUP, "0640", check_mode=False, diff=True) == ([], None)
    assert [p.name for p in tmp_path.iterdir()] == ["service.env"], "no temporary file is left behind"


def test_file_rewritten_when_content_or_mode_differs(tmp_path):
    path = tmp_path / "unit.service"
    path.write_text("old\n")
    os.chmod(str(path), 0o600)
    changes, diff = layout.ensure_file(str(path), "new\n", ME, MY_GROUP, "0644", check_mode=False, diff=True)
    assert changes == ["rewrote %s" % path]
    assert diff == {"before_header": str(path), "after_header": str(path), "before": "old\n", "after": "new\n"}
    assert path.read_text() == "new\n" and mode_of(path) == 0o644
    os.chmod(str(path), 0o666)
    assert layout.ensure_file(str(path), "new\n", ME, MY_GROUP, "0644", check_mode=False, diff=True) == (
        ["mode of %s 0666 -> 0644" % path], None)


def test_file_refuses_a_directory_in_its_place_and_large_diffs_are_summarised(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(layout.LayoutError, match="is not a regular file"):
        layout.ensure_file(str(tmp_path / "d"), "x", ME, MY_GROUP, "0644", check_mode=False, diff=False)
    big = "x" * (layout.DIFF_LIMIT + 1)
    diff = layout.ensure_file(str(tmp_path / "big"), big, ME, MY_GROUP, "0644", check_mode=True, diff=True)[1]
    assert diff["after"] == "[%d bytes: too large to show]" % len(big)


Pw = collections.namedtuple("Pw", "pw_name pw_uid pw_gid pw_dir pw_shell")
Gr = collections.namedtuple("Gr", "gr_name gr_gid")


@pytest.fixture
def accounts(monkeypatch):
    users, groups, calls = {}, {}, []

    def getpwnam(name):
        return users[name]

    def getgrnam(name):
        return groups[name]

    monkeypatch.setattr(layout.pwd, "getpwnam", getpwnam)
    monkeypatch.setattr(layout.grp, "getgrnam", getgrnam)

    def run(argv):
        calls.append(argv)
        return 0, "", ""
    return users, groups, calls, run


def test_account_created_when_missing(accounts):
    users, groups, calls, run = accounts
    changes = layout.ensure_account("aurigraph", "aurigraph", "/var/lib/aurigraph", "/usr/sbin/nologin", run, False)
    assert calls == [["groupadd", "--system", "aurigraph"],
                     ["useradd", "--system", "--gid", "aurigraph", "--shell", "/usr/sbin/nologin", "--home-dir",
                      "/var/lib/aurigraph", "--no-create-home", "aurigraph"]]
    assert len(changes) == 2
    calls.clear()
    layout.ensure_account("aurigraph", "aurigraph", "/var/lib/aurigraph", "/usr/sbin/nologin", run, True)
    assert calls == [], "check mode runs nothing"


def test_account_left_alone_or_corrected(accounts):
    users, groups, calls, run = accounts
    groups["aurigraph"] = Gr("aurigraph", 990)
    users["aurigraph"] = Pw("aurigraph", 990, 990, "/var/lib/aurigraph", "/usr/sbin/nologin")
    assert layout.ensure_account("aurigraph", "aurigraph", "/var/lib/aurigraph", "/usr/sbin/nologin", run, False) == []
    assert calls == []
    users["aurigraph"] = Pw("aurigraph", 990, 990, "/home/aurigraph", "/bin/bash")
    assert layout.ensure_account("aurigraph", "aurigraph", "/var/lib/aurigraph", "/usr/sbin/nologin", run, False)
    assert calls == [["usermod", "--shell", "/usr/sbin/nologin", "--home", "/var/lib/aurigraph", "aurigraph"]]


def test_account_command_failure_names_the_command(accounts):
    assert accounts[0] == {}, "no account exists yet"

    def failing(argv):
        return 9, "", "useradd: cannot lock /etc/passwd"
    with pytest.raises(layout.LayoutError, match=r"groupadd --system aurigraph failed \(rc 9\): useradd: cannot lock"):
        layout.ensure_account("aurigraph", "aurigraph", "/h", "/usr/sbin/nologin", failing, False)
