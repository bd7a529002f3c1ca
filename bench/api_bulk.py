"""Benchmark: bulk API operations of the collection's modules against the stand-in on loopback.

- aurigraph.dlt.bridge_retry over --stuck (1,000) stuck transfers, once per --concurrency level;
- aurigraph.dlt.token_blacklist over --hashes (1,000) new token hashes (blacklist), then the same again (a re-run:
  checks only, changed=false).
Each run is one real ansible-playbook against a fresh stand-in (the same data every time). Reported per run: wall
time, requests made (the stand-in's own http_server_requests_seconds_count for /api/v11/*, read from /q/metrics
before and after), requests per second, and the rate-limit budget that costs: requests / 100, the production
limit of 100 requests per rolling hour per client (the stand-in runs with a limit high enough not to interfere).
By default the stand-in keeps its state in memory (AURIGRAPH_STATE_STORE=memory, tests/standin/README.md) so the
module is measured and not the stand-in's whole-file rewrite per change; --store file measures that too.

    .venv/bin/python bench/api_bulk.py [--stuck 1000] [--hashes 1000] [--concurrency 1 4 8] [--store memory file]
Prints a table, writes bench/results/api_bulk-<time>.json.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "standin"))

from harness import StandIn, build_base  # noqa: E402  pylint: disable=wrong-import-position,import-error

TOKEN = "bench-admin-token"
PRODUCTION_LIMIT_PER_HOUR = 100
BRIDGE_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - aurigraph.dlt.bridge_retry:
        api_url: "{url}"
        stuck_older_than: 1h
        concurrency: {concurrency}
        timeout: 600
      register: out
    - ansible.builtin.copy:
        content: "{{{{ out | to_json }}}}"
        dest: "{result}"
        mode: "0600"
"""
TOKEN_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - aurigraph.dlt.token_blacklist:
        api_url: "{url}"
        token_hashes: "{{{{ lookup('ansible.builtin.file', '{hashes}') | from_json }}}}"
        reason: bench
        timeout: 600
      register: out
    - ansible.builtin.copy:
        content: "{{{{ out | combine({{'results': out.results | length}}) | to_json }}}}"
        dest: "{result}"
        mode: "0600"
"""
COUNT = re.compile(r'^http_server_requests_seconds_count\{(.*)\}\s+([0-9.eE+]+)$', re.M)


def api_requests(svc):
    """Requests the stand-in has answered on /api/v11/* so far (its own Micrometer counter)."""
    status, _headers, body = svc.request("GET", "/q/metrics", headers={"Accept": "text/plain"})
    if status != 200:
        sys.exit("api_bulk: /q/metrics answered %s" % status)
    total = 0.0
    for labels, value in COUNT.findall(body):
        uri = re.search(r'uri="([^"]*)"', labels)
        if uri and uri.group(1).startswith("/api/v11"):
            total += float(value)
    return int(total)


def playbook(text, workdir, name):
    play = os.path.join(workdir, name + ".yml")
    result = os.path.join(workdir, name + ".json")
    with open(play, "w", encoding="utf-8") as handle:
        handle.write(text.replace("{result}", result))
    env = dict(os.environ, AURIGRAPH_API_TOKEN=TOKEN,
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"),
               ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"))
    bindir = os.path.dirname(sys.executable)
    start = time.monotonic()
    proc = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           "-e", "ansible_python_interpreter=%s" % sys.executable, play],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("api_bulk: ansible-playbook %s failed (rc %d):\n%s" % (name, proc.returncode, proc.stdout[-3000:]))
    with open(result, encoding="utf-8") as handle:
        return elapsed, json.load(handle)


def row(kind, store, concurrency, items, seconds, requests, done, changed):
    return {"bench": kind, "store": store, "concurrency": concurrency, "items": items, "done": done,
            "changed": changed, "wall_s": round(seconds, 2), "requests": requests,
            "requests_per_item": round(requests / float(items), 2),
            "requests_per_s": round(requests / seconds, 1),
            "budget_hours_at_100_per_hour": round(requests / float(PRODUCTION_LIMIT_PER_HOUR), 1)}


def bridge(jar, store, concurrency, stuck, workdir):
    env = {"AURIGRAPH_API_TOKENS": TOKEN, "AURIGRAPH_SEED_STUCK": str(stuck), "AURIGRAPH_RATE_LIMIT": "10000000",
           "AURIGRAPH_STATE_STORE": store}
    with StandIn(jar, env=env) as svc:  # a fresh service each time: every run retries the same set
        before = api_requests(svc)
        seconds, out = playbook(BRIDGE_PLAY.format(url=svc.url, concurrency=concurrency, result="{result}"),
                                workdir, "bridge-%s-%d" % (store, concurrency))
        requests = api_requests(svc) - before
    retried = out.get("counts", {}).get("retried", 0)
    if retried < stuck:
        sys.exit("api_bulk: only %s of %d stuck transfers were retried: %s" % (retried, stuck, out.get("counts")))
    return row("bridge_retry", store, concurrency, stuck, seconds, requests, retried, retried)


def blacklist(jar, store, count, workdir):
    hashes = [hashlib.sha256(("bench-token-%d" % i).encode()).hexdigest() for i in range(count)]
    path = os.path.join(workdir, "hashes.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(hashes, handle)
    env = {"AURIGRAPH_API_TOKENS": TOKEN, "AURIGRAPH_RATE_LIMIT": "10000000", "AURIGRAPH_STATE_STORE": store}
    rows = []
    with StandIn(jar, env=env) as svc:
        for label in ("first run", "re-run"):
            before = api_requests(svc)
            seconds, out = playbook(TOKEN_PLAY.format(url=svc.url, hashes=path, result="{result}"), workdir,
                                    "blacklist-%s-%s" % (store, label.replace(" ", "")))
            requests = api_requests(svc) - before
            expected = count if label == "first run" else 0
            if out.get("changed_count") != expected or out.get("results") != count:
                sys.exit("api_bulk: token_blacklist %s: changed_count %s, results %s (expected %d changed of %d)"
                         % (label, out.get("changed_count"), out.get("results"), expected, count))
            entry = row("token_blacklist " + label, store, None, count, seconds, requests, out["results"],
                        out["changed_count"])
            rows.append(entry)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stuck", type=int, default=1000)
    parser.add_argument("--hashes", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--store", nargs="+", choices=["memory", "file"], default=["memory"])
    args = parser.parse_args()
    jar = build_base()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_before = list(os.getloadavg())
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for store in args.store:
            for concurrency in args.concurrency:
                rows.append(bridge(jar, store, concurrency, args.stuck, workdir))
            rows.extend(blacklist(jar, store, args.hashes, workdir))
    print("api_bulk: stand-in %s, %d cores, load %.1f before / %.1f after (1-min average)"
          % (os.path.basename(jar), os.cpu_count(), load_before[0], os.getloadavg()[0]))
    print("| what | store | concurrency | items | wall | requests | req/item | req/s | budget at 100/h |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %d | %.1f s | %d | %.2f | %.1f | %.1f h |"
              % (r["bench"], r["store"], r["concurrency"] or "-", r["items"], r["wall_s"], r["requests"],
                 r["requests_per_item"], r["requests_per_s"], r["budget_hours_at_100_per_hour"]))
    out = {"name": "api_bulk", "started": started, "command": " ".join(["bench/api_bulk.py"] + sys.argv[1:]),
           "machine": {"nproc": os.cpu_count(), "load_before": load_before, "load_after": list(os.getloadavg())},
           "production_rate_limit_per_hour": PRODUCTION_LIMIT_PER_HOUR, "rows": rows}
    os.makedirs(os.path.join(REPO, "bench", "results"), exist_ok=True)
    path = os.path.join(REPO, "bench", "results", "api_bulk-%s.json" % time.strftime("%Y%m%dT%H%M%S", time.gmtime()))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2)
        handle.write("\n")
    print("results: %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
