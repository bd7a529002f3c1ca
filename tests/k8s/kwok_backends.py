"""Give KWOK's simulated pods a real network backend on loopback (test harness, not shipped).

KWOK pods have no container, so nothing listens on their pod IP. KWOK's fake kubelet does serve the
port-forward API, and its PortForward objects (kwok.x-k8s.io/v1alpha1, one per pod, named like the pod)
tell it where to send the forwarded bytes. This daemon keeps one PortForward per running pod whose image
has a backend, so `kubectl port-forward svc/<name>` or the Python client's portforward reach a real
process (e.g. the stand-in JVM) on 127.0.0.1 -- and reach the process of *that* pod's image, so blue and
green (or a good and a bad release) can answer differently.

The image -> backend map lives in the cluster: ConfigMap kube-system/aurigraph-kwok-backends, key
`backends.json`, a JSON object {"<image or fnmatch pattern>": "127.0.0.1:<port>"}. Tests edit it with
`set_backend()` below (or kubectl); the daemon reacts to changes of the ConfigMap and of pods.
Each PortForward is owned by its pod, so the garbage collector deletes it with the pod.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import logging
import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = "kwok.x-k8s.io", "v1alpha1", "portforwards"
CM_NAMESPACE, CM_NAME, CM_KEY = "kube-system", "aurigraph-kwok-backends", "backends.json"
MANAGED_BY = "aurigraph-kwok-backends"

log = logging.getLogger("kwok-backends")


def read_backends(core: client.CoreV1Api) -> dict[str, str]:
    try:
        cm = core.read_namespaced_config_map(CM_NAME, CM_NAMESPACE)
    except ApiException as exc:
        if exc.status == 404:
            return {}
        raise
    raw = (cm.data or {}).get(CM_KEY, "{}")
    try:
        data = json.loads(raw)
    except ValueError:
        log.error("%s/%s %s is not JSON; ignoring it", CM_NAMESPACE, CM_NAME, CM_KEY)
        return {}
    return {str(k): str(v) for k, v in data.items()}


def set_backend(core: client.CoreV1Api, image: str, address: str | None) -> None:
    """Map an image (or fnmatch pattern) to host:port; address None removes the mapping."""
    backends = read_backends(core)
    if address is None:
        backends.pop(image, None)
    else:
        backends[image] = address
    body = {"metadata": {"name": CM_NAME, "namespace": CM_NAMESPACE},
            "data": {CM_KEY: json.dumps(backends, sort_keys=True)}}
    try:
        core.replace_namespaced_config_map(CM_NAME, CM_NAMESPACE, body)
    except ApiException as exc:
        if exc.status != 404:
            raise
        core.create_namespaced_config_map(CM_NAMESPACE, body)


def backend_for(pod, backends: dict[str, str]) -> str | None:
    for container in pod.spec.containers or []:
        if container.image in backends:
            return backends[container.image]
        for pattern, address in backends.items():
            if fnmatch.fnmatchcase(container.image or "", pattern):
                return address
    return None


def desired_portforward(pod, address: str) -> dict:
    host, _sep, port = address.rpartition(":")
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "PortForward",
        "metadata": {
            "name": pod.metadata.name,
            "namespace": pod.metadata.namespace,
            "labels": {"app.kubernetes.io/managed-by": MANAGED_BY},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": pod.metadata.name,
                                 "uid": pod.metadata.uid}],
        },
        # no `ports`: every port of the pod goes to the backend
        "spec": {"forwards": [{"target": {"address": host, "port": int(port)}}]},
    }


class Reconciler:
    def __init__(self) -> None:
        self.core = client.CoreV1Api()
        self.custom = client.CustomObjectsApi()
        self.lock = threading.Lock()

    def reconcile(self) -> None:
        with self.lock:
            backends = read_backends(self.core)
            wanted = {}
            for pod in self.core.list_pod_for_all_namespaces().items:
                if pod.metadata.deletion_timestamp or not pod.spec.node_name:
                    continue
                address = backend_for(pod, backends)
                if address:
                    wanted[(pod.metadata.namespace, pod.metadata.name)] = desired_portforward(pod, address)
            existing = self.custom.list_cluster_custom_object(
                GROUP, VERSION, PLURAL, label_selector=f"app.kubernetes.io/managed-by={MANAGED_BY}")["items"]
            have = {(o["metadata"]["namespace"], o["metadata"]["name"]): o for o in existing}
            for key, obj in wanted.items():
                current = have.get(key)
                if current is None:
                    self.custom.create_namespaced_custom_object(GROUP, VERSION, key[0], PLURAL, obj)
                    log.info("port-forward %s/%s -> %s", key[0], key[1], obj["spec"]["forwards"][0]["target"])
                elif current.get("spec") != obj["spec"] or \
                        current["metadata"].get("ownerReferences", [{}])[0].get("uid") != \
                        obj["metadata"]["ownerReferences"][0]["uid"]:
                    obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                    self.custom.replace_namespaced_custom_object(GROUP, VERSION, key[0], PLURAL, key[1], obj)
                    log.info("port-forward %s/%s -> %s (updated)", key[0], key[1],
                             obj["spec"]["forwards"][0]["target"])
            for key in set(have) - set(wanted):
                try:
                    self.custom.delete_namespaced_custom_object(GROUP, VERSION, key[0], PLURAL, key[1])
                except ApiException as exc:
                    if exc.status != 404:
                        raise
                log.info("port-forward %s/%s removed", key[0], key[1])


def watch_forever(reconciler: Reconciler, list_func, **kwargs) -> None:
    while True:
        try:
            for _event in watch.Watch().stream(list_func, timeout_seconds=300, **kwargs):
                reconciler.reconcile()
        except Exception as exc:  # noqa: BLE001 - a harness daemon must survive apiserver hiccups
            log.warning("watch %s failed (%s); retrying", getattr(list_func, "__name__", list_func), exc)
            time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config.load_kube_config(config_file=args.kubeconfig)
    reconciler = Reconciler()
    reconciler.reconcile()
    core = client.CoreV1Api()
    threads = [
        threading.Thread(target=watch_forever, args=(reconciler, core.list_pod_for_all_namespaces), daemon=True),
        threading.Thread(target=watch_forever, args=(reconciler, core.list_namespaced_config_map),
                         kwargs={"namespace": CM_NAMESPACE, "field_selector": f"metadata.name={CM_NAME}"},
                         daemon=True),
    ]
    for t in threads:
        t.start()
    log.info("watching pods and %s/%s", CM_NAMESPACE, CM_NAME)
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
