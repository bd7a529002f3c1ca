"""The secret scanner of the leak test (tests/secrets/scan.py, used by molecule/default/tests/test_secrets.py) finds
a planted leak in every form and place it claims to cover: the proof that the leak test can fail."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "secrets"))
import scan  # noqa: E402  (the harness is a plain file under tests/secrets)

SECRET = "sk_live_51Hx+9aZ/q=t0k&en ~>?"
SECRETS = {"stripe": SECRET, "db": "dbpw-0f3c9a7e21"}


@pytest.fixture
def scanner():
    return scan.Scanner(SECRETS)


@pytest.mark.parametrize("text, form", [
    ("TOKEN=%s\n" % SECRET, "as is"),
    ("GET /x?key=%s HTTP/1.1" % urllib.parse.quote(SECRET, safe=""), "URL-encoded"),
    ("key=%s" % urllib.parse.quote_plus(SECRET), "URL-encoded (+)"),
    ('{"msg": "%s"}' % json.dumps("a\"" + SECRET)[1:-1], "as is"),
    ("Authorization: Basic %s" % base64.b64encode(SECRET.encode()).decode(), "base64"),
    ("data: %s" % base64.urlsafe_b64encode(SECRET.encode()).decode(), "base64url"),
])
def test_finds_a_planted_leak_in_each_form(scanner, text, form):
    leaks = scanner.find(text, "stdout")
    assert leaks and leaks[0]["secret"] == "stripe"
    # Identical encodings are searched once, under the first name (e.g. URL-encoded and URL-encoded (+)).
    assert form in set(scan.forms(SECRET).values()) | {"as is"}
    assert leaks[0]["where"] == "stdout"
    assert "<stripe>" in leaks[0]["context"] and SECRET not in leaks[0]["context"]


def test_json_escaped_value_is_found():
    value = 'pa"ss\\word-123456'
    leaks = scan.Scanner({"pw": value}).find(json.dumps({"password": value}), "record")
    assert any(leak["form"] == "JSON-escaped" for leak in leaks)


def test_every_occurrence_and_bytes_are_reported(scanner):
    data = ("x %s y dbpw-0f3c9a7e21 z %s" % (SECRET, SECRET)).encode()
    leaks = scanner.find(data, "log")
    assert sorted((leak["secret"], leak["offset"]) for leak in leaks) == [
        ("db", data.index(b"dbpw")), ("stripe", 2), ("stripe", data.rindex(SECRET.encode()))]


def test_clean_text_and_masked_values_are_not_leaks(scanner):
    text = ("api_token: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER, sk_live_51Hx+9aZ/q (a prefix only), "
            "the output has been hidden due to the fact that 'no_log: true' was specified for this result")
    assert scanner.find(text, "stdout") == []


def test_too_short_secrets_are_refused():
    with pytest.raises(ValueError, match="at least 8 characters.*too short: pin"):
        scan.Scanner({"pin": "1234", "ok": "long-enough-value"})


def test_a_leak_across_a_chunk_boundary_is_found(tmp_path, monkeypatch, scanner):
    monkeypatch.setattr(scan, "CHUNK", 64)
    path = tmp_path / "big.log"
    data = b"a" * 50 + SECRET.encode() + b"b" * 200 + SECRET.encode()
    path.write_bytes(data)
    leaks = scanner.find_in_file(str(path))
    assert [leak["offset"] for leak in leaks] == [50, data.rindex(SECRET.encode())]


def test_walk_finds_leaks_in_files_skips_and_allows(tmp_path, scanner):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "clean.conf").write_text("nothing here\n")
    (tmp_path / "etc" / "unit.service").write_text("Environment=STRIPE=%s\n" % SECRET)
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "x").write_text(SECRET)
    (tmp_path / "secrets.env").write_text("DB_PASSWORD=dbpw-0f3c9a7e21\n")
    os.symlink(tmp_path / "etc" / "unit.service", tmp_path / "link")
    res = scanner.walk([str(tmp_path)], skip=[str(tmp_path / "proc")], allow=[str(tmp_path / "secrets.env")])
    assert [leak["where"] for leak in res["leaks"]] == [str(tmp_path / "etc" / "unit.service")]
    assert [leak["secret"] for leak in res["allowed"]] == ["db"]
    assert res["files"] == 3 and res["unreadable"] == 0
    assert "Environment=STRIPE=<stripe>" in scan.describe(res["leaks"])


@pytest.mark.skipif(os.geteuid() != 0, reason="reading as another account needs root")
def test_node_main_reads_as_each_account_and_as_root():
    """The node side end to end on this machine: a leak in a world-readable file is found by `nobody`; a root-only
    file is found by the root walk only; the request travels on stdin."""
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        os.chmod(tmp, 0o755)
        _node_main_in(Path(tmp))


def _node_main_in(tmp_path):
    public = tmp_path / "public.txt"
    public.write_text("token=%s\n" % SECRET)
    public.chmod(0o644)
    private = tmp_path / "private.txt"
    private.write_text("token=%s\n" % SECRET)
    private.chmod(0o600)
    request = {"secrets": SECRETS, "roots": [str(tmp_path)], "skip": [], "accounts": ["nobody", "no-such-user"],
               "root_roots": [str(private)], "allow": [], "commands_as_account": [["echo", SECRET]],
               "commands_as_root": [["id", "-u"]]}
    proc = subprocess.run([sys.executable, "-c", scan.NODE_BOOT], input=scan.node_stdin(request),
                          capture_output=True, check=True)
    out = json.loads(proc.stdout)
    nobody = out["accounts"]["nobody"]
    assert "error" not in nobody, nobody
    assert [leak["where"] for leak in nobody["leaks"]] == [str(public)]
    assert nobody["unreadable"] >= 1
    assert nobody["commands"][0]["leaks"][0]["where"] == "`echo %s` as nobody" % SECRET
    assert out["accounts"]["no-such-user"] == {"missing": True}
    assert [leak["where"] for leak in out["root"]["leaks"]] == [str(private)]


def test_walk_allow_patterns(tmp_path, scanner):
    (tmp_path / "releases" / "r1").mkdir(parents=True)
    (tmp_path / "releases" / "r1" / "secrets.env").write_text("K=%s\n" % SECRET)
    (tmp_path / "releases" / "r1" / "service.env").write_text("K=%s\n" % SECRET)
    res = scanner.walk([str(tmp_path)], allow_patterns=[r"/releases/[^/]+/secrets\.env$"])
    assert [leak["where"] for leak in res["leaks"]] == [str(tmp_path / "releases" / "r1" / "service.env")]
    assert [leak["where"] for leak in res["allowed"]] == [str(tmp_path / "releases" / "r1" / "secrets.env")]
