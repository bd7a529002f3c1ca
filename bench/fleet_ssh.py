"""Benchmark: the fleet deploy over SSH, and what one task costs per connection type.

1. Connection cost: one node; a play of 1 task and one of 21 trivial tasks (``ansible.builtin.command: "true"``)
   through each connection - docker exec (community.docker.docker) without and with pipelining, OpenSSH without
   and with pipelining, paramiko; per-task cost = (wall(21) - wall(1)) / 20, median of ``--repeat`` runs.
2. Fleet: for each size in ``--sizes`` (default 1 3 5), fresh nodes reached over SSH (tests/ssh/setup_nodes.sh) running
   the stand-in as a cluster; first deploy, then the wall time of a no-op re-run and of a rolling upgrade of the
   root ``deploy.yml``. The issue's goal: a 5-node upgrade <= 5.5 x a 1-node upgrade.

Not part of ``make test``. Prints a table and writes JSON to bench/results/fleet-<time>.json.
    .venv/bin/python bench/fleet_ssh.py [--sizes 1 3 5] [--repeat 3] [--skip-fleet] [--skip-connections]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = os.environ.get("AURIGRAPH_NODE_IMAGE", "aurigraph/node:current")
PREFIX = "aurigraph-bench-"


def run(argv, env=None, check=True):
    started = time.monotonic()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if check and proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit("bench: %s failed (rc %d)" % (" ".join(argv[:3]), proc.returncode))
    return elapsed, proc


def start_nodes(count, work):
    cluster = os.path.join(work, "cluster")
    os.makedirs(cluster, exist_ok=True)
    os.chmod(cluster, 0o777)
    names = ["%s%d" % (PREFIX, i) for i in range(1, count + 1)]
    for name in names:
        run(["docker", "run", "-d", "--name", name, "--hostname", name, "--network", "none",
             "--cap-add", "SYS_ADMIN", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
             "-v", "%s:/var/lib/aurigraph-cluster:rw" % cluster, "--tmpfs", "/run", "--tmpfs", "/tmp",
             "--security-opt", "seccomp=unconfined", IMAGE, "/lib/systemd/systemd"])
    for name in names:
        run(["docker", "exec", name, "systemctl", "is-system-running", "--wait"], check=False)
    run(["bash", os.path.join(REPO, "tests", "ssh", "setup_nodes.sh"), os.path.join(work, "ssh")] + names)
    return names


def remove_nodes():
    _t, proc = run(["docker", "ps", "-aq", "--filter", "name=" + PREFIX], check=False)
    ids = proc.stdout.split()
    if ids:
        run(["docker", "rm", "-f"] + ids, check=False)


def write_inventory(work, names, connection):
    inv = os.path.join(work, "inventory-%s" % connection)
    shutil.rmtree(inv, ignore_errors=True)
    os.makedirs(os.path.join(inv, "group_vars"))
    # the fleet scenario's settings (stand-in cluster, small heap), read with MOLECULE_EPHEMERAL_DIRECTORY=work
    os.symlink(os.path.join(REPO, "molecule", "fleet", "inventory", "group_vars", "aurigraph_nodes"),
               os.path.join(inv, "group_vars", "aurigraph_nodes"))
    conn = {
        "docker": {"ansible_connection": "community.docker.docker", "ansible_user": "root",
                   "ansible_pipelining": False},
        "docker-pipelining": {"ansible_connection": "community.docker.docker", "ansible_user": "root",
                              "ansible_pipelining": True},
        "ssh": {"ansible_connection": "ansible.builtin.ssh", "ansible_ssh_pipelining": False,
                "ansible_ssh_common_args": "-F %s/ssh/ssh_config" % work},
        "ssh-pipelining": {"ansible_connection": "ansible.builtin.ssh", "ansible_ssh_pipelining": True,
                           "ansible_ssh_common_args": "-F %s/ssh/ssh_config" % work},
        "paramiko": {"ansible_connection": "ansible.builtin.paramiko_ssh", "ansible_user": "deploy",
                     "ansible_ssh_private_key_file": "%s/ssh/id_ed25519" % work,
                     "ansible_paramiko_proxy_command": "docker exec -i %h /usr/sbin/sshd -i"},
    }[connection]
    conn["ansible_python_interpreter"] = "/usr/bin/python3"
    with open(os.path.join(inv, "hosts.json"), "w", encoding="utf-8") as fh:
        json.dump({"aurigraph_nodes": {"hosts": dict((n, {}) for n in names), "vars": conn}}, fh)
    return inv


def env_for(work):
    env = dict(os.environ)
    env.update(MOLECULE_EPHEMERAL_DIRECTORY=work, HOME=os.path.join(work, "ssh", "home"),
               ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"))
    env["PATH"] = os.path.join(REPO, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    return env


def connection_costs(work, repeat):
    names = start_nodes(1, work)
    results = {}
    for connection in ("docker", "docker-pipelining", "ssh", "ssh-pipelining", "paramiko"):
        inv = write_inventory(work, names, connection)
        walls = {}
        for tasks in (1, 21):
            play = os.path.join(work, "tasks-%d.yml" % tasks)
            with open(play, "w", encoding="utf-8") as fh:
                fh.write("- hosts: aurigraph_nodes\n  gather_facts: false\n  become: true\n  tasks:\n")
                for i in range(tasks):
                    fh.write("    - name: t%d\n      ansible.builtin.command: 'true'\n      changed_when: false\n" % i)
            walls[tasks] = [run(["ansible-playbook", "-i", inv, play], env=env_for(work))[0] for _attempt in range(repeat)]
        per_task = [(b - a) / 20.0 for a, b in zip(walls[1], walls[21])]
        results[connection] = {"per_task_s": round(statistics.median(per_task), 3),
                               "spread_s": round(max(per_task) - min(per_task), 3)}
    remove_nodes()
    return results


def fleet(work, sizes, repeat):
    artifacts = os.path.join(work, "artifacts")
    _t, base = run([os.path.join(REPO, "tests", "standin", "build.sh")])
    versions = ["11.4.%d" % (4 + i) for i in range(repeat + 1)]
    for version in versions:
        run([os.path.join(REPO, "tests", "standin", "release.sh"), "--version", version, "--base",
             base.stdout.strip().splitlines()[-1], "--out", artifacts])
    results = {}
    for size in sizes:
        remove_nodes()
        shutil.rmtree(os.path.join(work, "cluster"), ignore_errors=True)
        names = start_nodes(size, work)
        inv = write_inventory(work, names, "ssh-pipelining")
        deploy = ["ansible-playbook", "-i", inv, os.path.join(REPO, "deploy.yml"), "-e"]
        run(deploy + ["aurigraph_version=%s" % versions[0]], env=env_for(work))
        noop, upgrade = [], []
        for i in range(repeat):
            noop.append(run(deploy + ["aurigraph_version=%s" % versions[i]], env=env_for(work))[0])
            upgrade.append(run(deploy + ["aurigraph_version=%s" % versions[i + 1]], env=env_for(work))[0])
        results[size] = {"noop_s": round(statistics.median(noop), 1), "noop_spread_s": round(max(noop) - min(noop), 1),
                         "upgrade_s": round(statistics.median(upgrade), 1),
                         "upgrade_spread_s": round(max(upgrade) - min(upgrade), 1)}
    remove_nodes()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-fleet", action="store_true")
    parser.add_argument("--skip-connections", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="aurigraph-bench-")
    out = {"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()[0]}, "repeat": args.repeat}
    try:
        remove_nodes()
        if not args.skip_connections:
            out["connections"] = connection_costs(work, args.repeat)
            print("%-16s %10s %10s" % ("connection", "per task", "spread"))
            for name, row in out["connections"].items():
                print("%-16s %9.3fs %9.3fs" % (name, row["per_task_s"], row["spread_s"]))
        if not args.skip_fleet:
            out["fleet"] = fleet(work, args.sizes, args.repeat)
            print("%-6s %10s %10s" % ("nodes", "no-op", "upgrade"))
            for size, row in out["fleet"].items():
                print("%-6s %9.1fs %9.1fs" % (size, row["noop_s"], row["upgrade_s"]))
            if 1 in out["fleet"] and max(out["fleet"]) > 1:
                big = max(out["fleet"])
                ratio = out["fleet"][big]["upgrade_s"] / out["fleet"][1]["upgrade_s"]
                out["upgrade_ratio"] = {"nodes": big, "ratio_to_one": round(ratio, 2)}
                print("upgrade of %d nodes = %.2f x one node's" % (big, ratio))
    finally:
        remove_nodes()
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(REPO, "bench", "results"), exist_ok=True)
    path = os.path.join(REPO, "bench", "results", "fleet-%s.json" % time.strftime("%Y%m%dT%H%M%S"))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2)
    print("results: %s" % path)


if __name__ == "__main__":
    main()
