"""Benchmark: what a safe deploy costs next to the manual ways, side by side on the same sandbox node.

One run, repeated --repeat times (default 3), interleaved so every repeat sees the same machine load:
  noop         re-run of playbooks/deploy.yml with the release that is running (changed=0 expected)
  restart      a bare `systemctl restart` of the same JAR, until /q/health/ready answers 200
  seed         the seed runbook's procedure (002, "systemd stop/backup/swap/start"), scripted as written:
               stop, sleep 2, status, mv the JAR to a backup, mv app-new.jar in place, start, sleep 5, status,
               curl /api/v11/health. app-new.jar is a copy of the running JAR (its upload is before the timed part,
               as in the runbook), so the release on disk keeps its sha256 and the collection's records stay true.
  upgrade      playbooks/deploy.yml with a new release (a new version each repeat)
  manual_rb    playbooks/rollback.yml (back to the release before the upgrade)
  auto_rb      playbooks/deploy.yml with a bad release (stand-in fault, default exit-on-start): the play must fail
               with "DEPLOY ROLLED BACK" and the old release must serve again
A prober ON THE NODE (python3 started with docker exec, polling /q/health/ready every 50 ms, wall-clock time stamps,
stops by itself after --probe-max seconds) records readiness during every operation: the readiness gap is the longest
time between two ready answers with only not-ready ones between them. The moment a deploy's failure is detected comes
from the bench callback (bench/callback_plugins): the first failed task.

Goals (issue 13), as ratios of medians of per-repeat ratios: no-op <= 2x restart-until-ready; upgrade wall <= 1.5x
seed; upgrade gap <= 1.1x restart gap; automatic rollback (failure detected -> old release ready) <= 2x
restart-until-ready. Prints a table, writes bench/results/deploy_gap-<time>.json (+ the per-task costs of the
Ansible runs) and a PNG plot when matplotlib is importable (bench/requirements.txt; without it: table and JSON only).

    .venv/bin/python bench/deploy_gap.py [--repeat 3] [--bad-fault exit-on-start] [--keep] [--name deploy_gap]
Uses the sandbox (scripts/sandbox.sh, container aurigraph-sandbox-1): started when missing, removed at the end
unless --keep.
"""
import argparse
import collections
import json
import os
import pathlib
import platform
import shlex
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
NODE = "aurigraph-sandbox-1"
SERVICE = "aurigraph-v11"
READY_URL = "http://127.0.0.1:9003/q/health/ready"
INFO_URL = "http://127.0.0.1:9003/api/v11/info"
PROBE_FILE = "/var/tmp/aurigraph-bench-probe.log"
PROBE_STOP = "/var/tmp/aurigraph-bench-probe.stop"
GOALS = {  # name: (measured, reference, limit, wording)
    "noop": ("noop_wall", "restart_until_ready", 2.0, "no-op re-run <= 2x bare restart-until-ready"),
    "upgrade": ("upgrade_wall", "seed_wall", 1.5, "upgrade wall <= 1.5x scripted seed procedure"),
    "gap": ("upgrade_gap", "restart_gap", 1.1, "upgrade readiness gap <= 1.1x bare restart's gap"),
    "auto_rb": ("auto_rb_detect_to_ready", "restart_until_ready", 2.0,
                "automatic rollback: failure detected -> old ready <= 2x bare restart-until-ready"),
}

# Runs on the node (python3 of the node image, standard library only). argv: url out stopfile max_seconds
PROBER = r"""
import os, sys, time, urllib.request, urllib.error
url, out, stop, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
end = time.monotonic() + limit
with open(out, "w") as fh:
    nxt = time.monotonic()
    while time.monotonic() < end and not os.path.exists(stop):
        t = time.time()
        try:
            code = urllib.request.urlopen(url, timeout=1).status
        except urllib.error.HTTPError as exc:
            code = exc.code
        except Exception:
            code = 0
        fh.write("%.3f %d\n" % (t, code))
        fh.flush()
        nxt += 0.05
        time.sleep(max(0.0, nxt - time.monotonic()))
    fh.write("END\n")
"""

# The seed runbook's systemd procedure (002, lines 182-236), scripted; JAR and NEW come from the environment.
SEED = r"""
set -u
systemctl stop {svc}
sleep 2
systemctl status {svc} >/dev/null 2>&1 || true
mv "$JAR" "$JAR.backup.$(date +%Y%m%d_%H%M%S)"
mv "$NEW" "$JAR"
systemctl start {svc}
sleep 5
systemctl status {svc} >/dev/null 2>&1 || true
curl -s http://127.0.0.1:9003/api/v11/health >/dev/null || true
""".format(svc=SERVICE)


class BenchError(Exception):
    pass


def log(msg, who="deploy_gap"):
    sys.stderr.write("[%s %s] %s\n" % (who, time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def run(argv, check=True, **kw):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, **kw)
    if check and proc.returncode != 0:
        raise BenchError("%s failed (rc %d): %s" % (" ".join(argv[:4]), proc.returncode,
                                                    (proc.stdout[-2000:] + proc.stderr[-2000:]).strip()))
    return proc


def node(script, check=True, env=None, name=NODE):
    """Run a shell script on the node container `name` (docker exec)."""
    argv = ["docker", "exec"]
    for key, value in (env or {}).items():
        argv += ["-e", "%s=%s" % (key, value)]
    return run(argv + [name, "sh", "-c", script], check=check)


def wait_for(what, predicate, timeout, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise BenchError("timed out after %d s waiting for %s" % (timeout, what))


class Prober:
    """The 50 ms readiness prober on the node."""

    def __init__(self, probe_max):
        self.probe_max = probe_max

    def start(self):
        node("rm -f %s %s" % (PROBE_FILE, PROBE_STOP))
        run(["docker", "exec", "-d", NODE, "python3", "-c", PROBER, READY_URL, PROBE_FILE, PROBE_STOP,
             str(self.probe_max)])
        wait_for("the prober's first sample", self.samples, 60)

    def samples(self):
        out = node("cat %s 2>/dev/null || true" % PROBE_FILE).stdout.split("\n")
        fields = [line.split() for line in out]
        return [(float(f[0]), int(f[1])) for f in fields if len(f) == 2]

    def last_ready_after(self, t0):
        samples = [s for s in self.samples() if s[0] >= t0]
        return samples and samples[-1][1] == 200

    def stop(self):
        node("touch %s" % PROBE_STOP)
        wait_for("the prober to stop", lambda: "END" in node("tail -n 1 %s" % PROBE_FILE).stdout, 30)
        return self.samples()


def analyse(samples, t0, t_detect=None):
    """Readiness figures of the samples from t0 on (seconds relative to t0)."""
    window = [s for s in samples if s[0] >= t0 - 0.2]
    gap, cur_start, last_ready, not_ready = 0.0, None, None, 0
    ready_after_gap = None
    first_down = None
    for t, code in window:
        if code == 200:
            if cur_start is not None:
                gap = max(gap, t - cur_start)
                ready_after_gap = t
                cur_start = None
            last_ready = t
        else:
            not_ready += 1
            if first_down is None:
                first_down = t
            if cur_start is None:
                cur_start = last_ready if last_ready is not None else t0
    steps = [b[0] - a[0] for a, b in zip(window, window[1:])]
    out = {"gap_s": round(gap, 3), "not_ready_samples": not_ready, "samples": len(window),
           "probe_interval_s": round(statistics.median(steps), 3) if steps else None,
           "first_not_ready_s": None if first_down is None else round(first_down - t0, 3),
           "ready_again_s": None if ready_after_gap is None else round(ready_after_gap - t0, 3)}
    if t_detect is not None:
        after = [t for t, code in window if t >= t_detect and code == 200]
        out["detected_s"] = round(t_detect - t0, 3)
        out["ready_after_detect_s"] = round(after[0] - t_detect, 3) if after else None
    return out


def make_release(version, out_dir, fault="none"):
    """A stand-in release JAR (tests/standin/release.sh): {artifact, sha256, version}."""
    argv = ["bash", str(ROOT / "tests" / "standin" / "release.sh"), "--version", version, "--out", str(out_dir)]
    if fault != "none":
        argv += ["--fault", fault]
    jar = run(argv).stdout.strip().splitlines()[-1]
    return {"artifact": jar, "sha256": pathlib.Path(jar + ".sha256").read_text(encoding="utf-8").strip(),
            "version": version}


def ansible_playbook(logs, label, argv):
    """ansible-playbook ARGV... from the repository root with the bench callback (task timeline) and profile_tasks;
    the output goes to LOGS/LABEL.log. Returns (process, timeline events)."""
    timeline = logs / ("%s.timeline.jsonl" % label)
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), BENCH_TIMELINE_FILE=str(timeline),
               ANSIBLE_CALLBACK_PLUGINS=str(ROOT / "bench" / "callback_plugins"),
               ANSIBLE_CALLBACKS_ENABLED="aurigraph_bench_timeline,ansible.posix.profile_tasks",
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"))
    env["PATH"] = str(ROOT / ".venv" / "bin") + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(["ansible-playbook"] + argv, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    (logs / ("%s.log" % label)).write_text(proc.stdout + proc.stderr, encoding="utf-8")
    events = [json.loads(line) for line in timeline.read_text(encoding="utf-8").splitlines()] \
        if timeline.exists() else []
    return proc, events


def served_version():
    proc = node("python3 -c \"import json,urllib.request;print(json.load(urllib.request.urlopen('%s', timeout=5))"
                "['build']['version'])\"" % INFO_URL, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.state = json.loads((ROOT / ".sandbox" / "release.json").read_text(encoding="utf-8"))
        self.artifacts = ROOT / ".sandbox" / "artifacts"
        self.logs = ROOT / "bench" / "results" / ("%s-%s-logs" % (args.name, args.stamp))
        self.logs.mkdir(parents=True, exist_ok=True)
        self.prober = Prober(args.probe_max)
        self.tasks = collections.defaultdict(lambda: collections.defaultdict(list))

    def release(self, version, fault="none"):
        return make_release(version, self.artifacts, fault)

    def playbook(self, label, playbook, release=None):
        argv = ["-i", "inventories/sandbox", playbook]
        for key in ("artifact", "sha256", "version"):
            if release:
                argv += ["-e", "aurigraph_%s=%s" % ({"sha256": "artifact_sha256"}.get(key, key), release[key])]
        return ansible_playbook(self.logs, label, argv)

    def task_costs(self, kind, events):
        """Per-task wall time (start of a task to the start of the next one) of one run, summed by task name."""
        starts = [e for e in events if e["event"] in ("start", "end")]
        per = collections.Counter()
        for cur, nxt in zip(starts, starts[1:]):
            per[cur["task"]] += nxt["t"] - cur["t"]
        for name, seconds in per.items():
            self.tasks[kind][name].append(seconds)
        ran = {e["uuid"] for e in events if e["event"] in ("ok", "failed")}
        return len(ran)

    def timed(self, label, action, expect_version):
        """Run action() with the prober on; returns the figures. action returns (extra dict, detect time or None)."""
        self.prober.start()
        t0 = time.time()
        extra, t_detect = action()
        t_done = time.time()
        wait_for("%s: the service ready again" % label, lambda: self.prober.last_ready_after(t_done),
                 self.args.ready_timeout)
        samples = self.prober.stop()
        figures = analyse(samples, t0, t_detect)
        figures["wall_s"] = round(t_done - t0, 3)
        figures.update(extra)
        version = served_version()
        if version != expect_version:
            raise BenchError("%s: the node serves %r after the operation, expected %r (logs: %s)"
                             % (label, version, expect_version, self.logs))
        log("%s: %s" % (label, json.dumps(figures)))
        return figures

    # --------------------------------------------------------------- operations
    def op_playbook(self, label, kind, playbook, release, must_fail=False):
        def action():
            proc, events = self.playbook(label, playbook, release)
            failed = [e for e in events if e["event"] == "failed"]
            if must_fail:
                if proc.returncode == 0 or "DEPLOY ROLLED BACK" not in proc.stdout + proc.stderr:
                    raise BenchError("%s: expected a failed play with DEPLOY ROLLED BACK (rc %d, log %s)"
                                     % (label, proc.returncode, self.logs / (label + ".log")))
            elif proc.returncode != 0:
                raise BenchError("%s: ansible-playbook failed (rc %d), see %s"
                                 % (label, proc.returncode, self.logs / (label + ".log")))
            tasks_run = self.task_costs(kind, events)
            changed = sum(1 for e in events if e["event"] == "ok" and e.get("changed"))
            return {"tasks_run": tasks_run, "changed": changed}, (failed[0]["t"] if failed else None)
        return action

    def op_restart(self):
        node("systemctl restart %s" % SERVICE)
        return {}, None

    def op_seed(self):
        """Prepares app-new.jar (the runbook's upload, not timed) and returns the timed part."""
        jar = node(". /opt/aurigraph/v11/current/service.env && echo \"$AURIGRAPH_JAR\"").stdout.strip()
        if not jar.endswith(".jar"):
            raise BenchError("seed: cannot read AURIGRAPH_JAR from the current release's service.env (got %r)" % jar)
        new = os.path.join(os.path.dirname(jar), "app-new.jar")
        node("cp -p %s %s" % (shlex.quote(jar), shlex.quote(new)))

        def action():
            node(SEED, env={"JAR": jar, "NEW": new})
            return {}, None
        return action

    def cleanup_seed(self):
        node(". /opt/aurigraph/v11/current/service.env && rm -f \"$AURIGRAPH_JAR\".backup.*")

    # --------------------------------------------------------------- one repeat
    def repeat(self, i, current):
        up = self.release("11.4.%d" % (100 + i))
        bad = self.release("11.4.%d" % (200 + i), self.args.bad_fault)
        out = {}
        deploy = "playbooks/deploy.yml"
        out["noop"] = self.timed("r%d-noop" % i, self.op_playbook("r%d-noop" % i, "noop", deploy, current),
                                 current["version"])
        out["restart"] = self.timed("r%d-restart" % i, self.op_restart, current["version"])
        out["seed"] = self.timed("r%d-seed" % i, self.op_seed(), current["version"])
        self.cleanup_seed()
        out["upgrade"] = self.timed("r%d-upgrade" % i, self.op_playbook("r%d-upgrade" % i, "upgrade", deploy, up),
                                    up["version"])
        rollback = self.op_playbook("r%d-manual_rb" % i, "manual_rb", "playbooks/rollback.yml", None)
        out["manual_rb"] = self.timed("r%d-manual_rb" % i, rollback, current["version"])
        failing = self.op_playbook("r%d-auto_rb" % i, "auto_rb", deploy, bad, must_fail=True)
        out["auto_rb"] = self.timed("r%d-auto_rb" % i, failing, current["version"])
        if out["noop"]["changed"]:
            log("warning: the no-op re-run reported %d changed task(s)" % out["noop"]["changed"])
        return out


def metrics(runs):
    """Per-repeat figures that the goals and the table use."""
    rows = []
    for r in runs:
        rows.append({
            "noop_wall": r["noop"]["wall_s"],
            "restart_until_ready": r["restart"]["ready_again_s"],
            "restart_gap": r["restart"]["gap_s"],
            "seed_wall": r["seed"]["wall_s"],
            "seed_until_ready": r["seed"]["ready_again_s"],
            "seed_gap": r["seed"]["gap_s"],
            "upgrade_wall": r["upgrade"]["wall_s"],
            "upgrade_gap": r["upgrade"]["gap_s"],
            "manual_rb_wall": r["manual_rb"]["wall_s"],
            "manual_rb_gap": r["manual_rb"]["gap_s"],
            "auto_rb_wall": r["auto_rb"]["wall_s"],
            "auto_rb_old_ready": r["auto_rb"]["ready_again_s"],
            "auto_rb_detected": r["auto_rb"].get("detected_s"),
            "auto_rb_detect_to_ready": r["auto_rb"].get("ready_after_detect_s"),
        })
    return rows


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "n": len(values)}


def goals(rows):
    out = {}
    for name, (measured, reference, limit, wording) in GOALS.items():
        ratios = [r[measured] / r[reference] for r in rows
                  if r[measured] is not None and r[reference] not in (None, 0)]
        s = summary(ratios)
        out[name] = {"goal": wording, "limit": limit, "ratio": s,
                     "met": None if s is None else s["median"] <= limit}
    return out


LABELS = [
    ("noop_wall", "no-op re-run of deploy.yml (wall)"),
    ("restart_until_ready", "bare systemctl restart, until ready"),
    ("seed_wall", "scripted seed procedure (wall)"),
    ("seed_until_ready", "scripted seed procedure, until ready"),
    ("upgrade_wall", "upgrade to a new release (wall)"),
    ("manual_rb_wall", "manual rollback, rollback.yml (wall)"),
    ("auto_rb_wall", "automatic rollback: play (wall)"),
    ("auto_rb_old_ready", "automatic rollback: start -> old ready"),
    ("auto_rb_detected", "automatic rollback: start -> failure detected"),
    ("auto_rb_detect_to_ready", "automatic rollback: detected -> old ready"),
    ("restart_gap", "readiness gap: bare restart"),
    ("seed_gap", "readiness gap: seed procedure"),
    ("upgrade_gap", "readiness gap: upgrade"),
    ("manual_rb_gap", "readiness gap: manual rollback"),
]


def print_table(result):
    print("| what | median | spread (min-max) |")
    print("|---|---|---|")
    for key, label in LABELS:
        s = result["figures"].get(key)
        if s:
            print("| %s | %.1f s | %.1f-%.1f s |" % (label, s["median"], s["min"], s["max"]))
    print()
    print("| goal (issue 13) | ratio median | spread | met |")
    print("|---|---|---|---|")
    for g in result["goals"].values():
        r = g["ratio"]
        if r is None:
            print("| %s | n/a | | no data |" % g["goal"])
        else:
            verdict = "yes" if g["met"] else "NO"
            print("| %s | %.2fx | %.2f-%.2fx | %s |" % (g["goal"], r["median"], r["min"], r["max"], verdict))


def report(result):
    m = result["machine"]
    print("deploy_gap %s: %d repeats, %d cores, %d MiB RAM, load %.1f before / %.1f after (1-min average)"
          % (result["started"], result["repeat"], m["nproc"], m["mem_mib"], m["load_before"][0], m["load_after"][0]))
    print_table(result)
    for kind in ("noop", "upgrade", "auto_rb"):
        print("\nmost expensive tasks of the %s run (median s):" % kind)
        for entry in result["task_costs"].get(kind, [])[:8]:
            print("  %6.2f  %s" % (entry["median_s"], entry["task"]))


def pyplot(who="deploy_gap"):
    """matplotlib.pyplot on the Agg backend, or None (said on stderr) when matplotlib is not installed."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        log("matplotlib is not installed (pip install -r bench/requirements.txt): no plot, table and JSON only", who)
        return None
    return plt


def save_plot(plt, fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def publish(result, name, stamp, plot_fn, report_fn):
    """The PNG (when matplotlib is there), the JSON under bench/results/, the tables on stdout."""
    out_dir = ROOT / "bench" / "results"
    path = out_dir / ("%s-%s.json" % (name, stamp))
    png = plot_fn(result, str(out_dir / ("%s-%s.png" % (name, stamp))))
    result["plot"] = None if png is None else os.path.basename(png)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    report_fn(result)
    print("\nresults: %s%s" % (path, "" if png is None else "\nplot: %s" % png))
    return 0


def plot(result, path):
    plt = pyplot()
    if plt is None:
        return None
    walls = [k for k, _l in LABELS if not k.endswith("_gap") and result["figures"].get(k)]
    gaps = [k for k, _l in LABELS if k.endswith("_gap") and result["figures"].get(k)]
    names = dict(LABELS)
    fig, axes = plt.subplots(1, 2, figsize=(14, 6), gridspec_kw={"width_ratios": [len(walls), max(len(gaps), 1)]})
    for ax, keys, title in ((axes[0], walls, "wall / until-ready times"), (axes[1], gaps, "readiness gaps")):
        med = [result["figures"][k]["median"] for k in keys]
        low = [m - result["figures"][k]["min"] for k, m in zip(keys, med)]
        high = [result["figures"][k]["max"] - m for k, m in zip(keys, med)]
        ax.bar(range(len(keys)), med, yerr=[low, high], capsize=4, color="#4c72b0")
        ax.set_xticks(range(len(keys)))
        ax.set_xticklabels([names[k] for k in keys], rotation=35, ha="right", fontsize=8)
        ax.set_ylabel("seconds (median, bars = min-max)")
        ax.set_title(title)
    m = result["machine"]
    fig.suptitle("deploy_gap %s - %d cores, load %.1f/%.1f (before/after), %d repeats"
                 % (result["started"], m["nproc"], m["load_before"][0], m["load_after"][0], result["repeat"]))
    return save_plot(plt, fig, path)


def machine():
    mem = 0
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    return {"nproc": os.cpu_count(), "mem_mib": mem, "kernel": platform.release(),
            "python": platform.python_version()}


def bench_parser(doc, name, keep_help):
    """The options every bench script has: --repeat, --ready-timeout, --name, --keep, --report."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ready-timeout", type=int, default=300)
    parser.add_argument("--name", default=name)
    parser.add_argument("--keep", action="store_true", help=keep_help)
    parser.add_argument("--report", metavar="JSON", help="print the tables of a results file and exit (no run)")
    return parser


def main():
    parser = bench_parser(__doc__, "deploy_gap", "leave the sandbox up")
    parser.add_argument("--bad-fault", default="exit-on-start", choices=["exit-on-start", "ready-down"])
    parser.add_argument("--probe-max", type=int, default=900, help="seconds after which the prober stops by itself")
    args = parser.parse_args()
    if args.report:
        report(json.loads(pathlib.Path(args.report).read_text(encoding="utf-8")))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    result = {"name": args.name, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "command": " ".join(["bench/deploy_gap.py"] + sys.argv[1:]), "repeat": args.repeat,
              "bad_fault": args.bad_fault, "machine": machine()}
    result["machine"]["load_before"] = list(os.getloadavg())
    log("sandbox up (one node)")
    run(["bash", "scripts/sandbox.sh", "up", "1"], cwd=ROOT)
    try:
        bench = Bench(args)
        current = dict(bench.state)
        served = served_version()
        if served != current["version"]:
            raise BenchError("the sandbox serves %r, expected %r" % (served, current["version"]))
        runs = []
        loads = []
        for i in range(1, args.repeat + 1):
            log("repeat %d/%d" % (i, args.repeat))
            runs.append(bench.repeat(i, current))
            loads.append(list(os.getloadavg()))
    finally:
        if not args.keep:
            run(["bash", "scripts/sandbox.sh", "down"], cwd=ROOT, check=False)
    result["machine"]["load_after"] = list(os.getloadavg())
    result["machine"]["load_per_repeat"] = loads
    rows = metrics(runs)
    result["runs"] = runs
    result["per_repeat"] = rows
    result["figures"] = {k: summary([r[k] for r in rows]) for k in rows[0]}
    result["goals"] = goals(rows)
    result["task_costs"] = {
        kind: sorted(({"task": name, "median_s": round(statistics.median(v), 3), "runs": len(v)}
                      for name, v in per.items()), key=lambda e: -e["median_s"])[:15]
        for kind, per in bench.tasks.items()}
    return publish(result, args.name, args.stamp, plot, report)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        sys.exit("deploy_gap: %s" % exc)
