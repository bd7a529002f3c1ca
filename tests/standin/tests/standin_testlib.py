"""Shared constants and helpers of the stand-in's own tests (kept out of conftest.py so that
``from standin_testlib import ...`` cannot pick up another suite's conftest)."""
from __future__ import annotations

from pathlib import Path

STANDIN = Path(__file__).resolve().parent.parent  # tests/standin
ADMIN_TOKEN = "test-admin-token-0001"
FILE_TOKEN = "test-file-token-0002"
USER_EMAIL = "admin@aurigraph.io"
USER_PASSWORD = "test-password"
GIT_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def base_env(tmp: Path, **extra: str) -> dict[str, str]:
    tokens_file = tmp / "api-tokens"
    tokens_file.write_text(f"# test tokens\n{FILE_TOKEN}\n")
    env = {
        "AURIGRAPH_API_TOKENS": ADMIN_TOKEN,
        "AURIGRAPH_API_TOKENS_FILE": str(tokens_file),
        "AURIGRAPH_USERS": f"{USER_EMAIL}:{USER_PASSWORD},operator@aurigraph.io:op-password",
        "AURIGRAPH_RATE_LIMIT": "100000",
        "AURIGRAPH_BRIDGE_SETTLE_SECONDS": "0.6",
        "AURIGRAPH_NODE_ID": "node-test-1",
        "GIT_COMMIT": GIT_COMMIT,
        "QUARKUS_PROFILE": "prod",
    }
    env.update(extra)
    return env
