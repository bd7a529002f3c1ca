"""Tasks executed by a no-op re-run of the sandbox deploy (issue 10: <= 35 per node in the pipeline).

Starts the sandbox (scripts/sandbox.sh up: one node, the stand-in deployed), re-runs the same deploy with the JSON
callback and counts, per host, the tasks that ran (not skipped): in the per-node pipeline (roles pipeline and the
method role) and in the whole playbook (fleet plan, preflight, quorum gates included), and how many of them made a
remote round trip (a module run on the host, not a controller-only action such as set_fact or assert). Prints a table, writes
bench/results/noop_tasks-<time>.json.   Usage: python3 bench/noop_tasks.py [--keep]   (--keep: leave the sandbox up)
"""
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Actions that run on the controller only (no round trip to the host).
LOCAL_ACTIONS = {"set_fact", "debug", "assert", "fail", "meta", "include_tasks", "include_role", "import_tasks",
                 "import_role", "validate_argument_spec", "add_host", "group_by", "include_vars", "pause"}
PIPELINE_ROLES = ("aurigraph.dlt.pipeline", "aurigraph.dlt.jar_deploy", "aurigraph.dlt.docker_deploy",
                  "aurigraph.dlt.k8s_deploy")


def sandbox(action):
    subprocess.run(["bash", "scripts/sandbox.sh", action], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def rerun():
    """Run the deploy the sandbox ran, again, with the JSON callback; returns (json, seconds)."""
    state = json.loads((ROOT / ".sandbox" / "release.json").read_text(encoding="utf-8"))
    env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    started = time.monotonic()
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-playbook"), "-i", "inventories/sandbox",
                          "playbooks/deploy.yml", "-e", "aurigraph_artifact=%s" % state["artifact"],
                          "-e", "aurigraph_artifact_sha256=%s" % state["sha256"],
                          "-e", "aurigraph_version=%s" % state["version"]],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout), time.monotonic() - started


def count(result):
    per_host = {}
    for play in result["plays"]:
        for task in play["tasks"]:
            name = task["task"]["name"]  # "<role> : <task>" for a task of a role
            for host, res in task["hosts"].items():
                if res.get("skipped"):
                    continue
                entry = per_host.setdefault(host, {"playbook": 0, "pipeline": 0, "changed": 0, "remote": 0})
                entry["playbook"] += 1
                action = str(res.get("action", "")).rsplit(".", 1)[-1]
                delegated = (res.get("_ansible_delegated_vars") or {}).get("ansible_delegated_host")
                entry["remote"] += action not in LOCAL_ACTIONS and delegated not in ("localhost", "127.0.0.1")
                entry["pipeline"] += name.split(" : ")[0] in PIPELINE_ROLES
                entry["changed"] += bool(res.get("changed"))
    return per_host


def main(argv):
    sandbox("up")
    try:
        result, seconds = rerun()
    finally:
        if "--keep" not in argv:
            sandbox("down")
    counts = count(result)
    print("| host | tasks run (whole playbook) | of which in the pipeline | remote round trips | changed | wall time |")
    print("|---|---|---|---|---|---|")
    for host, entry in sorted(counts.items()):
        row = (host, entry["playbook"], entry["pipeline"], entry["remote"], entry["changed"], seconds)
        print("| %s | %d | %d | %d | %d | %.1f s |" % row)
    out = ROOT / "bench" / "results" / ("noop_tasks-%s.json" % time.strftime("%Y%m%dT%H%M%S"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"hosts": counts, "seconds": seconds}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
