"""PostgreSQL mode: token data in the DB, versioned migrations, real connection state in readiness."""
from __future__ import annotations

import hashlib
import itertools
import time

import pytest

from standin_testlib import ADMIN_TOKEN
from harness import free_port
from standin_pgcluster import PgCluster, find_bindir

pytestmark = pytest.mark.skipif(find_bindir() is None,
                                reason="no PostgreSQL server binaries (apt-get install -y postgresql)")
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def pg():
    cluster = PgCluster(free_port())
    try:
        cluster.init()
    except RuntimeError as exc:
        cluster.destroy()
        pytest.skip(f"cannot start a throwaway PostgreSQL cluster: {exc}")
    yield cluster
    cluster.destroy()


@pytest.fixture()
def db(pg):
    name = f"standin_{next(_ids)}"
    url = pg.create_db(name)
    return name, url


def db_env(pg, url, **extra):
    env = {"DB_URL": url, "DB_USERNAME": pg.user, "DB_PASSWORD": pg.password}
    env.update(extra)
    return env


def ready(s):
    status, _hdrs, body = s.request("GET", "/q/health/ready")
    check = next(c for c in body["checks"] if c["name"] == "Database connections health check")
    return status, check


def wait_ready(s, want_status, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        status, check = ready(s)
        if status == want_status:
            return check
        assert time.monotonic() < deadline, check
        time.sleep(0.25)


def test_token_data_lives_in_postgres(fresh, pg, db):
    name, url = db
    s = fresh(env=db_env(pg, url))
    check = wait_ready(s, 200)
    assert check["data"]["configured"] is True and check["data"]["schema_version"] == 1
    assert pg.psql("SELECT version FROM schema_version ORDER BY version", db=name).split() == ["1"]
    assert pg.psql("SELECT count(*) FROM auth_tokens", db=name).strip() == "7"
    h = hashlib.sha256(b"pg-token").hexdigest()
    assert s.request("POST", "/api/v11/auth/tokens/blacklist", {"tokenHash": h, "reason": "pg"}, token=ADMIN_TOKEN)[0] == 200
    assert pg.psql(f"SELECT reason FROM token_blacklist WHERE token_hash = '{h}'", db=name).strip() == "pg"
    assert s.request("POST", "/api/v11/auth/tokens/blacklist/cleanup", token=ADMIN_TOKEN)[2] == {"removed": 2}
    assert s.request("POST", "/api/v11/auth/tokens/cleanup", token=ADMIN_TOKEN)[2] == {"removedCount": 3}
    assert pg.psql("SELECT count(*) FROM auth_tokens", db=name).strip() == "4"
    # a row inserted behind the service's back is visible through the API
    pg.psql("UPDATE auth_tokens SET status = 'REVOKED' WHERE token_id = 'tok-seed-0003'", db=name)
    stats = s.request("GET", "/api/v11/auth/tokens/stats?userId=operator@aurigraph.io", token=ADMIN_TOKEN)[2]
    assert stats["revokedTokens"] == 2


def test_password_file_and_wrong_password(fresh, pg, db, tmp_path):
    _name, url = db
    pw = tmp_path / "db-password"
    pw.write_text(pg.password + "\n")
    s = fresh(env={"DB_URL": url, "DB_USERNAME": pg.user, "DB_PASSWORD_FILE": str(pw)})
    wait_ready(s, 200)
    bad = fresh(env=db_env(pg, url, DB_PASSWORD="wrong"))
    check = wait_ready(bad, 503)
    assert check["data"]["connected"] is False and "password" in check["data"]["error"]
    assert bad.running()
    assert bad.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=ADMIN_TOKEN)[0] == 503


def test_migration_v2_and_restore(fresh, pg, db, tmp_path):
    name, url = db
    old = fresh(version="11.4.4", env=db_env(pg, url))
    wait_ready(old, 200)
    old.stop()
    backup = tmp_path / "pre-upgrade.sql"
    pg.dump(str(backup), db=name)
    new = fresh(version="11.5.0", env=db_env(pg, url))
    check = wait_ready(new, 200)
    assert check["data"]["schema_version"] == 2
    cols = pg.psql("SELECT column_name FROM information_schema.columns WHERE table_name = 'auth_tokens'", db=name)
    assert "client_fingerprint" in cols.split()
    new.stop()
    # rolling back the JAR alone is not enough: the old release refuses the newer schema
    stale = fresh(version="11.4.4", env=db_env(pg, url))
    check = wait_ready(stale, 503)
    assert "newer than this release" in check["data"]["error"] and stale.running()
    assert stale.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=ADMIN_TOKEN)[0] == 503
    # restoring the pre-upgrade backup (here while it runs) makes the old release ready again
    pg.restore(str(backup), db=name)
    assert pg.psql("SELECT max(version) FROM schema_version", db=name).strip() == "1"
    assert wait_ready(stale, 200)["data"]["schema_version"] == 1
    assert stale.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=ADMIN_TOKEN)[0] == 200


def test_db_outage_and_recovery(fresh, pg, db):
    _name, url = db
    s = fresh(env=db_env(pg, url))
    wait_ready(s, 200)
    pg.stop()
    try:
        check = wait_ready(s, 503, timeout=15)
        assert check["data"]["connected"] is False
        assert s.running()
        assert s.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=ADMIN_TOKEN)[0] == 503
        assert s.request("GET", "/q/health/live")[0] == 200
    finally:
        pg.start()
    wait_ready(s, 200, timeout=20)
    assert s.request("GET", "/api/v11/auth/tokens/stats?userId=x", token=ADMIN_TOKEN)[0] == 200


def test_unreachable_db_at_start(fresh, pg):
    port = free_port()
    s = fresh(env={"DB_URL": f"jdbc:postgresql://127.0.0.1:{port}/none", "DB_USERNAME": "x", "DB_PASSWORD": "y"})
    status, check = ready(s)
    assert status == 503 and check["data"]["connected"] is False
    assert s.request("GET", "/api/v11/info")[0] == 200
