"""Event-loop lag: how late a periodic 5 ms QTimer fires while the app works.

Also the small helpers the benchmarks share: a sandbox (in this process or its own), throw-away
app directories, resident memory.
"""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import secret_env_var


@dataclass(frozen=True)
class LagFigures:
    ticks: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    def line(self) -> str:
        return (
            f"ticks={self.ticks} lateness p50={self.p50_ms:.1f} ms "
            f"p99={self.p99_ms:.1f} ms max={self.max_ms:.1f} ms"
        )


class LagProbe(QObject):
    """Records, for every tick of a 5 ms precise timer, how much later than due it fired."""

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.interval_s = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.lateness_s: list[float] = []

    def start(self) -> None:
        self.lateness_s.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> LagFigures:
        self._timer.stop()
        return self.figures()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness_s.append(max(0.0, now - self._last - self.interval_s))
        self._last = now

    def figures(self) -> LagFigures:
        data = sorted(self.lateness_s) or [0.0]
        p99 = data[min(len(data) - 1, int(len(data) * 0.99))]
        return LagFigures(
            len(self.lateness_s), statistics.median(data) * 1e3, p99 * 1e3, data[-1] * 1e3
        )


def rss_mb() -> float:
    """Resident memory of this process now (``VmRSS``), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss``), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def isolated_app_dirs(root: Path, endpoint: str, account_id: str, token: str) -> Iterator[None]:
    """Config, data and logs under ``root`` with one VoiceMeUp account on ``endpoint``."""
    keys = (paths.ENV_CONFIG, paths.ENV_DATA_DIR, paths.ENV_LOG_DIR)
    saved = {k: os.environ.get(k) for k in (*keys, secret_env_var("bench", "auth_token"))}
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
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
