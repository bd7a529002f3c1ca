# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The on-host layout of a release, converged in one call: service account, directories, links, files.

A deploy used to spend a remote round trip per directory, per link and per rendered file (stat, then copy or
file); `release_layout` does the same work in one module call. Every function here compares what is on disk with
what is wanted, returns one line per change (``[]`` when nothing differs) and changes nothing in check mode.
Nothing here calls ``fail_json``: problems are `LayoutError` with the path and the fix.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import tempfile

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

DIFF_LIMIT = 65536


class LayoutError(DltError):
    """A path cannot be brought to the wanted state (its message names the path and what to do)."""


def parse_mode(mode, path):
    """'0750' / '750' -> 0o750; anything else is refused with the path it was given for."""
    text = str(mode)
    try:
        value = int(text, 8)
    except ValueError:
        value = -1
    if not 0 <= value <= 0o7777:
        raise LayoutError("mode %r of %s is not an octal mode such as 0750" % (text, path))
    return value


def _uid(name, check_mode, path):
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        if check_mode:
            return None  # created by this run (the plan said so); nothing to compare yet
        raise LayoutError("owner %s of %s does not exist: create the account first (or set aurigraph_create_user)"
                          % (name, path))


def _gid(name, check_mode, path):
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        if check_mode:
            return None
        raise LayoutError("group %s of %s does not exist: create it first (or set aurigraph_create_user)" % (name, path))


def ensure_account(user, group, home, shell, run, check_mode):
    """A system group and a system user in it (no login shell, home not created). ``run(argv)`` -> (rc, out, err)."""
    changes = []
    try:
        grp.getgrnam(group)
    except KeyError:
        changes.append("created system group %s" % group)
        if not check_mode:
            _run(run, ["groupadd", "--system", group])
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        changes.append("created system user %s (group %s, home %s, shell %s)" % (user, group, home, shell))
        if not check_mode:
            _run(run, ["useradd", "--system", "--gid", group, "--shell", shell, "--home-dir", home,
                       "--no-create-home", user])
        return changes
    wanted_gid = _gid(group, check_mode, "user %s" % user)
    argv = []
    if wanted_gid is None or entry.pw_gid != wanted_gid:
        argv += ["--gid", group]
    if entry.pw_shell != shell:
        argv += ["--shell", shell]
    if entry.pw_dir != home:
        argv += ["--home", home]
    if argv:
        changes.append("updated user %s (%s)" % (user, " ".join(argv)))
        if not check_mode:
            _run(run, ["usermod"] + argv + [user])
    return changes


def _run(run, argv):
    rc, out, err = run(argv)
    if rc != 0:
        raise LayoutError("%s failed (rc %s): %s" % (" ".join(argv), rc, (err or out or "").strip()))


def _attributes(path, st, owner, group, mode, check_mode, follow=True):
    """Changes of owner/group/mode for an existing path; applies them unless check mode."""
    changes = []
    uid, gid = _uid(owner, check_mode, path), _gid(group, check_mode, path)
    if uid is None or gid is None or st.st_uid != uid or st.st_gid != gid:
        changes.append("owner of %s -> %s:%s" % (path, owner, group))
        if not check_mode:
            (os.chown if follow else os.lchown)(path, uid, gid)
    if mode is not None and stat.S_IMODE(st.st_mode) != mode:
        changes.append("mode of %s %04o -> %04o" % (path, stat.S_IMODE(st.st_mode), mode))
        if not check_mode:
            os.chmod(path, mode)
    return changes


def ensure_directory(path, owner, group, mode, check_mode):
    """A directory with this owner and mode; missing parents are created root-owned 0755."""
    wanted = parse_mode(mode, path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not check_mode:
            _make_parents(os.path.dirname(path.rstrip("/")) or "/")
            os.mkdir(path, wanted)
            os.chown(path, _uid(owner, False, path), _gid(group, False, path))
            os.chmod(path, wanted)  # mkdir's mode goes through the umask
        return ["created directory %s (%s:%s %04o)" % (path, owner, group, wanted)]
    if stat.S_ISLNK(st.st_mode):
        st = os.stat(path)  # a directory reached through a symlink is fine (the file module follows it too)
    if not stat.S_ISDIR(st.st_mode):
        raise LayoutError("%s exists and is not a directory: move it away, or set the variable that names this "
                          "path to another place" % path)
    return _attributes(path, st, owner, group, wanted, check_mode)


def _make_parents(directory):
    """Missing parents root-owned 0755 whatever the umask (os.makedirs' mode goes through it)."""
    if os.path.isdir(directory):
        return
    _make_parents(os.path.dirname(directory) or "/")
    os.mkdir(directory)
    os.chmod(directory, 0o755)


def ensure_link(src, dest, owner, group, check_mode):
    """dest is a symlink to src (replaced atomically when it points elsewhere or is a file or an empty directory)."""
    try:
        st = os.lstat(dest)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode) and os.readlink(dest) == src:
        return _attributes(dest, st, owner, group, None, check_mode, follow=False)
    if st is not None and stat.S_ISDIR(st.st_mode) and os.listdir(dest):
        raise LayoutError("%s is a directory with files in it, where a symlink to %s belongs: move its files away "
                          "(they are not used: the release's own copy is), then re-run" % (dest, src))
    before = "nothing" if st is None else (os.readlink(dest) if stat.S_ISLNK(st.st_mode) else "a file or directory")
    if not check_mode:
        if st is not None and stat.S_ISDIR(st.st_mode):
            os.rmdir(dest)
        tmp = "%s.tmp-%d" % (dest, os.getpid())
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(src, tmp)
        os.lchown(tmp, _uid(owner, False, dest), _gid(group, False, dest))
        os.rename(tmp, dest)
    return ["link %s -> %s (was %s)" % (dest, src, before)]


def ensure_file(path, content, owner, group, mode, check_mode, diff):
    """A regular file with exactly this content, owner and mode, written atomically (temp file + rename).

    Returns (changes, diff_entry): diff_entry is None when ``diff`` is false or nothing differs.
    """
    wanted = parse_mode(mode, path)
    data = content.encode("utf-8") if not isinstance(content, bytes) else content
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise LayoutError("%s exists and is not a regular file: remove it, then re-run" % path)
    current = None
    if st is not None:
        with open(path, "rb") as handle:
            current = handle.read()
    if current == data:
        return _attributes(path, st, owner, group, wanted, check_mode), None
    changes = ["%s %s" % ("wrote" if current is None else "rewrote", path)]
    entry = None
    if diff:
        entry = {"before_header": path, "after_header": path,
                 "before": _text(current, "") if current is not None else "",
                 "after": _text(data, "")}
    if not check_mode:
        directory = os.path.dirname(path) or "."
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fchown(handle.fileno(), _uid(owner, False, path), _gid(group, False, path))
                os.fchmod(handle.fileno(), wanted)
                os.fsync(handle.fileno())
            os.rename(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return changes, entry


def read_source(src, dest):
    """The bytes of a file on the host that is to be copied to ``dest``."""
    try:
        with open(src, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise LayoutError("cannot copy %s to %s: %s does not exist (was the release staged? re-run the deploy of that "
                          "release)" % (src, dest, src))


def _text(data, default):
    if len(data) > DIFF_LIMIT:
        return "[%d bytes: too large to show]" % len(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return default or "[binary]"
