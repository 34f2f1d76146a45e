"""A real `history sync` process killed with SIGKILL mid-way resumes without loss or duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telephony_desktop.cli import main
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.sync import STATE_KEY
from telephony_desktop.store.state import get_sync_state

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _progress(db_path: Path) -> dict[str, object] | None:
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return get_sync_state(conn, STATE_KEY)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def test_sync_killed_midway_resumes_from_its_page(
    sandbox: SandboxServer,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(
            [
                "account",
                "add",
                "office",
                "--provider",
                "voicemeup",
                "--account-id",
                sandbox.account_id,
                "--base-url",
                sandbox.base_url,
            ]
        )
        == 0
    )
    monkeypatch.setenv("TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN", sandbox.auth_token)
    # Every page takes a while, so the kill lands between two pages.
    sandbox.faults.add("get_calls", "latency", count=None, delay=0.6)
    db_path = isolated_dirs / "data" / "accounts" / "office" / "cache.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "telephony_desktop", "history", "sync"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = _progress(db_path)
            if state and int(str(state.get("offset", 0))) >= 1000:
                break
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            time.sleep(0.02)
        else:
            pytest.fail("the sync never committed its first page")
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    state = _progress(db_path)
    assert state is not None
    resumed_at = int(str(state["offset"]))
    with sqlite3.connect(db_path) as conn:
        (partial,) = conn.execute("SELECT count(*) FROM calls").fetchone()
    assert partial == resumed_at  # exactly the committed pages, nothing half-written

    sandbox.faults.clear()
    sandbox.request_log.clear()
    capsys.readouterr()
    assert main(["history", "sync"]) == 0, capsys.readouterr().err
    offsets = [
        int(e.params.get("result_offset", "0")) for e in sandbox.request_log.of_type("get_calls")
    ]
    assert offsets[0] == resumed_at  # resumed at its page, not from the start
    with sqlite3.connect(db_path) as conn:
        (total,) = conn.execute("SELECT count(*) FROM calls").fetchone()
        (distinct,) = conn.execute("SELECT count(DISTINCT unique_id) FROM calls").fetchone()
    assert total == distinct == sandbox.state.call_count
