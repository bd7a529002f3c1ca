"""build.sh caching and release.sh determinism."""
from __future__ import annotations

import hashlib
import subprocess
import time
import zipfile
from pathlib import Path

from standin_testlib import STANDIN


def sha_file(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def test_build_is_cached_and_fast(base_jar):
    t0 = time.monotonic()
    out = subprocess.run([str(STANDIN / "build.sh")], stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
    assert time.monotonic() - t0 < 2
    assert out == base_jar and Path(out).name.startswith("aurigraph-v11-standalone-") and out.endswith("-runner.jar")


def test_release_deterministic(base_jar, tmp_path):
    out = {}
    for name, args in {"a": ["--version", "11.5.0"], "b": ["--version", "11.5.0"],
                       "c": ["--version", "11.5.1"], "d": ["--version", "11.5.0", "--fault", "ready-down"],
                       "e": ["--version", "11.5.0", "--fault", "slow-start", "--fault-arg", "3"]}.items():
        res = subprocess.run([str(STANDIN / "release.sh"), *args, "--base", base_jar, "--out", str(tmp_path / name)],
                             stdout=subprocess.PIPE, check=True, text=True)
        jar = Path(res.stdout.strip())
        assert jar.parent == tmp_path / name
        assert jar.name == f"aurigraph-v11-standalone-{args[1]}-runner.jar"
        sha_txt = Path(str(jar) + ".sha256").read_text()
        assert sha_txt == sha_file(jar) + "\n"
        out[name] = sha_file(jar)
    assert out["a"] == out["b"]
    assert len({out["a"], out["c"], out["d"], out["e"]}) == 4


def test_release_descriptor_entry(release):
    jar = release("11.6.0", "flaky", 7)
    with zipfile.ZipFile(jar) as z:
        props = z.read("META-INF/aurigraph-standin.properties").decode()
        assert "version=11.6.0" in props and "fault=flaky" in props and "fault_arg=7" in props
        assert z.testzip() is None


def test_release_rejects_bad_input(base_jar, tmp_path):
    for args in (["--version", "1.0", "--fault", "bogus"], ["--version", "../x"], ["--version", "1", "--fault-arg", "x"]):
        res = subprocess.run([str(STANDIN / "release.sh"), *args, "--base", base_jar, "--out", str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        assert res.returncode != 0 and "Traceback" not in res.stderr
