# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared connection options of every aurigraph.dlt API module (documented in doc_fragments/api.py)."""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback

API_ARGUMENT_SPEC = dict(
    api_url=dict(type="str", default="http://127.0.0.1:9003", fallback=(env_fallback, ["AURIGRAPH_API_URL"])),
    api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["AURIGRAPH_API_TOKEN"])),
    api_username=dict(type="str", fallback=(env_fallback, ["AURIGRAPH_API_USERNAME"])),
    api_password=dict(type="str", no_log=True, fallback=(env_fallback, ["AURIGRAPH_API_PASSWORD"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["AURIGRAPH_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["AURIGRAPH_CA_PATH"])),
    client_cert=dict(type="path", fallback=(env_fallback, ["AURIGRAPH_CLIENT_CERT"])),
    client_key=dict(type="path", fallback=(env_fallback, ["AURIGRAPH_CLIENT_KEY"])),
    timeout=dict(type="int", default=30, fallback=(env_fallback, ["AURIGRAPH_TIMEOUT"])),
    retries=dict(type="int", default=3, fallback=(env_fallback, ["AURIGRAPH_RETRIES"])),
)

API_REQUIRED_TOGETHER = [["api_username", "api_password"]]


def api_argument_spec(**overrides):
    """A fresh copy of the shared spec; ``overrides`` replace whole option entries (e.g. ``timeout``)."""
    spec = copy.deepcopy(API_ARGUMENT_SPEC)
    spec.update(overrides)
    return spec


def build_argument_spec(own_spec, **overrides):
    """Shared connection options merged with a module's own options."""
    spec = api_argument_spec(**overrides)
    spec.update(own_spec)
    return spec


def api_module(own_spec, spec_overrides=None, **kwargs):
    """The AnsibleModule of an API module: shared connection options plus ``own_spec`` (``spec_overrides`` replace
    shared entries), the login pair required together, check mode supported. ``kwargs`` go to AnsibleModule
    (``mutually_exclusive``, ``required_one_of``, ...)."""
    return AnsibleModule(
        argument_spec=build_argument_spec(own_spec, **(spec_overrides or {})),
        required_together=API_REQUIRED_TOGETHER,
        supports_check_mode=True,
        **kwargs
    )
