"""Fixtures for the stand-in's own tests: build once, start on free loopback ports."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(STANDIN))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import StandIn, build_base, make_release  # noqa: E402
from standin_testlib import ADMIN_TOKEN, base_env  # noqa: E402


@pytest.fixture(scope="session")
def base_jar() -> str:
    return build_base()


@pytest.fixture(scope="session")
def release(base_jar, tmp_path_factory):
    """release(version, fault="none", fault_arg=None) -> JAR path (cached per combination)."""
    root = tmp_path_factory.mktemp("releases")
    made: dict[tuple, str] = {}

    def _make(version: str, fault: str = "none", fault_arg=None) -> str:
        key = (version, fault, fault_arg)
        if key not in made:
            out = root / f"{fault}-{fault_arg}"
            made[key] = make_release(version, fault, out, fault_arg=fault_arg, base=base_jar)
        return made[key]

    return _make


@pytest.fixture(scope="session")
def svc(release, tmp_path_factory):
    """The main stand-in (release 11.4.4, no fault), shared by read-mostly tests."""
    tmp = tmp_path_factory.mktemp("svc")
    s = StandIn(release("11.4.4"), env=base_env(tmp, AURIGRAPH_CONSENSUS_LEADER="node-test-0",
                                                AURIGRAPH_CLUSTER_SIZE="3", AURIGRAPH_CONSENSUS_TERM="7",
                                                AURIGRAPH_API_TOKENS=f"{ADMIN_TOKEN},victim-token-0003"))
    s.start(timeout=90)
    yield s
    s.close()


@pytest.fixture()
def fresh(release, tmp_path):
    """Factory for a dedicated stand-in (fresh data dir unless given); all are closed after the test."""
    started: list[StandIn] = []

    def _start(version: str = "11.4.4", fault: str = "none", fault_arg=None, env=None, wait=True,
               data_dir=None, jar=None, **kw) -> StandIn:
        e = base_env(tmp_path)
        e.update(env or {})
        s = StandIn(jar or release(version, fault, fault_arg), env=e, data_dir=data_dir, **kw)
        started.append(s)
        s.start(wait=wait, timeout=90)
        return s

    yield _start
    for s in started:
        s.close()


def pytest_report_header(config):
    return f"stand-in: {STANDIN} (AURIGRAPH_CACHE={os.environ.get('AURIGRAPH_CACHE', '~/.cache/aurigraph-dlt')})"
