"""Event-loop lag while the History tab syncs a whole account from the sandbox.

    uv run python bench/history_sync_lag.py [--calls 2400]

Prints the lateness of a 5 ms QTimer (p50, p99, max) during the sync, next to the same figures
for the idle window measured in the same run (the baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync

from bench.lag import LagFigures, LagProbe
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import secret_env_var
from telephony_desktop.ui.app import build_context, make_application
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.history import HistoryTab


@contextlib.contextmanager
def sandbox(calls: int, separate: bool) -> Iterator[tuple[str, str, str]]:
    """(endpoint, account id, token) of a sandbox in this process, or in a process of its own
    (so its XML building does not compete with the window for this interpreter's GIL)."""
    if not separate:
        with SandboxServer(call_count=calls) as server:
            yield server.base_url, server.account_id, server.auth_token
        return
    token = secrets.token_hex(16)
    child = subprocess.Popen(
        [sys.executable, "-m", "telephony_desktop.sandbox", "--call-count", str(calls),
         "--auth-token", token],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        endpoint = child.stdout.readline().split()[-1]
        yield endpoint, "80012345", token
    finally:
        child.terminate()
        child.wait(10)


async def measure() -> tuple[LagFigures, LagFigures, float, int]:
    ctx = await build_context(config_path=paths.config_path(), account=None, lang="en", demo=True)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()
    try:
        await asyncio.sleep(0.5)  # settle: first paint, tab creation
        probe = LagProbe()
        probe.start()
        await asyncio.sleep(2.0)
        idle = probe.stop()

        history = window.page("history")
        assert isinstance(history, HistoryTab)
        history.auto_sync_if_never_synced = False  # the sync below is the one measured
        window.show_tab("history")
        await asyncio.sleep(0.3)
        probe.start()
        started = time.perf_counter()
        history.sync_now()
        await asyncio.sleep(0.01)
        while history.syncing:
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        during = probe.stop()
        while history.model.loading:
            await asyncio.sleep(0.01)
        rows = history.model.rowCount()
    finally:
        window.close()
        await ctx.tasks.cancel_all()
        if ctx.session is not None:
            await ctx.session.aclose()
    return idle, during, elapsed, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2400)
    parser.add_argument(
        "--sandbox-process", action="store_true", help="run the sandbox in its own process"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        sandbox(args.calls, args.sandbox_process) as (endpoint, account_id, token),
    ):
        root = Path(tmp)
        os.environ[paths.ENV_CONFIG] = str(root / "config.toml")
        os.environ[paths.ENV_DATA_DIR] = str(root / "data")
        os.environ[paths.ENV_LOG_DIR] = str(root / "logs")
        os.environ[secret_env_var("bench", "auth_token")] = token
        account = settings.Account(
            name="bench", provider="voicemeup", account_id=account_id, base_url=endpoint
        )
        settings.save_config(
            paths.config_path(), settings.add_account(settings.Config(), account, make_default=True)
        )
        app = make_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            idle, during, elapsed, rows = loop.run_until_complete(measure())
    where = "its own process" if args.sandbox_process else "this process (as --demo)"
    print(f"sandbox in {where}: {args.calls} calls; rows in the History tab after sync: {rows}")
    print(f"sync time with the History tab open: {elapsed:.2f} s")
    print(f"idle window (baseline): {idle.line()}")
    print(f"during the sync:        {during.line()}")
    print(f"p99 ratio to baseline: {during.p99_ms / max(idle.p99_ms, 0.1):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
