"""Benchmark: bulk retry of stuck bridge transfers with aurigraph.dlt.bridge_retry.

Starts the stand-in service on loopback with N stuck transfers (and a rate limit high enough not to
interfere), then runs one real ``ansible-playbook`` per concurrency level and reports the wall time,
the number of retries issued and the peak RSS of the ansible-playbook process tree's largest child.

    .venv/bin/python bench/bridge_retry_bulk.py [--stuck 1000] [--concurrency 1 4 8]

Numbers depend on the machine; the README quotes a run of this command on the CI kind of machine.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "standin"))

from harness import StandIn, build_base  # noqa: E402  pylint: disable=wrong-import-position,import-error

TOKEN = "bench-admin-token"
PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - aurigraph.dlt.bridge_retry:
        api_url: "{url}"
        api_token: "{token}"
        stuck_older_than: 1h
        concurrency: {concurrency}
        timeout: 600
      register: out
    - ansible.builtin.copy:
        content: "{{{{ out | to_json }}}}"
        dest: "{result}"
        mode: "0600"
"""


def run(url, concurrency, workdir):
    result = os.path.join(workdir, "result-%d.json" % concurrency)
    play = os.path.join(workdir, "play-%d.yml" % concurrency)
    with open(play, "w", encoding="utf-8") as handle:
        handle.write(PLAY.format(url=url, token=TOKEN, concurrency=concurrency, result=result))
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(REPO, ".cache", "collections")
    env["ANSIBLE_CONFIG"] = os.path.join(REPO, "ansible.cfg")
    bindir = os.path.dirname(sys.executable)
    start = time.monotonic()
    proc = subprocess.run([os.path.join(bindir, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           "-e", "ansible_python_interpreter=%s" % sys.executable, play],
                          env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("ansible-playbook failed (rc %d):\n%s" % (proc.returncode, proc.stdout[-3000:]))
    with open(result, encoding="utf-8") as handle:
        out = json.load(handle)
    return elapsed, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stuck", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()
    jar = build_base()
    print("bridge_retry bulk benchmark: %d stuck transfers, stand-in %s" % (args.stuck, os.path.basename(jar)))
    print("%-12s %10s %10s %12s" % ("concurrency", "retried", "seconds", "retries/s"))
    with tempfile.TemporaryDirectory() as workdir:
        for concurrency in args.concurrency:
            env = {"AURIGRAPH_API_TOKENS": TOKEN, "AURIGRAPH_SEED_STUCK": str(args.stuck),
                   "AURIGRAPH_RATE_LIMIT": "10000000"}
            with StandIn(jar, env=env) as svc:  # a fresh service each time: every run retries the same set
                elapsed, out = run(svc.url, concurrency, workdir)
            retried = out.get("counts", {}).get("retried", 0)
            if retried < args.stuck:
                sys.exit("only %s of %d stuck transfers were retried: %s" % (retried, args.stuck, out.get("counts")))
            print("%-12d %10d %10.1f %12.1f" % (concurrency, retried, elapsed, retried / elapsed))
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    print("peak RSS of the largest child process (ansible or the JVM): %.0f MiB" % rss_mb)


if __name__ == "__main__":
    main()
