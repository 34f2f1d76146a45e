"""Dial: from Enter in the dialer to the first byte of the call request at the sandbox.

    uv run python bench/dial.py [--runs 30]

The demo environment (sandbox in a thread of this process, the demo's accounts) and the main
window on a qasync loop, as ``telephony-desktop --demo`` runs. For each call route (VoiceMeUp
``demo``, TeleCMI ``bridge``, Simotel ``pbx``) Enter is pressed in the number field (a real key
event, ``QTest.keyClick``) ``--runs`` times, each after the previous call has settled (its result
shown, the TrueCNAM announcement done), and two moments of the request it causes are taken on the
sandbox's side, on the same ``perf_counter`` clock:

- first byte: the sandbox's HTTP server reads the first bytes of the request off the socket
  (``data_received`` of aiohttp's protocol; the figure the target is about);
- handler: the provider simulator's handler logs the request (``RequestLogEntry.perf_time``).

Baseline, measured in the same run and on the same loop: the very request the app sent (captured
at the socket on the first, uncounted dial) sent again by a bare ``httpx.AsyncClient``, timed from
the call that sends it. The first dial of each route (client creation, connection) is reported
but not counted. Target: median under 20 ms.

Prints one ``RESULT {json}`` line per route (bench/run_all.py collects them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import qasync
from aiohttp import web_protocol
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from telephony_desktop.demo import demo_environment
from telephony_desktop.runtime import tune_interpreter
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths
from telephony_desktop.ui.app import build_context, make_application
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dialer import DialerTab

TARGET_MS = 20.0
ROUTES = ("demo", "bridge", "pbx")
NUMBER = "+1 514 555 0199"


# --- the sandbox's socket, watched ----------------------------------------------------------


class Wire:
    """Every chunk the sandbox's HTTP server reads: (perf_counter, connection, bytes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.chunks: list[tuple[float, int, bytes]] = []

    def install(self) -> None:
        original = web_protocol.RequestHandler.data_received
        wire = self

        def data_received(handler: web_protocol.RequestHandler, data: bytes) -> None:
            now = time.perf_counter()
            with wire.lock:
                wire.chunks.append((now, id(handler), bytes(data)))
            original(handler, data)

        web_protocol.RequestHandler.data_received = data_received  # type: ignore[method-assign,assignment]

    def first_after(self, t0: float) -> tuple[float, int] | None:
        with self.lock:
            for when, conn, _data in self.chunks:
                if when >= t0:
                    return when, conn
        return None

    def request_after(self, t0: float) -> bytes:
        """The bytes of the first request read after ``t0`` (its connection's chunks)."""
        first = self.first_after(t0)
        assert first is not None
        with self.lock:
            data = b"".join(d for w, c, d in self.chunks if w >= t0 and c == first[1])
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return head + b"\r\n\r\n" + rest[:length]


@dataclass
class Figures:
    first_byte_ms: list[float] = field(default_factory=list)
    handler_ms: list[float] = field(default_factory=list)

    def add(self, first_byte_s: float, handler_s: float) -> None:
        self.first_byte_ms.append(first_byte_s * 1e3)
        self.handler_ms.append(handler_s * 1e3)


def stats(values: list[float]) -> dict[str, float]:
    data = sorted(values)
    return {
        "median": statistics.median(data),
        "p90": data[min(len(data) - 1, int(len(data) * 0.9))],
        "max": data[-1],
    }


def replayable(raw: bytes, origin: str) -> tuple[str, str, dict[str, str], bytes]:
    """(method, url, headers, body) of a raw HTTP/1.1 request, for httpx."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() not in ("host", "content-length", "connection"):
            headers[name] = value.strip()
    return method, origin + target, headers, body


# --- measuring -------------------------------------------------------------------------------


async def wait_for(predicate: Callable[[], object], limit_s: float = 20.0) -> None:
    deadline = time.perf_counter() + limit_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.002)


async def handler_seen_after(server: SandboxServer, t0: float) -> tuple[float, str]:
    def find() -> tuple[float, str] | None:
        for entry in server.request_log:
            if entry.perf_time >= t0:
                return entry.perf_time, f"{entry.provider}:{entry.request_type}"
        return None

    await wait_for(lambda: find() is not None)
    found = find()
    assert found is not None
    return found


async def dial_once(
    window: MainWindow, dialer: DialerTab, server: SandboxServer, wire: Wire
) -> tuple[float, float, str]:
    """Enter in the number field; (first byte, handler) in seconds after it, request kind."""
    await wait_for(lambda: not dialer._in_flight and not window.ctx.tasks.busy)
    await asyncio.sleep(0.02)  # let the window settle (repaints after the last call)
    server.request_log.clear()
    t0 = time.perf_counter()
    QTest.keyClick(dialer.number, Qt.Key.Key_Return)
    handled, kind = await handler_seen_after(server, t0)
    first = wire.first_after(t0)
    assert first is not None
    await wait_for(lambda: not dialer._in_flight and not window.ctx.tasks.busy)
    return first[0] - t0, handled - t0, kind


async def bare_once(
    client: httpx.AsyncClient,
    request: tuple[str, str, dict[str, str], bytes],
    server: SandboxServer,
    wire: Wire,
) -> tuple[float, float]:
    await asyncio.sleep(0.02)
    server.request_log.clear()
    method, url, headers, body = request
    t0 = time.perf_counter()
    await client.request(method, url, headers=headers, content=body)
    handled, _kind = await handler_seen_after(server, t0)
    first = wire.first_after(t0)
    assert first is not None
    return first[0] - t0, handled - t0


async def measure(server: SandboxServer, wire: Wire, runs: int) -> list[dict[str, object]]:
    ctx = await build_context(config_path=paths.config_path(), account=None, lang="en", demo=True)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()
    results: list[dict[str, object]] = []
    try:
        dialer = window.show_tab("dialer")
        assert isinstance(dialer, DialerTab)
        await asyncio.sleep(1.0)  # first paint, the dialer's caller-ID list
        await wait_for(lambda: not ctx.tasks.busy)
        async with httpx.AsyncClient(timeout=10) as client:
            for route in ROUTES:
                dialer.set_route(route)
                current = dialer.current_route()
                assert current is not None and current.name == route, route
                dialer.number.setText(NUMBER)
                # first dial: not counted (client made, connection opened); its request is
                # the one the baseline sends
                t_first = time.perf_counter()
                first_byte, first_handler, _kind = await dial_once(window, dialer, server, wire)
                raw = wire.request_after(t_first)
                request = replayable(raw, server.origin)
                await bare_once(client, request, server, wire)  # baseline warm-up
                app, bare = Figures(), Figures()
                kinds: set[str] = set()
                for _ in range(runs):  # interleaved: a load change hits both
                    fb, hd, kind_i = await dial_once(window, dialer, server, wire)
                    app.add(fb, hd)
                    kinds.add(kind_i)
                    bare.add(*await bare_once(client, request, server, wire))
                fb_app, hd_app = stats(app.first_byte_ms), stats(app.handler_ms)
                fb_bare, hd_bare = stats(bare.first_byte_ms), stats(bare.handler_ms)
                print(
                    f"route {route} ({current.provider}; request {', '.join(sorted(kinds))}), "
                    f"{runs} dials after a first one of {first_byte * 1e3:.1f} ms:"
                )
                for label, s in (
                    ("Enter → first byte", fb_app),
                    ("Enter → handler", hd_app),
                    ("bare httpx → first byte", fb_bare),
                    ("bare httpx → handler", hd_bare),
                ):
                    print(
                        f"  {label:24} median {s['median']:6.2f} ms  p90 {s['p90']:6.2f} ms"
                        f"  max {s['max']:6.2f} ms"
                    )
                print(
                    f"  overhead over bare httpx (medians): "
                    f"{fb_app['median'] - fb_bare['median']:.2f} ms; "
                    f"target: first byte < {TARGET_MS:.0f} ms",
                    flush=True,
                )
                results.append(
                    {
                        "bench": "dial",
                        "route": route,
                        "provider": current.provider,
                        "request": sorted(kinds),
                        "runs": runs,
                        "first_dial_ms": round(first_byte * 1e3, 2),
                        "first_dial_handler_ms": round(first_handler * 1e3, 2),
                        "median_ms": round(fb_app["median"], 2),
                        "p90_ms": round(fb_app["p90"], 2),
                        "max_ms": round(fb_app["max"], 2),
                        "handler_median_ms": round(hd_app["median"], 2),
                        "baseline_ms": round(fb_bare["median"], 2),
                        "baseline_p90_ms": round(fb_bare["p90"], 2),
                        "baseline_handler_ms": round(hd_bare["median"], 2),
                        "target_ms": TARGET_MS,
                        "met": fb_app["median"] < TARGET_MS,
                    }
                )
    finally:
        window.close()
        await ctx.tasks.cancel_all()
        await ctx.aclose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="dials per route (after a first)")
    args = parser.parse_args()
    tune_interpreter()  # as the app's entry point does
    wire = Wire()
    wire.install()
    with demo_environment(live_interval_s=0) as server:
        app = make_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            results = loop.run_until_complete(measure(server, wire, args.runs))
    for result in results:
        print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
