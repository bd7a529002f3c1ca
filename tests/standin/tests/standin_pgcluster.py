"""A throwaway PostgreSQL cluster on a loopback port, for the stand-in's PostgreSQL-mode tests."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> str | None:
    """Directory holding initdb/pg_ctl/postgres (Debian layout or PATH), or None."""
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return d
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl") and shutil.which("postgres"):
        return os.path.dirname(initdb)
    return None


class PgCluster:
    """initdb + pg_ctl in a temp dir; as root, runs the server as the ``postgres`` system user."""

    def __init__(self, port: int, password: str = "standin-pw", user: str = "aurigraph", db: str = "aurigraph"):
        bindir = find_bindir()
        if not bindir:
            raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found")
        self.bindir = bindir
        self.port = port
        self.password = password
        self.user = user
        self.db = db
        self.tmp = tempfile.mkdtemp(prefix="standin-pg-")
        os.chmod(self.tmp, 0o755)
        self.datadir = os.path.join(self.tmp, "data")
        self.sockdir = os.path.join(self.tmp, "sock")
        os.makedirs(self.sockdir)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("running as root but there is no 'postgres' user to run the server") from exc
            os.chown(self.tmp, pw.pw_uid, pw.pw_gid)
            os.chown(self.sockdir, pw.pw_uid, pw.pw_gid)

    @property
    def url(self) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{self.db}"

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
                              cwd=self.tmp, **kw)

    def _check(self, args: list[str], **kw) -> str:
        p = self._run(args, **kw)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {p.stdout[-2000:]}")
        return p.stdout

    def init(self) -> "PgCluster":
        pwfile = os.path.join(self.tmp, "pw")
        Path(pwfile).write_text("postgres-superuser-pw\n")
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._check([f"{self.bindir}/initdb", "-D", self.datadir, "-U", "postgres", "--auth-local=trust",
                     "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-instructions"])
        self.start()
        self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}'")
        self.psql(f"CREATE DATABASE {self.db} OWNER {self.user}")
        return self

    def url_for(self, db: str) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{db}"

    def create_db(self, name: str) -> str:
        """A new empty database owned by the application user; returns its JDBC URL."""
        self.psql(f"CREATE DATABASE {name} OWNER {self.user}")
        return self.url_for(name)

    def start(self) -> None:
        self._check([f"{self.bindir}/pg_ctl", "-D", self.datadir, "-w", "-t", "30", "-l",
                     os.path.join(self.tmp, "server.log"), "-o",
                     f"-p {self.port} -k {self.sockdir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])

    def stop(self) -> None:
        self._run([f"{self.bindir}/pg_ctl", "-D", self.datadir, "-w", "-t", "30", "-m", "fast", "stop"])

    def psql(self, sql: str, db: str = "postgres") -> str:
        psql = os.path.join(self.bindir, "psql")
        return self._check([psql, "-h", self.sockdir, "-p", str(self.port), "-U", "postgres", "-d", db,
                            "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])

    def dump(self, path: str, db: str | None = None) -> None:
        out = self._check([os.path.join(self.bindir, "pg_dump"), "-h", self.sockdir, "-p", str(self.port),
                           "-U", "postgres", "-Fp", "--clean", "--if-exists", db or self.db])
        Path(path).write_text(out)

    def restore(self, path: str, db: str | None = None) -> None:
        psql = os.path.join(self.bindir, "psql")
        sql = Path(path).read_text()
        p = self._run([psql, "-h", self.sockdir, "-p", str(self.port), "-U", "postgres", "-d", db or self.db,
                       "-v", "ON_ERROR_STOP=1", "-q", "--single-transaction"], input=sql)
        if p.returncode != 0:
            raise RuntimeError(f"restore failed: {p.stdout[-2000:]}")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
