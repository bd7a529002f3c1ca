"""/ws/tokens: PING/PONG, authenticated SUBSCRIBE, pushed events."""
from __future__ import annotations

import pytest

from standin_testlib import ADMIN_TOKEN, USER_EMAIL, USER_PASSWORD
from harness import StandInError, WebSocketClient


def ws_url(s, query=""):
    return s.url.replace("http://", "ws://") + "/ws/tokens" + query


def test_ping_pong_without_auth(svc):
    with WebSocketClient(ws_url(svc)) as ws:
        ws.send_json({"action": "PING"})
        msg = ws.recv_json()
        assert msg["action"] == "PONG" and "message" in msg


def test_subscribe_requires_auth(svc):
    with WebSocketClient(ws_url(svc)) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL})
        msg = ws.recv_json()
        assert msg["action"] == "ERROR" and "Authentication" in msg["message"]
    with WebSocketClient(ws_url(svc, "?token=wrong")) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL})
        assert ws.recv_json()["action"] == "ERROR"


def test_subscribe_with_query_token_and_header(svc):
    with WebSocketClient(ws_url(svc, f"?token={ADMIN_TOKEN}")) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL})
        msg = ws.recv_json()
        assert msg["action"] == "SUBSCRIBED" and msg["userId"] == USER_EMAIL
        ws.send_json({"action": "UNSUBSCRIBE"})
        assert ws.recv_json()["action"] == "UNSUBSCRIBED"
        ws.send_json({"action": "BOGUS"})
        assert ws.recv_json()["action"] == "ERROR"
        ws.send_text("not json")
        assert ws.recv_json()["action"] == "ERROR"
    with WebSocketClient(ws_url(svc), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL})
        assert ws.recv_json()["action"] == "SUBSCRIBED"


def test_revocation_is_pushed(svc):
    login = svc.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": USER_PASSWORD})[2]
    with WebSocketClient(ws_url(svc, f"?token={login['token']}")) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL, "tokenId": login["tokenId"]})
        assert ws.recv_json()["action"] == "SUBSCRIBED"
        assert svc.request("DELETE", f"/api/v11/auth/tokens/{login['tokenId']}?reason=ws-test", token=ADMIN_TOKEN)[0] == 200
        event = ws.recv_json()
        assert event["action"] == "TOKEN_REVOKED" and event["tokenId"] == login["tokenId"]


def test_unknown_ws_path_rejected(svc):
    with pytest.raises(StandInError):
        WebSocketClient(svc.url.replace("http://", "ws://") + "/ws/nope")


def test_expiry_is_pushed(fresh):
    s = fresh(env={"AURIGRAPH_TOKEN_TTL_SECONDS": "3"})
    login = s.request("POST", "/api/v11/auth/login", {"email": USER_EMAIL, "password": USER_PASSWORD})[2]
    with WebSocketClient(ws_url(s, f"?token={login['token']}"), timeout=15) as ws:
        ws.send_json({"action": "SUBSCRIBE", "userId": USER_EMAIL})
        assert ws.recv_json()["action"] == "SUBSCRIBED"
        event = ws.recv_json()  # within TTL + the 2 s check interval
        assert event["action"] == "TOKEN_EXPIRED" and event["tokenId"] == login["tokenId"]
    assert s.request("GET", "/api/v11/bridge/transfers?limit=1", token=login["token"])[0] == 401
