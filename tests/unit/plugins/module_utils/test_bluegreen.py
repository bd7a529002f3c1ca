# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Aurigraph DLT contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.aurigraph.dlt.plugins.module_utils import bluegreen
from ansible_collections.aurigraph.dlt.plugins.module_utils.errors import ValidationError

PORTS = {"blue": 9013, "green": 9023}
GRPC = {"blue": 9014, "green": 9024}
DATA = "/var/lib/aurigraph-%i"


def upstream(port):
    return "# managed\nupstream aurigraph_v11 {\n    server 127.0.0.1:%s max_fails=0;\n    keepalive 32;\n}\n" % port


def state(**holds):
    return json.dumps({"colours": dict((c, {"release": r}) for c, r in holds.items())})


def plan(release="r2", edge=None, st="", **kwargs):
    return bluegreen.plan(release, kwargs.pop("ports", PORTS), kwargs.pop("grpc", GRPC), kwargs.pop("data", DATA),
                          "aurigraph-v11", 9003, upstream(edge) if edge else "", st, **kwargs)


def test_upstream_port_parses_first_server_line():
    assert bluegreen.upstream_port(upstream(9023)) == 9023
    assert bluegreen.upstream_port("upstream x {\n  server [::1]:9013;\n}") == 9013
    assert bluegreen.upstream_port("") is None
    assert bluegreen.upstream_port("upstream x { keepalive 2; }") is None


def test_first_deploy_behind_the_in_place_service_goes_to_blue():
    got = plan(edge=9003)
    assert got["serving"] == "in-place" and got["serving_unit"] == "aurigraph-v11.service" and got["serving_port"] == 9003
    assert got["target"] == "blue" and got["target_port"] == 9013 and got["target_grpc_port"] == 9014
    assert got["target_unit"] == "aurigraph-v11@blue.service" and got["target_data_dir"] == "/var/lib/aurigraph-blue"
    assert not got["noop"]


def test_nothing_behind_the_edge_goes_to_blue():
    got = plan()
    assert got["serving"] is None and got["serving_port"] is None and got["target"] == "blue"


def test_next_deploy_goes_to_the_idle_colour_and_reuses_the_freed_one():
    got = plan("r2", edge=9013, st=state(blue="r1"))
    assert got["serving"] == "blue" and got["serving_release"] == "r1" and got["target"] == "green"
    got = plan("r3", edge=9023, st=state(blue="r1", green="r2"))
    assert got["serving"] == "green" and got["target"] == "blue" and got["target_port"] == 9013


def test_same_release_on_the_serving_colour_is_a_noop():
    got = plan("r1", edge=9013, st=state(blue="r1", green="r0"))
    assert got["noop"] and got["target"] == "blue"


def test_serving_read_from_the_edge_not_the_state_file():
    # the state file says blue holds r2 but the edge forwards to green: green serves, r2 goes to blue (idle)
    got = plan("r2", edge=9023, st=state(blue="r2", green="r1"))
    assert got["serving"] == "green" and got["target"] == "blue" and not got["noop"]


def test_unknown_edge_port_is_refused():
    with pytest.raises(ValidationError, match="forwards to port 8080, which is neither blue"):
        plan(edge=8080)


@pytest.mark.parametrize("data", ["/var/lib/aurigraph", "/srv/shared/"])
def test_shared_data_dir_is_refused_with_the_reason(data):
    with pytest.raises(ValidationError, match="LevelDB store in it is exclusive.*refused"):
        plan(data=data)


def test_relative_data_dir_is_refused():
    with pytest.raises(ValidationError, match="absolute path"):
        plan(data="data-%i")


@pytest.mark.parametrize("ports,grpc,reserved,match", [
    ({"blue": 9013, "green": 9013}, GRPC, {}, r"9013 \(aurigraph_bluegreen_ports.blue = aurigraph_bluegreen_ports.green\)"),
    (PORTS, {"blue": 9013, "green": 9024}, {}, "9013"),
    (PORTS, GRPC, {"aurigraph_http_port": 9023}, r"9023 \(aurigraph_bluegreen_ports.green = aurigraph_http_port\)"),
    ({"blue": 9013}, GRPC, {}, "must map blue and green"),
    ({"blue": 9013, "green": "x"}, GRPC, {}, "must be a port number"),
    ({"blue": 9013, "green": 70000}, GRPC, {}, "between 1 and 65535"),
])
def test_port_settings_are_checked(ports, grpc, reserved, match):
    with pytest.raises(ValidationError, match=match):
        plan(ports=ports, grpc=grpc, reserved=reserved)


def test_bad_state_file_is_refused():
    with pytest.raises(ValidationError, match="not JSON"):
        plan(st="{")
    with pytest.raises(ValidationError, match="no 'colours' mapping"):
        plan(st='{"colours": []}')


def test_manual_rollback_needs_the_release_on_the_idle_colour():
    got = plan("r1", edge=9023, st=state(blue="r1", green="r2"), existing_only=True)
    assert got["target"] == "blue" and not got["noop"]
    with pytest.raises(ValidationError, match="not staged on the idle colour blue"):
        plan("r0", edge=9023, st=state(blue="r1", green="r2"), existing_only=True)


def test_rollback_after_the_switch_switches_back():
    before = plan("r2", edge=9013, st=state(blue="r1"))
    got = bluegreen.rollback_plan(before, 9023)
    assert got == {"switch_back": True, "restore_port": 9013, "restore_unit": "aurigraph-v11@blue.service",
                   "stop_unit": "aurigraph-v11@green.service", "edge_port": 9023}


def test_rollback_before_the_switch_only_stops_the_idle_colour():
    before = plan("r2", edge=9013, st=state(blue="r1"))
    got = bluegreen.rollback_plan(before, 9013)
    assert not got["switch_back"] and got["stop_unit"] == "aurigraph-v11@green.service"


def test_rollback_of_a_first_deploy_without_anything_before():
    before = plan("r1")
    got = bluegreen.rollback_plan(before, 9013)
    assert not got["switch_back"] and got["restore_port"] is None and got["stop_unit"] == "aurigraph-v11@blue.service"


def test_rollback_of_a_noop_stops_nothing():
    before = plan("r1", edge=9013, st=state(blue="r1"))
    got = bluegreen.rollback_plan(before, 9013)
    assert not got["switch_back"] and got["stop_unit"] is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:9003", "http://localhost:9013/", "http://[::1]:9023"])
def test_api_url_naming_an_instance_port_is_refused(url):
    with pytest.raises(ValidationError, match="stops serving when the colours switch.*edge's URL"):
        plan(api_url=url)


@pytest.mark.parametrize("url", ["https://edge.example.com", "https://edge.example.com:8443/", None, ""])
def test_api_url_of_the_edge_is_accepted(url):
    assert plan(api_url=url)["target"] == "blue"


def test_api_url_that_does_not_parse_is_refused():
    with pytest.raises(ValidationError, match="not a valid URL"):
        plan(api_url="http://host:notaport")
