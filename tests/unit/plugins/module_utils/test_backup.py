# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import json

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import backup


def make_backup(root, name, files=None, manifest_extra=None):
    path = root / name
    path.mkdir(parents=True)
    entries = []
    for fname, content in (files or {"db.dump": b"dump", "data.tar.gz": b"tar"}).items():
        (path / fname).write_bytes(content)
        entries.append({"name": fname, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})
    manifest = {"format": 1, "id": name, "files": entries}
    manifest.update(manifest_extra or {})
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


def test_verify_ok(tmp_path):
    path = make_backup(tmp_path, "20261130T090000Z")
    manifest = backup.verify(str(path))
    assert [f["name"] for f in manifest["files"]] == ["db.dump", "data.tar.gz"]


def test_checksum_mismatch_names_the_file(tmp_path):
    path = make_backup(tmp_path, "20261130T090000Z")
    (path / "db.dump").write_bytes(b"dumq")            # same size, other content
    with pytest.raises(backup.BackupError, match=r"checksum mismatch in backup .*: db\.dump has sha256 [0-9a-f]{64}, "
                                                 r"the manifest says " + hashlib.sha256(b"dump").hexdigest()):
        backup.verify(str(path))
    assert backup.verify(str(path), checksums=False)["id"] == "20261130T090000Z"


def test_size_mismatch(tmp_path):
    path = make_backup(tmp_path, "20261130T090000Z")
    (path / "data.tar.gz").write_bytes(b"ta")
    with pytest.raises(backup.BackupError, match=r"data\.tar\.gz is 2 bytes, the manifest says 3"):
        backup.verify(str(path), checksums=False)


def test_missing_file_and_manifest(tmp_path):
    path = make_backup(tmp_path, "a")
    (path / "db.dump").unlink()
    with pytest.raises(backup.BackupError, match=r"incomplete: db\.dump is missing"):
        backup.verify(str(path))
    (path / "manifest.json").unlink()
    with pytest.raises(backup.BackupError, match=r"has no manifest\.json"):
        backup.verify(str(path))


def test_bad_manifests(tmp_path):
    path = make_backup(tmp_path, "a", manifest_extra={"format": 9})
    with pytest.raises(backup.BackupError, match="format 9"):
        backup.verify(str(path))
    (path / "manifest.json").write_text("{not json")
    with pytest.raises(backup.BackupError, match="cannot read the manifest"):
        backup.verify(str(path))
    (path / "manifest.json").write_text(json.dumps({"format": 1}))
    with pytest.raises(backup.BackupError, match="no list of files"):
        backup.verify(str(path))
    (path / "manifest.json").write_text(json.dumps({"format": 1, "files": [{"name": "../etc/passwd"}]}))
    with pytest.raises(backup.BackupError, match="invalid file name"):
        backup.verify(str(path))


def test_newest_skips_partial_and_foreign(tmp_path):
    make_backup(tmp_path, "20261129T090000Z")
    make_backup(tmp_path, "20261130T090000Z")
    (tmp_path / "20261201T090000Z.partial").mkdir()
    (tmp_path / "20261202T090000Z").mkdir()          # no manifest
    (tmp_path / "notes.txt").write_text("x")
    assert backup.newest(str(tmp_path)).endswith("20261130T090000Z")
    assert len(backup.candidates(str(tmp_path))) == 2


def test_newest_none(tmp_path):
    with pytest.raises(backup.BackupError, match="no backup found under"):
        backup.newest(str(tmp_path / "missing"))


def test_info(tmp_path):
    make_backup(tmp_path, "20261130T090000Z")
    res = backup.info({"path": None, "root": str(tmp_path), "checksums": True})
    assert res["backup_dir"].endswith("20261130T090000Z") and res["changed"] is False
    assert res["files"] == [res["backup_dir"] + "/db.dump", res["backup_dir"] + "/data.tar.gz"]
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.info({"path": str(tmp_path / "nope"), "root": None})
