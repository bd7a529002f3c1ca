"""Shared helpers of the monitoring tests: paths and the promtool / prometheus executables."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "roles" / "monitoring" / "files" / "aurigraph-v11-rules.yml"
DASHBOARD = REPO / "roles" / "monitoring" / "files" / "aurigraph-v11-dashboard.json"
HERE = Path(__file__).resolve().parent


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found on PATH: run scripts/setup.sh (Debian package 'prometheus')")
    return path


@pytest.fixture(scope="session")
def promtool() -> str:
    return _tool("promtool")


@pytest.fixture(scope="session")
def prometheus_bin() -> str:
    return _tool("prometheus")
