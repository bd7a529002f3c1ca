# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the manifests of roles/k8s_deploy (and the RBAC example) and validate them offline against the
Kubernetes 1.37 schemas with kubernetes-validate, with the role defaults and with non-default settings."""

from __future__ import annotations

import os

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")

from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.template import Templar, trust_as_template  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLE = os.path.join(REPO, "roles", "k8s_deploy")
COMMON = os.path.join(REPO, "roles", "common")
K8S_VERSION = "1.37.0"


def role_defaults():
    """The defaults the role sees: aurigraph.dlt.common's (a dependency), then its own."""
    variables = {}
    for role in (COMMON, ROLE):
        with open(os.path.join(role, "defaults", "main.yml"), encoding="utf-8") as handle:
            # role defaults are trusted templates for Ansible (they may reference other variables)
            variables.update({key: trust_as_template(value) if isinstance(value, str) else value
                              for key, value in (yaml.safe_load(handle) or {}).items()})
    return variables


def render(template, **overrides):
    loader = DataLoader()
    variables = role_defaults()
    variables.update(overrides)
    with open(os.path.join(ROLE, "templates", template), encoding="utf-8") as handle:
        text = handle.read()
    rendered = Templar(loader=loader, variables=variables).template(trust_as_template(text))
    return yaml.safe_load(rendered)


def validate(manifest):
    kubernetes_validate.validate(manifest, K8S_VERSION, strict=True)


DEPLOY_CASES = {
    "defaults": {},
    "custom": dict(aurigraph_k8s_name="aurigraph-canary", aurigraph_k8s_namespace="ns-1",
                   aurigraph_k8s_env={"JAVA_OPTS": "-Xmx1g", "FLAG": True, "N": 3},
                   aurigraph_k8s_tls_secret="aurigraph-tls", aurigraph_k8s_service_account="aurigraph",
                   aurigraph_k8s_labels={"team": "dlt"}, aurigraph_k8s_pod_labels={"tier": "api"},
                   aurigraph_k8s_pod_annotations={"prometheus.io/scrape": "true"},
                   aurigraph_k8s_probes={"readiness": {"path": "/q/health/ready"}}),
}


@pytest.mark.parametrize("case", sorted(DEPLOY_CASES))
@pytest.mark.parametrize("color", ["blue", "green"])
def test_deployment_manifest_is_valid(case, color):
    overrides = DEPLOY_CASES[case]
    manifest = render("deployment.yml.j2", _k8s_color=color, _k8s_image="registry.example.com/aurigraph-v11:11.5.0",
                      _k8s_replicas=3, **overrides)
    validate(manifest)
    name = overrides.get("aurigraph_k8s_name", "aurigraph-v11")
    assert manifest["metadata"]["name"] == "%s-%s" % (name, color)
    assert manifest["spec"]["selector"]["matchLabels"] == {"app": name, "color": color}
    pod = manifest["spec"]["template"]
    assert pod["metadata"]["labels"]["color"] == color
    container = pod["spec"]["containers"][0]
    assert container["image"] == "registry.example.com/aurigraph-v11:11.5.0"
    assert manifest["spec"]["replicas"] == 3
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["QUARKUS_HTTP_PORT"] == "9003"
    assert all(isinstance(value, str) for value in env.values())
    assert container["envFrom"][0]["configMapRef"] == {"name": "%s-config" % name, "optional": True}


def test_default_probes_and_resources():
    manifest = render("deployment.yml.j2", _k8s_color="blue", _k8s_image="i:1", _k8s_replicas=1)
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/q/health/ready", "port": "http"}
    assert container["startupProbe"]["failureThreshold"] == 60
    assert container["resources"]["limits"]["memory"] == "4Gi"
    assert manifest["spec"]["progressDeadlineSeconds"] == 600
    assert manifest["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_tls_secret_is_mounted_read_only():
    manifest = render("deployment.yml.j2", _k8s_color="green", _k8s_image="i:1", _k8s_replicas=1,
                      aurigraph_k8s_tls_secret="tls-1")
    spec = manifest["spec"]["template"]["spec"]
    assert {"name": "tls", "secret": {"secretName": "tls-1", "defaultMode": 0o440}} in spec["volumes"]
    assert {"name": "tls", "mountPath": "/etc/aurigraph/tls", "readOnly": True} in spec["containers"][0]["volumeMounts"]


def test_broken_manifest_is_rejected():
    manifest = render("deployment.yml.j2", _k8s_color="blue", _k8s_image="i:1", _k8s_replicas=1)
    manifest["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(manifest)


@pytest.mark.parametrize("role", ["stable", "preview"])
def test_service_manifest_is_valid(role):
    name = "aurigraph-v11" if role == "stable" else "aurigraph-v11-preview"
    manifest = render("service.yml.j2", _k8s_service=name, _k8s_color="green", _k8s_role=role)
    validate(manifest)
    assert manifest["spec"]["selector"] == {"app": "aurigraph-v11", "color": "green"}
    assert manifest["metadata"]["labels"]["aurigraph.io/service-role"] == role


def test_rbac_example_is_valid():
    with open(os.path.join(REPO, "docs", "rbac", "deployer.yml"), encoding="utf-8") as handle:
        documents = yaml.safe_load(handle)["items"]
    assert [d["kind"] for d in documents] == ["ServiceAccount", "Role", "RoleBinding"]
    for document in documents:
        validate(document)
    rules = documents[1]["rules"]
    assert any("pods/portforward" in r["resources"] and "create" in r["verbs"] for r in rules)
    assert not any("*" in r["verbs"] or "*" in r["resources"] for r in rules)


@pytest.mark.parametrize("image, version", [
    ("registry.example.com/aurigraph/aurigraph-v11:11.5.0", "11.5.0"),
    ("registry.example.com:5000/aurigraph-v11:11.4.2", "11.4.2"),
    ("aurigraph-v11:11.6.0@sha256:" + "a" * 64, "11.6.0"),
    ("registry.example.com:5000/aurigraph-v11", ""),
])
def test_expected_version_defaults_to_the_image_tag(image, version):
    variables = role_defaults()
    variables["aurigraph_k8s_image"] = image
    templar = Templar(loader=DataLoader(), variables=variables)
    assert templar.template(trust_as_template("{{ aurigraph_k8s_expected_version }}")) == version
