# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """The ConfigMap store of the release records modules (release_record, release_info); the argument spec is
    module_utils.release_store.argument_spec()."""

    DOCUMENTATION = r"""
requirements:
  - kubernetes (Python client), only with O(configmap)
options:
  configmap:
    description:
      - Keep the records in the key C(releases.json) of this ConfigMap instead of a file. The k8s method keeps
        its records in the deployment's namespace, next to its deploy lock. The JSON is the same as in a file.
      - Needs the C(kubernetes) Python library on the host that runs the task (the controller, for the k8s
        method); the access it needs on C(configmaps) is in the module's notes.
      - Exactly one of O(path) and O(configmap) is required.
    type: dict
    suboptions:
      name:
        description: Name of the ConfigMap, for example C(aurigraph-v11-releases).
        type: str
        required: true
      namespace:
        description: Namespace of the ConfigMap.
        type: str
        required: true
      kubeconfig:
        description: Path to a kubeconfig file; empty uses C(K8S_AUTH_KUBECONFIG), then the client's default rules.
        type: path
      context:
        description: Kubeconfig context; empty uses C(K8S_AUTH_CONTEXT), then the current context.
        type: str
"""
