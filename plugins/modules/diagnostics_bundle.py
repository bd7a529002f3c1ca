#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: diagnostics_bundle
short_description: Collect a redacted diagnostics bundle of an Aurigraph V11 node into one tarball
version_added: 0.2.0
description:
  - Collects, on the node, the evidence of an Aurigraph V11 service run by a systemd unit or a Docker container and
    writes it with a C(manifest.json) into one gzip tarball (O(path), mode 0600); fetch it with M(ansible.builtin.fetch).
  - "Items, most useful first: C(/q/health), C(/q/health/live|ready|started), C(/api/v11/info), the unit or container
    state (C(systemctl status/show/cat) or C(docker inspect) with every C(Config.Env) value replaced), the release
    records (release history and events), a thread dump, C(systemd-analyze security), the tail of the C(*.log) files
    of O(log_dir), the journal (or container log) since O(since), C(/q/metrics) and, only with O(heap_dump), a heap
    dump."
  - The thread dump uses C(jcmd <pid> Thread.print) (run as the JVM's owner) when a JDK's C(jcmd) sits next to
    O(java_bin) (or in the container); otherwise SIGQUIT to the JVM and the dump read back from the journal (or
    container log). The manifest says which.
  - The heap dump (opt-in) needs C(jcmd); it is refused with the numbers when O(heap_dump_dir) has less than twice the
    JVM's resident size free, or when it does not fit under O(max_mb).
  - "B(Secrets) - env files, the pgpass file and the process environment are never read. Every text item is redacted
    before it is written, the values of O(secrets), of secret-looking keys (C(KEY=value), C(key: value),
    C(\"key\": \"value\") with PASSWORD, SECRET, TOKEN, API_KEY and the like in the key), bearer tokens and credentials
    in URLs are replaced by C(<redacted>)."
  - B(Size cap) - an item that would take the bundle past O(max_mb) is left out, and so is every later item; the
    manifest says why (RV(size_cap_hit)).
  - The manifest lists every item with C(collected), C(why) (when not), C(file), C(size), C(sha256), C(at).
  - "B(Kubernetes) (O(method=k8s)) - the module runs on the controller and reads, through the cluster API
    (O(kubeconfig), O(context)), the Deployments and pods labelled C(app=<service_name>) in O(namespace), the
    namespace's events, each container's log (current and previous, the last O(log_lines) lines) and the release
    records ConfigMap C(<service_name>-releases). They become C(k8s/deployments/<name>.yaml) and
    C(k8s/pods/<name>.yaml) (without C(managedFields) and the last-applied annotation; literal env values of
    secret-looking names redacted; a Secret referenced by C(valueFrom)/C(envFrom) is only named, Secrets are never
    read), C(k8s/events.txt) (the events of those objects and their ReplicaSets),
    C(k8s/logs/<pod>/<container>[.previous].log), C(releases.json), plus the HTTP items from O(api_url) (reachable
    from the controller). A read that fails (RBAC, no previous container) is in the manifest with the API's reason.
    Nothing read passes through a task result, so nothing unredacted is printed at any verbosity."
author:
  - Aurigraph DLT contributors (@aurigraph)
attributes:
  check_mode:
    support: none
    description: Refused in check mode (it sends SIGQUIT to the JVM and writes a file); the module is skipped.
  diff_mode:
    support: none
    description: No diff; RV(manifest) describes the bundle.
options:
  path:
    description: Where to write the tarball on the node (its directory must exist). Its name without C(.tar.gz) is the
      top directory inside.
    type: path
    required: true
  method:
    description: How the service runs.
    type: str
    choices: [systemd, docker, k8s]
    default: systemd
  service_name:
    description: The systemd unit (C(.service) added when no suffix is given) or container name.
    type: str
    required: true
  since:
    description: Start of the journal or container log - V(2h), V(30m), V(1d) (that long ago), C(@<epoch>), or a UTC
      time C(2026-11-30T03:00:00Z).
    type: str
    default: 2h
  log_dir:
    description: Directory of the application's C(*.log) files (host methods); the last O(log_lines) of each.
    type: path
  log_lines:
    description: Lines of each application log file.
    type: int
    default: 2000
  api_url:
    description: Base URL of the service's HTTP API (the public C(/q/*) and C(/api/v11/info) endpoints; no token is sent).
    type: str
    default: http://127.0.0.1:9003
  validate_certs:
    description: Verify the TLS certificate of O(api_url).
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify the TLS certificate of O(api_url) with.
    type: path
  records_path:
    description: The release records file (C(releases.json)) to include.
    type: path
  java_bin:
    description: The JVM's C(java); C(jcmd) is looked for next to its real path, then on C(PATH).
    type: path
    default: /usr/bin/java
  heap_dump:
    description: Also take a heap dump (C(jcmd GC.heap_dump -gz=1)). Large; stops the JVM for seconds.
    type: bool
    default: false
  heap_dump_dir:
    description: Where the JVM writes the heap dump before it goes into the bundle (must be writable by the service and
      visible to the host, for example its log directory).
    type: path
    default: /var/tmp
  max_mb:
    description: Size cap of the bundle's content, in MiB.
    type: int
    default: 200
  timeout:
    description: Seconds to wait for each HTTP answer and for a SIGQUIT thread dump to appear.
    type: int
    default: 30
  secrets:
    description: Literal secret values to replace wherever they appear (values shorter than 6 characters are ignored).
    type: list
    elements: str
    default: []
  node:
    description: Node name written into the manifest.
    type: str
    default: ""
  namespace:
    description: With O(method=k8s), the namespace of the release.
    type: str
    default: aurigraph-production
extends_documentation_fragment:
  - aurigraph.dlt.k8s
requirements:
  - systemd (C(systemctl), C(journalctl), C(systemd-analyze)) or the Docker CLI on the node, run as root; for
    O(method=k8s) the kubernetes Python client on the controller.
"""

EXAMPLES = r"""
- name: Collect the bundle
  aurigraph.dlt.diagnostics_bundle:
    path: /var/tmp/aurigraph-diag-node1-20261130T031200Z.tar.gz
    service_name: aurigraph-v11
    since: 2h
    log_dir: /var/log/aurigraph
    records_path: /opt/aurigraph/v11/.deploy/releases.json
    secrets: "{{ aurigraph_env.values() | list }}"
  no_log: false

- name: Make the bundle of a Kubernetes release on the controller
  aurigraph.dlt.diagnostics_bundle:
    path: /tmp/aurigraph-diag-k8s-20261130T031200Z.tar.gz
    method: k8s
    service_name: aurigraph-v11
    namespace: aurigraph-production
    kubeconfig: ~/.kube/config
    api_url: https://aurigraph.example.com
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: The tarball on the node (on the controller with O(method=k8s)).
  returned: success
  type: str
size:
  description: Size of the tarball in bytes.
  returned: success
  type: int
manifest:
  description: The manifest written into the bundle (node, service, method, created_at, max_mb, size_cap_hit,
    total_bytes, items - each with item, collected, why, file, size, sha256, at, note).
  returned: success
  type: dict
size_cap_hit:
  description: Whether the size cap left items out.
  returned: success
  type: bool
not_collected:
  description: "The items left out, each as C(<item>: <why>)."
  returned: success
  type: list
  elements: str
"""

import shutil
import ssl

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url
from ansible.module_utils.six.moves.urllib.error import HTTPError

from ansible_collections.aurigraph.dlt.plugins.module_utils import diagnostics, errors, k8s


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            method=dict(type="str", choices=["systemd", "docker", "k8s"], default="systemd"),
            service_name=dict(type="str", required=True),
            since=dict(type="str", default="2h"),
            log_dir=dict(type="path"),
            log_lines=dict(type="int", default=2000),
            api_url=dict(type="str", default="http://127.0.0.1:9003"),
            validate_certs=dict(type="bool", default=True),
            ca_path=dict(type="path"),
            records_path=dict(type="path"),
            java_bin=dict(type="path", default="/usr/bin/java"),
            heap_dump=dict(type="bool", default=False),
            heap_dump_dir=dict(type="path", default="/var/tmp"),
            max_mb=dict(type="int", default=200),
            timeout=dict(type="int", default=30),
            secrets=dict(type="list", elements="str", default=[], no_log=True),
            node=dict(type="str", default=""),
            namespace=dict(type="str", default="aurigraph-production"),
            kubeconfig=dict(type="path"),
            context=dict(type="str"),
        ),
        supports_check_mode=False,
    )
    p = module.params
    if p["max_mb"] < 1:
        module.fail_json(msg="max_mb must be at least 1 (got %s)" % p["max_mb"])

    def run(argv):
        return module.run_command(argv, errors="surrogate_or_replace")

    def fetch(url):
        try:
            resp = open_url(url, method="GET", timeout=p["timeout"], validate_certs=p["validate_certs"],
                            ca_path=p["ca_path"], headers={"Accept": "text/plain, application/json"})
            return resp.getcode(), resp.read().decode("utf-8", errors="replace")
        except HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", errors="replace")
        except (OSError, ssl.SSLError) as exc:
            raise diagnostics.NotCollected("GET %s: %s" % (url, getattr(exc, "reason", None) or exc))

    try:
        diagnostics.since_epoch(p["since"], 0)
        collector = diagnostics.Collector(run, fetch, p, secrets=p["secrets"], which=shutil.which)
        if p["method"] == "k8s":
            reader = k8s.DiagnosticsReader(k8s.client_from_params(p))
            found, records = diagnostics.read_k8s(reader, p["namespace"], p["service_name"], p["log_lines"])
            diagnostics.collect_k8s_bundle(collector, found, records=records)
        else:
            collector.collect()
        size = collector.write(p["path"], p["node"])
    except errors.DltError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg="cannot write the diagnostics bundle %s: %s" % (p["path"], exc.strerror or exc))
    manifest = collector.manifest(p["node"])
    module.exit_json(changed=True, path=p["path"], size=size, manifest=manifest, size_cap_hit=collector.cap_hit,
                     not_collected=["%s: %s" % (i["item"], i["why"]) for i in manifest["items"] if not i["collected"]])


if __name__ == "__main__":
    main()
