"""Health, info, consensus, metrics and correlation-id shapes of the stand-in (no fault)."""
from __future__ import annotations

import datetime as dt
import re
import socket

from standin_testlib import GIT_COMMIT

READY = ["Database connections health check", "Redis connection health check", "gRPC Server", "oracle-service"]
LIVE = ["alive", "Aurigraph V11 is running", "websocket-service"]


def names(body):
    return sorted(c["name"] for c in body["checks"])


def test_health_endpoints_up_with_production_check_names(svc):
    for path, expected in (("/q/health/ready", READY), ("/q/health/live", LIVE), ("/q/health", READY + LIVE)):
        status, headers, body = svc.request("GET", path)
        assert status == 200, (path, body)
        assert body["status"] == "UP"
        assert names(body) == sorted(expected), path
        assert all(c["status"] == "UP" for c in body["checks"])
    status, _hdrs, body = svc.request("GET", "/q/health/started")
    assert status == 200 and body["status"] == "UP"


def test_database_check_reports_not_configured(svc):
    _status, _hdrs, body = svc.request("GET", "/q/health/ready")
    db = next(c for c in body["checks"] if c["name"] == "Database connections health check")
    assert db["data"] == {"configured": False}
    grpc = next(c for c in body["checks"] if c["name"] == "gRPC Server")
    assert grpc["data"]["port"] == svc.grpc_port


def test_grpc_port_accepts_connections(svc):
    with socket.create_connection(("127.0.0.1", svc.grpc_port), timeout=5):
        pass


def test_api_health_runbook_shape(svc):
    status, _hdrs, body = svc.request("GET", "/api/v11/health")
    assert status == 200
    assert body == {"status": "UP", "checks": [{"name": "Database", "status": "UP"}, {"name": "Redis", "status": "UP"}]}


def test_info_sections(svc):
    status, _hdrs, body = svc.request("GET", "/api/v11/info")
    assert status == 200
    assert set(body) >= {"platform", "runtime", "features", "network", "build"}
    assert body["platform"]["version"] == "11.4.4"
    assert body["platform"]["name"] == "Aurigraph V11"
    assert body["platform"]["environment"] == "prod"
    assert body["build"]["version"] == "11.4.4"
    assert body["build"]["commit_hash"] == GIT_COMMIT
    assert set(body["build"]) == {"version", "build_timestamp", "commit_hash", "branch", "build_type"}
    rt = body["runtime"]
    assert set(rt) >= {"java_version", "quarkus_version", "native_mode", "uptime_seconds", "start_time"}
    assert rt["native_mode"] is False
    assert re.match(r"^3\.", rt["quarkus_version"])
    start = dt.datetime.fromisoformat(rt["start_time"].replace("Z", "+00:00")[:26] + "+00:00")
    assert start <= dt.datetime.now(dt.timezone.utc)
    assert isinstance(rt["uptime_seconds"], int) and rt["uptime_seconds"] >= 0
    assert body["network"]["ports"] == {"http": 9003, "grpc": 9004, "metrics": 9090}  # constants, not real ports


def test_consensus_status_public(svc):
    status, _hdrs, body = svc.request("GET", "/api/v11/consensus/status")
    assert status == 200
    assert set(body) == {"nodeId", "state", "currentTerm", "commitIndex", "leaderId", "consensusLatency", "throughput",
                         "clusterSize"}
    # the session instance is configured as a follower of node-test-0 in a 3-node cluster, term 7
    assert (body["nodeId"], body["leaderId"], body["state"], body["clusterSize"], body["currentTerm"]) == \
        ("node-test-1", "node-test-0", "FOLLOWER", 3, 7)
    assert isinstance(body["commitIndex"], int)


def test_consensus_defaults_single_leader(fresh):
    s = fresh(env={"AURIGRAPH_NODE_ID": "solo-1"})
    _status, _hdrs, body = s.request("GET", "/api/v11/consensus/status")
    assert (body["nodeId"], body["leaderId"], body["state"], body["clusterSize"], body["currentTerm"]) == \
        ("solo-1", "solo-1", "LEADER", 1, 1)
    text = s.request("GET", "/q/metrics", headers={"Accept": "text/plain"})[2]
    assert re.search(r"^aurigraph_consensus_leader(\{[^}]*\})? 1\.0$", text, re.M)


def test_metrics_prometheus_families(svc):
    svc.request("GET", "/api/v11/info")
    status, headers, text = svc.request("GET", "/q/metrics", headers={"Accept": "text/plain"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    status, headers, openmetrics = svc.request("GET", "/q/metrics")  # no Accept: OpenMetrics
    assert status == 200 and openmetrics.rstrip().endswith("# EOF")
    for family in ("http_server_requests_seconds_count", "jvm_memory_used_bytes", "jvm_memory_max_bytes",
                   "process_cpu_usage", "system_cpu_count", "aurigraph_transactions_processed_total",
                   "aurigraph_transactions_failed_total", "aurigraph_transaction_duration_seconds_bucket",
                   "aurigraph_bridge_transaction_oldest_pending_timestamp", "aurigraph_consensus_term",
                   "aurigraph_consensus_leader"):
        assert re.search(rf"^{family}[{{ ]", text, re.M), family
        assert re.search(rf"^{family}[{{ ]", openmetrics, re.M), family


def test_correlation_id_echoed_and_generated(svc):
    _status, h, _body = svc.request("GET", "/api/v11/info", headers={"X-Correlation-Id": "corr-123"})
    assert h["X-Correlation-Id"] == "corr-123"
    seen = set()
    for path in ("/api/v11/info", "/q/health/ready", "/does-not-exist", "/api/v11/bridge/status/bridge-eth-001"):
        status, h, _body = svc.request("GET", path)
        cid = h.get("X-Correlation-Id")
        assert cid and cid not in seen, (path, status)
        seen.add(cid)
