"""Benchmark: failed requests through the nginx edge during an upgrade - blue-green vs in-place vs a bare restart.

One run, repeated --repeat times (default 3). Each repeat uses a clean node: one systemd container of the edge image
(aurigraph/node-edge:current, tests/images/edge/build.sh: the test-node image + Debian's nginx), network none, named
aurigraph-blbench-<repeat> and removed at the end of the repeat (one node container at a time). Set-up, not measured:
the stand-in release 11.4.5 deployed in place (playbooks/deploy.yml, aurigraph_deploy_method: systemd, port 9003),
then the edge (playbooks/edge.yml: real nginx, TLS with a test CA from tests/edge/make_test_ca.py, upstream 9003).
Then, in this order, each under the same client load through the edge:
  restart            a bare `systemctl restart aurigraph-v11` (same JAR), load kept until the edge answers ready again
  inplace            playbooks/deploy.yml with a new release, aurigraph_deploy_method: systemd (stop, then start)
  bluegreen_migrate  playbooks/deploy.yml with a new release, aurigraph_deploy_method: systemd_bluegreen: the first
                     blue-green deploy, from the in-place service (9003) to blue (9013)
  bluegreen          the next blue-green deploy, blue -> green (9023): the steady state of the method
The method only changes in the documented direction (systemd -> blue-green, docs/deploy-bluegreen.md), so one node
per repeat serves all four operations; every repeat starts from a new container of the same image.

The load is tests/edge/edge_load.py, run ON the node (python3 started with docker exec -d): GET
https://edge.aurigraph.test/q/health/ready at --rate requests/s (default 80; the issue asks >= 50) over --threads
threads, each request on a new TLS connection with the test CA pinned, from before the operation starts until it has
ended (bounded: it stops by itself after --load-max seconds). A failed request is anything but a complete 200 (nginx's
502 while no upstream answers, 503 while the service is not ready, a connection error); the failure window is the
longest run of consecutive failures (from the first failed request to the next successful one).

Prints a table (median and spread per measure), writes bench/results/bluegreen_load-<time>.json (+ the logs of every
ansible-playbook run under bench/results/bluegreen_load-<time>-logs/) and a PNG plot when matplotlib is importable.

    .venv/bin/python bench/bluegreen_load.py [--repeat 3] [--rate 80] [--keep] [--report JSON]
"""
import json
import os
import pathlib
import shlex
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position,import-error
from deploy_gap import (ROOT, BenchError, ansible_playbook, bench_parser, machine, make_release,  # noqa: E402
                        node, publish, pyplot, run, save_plot, summary, wait_for)
from deploy_gap import log as _log  # noqa: E402
# pylint: enable=wrong-import-position,import-error

NAME = "aurigraph-blbench-%d"
IMAGE = os.environ.get("AURIGRAPH_EDGE_IMAGE", "aurigraph/node-edge:current")
SERVER = "edge.aurigraph.test"
EDGE_URL = "https://%s" % SERVER
CA = "/root/edge-ca.pem"
LOAD = "/root/edge_load.py"
LOAD_OUT = "/var/tmp/blbench-load.json"
LOAD_STOP = "/var/tmp/blbench-load.stop"
BASE_VERSION = "11.4.5"
OPS = ("restart", "inplace", "bluegreen_migrate", "bluegreen")
LABELS = {
    "restart": "bare systemctl restart (same JAR)",
    "inplace": "in-place upgrade (systemd method)",
    "bluegreen_migrate": "first blue-green upgrade (in-place -> blue)",
    "bluegreen": "blue-green upgrade (blue -> green)",
}
MEASURES = (("failed", "failed requests", "%d", ""), ("outage_seconds", "failure window", "%.2f", " s"),
            ("rate", "load achieved", "%.0f", " req/s"), ("wall_s", "operation (wall)", "%.1f", " s"))
BLUEGREEN = {"aurigraph_deploy_method": "systemd_bluegreen", "aurigraph_api_url": EDGE_URL, "aurigraph_ca_path": CA}


def log(msg):
    _log(msg, "bluegreen_load")


class Node:
    """One clean node container of the edge image for one repeat, with its own static inventory."""

    def __init__(self, index, work, pki):
        self.name = NAME % index
        self.work = work
        self.inventory = work / ("inventory-%d.yml" % index)
        group_vars = yaml.safe_load((ROOT / "inventories" / "sandbox" / "group_vars" / "aurigraph_nodes.yml")
                                    .read_text(encoding="utf-8"))
        group_vars.update({
            "aurigraph_edge_server_names": [SERVER],
            "aurigraph_edge_cert_file": str(pki / "good" / "cert.pem"),
            "aurigraph_edge_key_file": str(pki / "good" / "key.pem"),
            "aurigraph_edge_chain_file": str(pki / "good" / "chain.pem"),
            "aurigraph_edge_ca_file": str(pki / "ca.pem"),
            "aurigraph_edge_install": False,  # nginx is in the image; the node has no network
        })
        inventory = {"aurigraph_nodes": {"hosts": {self.name: {
            "ansible_connection": "community.docker.docker", "ansible_python_interpreter": "/usr/bin/python3"}},
            "vars": group_vars}}
        self.inventory.write_text(json.dumps(inventory, indent=2) + "\n", encoding="utf-8")
        self.pki = pki

    def sh(self, script, check=True):
        return node(script, check=check, name=self.name)

    def up(self):
        self.down()
        run(["docker", "run", "-d", "--name", self.name, "--hostname", self.name, "--label", "aurigraph.blbench=true",
             "--cap-add", "SYS_ADMIN", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
             "--tmpfs", "/run", "--tmpfs", "/tmp", "--security-opt", "seccomp=unconfined", "--network", "none",
             IMAGE])
        wait_for("systemd in %s to finish booting" % self.name,
                 lambda: self.sh("systemctl is-system-running", check=False).stdout.strip() in ("running", "degraded"),
                 180, interval=0.5)
        # The edge's name resolves to loopback on the node (as in molecule/edge); the CA and the load generator.
        self.sh("echo '127.0.0.1 %s' >> /etc/hosts" % SERVER)
        for src, dest in ((self.pki / "ca.pem", CA), (ROOT / "tests" / "edge" / "edge_load.py", LOAD)):
            run(["docker", "cp", str(src), "%s:%s" % (self.name, dest)])

    def down(self):
        run(["docker", "rm", "-f", self.name], check=False)

    def save_evidence(self, prefix):
        """nginx's access and error logs and the journal of the service's units, next to the run's logs."""
        run(["docker", "cp", "%s:/var/log/nginx/." % self.name, str(self.work / ("%s-nginx" % prefix))], check=False)
        journal = self.sh("journalctl -o short-precise --no-pager -u nginx -u 'aurigraph-v11*'", check=False)
        (self.work / ("%s-journal.log" % prefix)).write_text(journal.stdout, encoding="utf-8")

    def playbook(self, label, playbook, extra):
        proc, _events = ansible_playbook(self.work, label, ["-i", str(self.inventory), playbook, "-e",
                                                            json.dumps(extra)])
        if proc.returncode != 0:
            raise BenchError("%s: %s failed (rc %d), see %s"
                             % (label, playbook, proc.returncode, self.work / (label + ".log")))
        return proc

    def edge_get(self, path):
        """GET through the edge on the node (CA pinned): (HTTP status or 0, body)."""
        proc = self.sh("curl -sS --max-time 10 --cacert %s -w '\\n%%{http_code}' %s%s"
                       % (CA, EDGE_URL, shlex.quote(path)), check=False)
        body, _sep, code = proc.stdout.rpartition("\n")
        return (int(code) if code.strip().isdigit() else 0), body

    def served(self):
        """The version the edge serves and the unit whose port the edge forwards to."""
        code, body = self.edge_get("/api/v11/info")
        version = json.loads(body)["build"]["version"] if code == 200 else None
        upstream = self.sh("grep -E '^ *server ' /etc/nginx/aurigraph-edge/upstream.conf", check=False).stdout.strip()
        return version, upstream

    def load_start(self, args):
        self.sh("rm -f %s %s %s.started" % (LOAD_OUT, LOAD_STOP, LOAD_OUT))
        run(["docker", "exec", "-d", self.name, "python3", LOAD, "%s/q/health/ready" % EDGE_URL, CA, LOAD_OUT,
             "--stop-file", LOAD_STOP, "--rate", str(args.rate), "--threads", str(args.threads),
             "--seconds", str(args.load_max)])
        wait_for("the load's first successful request", lambda: self.sh("test -e %s.started" % LOAD_OUT,
                                                                        check=False).returncode == 0, 120)

    def load_stop(self):
        self.sh("touch %s" % LOAD_STOP)
        out = wait_for("the load's report", lambda: self.sh("cat %s 2>/dev/null" % LOAD_OUT, check=False).stdout, 120)
        return json.loads(out)


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.pki = work / "pki"
        self.artifacts = work / "artifacts"
        self.releases = {}
        run([sys.executable, str(ROOT / "tests" / "edge" / "make_test_ca.py"), str(self.pki), SERVER])

    def release(self, version):
        if version not in self.releases:
            self.releases[version] = make_release(version, self.artifacts)
        return self.releases[version]

    @staticmethod
    def deploy_vars(release, more=None):
        out = {"aurigraph_artifact": release["artifact"], "aurigraph_artifact_sha256": release["sha256"],
               "aurigraph_version": release["version"], "aurigraph_deploy_method": "systemd"}
        out.update(more or {})
        return out

    def measured(self, box, label, action, expect_version):
        """The load on, action(), the load off; the load's report, the wall time and what serves afterwards."""
        box.load_start(self.args)
        t0 = time.monotonic()
        action()
        wall = time.monotonic() - t0
        load = box.load_stop()
        version, upstream = box.served()
        if version != expect_version:
            raise BenchError("%s: the edge serves %r after the operation, expected %r (logs: %s)"
                             % (label, version, expect_version, self.work))
        figures = dict(load, wall_s=round(wall, 3), served=version, upstream=upstream)
        if figures["rate"] < 50:
            log("warning: %s: the load reached %.1f requests/s only (the issue asks >= 50)" % (label, load["rate"]))
        log("%s: %s" % (label, json.dumps(figures)))
        return figures

    def repeat(self, i):
        box = Node(i, self.work, self.pki)
        log("repeat %d: clean node %s (%s)" % (i, box.name, IMAGE))
        box.up()
        try:
            base = self.release(BASE_VERSION)
            box.playbook("r%d-setup-deploy" % i, "playbooks/deploy.yml", self.deploy_vars(base))
            box.playbook("r%d-setup-edge" % i, "playbooks/edge.yml", {})
            if box.served()[0] != BASE_VERSION:
                raise BenchError("the edge of %s does not serve %s after the set-up" % (box.name, BASE_VERSION))
            out = {"node": box.name}

            def restart():
                box.sh("systemctl restart aurigraph-v11")
                # Until the edge answers ready three times in a row (the load keeps running meanwhile).
                streak = []

                def ready():
                    streak.append(box.edge_get("/q/health/ready")[0] == 200)
                    return streak[-3:] == [True] * 3
                wait_for("the edge to answer ready after the restart", ready, self.args.ready_timeout)

            out["restart"] = self.measured(box, "r%d-restart" % i, restart, BASE_VERSION)
            plan = (("inplace", 100, {}), ("bluegreen_migrate", 110, BLUEGREEN), ("bluegreen", 120, BLUEGREEN))
            for op, offset, more in plan:
                rel = self.release("11.4.%d" % (offset + i))
                label = "r%d-%s" % (i, op)
                out[op] = self.measured(box, label, lambda: box.playbook(label, "playbooks/deploy.yml",
                                                                         self.deploy_vars(rel, more)),
                                        rel["version"])
            return out
        finally:
            box.save_evidence("r%d" % i)
            if not (self.args.keep and i == self.args.repeat):
                box.down()


def summarise(result):
    """Median and spread per operation and measure, and the issue's expectation, from result["runs"]."""
    runs = result["runs"]
    result["figures"] = {op: {key: summary([r[op][key] for r in runs]) for key, _l, _f, _u in MEASURES} for op in OPS}
    result["expectation"] = {
        "bluegreen_zero_failed": all(r[op]["failed"] == 0 for r in runs for op in ("bluegreen", "bluegreen_migrate")),
        "inplace_window_s": result["figures"]["inplace"]["outage_seconds"],
        "restart_window_s": result["figures"]["restart"]["outage_seconds"]}


def report(result):
    m = result["machine"]
    print("bluegreen_load %s: %d repeats, %d cores, %d MiB RAM, load %.1f before / %.1f after (1-min average)"
          % (result["started"], result["repeat"], m["nproc"], m["mem_mib"], m["load_before"][0], m["load_after"][0]))
    print("client load: %s" % result["load"])
    print()
    print("| operation | %s |" % " | ".join("%s median (min-max)" % label for _k, label, _f, _u in MEASURES))
    print("|---|%s" % ("---|" * len(MEASURES)))
    for op in OPS:
        cells = []
        for key, _label, fmt, unit in MEASURES:
            s = result["figures"][op][key]
            cells.append(("%s%s (%s-%s)" % (fmt, unit, fmt, fmt)) % (s["median"], s["min"], s["max"]))
        print("| %s | %s |" % (LABELS[op], " | ".join(cells)))


def plot(result, path):
    plt = pyplot("bluegreen_load")
    if plt is None:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    panels = (("failed", "failed requests", "requests"), ("outage_seconds", "failure window", "seconds"))
    for ax, (key, title, unit) in zip(axes, panels):
        fig_ = [result["figures"][op][key] for op in OPS]
        med = [f["median"] for f in fig_]
        ax.bar(range(len(OPS)), med, yerr=[[m - f["min"] for m, f in zip(med, fig_)],
                                           [f["max"] - m for m, f in zip(med, fig_)]],
               capsize=4, color=["#c44e52", "#dd8452", "#4c72b0", "#55a868"])
        for x, value in enumerate(med):
            ax.annotate(("%d" if key == "failed" else "%.2f") % value, (x, value), ha="center", va="bottom")
        ax.set_xticks(range(len(OPS)))
        ax.set_xticklabels([LABELS[op] for op in OPS], rotation=20, ha="right", fontsize=8)
        ax.set_ylabel("%s (median, bars = min-max)" % unit)
        ax.set_title(title)
    m = result["machine"]
    fig.suptitle("bluegreen_load %s - %s through the nginx edge - %d cores, load %.1f/%.1f, %d repeats"
                 % (result["started"], "%(rate)s req/s" % result["load"], m["nproc"], m["load_before"][0],
                    m["load_after"][0], result["repeat"]))
    return save_plot(plt, fig, path)


def check_image():
    if run(["docker", "image", "inspect", IMAGE], check=False).returncode != 0:
        raise BenchError("the edge image %s is missing: run `bash scripts/setup.sh` (tests/images/edge/build.sh)"
                         % IMAGE)


def main():
    parser = bench_parser(__doc__, "bluegreen_load", "leave the last repeat's node up")
    parser.add_argument("--rate", type=float, default=80.0, help="requests/s through the edge (the issue: >= 50)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--load-max", type=int, default=900, help="seconds after which the load stops by itself")
    args = parser.parse_args()
    if args.report:
        result = json.loads(pathlib.Path(args.report).read_text(encoding="utf-8"))
        if result.get("partial"):  # written after each repeat of a run that did not finish
            result["machine"].setdefault("load_after", result["machine"]["load_before"])
            summarise(result)
            print("(partial: %d of %d repeats)" % (len(result["runs"]), result["repeat"]))
        report(result)
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    out_dir = ROOT / "bench" / "results"
    work = out_dir / ("%s-%s-logs" % (args.name, stamp))
    work.mkdir(parents=True, exist_ok=True)
    result = {"name": args.name, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "command": " ".join(["bench/bluegreen_load.py"] + sys.argv[1:]), "repeat": args.repeat,
              "image": IMAGE, "machine": machine(),
              "nodes": "one clean container per repeat (same image, same machine, one at a time); in each repeat "
                       "the four operations run in the order %s on that container" % ", ".join(OPS),
              "load": {"url": "%s/q/health/ready" % EDGE_URL, "rate": args.rate, "threads": args.threads,
                       "tls": "a new TLS connection per request, test CA pinned", "generator": "tests/edge/edge_load.py"}}
    result["machine"]["load_before"] = list(os.getloadavg())
    check_image()
    bench = Bench(args, work)
    path = out_dir / ("%s-%s.json" % (args.name, stamp))
    runs, loads = [], []
    for i in range(1, args.repeat + 1):
        log("repeat %d/%d" % (i, args.repeat))
        runs.append(bench.repeat(i))
        loads.append(list(os.getloadavg()))
        # The raw figures so far, in case a later repeat fails (replaced by the full result at the end).
        path.write_text(json.dumps(dict(result, partial=True, runs=runs), indent=2) + "\n", encoding="utf-8")
    result["machine"]["load_after"] = list(os.getloadavg())
    result["machine"]["load_per_repeat"] = loads
    result["runs"] = runs
    summarise(result)
    return publish(result, args.name, stamp, plot, report)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        sys.exit("bluegreen_load: %s" % exc)
