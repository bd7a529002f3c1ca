# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups of a node (playbooks/backup.yml, playbooks/restore.yml): which backup to use and whether its files are
the ones its manifest lists (name, size, sha256).

A backup is a directory holding ``manifest.json`` and the files it lists. A directory whose name ends in
``.partial`` is a backup being written (or left by a failed run) and is never selected.
"""

from __future__ import annotations

import hashlib
import json
import os

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import DltError

MANIFEST = "manifest.json"
PARTIAL_SUFFIX = ".partial"
MANIFEST_FORMAT = 1


class BackupError(DltError):
    """A backup that cannot be used: missing, incomplete, or its files do not match its manifest."""


def sha256_file(path, chunk=1024 * 1024):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(backup_dir):
    path = os.path.join(backup_dir, MANIFEST)
    if not os.path.isfile(path):
        raise BackupError("%s is not a backup: it has no %s (an incomplete or foreign directory; pick another "
                          "backup with aurigraph_restore_from)" % (backup_dir, MANIFEST))
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as exc:
        raise BackupError("cannot read the manifest %s: %s" % (path, exc))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise BackupError("the manifest %s has no list of files: it was not written by playbooks/backup.yml" % path)
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError("the manifest %s has format %r; this collection reads format %d"
                          % (path, manifest.get("format"), MANIFEST_FORMAT))
    return manifest


def verify(backup_dir, checksums=True):
    """The manifest of ``backup_dir`` after checking that every file it lists is there with its size and sha256.

    Raises BackupError naming the first file that differs, what was expected and what was found."""
    manifest = read_manifest(backup_dir)
    for entry in manifest["files"]:
        name = entry.get("name", "")
        if not name or os.path.basename(name) != name:
            raise BackupError("the manifest of %s lists an invalid file name %r" % (backup_dir, name))
        path = os.path.join(backup_dir, name)
        if not os.path.isfile(path):
            raise BackupError("backup %s is incomplete: %s is missing (listed in its manifest)" % (backup_dir, name))
        size = os.path.getsize(path)
        if size != entry.get("size"):
            raise BackupError("checksum mismatch in backup %s: %s is %d bytes, the manifest says %s: the file was "
                              "changed or truncated; refusing to use it" % (backup_dir, name, size, entry.get("size")))
        if checksums:
            actual = sha256_file(path)
            if actual != entry.get("sha256"):
                expected = entry.get("sha256")
                raise BackupError("checksum mismatch in backup %s: %s has sha256 %s, the manifest says %s: the file "
                                  "was changed or corrupted; refusing to use it" % (backup_dir, name, actual, expected))
    return manifest


def candidates(root):
    """Complete backup directories under ``root`` (those with a manifest, not .partial), oldest first by name
    (names start with the UTC time of the backup, so name order is time order)."""
    if not os.path.isdir(root):
        return []
    found = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if name.endswith(PARTIAL_SUFFIX) or not os.path.isdir(path):
            continue
        if os.path.isfile(os.path.join(path, MANIFEST)):
            found.append(path)
    return found


def newest(root):
    found = candidates(root)
    if not found:
        raise BackupError("no backup found under %s (a backup is a directory with a %s): run playbooks/backup.yml "
                          "first or name one with aurigraph_restore_from" % (root, MANIFEST))
    return found[-1]


def info(params):
    """The module's answer: the chosen backup directory, its manifest, verified."""
    path = params.get("path")
    root = params.get("root")
    backup_dir = path if path else newest(root)
    if not os.path.isdir(backup_dir):
        raise BackupError("backup %s does not exist" % backup_dir)
    manifest = verify(backup_dir, checksums=params.get("checksums", True))
    return dict(changed=False, backup_dir=backup_dir, manifest=manifest,
                files=[os.path.join(backup_dir, f["name"]) for f in manifest["files"]])
