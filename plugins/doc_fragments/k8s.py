# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Cluster connection options of the aurigraph.dlt Kubernetes modules (k8s_smoke, k8s_lock)."""

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description: Path to a kubeconfig file; empty uses C(K8S_AUTH_KUBECONFIG), then the client's default rules.
    type: path
  context:
    description: Kubeconfig context; empty uses C(K8S_AUTH_CONTEXT), then the current context.
    type: str
requirements:
  - kubernetes (Python client)
"""
