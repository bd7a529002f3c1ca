"""The monitoring role against a real Prometheus (Debian package binary) scraping real stand-in nodes.

Everything runs on the host's loopback, in a temp dir:
  * two stand-in nodes (n1 leader, n2 follower) with the runtime faults switch on (tests/standin RuntimeFaults);
  * one minimal node_exporter stand-in per node that serves its textfile directory (what node_exporter's textfile
    collector does), where the pipeline role's deploy marker task writes aurigraph_release_info;
  * the monitoring role, applied with ansible-playbook to "localhost" (connection local), writes prometheus.yml, the
    file_sd targets and the rules (promtool-validated), with 1s scrape/evaluation intervals, a 10s rate window and
    5s `for:` on the alerts under test -- the rule expressions themselves are the shipped ones;
  * prometheus itself on 127.0.0.1 (lifecycle API on, so the role reloads it over HTTP).
Then: faults (errors and latency on n1, n2 stopped) make HighErrorRate, HighResponseTime and AurigraphServiceDown go
pending -> firing in Prometheus's /api/v1/alerts; clearing them resolves the alerts. Every dashboard query returns
data; the WebSocket / blacklist gauges and the deploy marker arrive with the node's labels.
"""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import DASHBOARD, REPO, RULES

sys.path.insert(0, str(REPO / "tests" / "standin"))
from harness import StandIn, WebSocketClient, build_base, free_port, http_request  # noqa: E402

TOKEN = "monitoring-test-token"
FOR_SECONDS = 5
FAULT_ALERTS = ("HighErrorRate", "HighResponseTime", "AurigraphServiceDown")
MARKER_RELEASE = "11.5.0-0123abcd-a1b2c3"
FAILED_RELEASE = "11.6.0-rc1-4567cdef-d4e5f6"
OVERRIDES = {**{name: {"for": f"{FOR_SECONDS}s"} for name in FAULT_ALERTS},
             "WebSocketConnectionsHigh": {"for": "7m", "labels": {"team": "backend"}}}


class TextfileExporter:
    """node_exporter's textfile collector, reduced to what the test needs: GET /metrics = every *.prom file of
    the directory, concatenated (read at each scrape, like node_exporter)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                # one family may span several files: HELP/TYPE once per family, like node_exporter's merge
                lines, seen = [], set()
                for path in sorted(outer.directory.glob("*.prom")):
                    for line in path.read_text(encoding="utf-8").splitlines():
                        if line.startswith(("# HELP ", "# TYPE ")):
                            if line in seen:
                                continue
                            seen.add(line)
                        lines.append(line)
                data = ("\n".join(lines) + "\n").encode("utf-8")
                self.send_response(200 if self.path == "/metrics" else 404)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Traffic:
    """Background /api/v11/info calls to every running node, so the HTTP rates have data."""

    def __init__(self, nodes: dict[str, StandIn]) -> None:
        self.nodes = nodes
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop_event.is_set():
            for svc in self.nodes.values():
                if svc.running():
                    try:
                        http_request("GET", svc.url + "/api/v11/info", timeout=5)
                    except OSError:
                        pass  # a node being stopped or restarted: the next round tries again
            self.stop_event.wait(0.05)  # pacing between rounds, not a wait on a condition

    def close(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=15)


class Stack:
    def __init__(self, tmp: Path, prometheus_bin: str) -> None:
        self.tmp = tmp
        self.prometheus_bin = prometheus_bin
        self.nodes: dict[str, StandIn] = {}
        self.exporters: dict[str, TextfileExporter] = {}
        self.prom: subprocess.Popen | None = None
        self.prom_port = free_port()
        self.prom_url = f"http://127.0.0.1:{self.prom_port}"
        self.etc = tmp / "etc"
        self.traffic: Traffic | None = None
        self.first_run: subprocess.CompletedProcess | None = None

    # ---------------------------------------------------------------- Prometheus API
    def api(self, path: str, **params) -> dict:
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        status, _hdrs, body = http_request("GET", f"{self.prom_url}{path}{query}", timeout=10)
        assert status == 200 and isinstance(body, dict) and body.get("status") == "success", (path, status, body)
        return body["data"]

    def query(self, expr: str) -> list[dict]:
        data = self.api("/api/v1/query", query=expr)
        return data["result"]

    def alerts(self) -> list[dict]:
        return self.api("/api/v1/alerts")["alerts"]

    # ---------------------------------------------------------------- ansible
    def run_role(self, extra: dict) -> subprocess.CompletedProcess:
        extra_file = self.tmp / "extra.json"
        extra_file.write_text(json.dumps(extra))
        env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"))
        return subprocess.run(
            [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(self.tmp / "inventory.yml"),
             str(self.tmp / "playbook.yml"), "-e", f"@{extra_file}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=300, check=False)

    def role_vars(self, **overrides) -> dict:
        base = {
            "aurigraph_monitoring_config_dir": str(self.etc),
            "aurigraph_monitoring_file_owner": _user(),
            "aurigraph_monitoring_file_group": _group(),
            "aurigraph_monitoring_url": self.prom_url,
            "aurigraph_monitoring_reload": "http",
            "aurigraph_monitoring_verify": True,
            "aurigraph_monitoring_verify_timeout": 120,
            "aurigraph_monitoring_scrape_interval": "1s",
            "aurigraph_monitoring_scrape_timeout": "1s",
            "aurigraph_monitoring_evaluation_interval": "1s",
            "aurigraph_monitoring_rate_window": "10s",
            "aurigraph_monitoring_rule_overrides": OVERRIDES,
            "aurigraph_monitoring_runbook_base_url": "https://docs.example.test/aurigraph/",
            "marker_release": MARKER_RELEASE,
            "failed_release": FAILED_RELEASE,
            "state_root": str(self.tmp / "state"),
            "with_markers": False,
        }
        base.update(overrides)
        return base

    def write_inventory(self) -> None:
        hosts = {}
        for name, svc in self.nodes.items():
            hosts[name] = {"ansible_host": "127.0.0.1", "aurigraph_http_port": svc.http_port,
                           "aurigraph_monitoring_node_exporter_port": self.exporters[name].port,
                           "aurigraph_release_textfile_dir": str(self.exporters[name].directory),
                           "ansible_connection": "local", "ansible_python_interpreter": sys.executable}
        inventory = {"all": {"children": {
            "aurigraph_nodes": {"hosts": hosts},
            "prometheus": {"hosts": {"prom": {"ansible_connection": "local",
                                              "ansible_python_interpreter": sys.executable}}}}}}
        (self.tmp / "inventory.yml").write_text(yaml.safe_dump(inventory))
        release = {"name": "aurigraph.dlt.pipeline"}
        playbook = [
            {"name": "Deploy markers: the pipeline role's commit and mark steps, as a deploy whose successor failed "
                     "its health gate and was rolled back",
             "hosts": "aurigraph_nodes", "gather_facts": False,
             "vars": {"aurigraph_state_dir": "{{ state_root }}/{{ inventory_hostname }}",
                      "aurigraph_deployed_by": "monitoring-test"},
             "tasks": [{"name": "Markers", "when": "with_markers | bool", "block": [
                 {"name": "Record the releases", "aurigraph.dlt.release_record": {
                     "path": "{{ aurigraph_state_dir }}/releases.json", "release_id": "{{ item }}",
                     "version": "{{ item | regex_replace('-[0-9a-f]{8}-[0-9a-f]{6}$', '') }}", "method": "systemd"},
                  "loop": ["{{ marker_release }}", "{{ failed_release }}"]},
                 {"name": "Commit the first", "ansible.builtin.include_role": {**release, "tasks_from": "mark"},
                  "vars": {"_aurigraph_mark_id": "{{ marker_release }}", "_aurigraph_mark_status": "good",
                           "_aurigraph_mark_current": True, "_aurigraph_mark_commit": True}},
                 {"name": "The second fails", "ansible.builtin.include_role": {**release, "tasks_from": "mark"},
                  "vars": {"_aurigraph_mark_id": "{{ failed_release }}", "_aurigraph_mark_status": "failed"}},
                 {"name": "Rollback restores the first", "ansible.builtin.include_role": {**release, "tasks_from": "mark"},
                  "vars": {"_aurigraph_mark_id": "{{ marker_release }}", "_aurigraph_mark_status": "good",
                           "_aurigraph_mark_current": True}},
             ]}]},
            {"name": "Monitoring", "hosts": "prometheus", "gather_facts": False,
             "roles": [{"role": "aurigraph.dlt.monitoring"}]},
        ]
        (self.tmp / "playbook.yml").write_text(yaml.safe_dump(playbook, sort_keys=False))

    # ---------------------------------------------------------------- lifecycle
    def start_prometheus(self) -> None:
        log = open(self.tmp / "prometheus.log", "wb")  # noqa: SIM115 (closed with the process)
        self.prom = subprocess.Popen(
            [self.prometheus_bin, f"--config.file={self.etc / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.tmp / 'tsdb'}", f"--web.listen-address=127.0.0.1:{self.prom_port}",
             "--web.enable-lifecycle", "--log.level=warn"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)
        wait_for(lambda: _ready(self.prom_url), 90, "prometheus /-/ready",
                 lambda: (self.tmp / "prometheus.log").read_text(errors="replace")[-2000:])

    def close(self) -> None:
        if self.traffic:
            self.traffic.close()
        if self.prom and self.prom.poll() is None:
            self.prom.terminate()
            try:
                self.prom.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.prom.kill()
        for svc in self.nodes.values():
            svc.close()
        for exporter in self.exporters.values():
            exporter.close()


def _user() -> str:
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def _group() -> str:
    import grp
    return grp.getgrgid(os.getgid()).gr_name


def _ready(url: str) -> bool:
    try:
        return http_request("GET", url + "/-/ready", timeout=3)[0] == 200
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str, diagnostics=None, interval: float = 0.25):
    """Poll `predicate` until it returns a truthy value (returned) or `timeout` seconds pass (fail)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = diagnostics() if diagnostics else ""
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{extra}")
        time.sleep(interval)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, prometheus_bin):
    tmp = tmp_path_factory.mktemp("monitoring")
    st = Stack(tmp, prometheus_bin)
    try:
        jar = build_base()
        for name in ("n1", "n2"):
            st.nodes[name] = StandIn(jar, env={
                "AURIGRAPH_API_TOKENS": TOKEN, "AURIGRAPH_RATE_LIMIT": "0", "AURIGRAPH_STANDIN_RUNTIME_FAULTS": "true",
                "AURIGRAPH_NODE_ID": name, "AURIGRAPH_CONSENSUS_LEADER": "n1", "AURIGRAPH_CLUSTER_SIZE": "2",
                "AURIGRAPH_BRIDGE_SETTLE_SECONDS": "1"})
            st.exporters[name] = TextfileExporter(tmp / "textfile" / name)
        for svc in st.nodes.values():
            svc.start(wait=False)
        for svc in st.nodes.values():
            svc.wait_until("started", timeout=180)
        st.traffic = Traffic(st.nodes)
        st.write_inventory()
        # An existing Prometheus that scrapes nothing yet: the role configures it.
        st.etc.mkdir()
        (st.etc / "prometheus.yml").write_text("global:\n  scrape_interval: 1m\nscrape_configs: []\n")
        st.start_prometheus()
        st.first_run = st.run_role(st.role_vars(with_markers=True))
        yield st
    finally:
        st.close()


def test_role_configures_reloads_and_verifies(stack):
    """The role writes the files (validated), reloads the running Prometheus over /-/reload and verifies that it
    runs them (rules with the overrides, tuned rate window and runbook URLs); a re-run changes nothing."""
    run = stack.first_run
    assert run.returncode == 0, run.stdout[-6000:]
    assert "RUNNING HANDLER [aurigraph.dlt.monitoring : Reload Prometheus through its HTTP lifecycle API]" in run.stdout
    assert "Wait until Prometheus has discovered every Aurigraph target" in run.stdout
    rules = {r["name"]: r for g in stack.api("/api/v1/rules")["groups"] for r in g["rules"]}
    assert rules["WebSocketConnectionsHigh"]["duration"] == 420
    assert rules["WebSocketConnectionsHigh"]["labels"] == {"severity": "warning", "team": "backend"}
    assert rules["HighErrorRate"]["duration"] == FOR_SECONDS
    assert "[10s]" in rules["HighErrorRate"]["query"]
    assert rules["HighErrorRate"]["annotations"]["runbook_url"] == "https://docs.example.test/aurigraph/higherrorrate"
    shipped = yaml.safe_load(RULES.read_text())
    assert len(rules) == len({r["alert"] for g in shipped["groups"] for r in g["rules"]})
    # idempotence: the same inputs again change nothing
    again = stack.run_role(stack.role_vars())
    assert again.returncode == 0, again.stdout[-6000:]
    assert "changed=0" in again.stdout.split("PLAY RECAP")[-1], again.stdout[-3000:]


def test_invalid_config_never_replaces_the_live_one(stack):
    """promtool rejects the new prometheus.yml (scrape timeout > interval): the play fails with promtool's reason,
    the live file is untouched and Prometheus keeps running with it."""
    config = stack.etc / "prometheus.yml"
    before = config.read_bytes()
    run = stack.run_role(stack.role_vars(aurigraph_monitoring_scrape_timeout="20s"))
    assert run.returncode != 0
    assert "failed to validate" in run.stdout and "scrape timeout greater than scrape interval" in run.stdout, \
        run.stdout[-4000:]
    assert config.read_bytes() == before
    assert _ready(stack.prom_url)
    assert stack.api("/api/v1/status/config")["yaml"].count("scrape_timeout: 1s") >= 1


def test_tls_basic_auth_options_pass_promtool(stack):
    """HTTPS with a CA and server name, basic auth (password in a 0640 file, never in prometheus.yml or the
    output), Alertmanager, external labels, extra scrape configs and Grafana provisioning: the role renders a
    configuration that promtool accepts. Written to a separate directory; the running Prometheus is not touched."""
    etc = stack.tmp / "etc-tls"
    ca = stack.tmp / "ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(stack.tmp / "ca.key"),
                    "-out", str(ca), "-days", "2", "-subj", "/CN=aurigraph-test-ca"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
    password = "scrape-pw-not-in-output"
    run = stack.run_role(stack.role_vars(
        aurigraph_monitoring_config_dir=str(etc), aurigraph_monitoring_reload="none", aurigraph_monitoring_verify=False,
        aurigraph_monitoring_scheme="https", aurigraph_monitoring_ca_file=str(ca),
        aurigraph_monitoring_tls_server_name="dlt.example.test",
        aurigraph_monitoring_basic_auth_username="scraper", aurigraph_monitoring_basic_auth_password=password,
        aurigraph_monitoring_alertmanagers=["127.0.0.1:9093"], aurigraph_monitoring_external_labels={"cluster": "t"},
        aurigraph_monitoring_extra_scrape_configs=[{"job_name": "self", "static_configs": [
            {"targets": ["127.0.0.1:9090"]}]}],
        aurigraph_monitoring_grafana_dashboards_dir=str(etc), aurigraph_monitoring_grafana_provisioning_dir=str(etc)))
    assert run.returncode == 0, run.stdout[-6000:]
    assert password not in run.stdout
    config = yaml.safe_load((etc / "prometheus.yml").read_text())
    job = config["scrape_configs"][0]
    assert job["scheme"] == "https" and job["tls_config"] == {
        "ca_file": str(ca), "server_name": "dlt.example.test", "insecure_skip_verify": False}
    assert job["basic_auth"] == {"username": "scraper", "password_file": str(etc / "aurigraph-v11.scrape-password")}
    assert password not in (etc / "prometheus.yml").read_text()
    assert (etc / "aurigraph-v11.scrape-password").read_text() == password
    assert oct((etc / "aurigraph-v11.scrape-password").stat().st_mode & 0o777) == "0o640"
    assert [c["job_name"] for c in config["scrape_configs"]] == ["aurigraph-v11", "aurigraph-node", "self"]
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9093"]
    assert json.loads((etc / "aurigraph-v11.json").read_text())["uid"] == "aurigraph-v11"
    assert yaml.safe_load((etc / "aurigraph-v11.yml").read_text())["providers"][0]["options"]["path"] == str(etc)


def test_targets_from_inventory(stack):
    wait_for(lambda: len(stack.query('up{job="aurigraph-v11"} == 1')) == 2, 60, "both nodes scraped")
    result = stack.query('up{job="aurigraph-v11"}')
    assert {(r["metric"]["node"], r["metric"]["instance"]) for r in result} == {
        (name, f"127.0.0.1:{svc.http_port}") for name, svc in stack.nodes.items()}


def _state(alerts: list[dict], name: str, labels: dict) -> dict | None:
    for alert in alerts:
        if alert["labels"].get("alertname") == name and all(alert["labels"].get(k) == v for k, v in labels.items()):
            return alert
    return None


def _parse_time(value: str) -> float:
    # RFC 3339 with nanoseconds: keep microseconds for datetime
    head, _dot, tail = value.partition(".")
    frac = "".join(ch for ch in tail if ch.isdigit())[:6]
    zone = tail[len("".join(ch for ch in tail if ch.isdigit())):] or "Z"
    return datetime.fromisoformat(f"{head}.{frac or '0'}{zone.replace('Z', '+00:00')}").timestamp()


def test_faults_fire_and_resolve(stack):
    """errors + latency on n1 and n2 stopped: the three alerts go pending, then firing no earlier than `for:`, in
    Prometheus's own API; clearing the faults resolves them."""
    n1, n2 = stack.nodes["n1"], stack.nodes["n2"]
    targets = {
        "HighErrorRate": {"job": "aurigraph-v11"},
        "HighResponseTime": {"job": "aurigraph-v11"},
        "AurigraphServiceDown": {"instance": f"127.0.0.1:{n2.http_port}"},
    }
    wait_for(lambda: len(stack.query('up{job="aurigraph-v11"} == 1')) == 2, 60, "both nodes scraped")
    wait_for(lambda: not any(_state(stack.alerts(), n, l) for n, l in targets.items()), 90,
             "no fault alert before the faults", lambda: json.dumps(stack.alerts(), indent=1)[-3000:])

    status, _hdrs, body = n1.request("PUT", "/standin/runtime-faults", {"error_ratio": 0.5, "latency_ms": 1000})
    assert status == 200, body
    n2.stop()
    seen: dict[str, dict[str, float]] = {name: {} for name in targets}

    def observe():
        now = time.time()
        current = stack.alerts()
        for name, labels in targets.items():
            alert = _state(current, name, labels)
            if alert:
                seen[name].setdefault(alert["state"], now)
                if alert["state"] == "firing":
                    seen[name]["activeAt"] = _parse_time(alert["activeAt"])
                    seen[name]["annotations"] = alert["annotations"]
        return all("firing" in s for s in seen.values())

    wait_for(observe, 120, "the three alerts firing", lambda: json.dumps(seen, indent=1, default=str))
    for name, states in seen.items():
        assert "pending" in states and states["pending"] <= states["firing"], (name, states)
        # Prometheus marks it firing only once `for:` has passed since it became active (1s of clock slack)
        assert states["firing"] - states["activeAt"] >= FOR_SECONDS - 1, (name, states)
    assert "5xx ratio" in seen["HighErrorRate"]["annotations"]["summary"]
    assert f"127.0.0.1:{n2.http_port}" in seen["AurigraphServiceDown"]["annotations"]["summary"]

    status, _hdrs, body = n1.request("PUT", "/standin/runtime-faults", {"error_ratio": 0, "latency_ms": 0})
    assert status == 200, body
    n2.start(timeout=180)
    wait_for(lambda: not any(_state(stack.alerts(), n, l) for n, l in targets.items()), 120,
             "the three alerts resolved", lambda: json.dumps(stack.alerts(), indent=1)[-3000:])


def test_gauges_for_the_textfile_alerts(stack):
    """aurigraph_websocket_connections and aurigraph_token_blacklist_size reach Prometheus with the node's labels
    and follow the node's state; the rules that use them are loaded."""
    n1 = stack.nodes["n1"]
    ws_query = 'aurigraph_websocket_connections{job="aurigraph-v11", node="n1"}'
    wait_for(lambda: [r for r in stack.query(ws_query) if r["value"][1] == "0"], 60, "0 WebSocket connections")
    with WebSocketClient(n1.url.replace("http", "ws") + "/ws/tokens"):
        wait_for(lambda: [r for r in stack.query(ws_query) if r["value"][1] == "1"], 60, "1 WebSocket connection")
    wait_for(lambda: [r for r in stack.query(ws_query) if r["value"][1] == "0"], 60, "the connection gone")

    status, _hdrs, stats = n1.request("GET", "/api/v11/auth/tokens/blacklist/stats", token=TOKEN)
    assert status == 200, stats
    expected = stats["blacklistedTokens"] + 1
    new_entry = {"tokenHash": "ab" * 32, "reason": "test"}
    status, _hdrs, body = n1.request("POST", "/api/v11/auth/tokens/blacklist", new_entry, token=TOKEN)
    assert status == 200, body
    bl_query = 'aurigraph_token_blacklist_size{job="aurigraph-v11", node="n1"}'
    wait_for(lambda: [r for r in stack.query(bl_query) if float(r["value"][1]) == expected], 60,
             f"blacklist size {expected} in Prometheus")
    rules = {r["name"] for g in stack.api("/api/v1/rules")["groups"] for r in g["rules"]}
    assert {"TokenBlacklistLarge", "WebSocketConnectionsHigh"} <= rules


def test_deploy_marker(stack):
    """The release role's deploy markers (commit: deployed; health gate: failed; rollback: restored) arrive as the
    node's own series with release, version and result, valued at the time of the event."""
    n1 = stack.nodes["n1"]
    query = 'aurigraph_release_info{job="aurigraph-v11", node="n1"}'
    result = wait_for(lambda: stack.query(query) if len(stack.query(query)) == 3 else None, 60,
                      "three deploy markers of n1", lambda: json.dumps(stack.query(query), indent=1))
    by_result = {r["metric"]["result"]: r for r in result}
    assert {k: (v["metric"]["release"], v["metric"]["version"]) for k, v in by_result.items()} == {
        "deployed": (MARKER_RELEASE, "11.5.0"), "failed": (FAILED_RELEASE, "11.6.0-rc1"),
        "restored": (MARKER_RELEASE, "11.5.0")}
    for series in result:
        assert series["metric"]["instance"] == f"127.0.0.1:{n1.http_port}"
        assert "aurigraph_instance" not in series["metric"]
        assert abs(float(series["value"][1]) - time.time()) < 900
    assert float(by_result["deployed"]["value"][1]) <= float(by_result["restored"]["value"][1])
    assert len(stack.query('aurigraph_release_info{node="n2"}')) == 3


def test_dashboard_queries_return_data(stack):
    """Every query of every panel (and the deploy annotation) returns data from the stand-ins."""
    n1 = stack.nodes["n1"]
    # a settled bridge retry feeds the transaction counters and the latency histogram
    status, _hdrs, body = n1.request("POST", "/api/v11/bridge/retry/tx-failed-0001", token=TOKEN)
    assert status == 200, body
    wait_for(lambda: stack.query('increase(aurigraph_transactions_processed_total{node="n1"}[5m]) > 0'), 60,
             "a settled transfer counted")
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [(p["title"], t["expr"]) for p in dashboard["panels"] if p["type"] != "row" for t in p["targets"]]
    queries += [(f"annotation {a['name']}", a["expr"]) for a in dashboard["annotations"]["list"]]
    assert len(queries) >= 17
    empty = []
    for title, expr in queries:
        result = stack.query(expr.replace("$__rate_interval", "5m"))
        if not result:
            empty.append(f"{title}: {expr}")
    assert not empty, "dashboard queries without data:\n" + "\n".join(empty)
