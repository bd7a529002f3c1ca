"""Test nodes only: keep the bytecode of Python files imported from a zip, so they are compiled once.

Part of the test-node image recipe (hashed with packages.txt and customize.sh); loaded at every Python start by
zipimport_bytecode_cache.pth. Ansible runs each module from a zip it sends with the task (AnsiballZ), and Python's
zipimport never caches bytecode: every task compiled ansible.module_utils again, ~60% of a module's CPU time on a
node (0.26 s -> 0.10 s for `stat` measured here), and the suite runs thousands of tasks on its nodes. What runs is
unchanged: the cache key is the file's source (with its path inside the zip and the interpreter version), the
code object gets the file name this import uses, and any error falls back to compiling. Hosts that users run do
not need it and do not get it: it lives in the test image and, for the modules the tests run on the controller
(Docker, Kubernetes), in the test virtualenv (scripts/setup.sh).

One directory per user, /var/tmp/zipimport-bytecode-<uid>, mode 0700: it is used only when it is a directory
owned by that user and not writable by anyone else, so one user's cache can never feed code to another (root).
"""

import os
import zipimport

_compile_source = zipimport._compile_source
_UID = os.getuid()
_DIR = '/var/tmp/zipimport-bytecode-%d' % _UID
_CACHED_TREES = ('ansible/', 'ansible_collections/')


_checked = []  # the result of the directory check, made once per process (a module run compiles ~60 files)


def _cache_dir():
    if not _checked:
        try:
            os.mkdir(_DIR, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(_DIR)
        safe = (st.st_mode & 0o170000) == 0o040000 and st.st_uid == _UID and not st.st_mode & 0o022
        _checked.append(_DIR if safe else None)
    return _checked[0]


def _renamed(code, filename):
    """The code object and every code object nested in it, with co_filename set to this import's file."""
    consts = tuple(_renamed(c, filename) if isinstance(c, type(code)) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _cached_compile_source(pathname, source):
    inner = pathname.replace(os.sep, '/').split('.zip/', 1)[-1]
    if not inner.startswith(_CACHED_TREES):
        return _compile_source(pathname, source)
    try:
        import hashlib
        import marshal
        import sys

        directory = _cache_dir()
        if directory is None:
            return _compile_source(pathname, source)
        digest = hashlib.sha256(b'%d\0%s\0' % (sys.hexversion, inner.encode()) + bytes(source)).hexdigest()
        entry = os.path.join(directory, digest)
        try:
            with open(entry, 'rb') as cached:
                return _renamed(marshal.loads(cached.read()), pathname)
        except (OSError, EOFError, ValueError, TypeError):  # not cached yet, or unreadable: compile and replace it
            pass
        code = _compile_source(pathname, source)
        partial = '%s.%d' % (entry, os.getpid())
        with open(partial, 'wb') as out:
            out.write(marshal.dumps(code))
        os.replace(partial, entry)
        return code
    except Exception:  # pylint: disable=broad-except  # a cache problem must never change what runs
        return _compile_source(pathname, source)


zipimport._compile_source = _cached_compile_source
