"""Fault matrix, servers that accept and never answer (or drip): one time budget per request.

Every attempt and backoff of a request draws on one budget (the ``request_budget_s``
preference, 30 s by default); a sync spends it per page. While a request waits, the command line
says what it waits for on one line, and the window's sync row says it beside Stop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from telephony_desktop import i18n
from telephony_desktop.cli import EXIT_UNREACHABLE
from telephony_desktop.domain.errors import InputError, ProviderUnavailable
from telephony_desktop.providers import http
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.sync import HistorySync
from telephony_desktop.store import paths, settings
from telephony_desktop.store.db import Database
from tests.helpers.cli import Cli, add_voicemeup_account
from tests.helpers.sandbox import make_client

BUDGET_S = 5  # the smallest budget the preference allows


class Silent:
    """A loopback server that accepts every connection and then, per ``mode``, never answers
    (``silent``) or drips a valid-looking answer a byte every 0.2 s (``drip``)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.accepted = 0
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)
            if self.mode == "drip":
                threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        body = b'<?xml version="1.0"?><response status="success"><calls>' + b" " * 100_000
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(
            body
        )
        try:
            conn.sendall(head)
            for byte in body:
                if self._stop.wait(0.2):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return

    def close(self) -> None:
        self._stop.set()
        for conn in self._held:
            conn.close()
        self.sock.close()
        self._thread.join(timeout=5)


@pytest.fixture(params=["silent", "drip"])
def dead(request: pytest.FixtureRequest) -> Iterator[Silent]:
    server = Silent(request.param)
    try:
        yield server
    finally:
        server.close()


def _cli_account(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, base_url: str
) -> Cli:
    run = Cli(capsys)
    add_voicemeup_account(
        run, monkeypatch, account_id="80012345", base_url=base_url,
        token="0123456789abcdef0123456789abcdef",
    )  # fmt: skip
    config = settings.load_config(paths.config_path())
    settings.save_config(
        paths.config_path(), dataclasses.replace(config, request_budget_s=BUDGET_S)
    )
    return run


@pytest.mark.parametrize("command", [("history", "sync"), ("voicemail", "list"), ("dids", "list")])
def test_cli_gives_up_within_one_budget_and_says_what_it_waits_for(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    dead: Silent,
    command: tuple[str, str],
) -> None:
    run = _cli_account(capsys, monkeypatch, dead.origin + "/api/v1.1/xml_engine.php")
    started = time.monotonic()
    code = run(*command)
    took = time.monotonic() - started
    listing = command[0] != "history"  # a listing falls back to the cached copy
    assert code == (0 if listing else EXIT_UNREACHABLE), run.err
    # Before: 30 s per attempt, three attempts (a drip: three 60 s deadlines). Now one budget.
    assert BUDGET_S - 0.5 <= took < BUDGET_S + 3, took
    assert dead.accepted == 1  # nothing was left of the budget to try again in
    lines = run.err.splitlines()
    assert lines[0].startswith("telephony-desktop: Waiting for VoiceMeUp (get_"), lines
    assert f"did not answer within {BUDGET_S} seconds" in lines[-1]
    assert len(lines) == 2, lines


async def test_every_attempt_and_backoff_share_the_budget(sandbox: SandboxServer) -> None:
    """A server that keeps asking to come back later: the retries stop when the budget is
    spent (a backoff that would outlast it is not slept), not after ten attempts."""
    sandbox.faults.add("get_dids", "http_error", status=503, retry_after=0.5, count=None)
    policy = http.RetryPolicy(attempts=10, base_s=0.05, cap_s=1.0)
    async with make_client(sandbox, deadline_s=1.2, retry=policy) as client:
        started = time.monotonic()
        with pytest.raises(ProviderUnavailable):
            await client.get_dids()
        took = time.monotonic() - started
    assert 0.9 <= took < 1.2, took
    assert len(sandbox.request_log.of_type("get_dids")) == 3  # at 0, 0.5 and 1.0 s


async def test_a_sync_spends_the_budget_per_page(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.faults.add("get_calls", "latency", delay=0.4, count=None)
    seen: list[http.Waiting] = []
    db = await Database.open(tmp_path / "cache.sqlite3")
    try:
        async with make_client(sandbox, deadline_s=1.0) as client:
            sync = HistorySync(db, client, window_days=3650, page_size=500)
            started = time.monotonic()
            report = await sync.run(waiting=seen.append)
            took = time.monotonic() - started
    finally:
        await db.close()
    assert report.pages >= 5 and took > 1.0  # the whole sync outlasted one budget, page by page
    assert seen == []  # no page waited more than a second: nothing to say


async def test_waits_are_reported_each_second_then_done(sandbox: SandboxServer) -> None:
    sandbox.faults.add("get_dids", "latency", delay=2.3, count=1)
    seen: list[http.Waiting] = []
    async with make_client(sandbox, deadline_s=10.0) as client:
        with http.watch_waits(seen.append):
            await client.get_dids()
        await asyncio.sleep(1.2)  # no report after the answer
    assert [w.done for w in seen] == [False, False, True]
    assert seen[0].first and not seen[1].first
    assert {(w.provider, w.what) for w in seen} == {("VoiceMeUp", "get_dids")}
    assert seen[0].sentence().startswith("Waiting for VoiceMeUp (get_dids): 1 s")
    with i18n.using("fr"):
        assert seen[0].sentence().startswith("En attente de VoiceMeUp (get_dids) : 1 s")


def test_the_budget_is_a_preference(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    settings.save_config(path, settings.Config(request_budget_s=90))
    assert settings.load_config(path).request_budget_s == 90
    assert "request_budget_s = 90" in path.read_text()
    for bad in (0, 4, 601):
        with pytest.raises(InputError):
            settings.Config(request_budget_s=bad)
