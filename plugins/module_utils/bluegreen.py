# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decisions of the blue-green systemd method (``aurigraph_deploy_method: systemd_bluegreen``).

Two instances of one systemd template unit, ``<service>@blue`` and ``<service>@green``, on their own local ports,
behind the nginx edge. What serves is what the edge forwards to: the port of the live ``upstream.conf`` (not a
state file a killed run could have left behind). The colour state file only says which release each colour holds.

``plan()`` answers, before anything changes: which colour serves, which colour the release goes to (the idle one,
or none when the serving colour already runs it), its ports and data directory, and refuses a configuration that
would run both colours on one exclusive store (the LevelDB data directory). ``rollback_plan()`` answers after a
failure: must the edge be switched back, to which port, and which unit to stop.
"""

from __future__ import annotations

import json
import re

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 managed nodes
    from urlparse import urlsplit

from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import ValidationError

COLOURS = ("blue", "green")
LEGACY = "in-place"
_SERVER = re.compile(r"^\s*server\s+(\[[^\]]+\]|[^\s:;]+):(\d+)\b", re.MULTILINE)


def other(colour):
    """The other colour (blue for anything that is not a colour: the first blue-green deploy goes to blue)."""
    return "green" if colour == "blue" else "blue"


def upstream_port(text):
    """The port of the first ``server host:port`` line of an nginx upstream file, or None."""
    match = _SERVER.search(text or "")
    return int(match.group(2)) if match else None


def load_state(text):
    """The colour state file's content (``{"colours": {"blue": {"release": ...}, ...}}``); empty when missing."""
    if not text or not text.strip():
        return {"colours": {}}
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise ValidationError("the blue-green colour state file is not JSON (%s): fix or remove it; the edge's "
                              "upstream says which colour serves" % exc)
    if not isinstance(state, dict) or not isinstance(state.get("colours", {}), dict):
        raise ValidationError("the blue-green colour state file has no 'colours' mapping: fix or remove it")
    state.setdefault("colours", {})
    return state


def _port(name, value):
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ValidationError("%s must be a port number, got %r" % (name, value))
    if not 0 < port < 65536:
        raise ValidationError("%s must be a port number between 1 and 65535, got %s" % (name, port))
    return port


def check_settings(ports, grpc_ports, data_dir, reserved=None):
    """Validate the method's settings; return ({colour: http port}, {colour: grpc port}).

    ``reserved``: {name: port} of ports that something else on the host uses (the in-place service, the edge).
    Refuses a data directory without ``%i``: both colours would open one LevelDB store, which is exclusive.
    """
    if not isinstance(data_dir, str) or "%i" not in data_dir:
        raise ValidationError(
            "aurigraph_bluegreen_data_dir=%r would run both colours on one data directory: the LevelDB store in it is "
            "exclusive (one process may open it; a second instance fails to start or corrupts it during the drain), "
            "so the blue-green method is refused. Give each colour its own directory with %%i in the path (e.g. "
            "/var/lib/aurigraph-%%i); the database is shared, see docs/deploy-bluegreen.md" % (data_dir,))
    if not data_dir.startswith("/"):
        raise ValidationError("aurigraph_bluegreen_data_dir must be an absolute path, got %r" % (data_dir,))
    found = {}
    http, grpc = {}, {}
    for colour in COLOURS:
        for kind, table, out in (("aurigraph_bluegreen_ports", ports, http), ("aurigraph_bluegreen_grpc_ports", grpc_ports, grpc)):
            if not isinstance(table, dict) or colour not in table:
                raise ValidationError("%s must map blue and green to a port each, got %r" % (kind, table))
            out[colour] = _port("%s.%s" % (kind, colour), table[colour])
            found.setdefault(out[colour], []).append("%s.%s" % (kind, colour))
    for name, port in sorted((reserved or {}).items()):
        if port in (None, ""):
            continue
        found.setdefault(_port(name, port), []).append(name)
    clashes = ["%s (%s)" % (port, " = ".join(names)) for port, names in sorted(found.items()) if len(names) > 1]
    if clashes:
        raise ValidationError("the blue-green ports must all differ from each other and from the ports already in use "
                              "on the host; these clash: %s. Change aurigraph_bluegreen_ports / "
                              "aurigraph_bluegreen_grpc_ports" % ", ".join(clashes))
    return http, grpc


def check_api_url(api_url, ports, legacy_port):
    """Refuse an API URL that names one instance's port directly: under this method the service's URL is the edge's
    (the fleet gates, the smoke gate and the verify phase read it), since every instance port stops serving in turn."""
    if not api_url:
        return
    parts = urlsplit(api_url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError("aurigraph_api_url=%r is not a valid URL" % (api_url,))
    direct = dict((p, "the %s colour's port" % c) for c, p in ports.items())
    direct[legacy_port] = "the in-place service's port (aurigraph_http_port)"
    if port in direct:
        raise ValidationError(
            "aurigraph_api_url=%s names %s, which stops serving when the colours switch: under the blue-green "
            "method set it to the edge's URL as the node reaches it (e.g. https://dlt.example.com, with "
            "aurigraph_ca_path for a private CA); the fleet gates, the smoke gate and the verify phase read it"
            % (api_url, direct[port]))


def plan(release_id, ports, grpc_ports, data_dir, service_name, legacy_port, upstream_text, state_text,
         reserved=None, existing_only=False, api_url=None):
    """Where release ``release_id`` goes.

    ``legacy_port``: the port of the in-place service (the systemd method), which serves before the first
    blue-green deploy. ``existing_only`` (a manual rollback): the release must already be on one of the colours.
    ``api_url``: the service's URL, which must be the edge's (``check_api_url``).
    """
    http, grpc = check_settings(ports, grpc_ports, data_dir, reserved)
    check_api_url(api_url, http, _port("aurigraph_http_port", legacy_port))
    state = load_state(state_text)
    edge_port = upstream_port(upstream_text)
    legacy_port = _port("aurigraph_http_port", legacy_port)
    by_port = dict((port, colour) for colour, port in http.items())
    if edge_port is None:
        serving = None
    elif edge_port in by_port:
        serving = by_port[edge_port]
    elif edge_port == legacy_port:
        serving = LEGACY
    else:
        raise ValidationError(
            "the edge forwards to port %s, which is neither blue (%s), green (%s) nor the in-place service (%s): "
            "refusing to guess which instance serves. Point the edge at one of them (playbooks/edge.yml) or fix "
            "aurigraph_bluegreen_ports" % (edge_port, http["blue"], http["green"], legacy_port))
    holds = dict((colour, (state["colours"].get(colour) or {}).get("release")) for colour in COLOURS)
    if serving in COLOURS and holds[serving] == release_id:
        target, noop = serving, True
    elif existing_only:
        idle = other(serving)
        if holds.get(idle) != release_id:
            raise ValidationError(
                "release %s is not staged on the idle colour %s (blue holds %s, green holds %s): a blue-green rollback "
                "starts the idle colour's release again; deploy that version instead (it goes to the idle colour)"
                % (release_id, idle, holds["blue"] or "nothing", holds["green"] or "nothing"))
        target, noop = idle, False
    else:
        target, noop = other(serving), False

    def unit(colour):
        if colour in COLOURS:
            return "%s@%s.service" % (service_name, colour)
        return "%s.service" % service_name if colour == LEGACY else None

    return {
        "edge_port": edge_port,
        "serving": serving,
        "serving_port": http[serving] if serving in COLOURS else (legacy_port if serving == LEGACY else None),
        "serving_unit": unit(serving),
        "serving_release": holds.get(serving) if serving in COLOURS else None,
        "target": target,
        "target_port": http[target],
        "target_grpc_port": grpc[target],
        "target_unit": unit(target),
        "target_data_dir": data_dir.replace("%i", target),
        "noop": noop,
        "ports": http,
        "grpc_ports": grpc,
        "holds": holds,
        "state": state,
    }


def rollback_plan(before, edge_port_now):
    """After a failed switch or verify: what to undo. ``before`` is the plan made before the switch.

    The edge is switched back only when it forwards to the failed colour now and something else served before
    (with nothing before there is nothing to switch back to: the failed colour is stopped and the edge left alone).
    """
    target_port = before["target_port"]
    restore_port = before.get("serving_port")
    switch_back = bool(not before.get("noop") and edge_port_now == target_port and restore_port
                       and restore_port != target_port)
    return {
        "switch_back": switch_back,
        "restore_port": restore_port,
        "restore_unit": before.get("serving_unit"),
        "stop_unit": None if before.get("noop") else before["target_unit"],
        "edge_port": edge_port_now,
    }
