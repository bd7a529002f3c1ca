"""Find planted secret values in text, files and directory trees (issue 14, item 6: secrets never leak).

Standard library only, Python 3.9+: the same file runs on the controller (scanning the output of the playbooks and
the controller's log files) and on the node, sent over SSH to `sudo python3` (see `node_main`), where it walks the
file system once as root (records, state, backups) and once as every non-root account (what that account can read).

A secret is looked for in the forms a leak takes in practice: as is, URL-encoded, JSON-escaped and base64 (the
whole value encoded on its own, e.g. an `Authorization: Basic` header or a Kubernetes Secret's data). A base64 of a
longer text that merely contains the secret is not found: use values that start on their own.
"""
from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
import urllib.parse

# Per file: larger files are read in chunks with an overlap, so a value across a chunk boundary is still found.
CHUNK = 4 * 1024 * 1024
MAX_FILE = 256 * 1024 * 1024
MIN_LEN = 8


def forms(value):
    """The byte strings that give the secret away, each with how it was encoded."""
    found = {}
    candidates = [
        ("as is", value),
        ("URL-encoded", urllib.parse.quote(value, safe="")),
        ("URL-encoded (+)", urllib.parse.quote_plus(value)),
        ("JSON-escaped", json.dumps(value)[1:-1]),
        ("base64", base64.b64encode(value.encode()).decode().rstrip("=")),
        ("base64url", base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")),
    ]
    for how, text in candidates:
        data = text.encode()
        if len(data) >= MIN_LEN and data not in found:
            found[data] = how
    return found


class Scanner:
    """Holds the secrets (label -> value) and reports where any of them appears."""

    def __init__(self, secrets):
        short = sorted(label for label, value in secrets.items() if len(value) < MIN_LEN)
        if short:
            raise ValueError("planted secrets must be at least %d characters long (too short: %s): a short value "
                             "would be found by chance" % (MIN_LEN, ", ".join(short)))
        self.secrets = dict(secrets)
        self._forms = []
        for label, value in sorted(self.secrets.items()):
            for data, how in forms(value).items():
                self._forms.append((data, label, how))
        self.overlap = max(len(data) for data, _label, _how in self._forms) if self._forms else 0

    def find(self, data, where, base=0):
        """Leaks in one text (str or bytes): a list of dicts {where, secret, form, offset, context}. The context
        shows the surrounding characters with the secret itself replaced by <label>."""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        leaks = []
        for needle, label, how in self._forms:
            start = data.find(needle)
            while start != -1:
                before = data[max(0, start - 60):start].decode("utf-8", "replace")
                after = data[start + len(needle):start + len(needle) + 60].decode("utf-8", "replace")
                leaks.append({"where": where, "secret": label, "form": how, "offset": base + start,
                              "context": (before + "<" + label + ">" + after).replace("\n", "\\n")})
                start = data.find(needle, start + 1)
        return leaks

    def find_in_file(self, path, where=None):
        """Leaks in one file (read in overlapping chunks). Raises OSError when it cannot be read."""
        where = where or path
        leaks = []
        seen = set()
        with open(path, "rb") as fh:
            offset = 0
            tail = b""
            while offset < MAX_FILE:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                for leak in self.find(data, where, base=offset - len(tail)):
                    key = (leak["secret"], leak["form"], leak["offset"])
                    if key not in seen:
                        seen.add(key)
                        leaks.append(leak)
                tail = data[-self.overlap:] if self.overlap else b""
                offset += len(chunk)
        return leaks

    def walk(self, roots, skip=(), allow=(), allow_patterns=()):
        """Every regular file under roots that this process can read (PermissionError: skipped, that is the point
        when running as a non-root account). skip: path prefixes not entered; allow (exact paths) and
        allow_patterns (regular expressions on the path): files whose leaks are by design (reported in
        `allowed`, not in `leaks`). Returns {leaks, allowed, files, unreadable}."""
        result = {"leaks": [], "allowed": [], "files": 0, "unreadable": 0}
        skip = tuple(p.rstrip("/") for p in skip)
        patterns = [re.compile(p) for p in allow_patterns]
        allow = _Allow(allow, patterns)

        def skipped(path):
            return any(path == p or path.startswith(p + "/") for p in skip)

        for root in roots:
            if not os.path.lexists(root) or skipped(root):
                continue
            if not os.path.isdir(root) or os.path.islink(root):
                self._one(root, allow, result)
                continue
            for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
                dirnames[:] = sorted(d for d in dirnames if not skipped(os.path.join(dirpath, d)))
                for name in sorted(filenames):
                    self._one(os.path.join(dirpath, name), allow, result)
        return result

    def _one(self, path, allow, result):
        try:
            st = os.lstat(path)
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode):
            return
        try:
            leaks = self.find_in_file(path)
        except OSError:
            result["unreadable"] += 1
            return
        result["files"] += 1
        if path in allow:
            result["allowed"].extend(leaks)
        else:
            result["leaks"].extend(leaks)


class _Allow:
    def __init__(self, paths, patterns):
        self.paths, self.patterns = set(paths), patterns

    def __contains__(self, path):
        return path in self.paths or any(p.search(path) for p in self.patterns)


def describe(leaks):
    """One line per leak, for an assertion message."""
    return "\n".join("  %(where)s: secret %(secret)s (%(form)s) at offset %(offset)d: ...%(context)s..." % leak
                     for leak in leaks)


# ---------------------------------------------------------------------------------------------------------------
# Node side: `sudo python3 -c "$BOOT"` with this file and its JSON request on stdin (never on the command line,
# which every account can read in /proc). See NODE_BOOT.

NODE_BOOT = ("import json,sys;r=json.loads(sys.stdin.readline());"
             "g={'__name__':'aurigraph_scan'};exec(compile(sys.stdin.read(),'scan.py','exec'),g);"
             "g['node_main'](r)")


def _as_account(name, job):
    """Run job() in a child process with the uid, gid and supplementary groups of account `name`; its JSON result."""
    import grp  # noqa: F401  (Unix only: imported here so the controller side needs nothing more)
    import pwd
    entry = pwd.getpwnam(name)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_fd)
            os.setgroups(os.getgrouplist(name, entry.pw_gid))
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            os.environ.update({"HOME": entry.pw_dir, "USER": name, "LOGNAME": name})
            payload = json.dumps(job()).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException as exc:  # noqa: BLE001  (report any failure of the child to the parent)
            with os.fdopen(write_fd, "wb") as out:
                out.write(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}).encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    return json.loads(data.decode() or '{"error": "no answer"}')


def _command(scanner, argv, where):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return {"leaks": scanner.find(proc.stdout, where), "bytes": len(proc.stdout), "rc": proc.returncode}


def node_main(request):
    """Request: {secrets: {label: value}, roots: [...], skip: [...], accounts: [...], root_roots: [...],
    allow: [...], allow_patterns: [...] (the root walk only), commands_as_account: [[argv]...],
    commands_as_root: [[argv]...]}. Prints one JSON document:
    {accounts: {name: walk result + commands}, root: walk result + commands}."""
    scanner = Scanner(request["secrets"])
    allow = {"allow": request.get("allow", []), "allow_patterns": request.get("allow_patterns", [])}
    skip = request.get("skip", [])

    def account_job():
        proc_cmdlines = ["/proc/%s/cmdline" % pid for pid in os.listdir("/proc") if pid.isdigit()]
        res = scanner.walk(request["roots"] + proc_cmdlines, skip=skip)  # nothing is allowed to a non-root account
        res["commands"] = [_command(scanner, argv, "`%s` as %s" % (" ".join(argv), os.environ["USER"]))
                           for argv in request.get("commands_as_account", [])]
        return res

    out = {"accounts": {}}
    import pwd
    for name in request["accounts"]:
        try:
            pwd.getpwnam(name)
        except KeyError:
            out["accounts"][name] = {"missing": True}
            continue
        out["accounts"][name] = _as_account(name, account_job)
    res = scanner.walk(request.get("root_roots", []), skip=skip, **allow)
    res["commands"] = [_command(scanner, argv, "`%s` as root" % " ".join(argv))
                       for argv in request.get("commands_as_root", [])]
    out["root"] = res
    sys.stdout.write(json.dumps(out) + "\n")


def node_command():
    """The argv that runs node_main on the node (the request and this file go on stdin)."""
    return ["sudo", "-n", "python3", "-c", NODE_BOOT]


def node_stdin(request):
    with open(os.path.abspath(__file__), encoding="utf-8") as fh:
        return (json.dumps(request) + "\n" + fh.read()).encode()
