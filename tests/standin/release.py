"""Make a stand-in release JAR from the base JAR (see release.sh). Standard library only."""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTRY = "META-INF/aurigraph-standin.properties"
FAULTS = ("none", "ready-down", "exit-on-start", "slow-start", "wrong-version",
          "no-token-endpoints", "flaky", "health-quirk", "missing-500", "cwd-keystore", "jwt-401", "real-quirks",
          "ignore-sigterm", "ws-broken")
FIXED_TIME = (2025, 11, 20, 0, 0, 0)
DEFAULT_BUILD_TIMESTAMP = "2025-11-20T00:00:00Z"


def fail(msg: str) -> None:
    print(f"standin/release.sh: ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def base_jar() -> str:
    proc = subprocess.run([str(HERE / "build.sh")], stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        fail("build.sh failed; cannot make a release without the base JAR")
    return proc.stdout.strip().splitlines()[-1]


def properties(base: zipfile.ZipFile, version: str, fault: str, fault_arg: str, build_ts: str) -> bytes:
    quarkus = ""
    try:
        for line in base.read(ENTRY).decode("utf-8").splitlines():
            if line.startswith("quarkus_version="):
                quarkus = line.split("=", 1)[1].strip()
    except KeyError:
        pass
    lines = [
        "# aurigraph-standin release descriptor (written by release.sh)",
        f"version={version}",
        f"fault={fault}",
        f"fault_arg={fault_arg}",
        f"quarkus_version={quarkus}",
        f"build_timestamp={build_ts}",
        "branch=main",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _dos_time(t: tuple) -> tuple[int, int]:
    y, mo, d, h, mi, sec = t
    return (h << 11) | (mi << 5) | (sec // 2), ((y - 1980) << 9) | (mo << 5) | d


def _rewrite(src_path: str, dst, replace: dict[str, bytes]) -> None:
    """Copy the ZIP at src_path to the open file dst, entry by entry and without recompressing (the raw
    compressed bytes are copied), replacing or appending the entries in ``replace`` (deflated), with fixed
    timestamps and no data descriptors: the output depends only on the entries' contents and order."""
    dtime, ddate = _dos_time(FIXED_TIME)
    central = []
    pending = dict(replace)
    with zipfile.ZipFile(src_path) as zf, open(src_path, "rb") as raw:
        entries = []
        for info in zf.infolist():
            if info.filename in pending:
                entries.append((info.filename, pending.pop(info.filename), info.external_attr))
            else:
                entries.append((info.filename, info, info.external_attr))
        for name, data in pending.items():
            entries.append((name, data, 0o100644 << 16))
        for name, item, ext_attr in entries:
            if isinstance(item, bytes):
                comp = zlib.compressobj(6, zlib.DEFLATED, -15)
                payload = comp.compress(item) + comp.flush()
                method, crc, usize = zipfile.ZIP_DEFLATED, zlib.crc32(item), len(item)
            else:
                raw.seek(item.header_offset)
                hdr = raw.read(30)
                if hdr[:4] != b"PK\x03\x04":
                    raise zipfile.BadZipFile(f"bad local header for {name}")
                n, m = struct.unpack("<HH", hdr[26:30])
                raw.seek(item.header_offset + 30 + n + m)
                payload = raw.read(item.compress_size)
                method, crc, usize = item.compress_type, item.CRC, item.file_size
            bname = name.encode("utf-8")
            flags = 0x800 if not name.isascii() else 0
            csize = len(payload)
            if max(csize, usize, dst.tell()) >= 0xFFFFFFFF:
                raise zipfile.LargeZipFile("ZIP64 is not supported by release.py")
            offset = dst.tell()
            dst.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, dtime, ddate, crc, csize, usize,
                                  len(bname), 0))
            dst.write(bname)
            dst.write(payload)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, flags, method, dtime, ddate,
                                       crc, csize, usize, len(bname), 0, 0, 0, 0, ext_attr & 0xFFFFFFFF, offset)
                           + bname)
    cd_offset = dst.tell()
    for c in central:
        dst.write(c)
    cd_size = dst.tell() - cd_offset
    if len(central) >= 0xFFFF:
        raise zipfile.LargeZipFile("too many entries for a non-ZIP64 archive")
    dst.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), cd_size, cd_offset, 0))


def make(base_path: str, out_dir: Path, version: str, fault: str, fault_arg: str, build_ts: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"aurigraph-v11-standalone-{version}-runner.jar"
    target = out_dir / name
    with zipfile.ZipFile(base_path) as src:
        descriptor = properties(src, version, fault, fault_arg, build_ts)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as dst:
            _rewrite(base_path, dst, {ENTRY: descriptor})
        with zipfile.ZipFile(tmp) as check:
            if check.read(ENTRY) != descriptor:
                raise zipfile.BadZipFile("written JAR does not read back")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    sha_tmp = out_dir / f".{name}.sha256.tmp"
    sha_tmp.write_text(digest + "\n", encoding="ascii")
    os.replace(sha_tmp, out_dir / f"{name}.sha256")
    return target


def main() -> None:
    ap = argparse.ArgumentParser(prog="release.sh", description=__doc__)
    ap.add_argument("--version", required=True, help="release version, e.g. 11.4.5")
    ap.add_argument("--fault", default="none", choices=FAULTS)
    ap.add_argument("--fault-arg", default="", help="fault argument (seconds for slow-start / flaky)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--base", help="base JAR (default: output of build.sh)")
    ap.add_argument("--build-timestamp", default=DEFAULT_BUILD_TIMESTAMP,
                    help="value reported as build.build_timestamp (default %(default)s)")
    args = ap.parse_args()
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._-]*", args.version):
        fail(f"invalid version {args.version!r}: use letters, digits, '.', '_' and '-'")
    if args.fault_arg and not re.fullmatch(r"[0-9]+", args.fault_arg):
        fail(f"invalid --fault-arg {args.fault_arg!r}: expected a number of seconds")
    base = args.base or base_jar()
    if not os.path.isfile(base):
        fail(f"base JAR not found: {base}")
    try:
        print(make(base, Path(args.out).resolve(), args.version, args.fault, args.fault_arg, args.build_timestamp))
    except (OSError, zipfile.BadZipFile) as exc:
        fail(f"cannot write the release JAR: {exc}")


if __name__ == "__main__":
    main()
