"""The TeleCMI simulator itself, driven with raw HTTP (what the adapter never sends)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.telecmi import CDR, MAKE_CALL, TeleCMISimulator


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as s:
        yield s


def good_body(server: SandboxServer) -> dict[str, Any]:
    return {
        "appid": int(server.telecmi.appid),
        "secret": server.telecmi.secret,
        "from": 19170000000,
        "to": 19170000001,
        "extra_params": {"key": "value"},
        "pcmo": [
            {
                "action": "bridge",
                "duration": 300,
                "timeout": 20,
                "from": 19170000000,
                "loop": 2,
                "connect": [{"type": "pstn", "number": 19170000002}],
            }
        ],
    }


def post(server: SandboxServer, path: str, body: object) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        server.origin + path, content=content, headers={"Content-Type": "application/json"}
    )


def test_documented_sample_succeeds(server: SandboxServer) -> None:
    r = post(server, "/v2/global_pcmo_make_call", good_body(server))
    assert r.status_code == 200
    doc = r.json()
    assert doc["code"] == 200 and doc["status"] == "progress"
    assert doc["request_id"] == doc["data"]["request_id"] and doc["data"]["status"] == "progress"
    [record] = server.telecmi.placed
    assert record["request_id"] == doc["request_id"] and record["region"] == "global"
    assert "secret" not in record and record["pcmo"][0]["loop"] == 2


def mutate(body: dict[str, Any], path: tuple[Any, ...], value: Any = KeyError) -> dict[str, Any]:
    out = copy.deepcopy(body)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("path", "value", "code", "name"),
    [
        (("appid",), KeyError, 422, "appid"),
        (("secret",), KeyError, 422, "secret"),
        (("secret",), "wrong", 420, ""),
        (("appid",), 1, 420, ""),
        (("appid",), "2222226", 422, "appid"),  # right value, but text instead of a number
        (("from",), KeyError, 422, "from"),
        (("to",), KeyError, 422, "to"),
        (("pcmo",), KeyError, 422, "pcmo"),
        (("to",), "19170000001", 422, "to"),
        (("extra_params",), 5, 422, "extra_params"),
        (("pcmo",), [], 502, "pcmo"),
        (("pcmo", 0, "action"), KeyError, 502, "action"),
        (("pcmo", 0, "connect"), KeyError, 502, "connect"),
        (("pcmo", 0, "duration"), KeyError, 502, "duration"),
        (("pcmo", 0, "connect", 0, "number"), KeyError, 502, "number"),
        (("pcmo", 0, "connect", 0, "number"), "19170000002", 422, "number"),
    ],
)
def test_make_call_refusals(
    server: SandboxServer, path: tuple[Any, ...], value: Any, code: int, name: str
) -> None:
    r = post(server, "/v2/ind_pcmo_make_call", mutate(good_body(server), path, value))
    assert r.status_code == code
    doc = r.json()
    assert doc["code"] == code and doc["error"]
    if name:
        assert doc["error"].endswith(name)
    assert server.telecmi.placed == []
    [entry] = server.request_log.of_type(MAKE_CALL)
    assert entry.status == code


def test_body_not_json_is_422(server: SandboxServer) -> None:
    r = post(server, "/v2/global_pcmo_make_call", b"appid=1&secret=x")
    assert r.status_code == 422 and r.json()["code"] == 422


def test_error_status_option_sends_errors_with_http_200() -> None:
    server = SandboxServer(call_count=50)
    server.telecmi = TeleCMISimulator(appid="12345", secret="fixed-secret", error_status=200)
    server.simulators["telecmi"] = server.telecmi
    with server:
        body = {"appid": 12345, "secret": "nope", "request_id": "x"}
        r = post(server, "/v1/piopiy/requestid_cdr", body)
        assert r.status_code == 200 and r.json() == {
            "code": 420,
            "error": "Invalid app id or secret",
        }


def test_cdr_for_placed_and_unknown_calls(server: SandboxServer) -> None:
    request_id = post(server, "/v2/global_pcmo_make_call", good_body(server)).json()["request_id"]
    creds = {"appid": int(server.telecmi.appid), "secret": server.telecmi.secret}
    doc = post(server, "/v1/piopiy/requestid_cdr", {**creds, "request_id": request_id}).json()
    assert doc["code"] == 200 and doc["count"] == 2 and len(doc["cdr"]) == 2
    assert {leg["status"] for leg in doc["cdr"]} == {"answered"}
    assert [leg["to"] for leg in doc["cdr"]] == [19170000001, 19170000002]
    assert set(doc["cdr"][0]) == {
        "duration", "balance", "rate", "from", "to", "time", "leg", "direction", "status",
    }  # fmt: skip
    unknown = post(server, "/v1/piopiy/requestid_cdr", {**creds, "request_id": "nope"}).json()
    assert unknown == {"count": 0, "cdr": [], "code": 200}
    missing = post(server, "/v1/piopiy/requestid_cdr", creds)
    assert missing.status_code == 422 and missing.json()["error"].endswith("request_id")
    entries = server.request_log.of_type(CDR)
    assert len(entries) == 3 and all(e.params["secret"] == "***" for e in entries)


def test_concurrent_placements_are_all_recorded(server: SandboxServer) -> None:
    body = good_body(server)
    with ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda _: post(server, "/v2/global_pcmo_make_call", body).status_code, range(24)
            )
        )
    assert codes == [200] * 24
    placed = server.telecmi.placed
    assert len(placed) == 24 and len({p["request_id"] for p in placed}) == 24
    server.telecmi.clear()
    assert server.telecmi.placed == []


def test_default_credentials() -> None:
    a, b = TeleCMISimulator(), TeleCMISimulator()
    assert a.appid == "2222226" and len(a.secret) == 32 and a.secret != b.secret


@pytest.mark.parametrize("kind", ["malformed", "xxe", "billion_laughs", "truncated"])
def test_broken_bodies_are_not_json(server: SandboxServer, kind: str) -> None:
    server.faults.add(MAKE_CALL, kind, apply_effect=False)
    r = post(server, "/v2/global_pcmo_make_call", good_body(server))
    with pytest.raises(ValueError):
        json.loads(r.content)
    assert server.telecmi.placed == []
