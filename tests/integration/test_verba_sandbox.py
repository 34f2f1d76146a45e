"""The Verba simulator itself: formats, POST, defaults, control routes (raw httpx)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.verba import VerbaSimulator


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as srv:
        yield srv


def token(server: SandboxServer) -> str:
    sim = server.verba
    basic = base64.b64encode(f"{sim.login}:{sim.password}".encode()).decode()
    r = httpx.get(
        server.origin + "/verba/api",
        params={"action": "RequestToken", "apiKey": sim.api_key},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200
    text = r.text
    return text.split("<Token>")[1].split("</Token>")[0]


def test_defaults_are_generated() -> None:
    a, b = VerbaSimulator(), VerbaSimulator()
    assert a.login == "agent"
    assert a.password != b.password and a.api_key != b.api_key
    assert a.token_ttl_s == 3600.0


def test_response_types(server: SandboxServer) -> None:
    tok = token(server)
    base = {
        "action": "GetCallID",
        "apiKey": server.verba.api_key,
        "token": tok,
        "extension": "8856",
    }
    expected = server.verba.last_call_id("8856")
    xml = httpx.get(server.origin + "/verba/api", params=base)  # no responseType: XML
    assert f"<CallID>{expected}</CallID>" in xml.text
    text = httpx.get(server.origin + "/verba/api", params={**base, "responseType": "TEXT"})
    assert text.text == expected
    html = httpx.get(server.origin + "/verba/api", params={**base, "responseType": "HTML"})
    assert "<html>" in html.text and str(expected) in html.text


def test_post_form_and_log_redaction(server: SandboxServer) -> None:
    tok = token(server)
    r = httpx.post(
        server.origin + "/verba/api",
        data={"action": "GetCallID", "apiKey": server.verba.api_key, "token": tok,
              "extension": "2999", "status": "ongoing"},
    )  # fmt: skip
    assert 'code="3"' in r.text
    entry = server.verba.requests_by_action("GetCallID")[-1]
    assert entry.method == "POST"
    assert entry.params["token"] == "***" and entry.params["apiKey"] == "***"


def test_token_expiry(server: SandboxServer) -> None:
    tok = token(server)
    server.verba.expire_all_tokens()
    r = httpx.get(
        server.origin + "/verba/api",
        params={"action": "GetCallID", "apiKey": server.verba.api_key, "token": tok,
                "extension": "8856"},
    )  # fmt: skip
    assert 'code="6"' in r.text


def test_short_ttl() -> None:
    sim = VerbaSimulator(token_ttl_s=0.0)
    server = SandboxServer(call_count=50)
    server.verba = sim
    server.simulators["verba"] = sim
    with server:
        tok = token(server)
        r = httpx.get(
            server.origin + "/verba/api",
            params={"action": "GetCallURL", "apiKey": sim.api_key, "token": tok, "callID": "x"},
        )
        assert 'code="6"' in r.text


def test_unknown_action_and_bad_key(server: SandboxServer) -> None:
    r = httpx.get(server.origin + "/verba/api", params={"action": "Nope", "apiKey": "x"})
    assert 'code="5"' in r.text
    r = httpx.get(
        server.origin + "/verba/api", params={"action": "Nope", "apiKey": server.verba.api_key}
    )
    assert 'code="1"' in r.text
    assert server.request_log.of_type("verba.Nope")


def test_control_route_errors(server: SandboxServer) -> None:
    r = httpx.post(
        server.origin + "/_sandbox/verba/calls", json={"extension": "2003", "action": "end"}
    )
    assert r.status_code == 404
    r = httpx.post(server.origin + "/_sandbox/verba/calls", json={"action": "start"})
    assert r.status_code == 400
    r = httpx.post(
        server.origin + "/_sandbox/verba/calls", json={"extension": "2003", "action": "next"}
    )
    assert r.status_code == 201
    assert server.verba.calls_for("2003", "next")[0].call_id == r.json()["call_id"]
