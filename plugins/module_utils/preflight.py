# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host checks before a deploy (Java, ports, disk, memory): parsers and decisions, no I/O.

``plugins/modules/preflight_info.py`` reads the host (``java -version``, ``systemctl show``, ``ss -Hltnp``,
``/proc/meminfo``, ``statvfs``) in one module call and hands the raw text here. Every failed check is one line
that names the check, what was found, what is needed and how to fix it; the texts are the ones the preflight
role has always printed (``molecule/jar_db/failures.yml`` asserts them).
"""

from __future__ import annotations

import posixpath
import re

CHECKS = ("java", "ports", "disk", "memory", "database")
NOT_CHECKED = "not checked"
JAVA_NOT_FOUND = "not found (no such file, or not executable)"
SS_MISSING = ("ports: ss is not installed on the host, so the listening ports cannot be checked: install the Debian "
              "package iproute2 (apt-get install iproute2) or leave ports out of aurigraph_preflight_checks")

_JAVA_VERSION = re.compile(r'version "([0-9._]+)')
_MAIN_PID = re.compile(r"MainPID=([0-9]+)")
_MEMORY_CURRENT = re.compile(r"MemoryCurrent=([0-9]+)")
# "LISTEN 0 5 127.0.0.1:9104 0.0.0.0:* users:((...))", with a leading "tcp" when ss prints the Netid column.
_SS_LINE = re.compile(r"^(?:tcp6?\s+)?LISTEN\s+\d+\s+\d+\s+(\S+)\s+\S+(?:\s+(.*))?$")
_SS_USER = re.compile(r'"(.*?)",pid=(\d+)')
_MEMINFO = re.compile(r"^(\w+):\s+([0-9]+)", re.M)
# systemd prints 2^64-1 ("infinity") for MemoryCurrent when memory accounting is off on some versions.
_UNSET = 2 ** 63


def number(value):
    """A threshold as the user wrote it: ``5.0`` -> ``5``, ``0.5`` -> ``0.5``."""
    value = float(value)
    return "%d" % value if value.is_integer() else repr(value)


def first_line(text, default=""):
    """The first non-empty line of ``text`` (stripped), or ``default``."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return default


# --- java -------------------------------------------------------------------------------------------------------
def java_version(stdout, stderr):
    """The version string of ``java -version`` output (it writes to stderr): ``"17.0.13"``, or ``""``."""
    match = _JAVA_VERSION.search("%s %s" % (stderr or "", stdout or ""))
    return match.group(1) if match else ""


def java_major(version):
    """The feature release of a version string: ``"21.0.5"`` -> 21, ``""`` -> 0."""
    head = (version or "").split(".")[0]
    return int(head) if head.isdigit() else 0


def java_problem(java_bin, min_java, rc, stdout="", stderr="", error=None):
    """``(line or None, major)`` for the Java check.

    ``rc`` is the exit code of ``java -version``; ``error`` is set when it could not be started at all (not found,
    not executable): that text, or else the first line of stderr, is quoted in the message.
    """
    if error is not None or rc != 0:
        detail = error if error is not None else first_line(stderr, first_line(stdout, "non-zero return code"))
        return ("java: cannot run %s (%s): Java %d or newer is required: install openjdk-%d-jre-headless or set "
                "aurigraph_java_bin to a Java %d+ executable" % (java_bin, detail, min_java, min_java, min_java), 0)
    version = java_version(stdout, stderr)
    major = java_major(version)
    if major < min_java:
        return ("java: %s is Java %s, %d or newer is required: install openjdk-%d-jre-headless or point "
                "aurigraph_java_bin at a newer Java" % (java_bin, version or "of unknown version", min_java, min_java),
                major)
    return None, major


# --- the running unit -------------------------------------------------------------------------------------------
def parse_unit(text):
    """``(main_pid, memory_current_bytes)`` from ``systemctl show --property=MainPID --property=MemoryCurrent``.

    A unit that does not run has ``MainPID=0`` and ``MemoryCurrent=[not set]``: both are 0 then, as when systemctl
    gave no output at all.
    """
    text = text or ""
    pid = _MAIN_PID.search(text)
    mem = _MEMORY_CURRENT.search(text)
    memory = int(mem.group(1)) if mem else 0
    return (int(pid.group(1)) if pid else 0), (0 if memory >= _UNSET else memory)


# --- ports ------------------------------------------------------------------------------------------------------
def parse_ss(text):
    """The listening TCP sockets of ``ss -Hltnp`` output: dicts of address, port, name and pid.

    A socket with several processes (a forked server) gives one entry per process; one whose process ss cannot
    show (not run as root) gives one entry with name and pid None.
    """
    sockets = []
    for line in (text or "").splitlines():
        match = _SS_LINE.match(line.strip())
        if not match:
            continue
        local, users = match.group(1), match.group(2) or ""
        address, sep, port = local.rpartition(":")
        if not sep or not port.isdigit():
            continue
        address = address.strip("[]")
        found = _SS_USER.findall(users) or [(None, None)]
        for name, pid in found:
            sockets.append(dict(address=address, port=int(port), name=name, pid=int(pid) if pid else None))
    return sockets


def ss_failed(rc, output):
    """One line when ``ss -Hltnp`` itself failed."""
    return ("ports: ss -Hltnp exited %d (%s), so the listening ports cannot be checked: run it on the host to see why "
            "(iproute2 from 2017 or newer is needed for -H) or leave ports out of aurigraph_preflight_checks"
            % (rc, first_line(output, "no output")))


def port_holders(sockets, ports, main_pid):
    """The sockets on ``ports`` held by another process than the service's ``main_pid`` (0: it does not run).

    Each (port, process) once, in ss's order (a server listening on IPv4 and IPv6 is one holder). ss cannot name
    the process of a socket whose /proc entries it may not read (another user's process when root lacks
    CAP_SYS_PTRACE, as in containers, or ss not run as root): such a socket may be the service's own, so it counts
    only while the service does not run.
    """
    holders, seen = [], set()
    for sock in sockets:
        if sock["port"] not in ports:
            continue
        if main_pid > 0 and sock["pid"] in (main_pid, None):
            continue
        key = (sock["port"], sock["name"], sock["pid"])
        if key not in seen:
            seen.add(key)
            holders.append(sock)
    return holders


def ports_problem(holders, service_name):
    """One line naming every other process on the service's ports, or None."""
    if not holders:
        return None
    held = ", ".join("%d is held by %s (pid %s)" % (h["port"], h["name"] or "an unknown process",
                                                    "?" if h["pid"] is None else h["pid"]) for h in holders)
    return ("ports: %s, not by %s: stop that process (see `ss -ltnp 'sport = :%d'`) or set aurigraph_http_port / "
            "aurigraph_grpc_port" % (held, service_name, holders[0]["port"]))


# --- disk -------------------------------------------------------------------------------------------------------
def existing_ancestor(path, exists):
    """``path`` itself or its nearest ancestor for which ``exists(p)`` is true (``/`` at worst)."""
    path = posixpath.normpath(path or "/")
    while not exists(path) and path not in ("/", ""):
        path = posixpath.dirname(path)
    return path or "/"


def _unescape_mount(field):
    """``/proc/self/mounts`` writes space, tab, newline and backslash as octal escapes (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_point(path, mounts_text):
    """The mount point holding ``path`` (what ``df`` prints as "Mounted on"): the longest mount prefix of it."""
    best = "/"
    for line in (mounts_text or "").splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        mnt = _unescape_mount(fields[1])
        if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
            best = mnt
    return best


def disk_unreadable(path, install_dir, error):
    """One line when the filesystem of ``path`` cannot be measured."""
    return ("disk: cannot read the free space of %s (holding %s): %s; make the path readable or leave disk out of "
            "aurigraph_preflight_checks" % (path, install_dir, error))


def free_gb(f_bavail, f_frsize):
    """GiB available to unprivileged users (df's "Available"), rounded to 2 places."""
    kb = f_bavail * f_frsize // 1024
    return round(kb / 1048576.0, 2)


def disk_problem(free, mount, install_dir, min_gb):
    """One line when ``free`` GiB on ``mount`` is less than ``min_gb``, or None."""
    if free >= float(min_gb):
        return None
    return ("disk: %s GiB free on %s (holding %s), %s GiB required: free space (old logs, dumps in the backup dir) or "
            "lower aurigraph_min_disk_gb" % (free, mount, install_dir, number(min_gb)))


# --- memory -----------------------------------------------------------------------------------------------------
def available_kb(meminfo):
    """``MemAvailable`` of /proc/meminfo in kB.

    Kernels before 3.14 have no such line: MemFree + Buffers + Cached estimates it then. No usable line: 0.
    """
    fields = dict((k, int(v)) for k, v in _MEMINFO.findall(meminfo or ""))
    if "MemAvailable" in fields:
        return fields["MemAvailable"]
    return fields.get("MemFree", 0) + fields.get("Buffers", 0) + fields.get("Cached", 0)


def meminfo_unreadable(error):
    """One line when /proc/meminfo cannot be read."""
    return ("memory: cannot read /proc/meminfo (%s), so the available memory is unknown: mount /proc on the host or "
            "leave memory out of aurigraph_preflight_checks" % error)


def memory_gb(kb, unit_memory):
    """GiB available for the service after its restart: MemAvailable plus what the running unit uses now."""
    return round((kb * 1024 + unit_memory) / 1073741824.0, 2)


def memory_problem(available, service_name, min_gb):
    """One line when ``available`` GiB is less than ``min_gb``, or None."""
    if available >= float(min_gb):
        return None
    return ("memory: %s GiB available (including what %s uses now), %s GiB required: stop other workloads, add "
            "memory, or lower aurigraph_min_memory_gb together with the heap in aurigraph_java_opts"
            % (available, service_name, number(min_gb)))


# --- all together -----------------------------------------------------------------------------------------------
def summary(checks, java=None, disk=None, memory=None, holders=None, database=None):
    """What the preflight found, ``not checked`` for each check that did not run."""
    return dict(
        java=java if "java" in checks else NOT_CHECKED,
        disk_free_gb=disk if "disk" in checks else NOT_CHECKED,
        memory_available_gb=memory if "memory" in checks else NOT_CHECKED,
        port_holders=[h["port"] for h in holders or []] if "ports" in checks else NOT_CHECKED,
        database_server_version=(database or {}).get("server_version") or NOT_CHECKED,
    )
