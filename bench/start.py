"""Start: launch to the main window shown and idle, the app against a bare PySide6 window.

    uv run python bench/start.py [--runs 7] [--demo]

Each run is a fresh process of this interpreter, timed by this (parent) process from ``Popen``
to a line the child prints on its pipe:

- app: what ``python -m telephony_desktop`` runs (the child calls the CLI's ``main``), as a user
  starts it (CLI, single-instance check, config,
  keyring lookup, session, window, the first tab's loads), against a sandbox served by this
  parent process (so the child does not pay for seeding it) with the demo's accounts, and one
  config, cache and UI state kept from run to run (a returning user's start);
  ``--demo`` times ``python -m telephony_desktop --demo`` instead (sandbox seeding included);
- bare: a bare ``QMainWindow`` whose central widget is a ``QTabWidget`` of the same 7 (empty)
  tabs, the same size, on a plain ``app.exec()`` loop;
- bare + stack (a reference, not the baseline): the same window on a qasync loop after importing
  the libraries the brief fixes for the app (qasync, httpx, lxml, keyring, phonenumbers,
  platformdirs, sqlite3): the share of the start no code of the app's own can remove.

"Shown" is the window's first Show event; "idle" is the first moment after it when the app has no
task of its own running (``ctx.tasks``) and the event loop has handled no event (other than the
probe's own timer) for ``--quiet-ms`` (50 ms). The idle time reported excludes that quiet window
(it is subtracted). Runs alternate app / bare so that a load change on a shared machine hits both;
the first run of each is a warm-up (file cache) and is not counted. The figure is the ratio of
the medians; target at most 1.5x.

Python's bytecode cache is on for the children (in a throw-away ``PYTHONPYCACHEPREFIX``, filled
by the warm-up run) even where ``PYTHONDONTWRITEBYTECODE`` is set, as it is on a user's machine;
``--no-bytecode-cache`` leaves the environment as it is (then every start compiles every module
from source, which costs the app far more than the bare window).

Prints one ``RESULT {json}`` line at the end (bench/run_all.py collects it).
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TAB_TITLES = ("Dialer", "History", "Voicemail", "Recordings", "Numbers", "E911", "Settings")
TARGET_RATIO = 1.5


# --- child side ------------------------------------------------------------------------------


def _install_probe(app: object, quiet_ms: int) -> None:
    """Print ``shown`` at the first Show of a QMainWindow, then ``idle <quiet s>`` once quiet,
    then close that window (the app shuts down in order; the bare one quits)."""
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    assert isinstance(app, QApplication)

    class Probe(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.window: QMainWindow | None = None
            self.last_event = time.perf_counter()
            self.timer = QTimer(self)
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(5)
            self.timer.timeout.connect(self.check)
            self.timer_id = -1
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            kind = event.type()
            if kind == QEvent.Type.Timer and watched is self.timer:
                return False  # the probe's own ticks are not activity
            if self.window is None:
                if kind == QEvent.Type.Show and isinstance(watched, QMainWindow):
                    self.window = watched
                    print("shown", flush=True)
                    self.last_event = time.perf_counter()
                    self.timer.start()
                return False
            self.last_event = time.perf_counter()
            return False

        def check(self) -> None:
            if self.done or self.window is None:
                return
            tasks = getattr(getattr(self.window, "ctx", None), "tasks", None)
            if tasks is not None and tasks.busy:
                self.last_event = time.perf_counter()
                return
            quiet = time.perf_counter() - self.last_event
            if quiet * 1000 >= quiet_ms:
                self.done = True
                self.timer.stop()
                print(f"idle {quiet:.4f}", flush=True)
                self.window.close()  # bare: the last window closed quits; the app: shutdown

    probe = Probe()
    app.installEventFilter(probe)
    app.setProperty("bench_probe", True)
    _keep.append(probe)


_keep: list[object] = []


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``then(module)`` right after ``name`` is first imported, wherever that happens: the
    probe goes in without changing the order the app imports its modules in."""

    def __init__(self, name: str, then: Callable[[types.ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        assert spec is not None and spec.loader is not None
        loader, then = spec.loader, self.then

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):  # type: ignore[no-untyped-def]
                return loader.create_module(spec)

            def exec_module(self, module: types.ModuleType) -> None:
                loader.exec_module(module)
                then(module)

        spec.loader = Loader()
        return spec


def child_app(demo: bool, quiet_ms: int) -> int:
    def patch(ui_app: Any) -> None:  # telephony_desktop.ui.app
        made = ui_app.make_application

        def make_application():  # type: ignore[no-untyped-def]
            app = made()
            if not app.property("bench_probe"):
                _install_probe(app, quiet_ms)
            return app

        ui_app.make_application = make_application

    if "telephony_desktop.ui.app" in sys.modules:  # not the case today; then patch it now
        patch(sys.modules["telephony_desktop.ui.app"])
    else:
        sys.meta_path.insert(0, _AfterImport("telephony_desktop.ui.app", patch))
    from telephony_desktop.cli import main

    return main(["--demo"] if demo else [])


def _bare_window(title: str) -> object:
    """A QMainWindow whose central widget is a QTabWidget of the app's 7 (empty) tabs, shown."""
    from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

    window = QMainWindow()
    window.setWindowTitle(title)
    tabs = QTabWidget(window)
    tabs.setDocumentMode(True)
    for name in TAB_TITLES:
        tabs.addTab(QWidget(tabs), name)
    window.setCentralWidget(tabs)
    window.resize(1180, 760)
    window.show()
    return window


def child_bare(quiet_ms: int) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    _install_probe(app, quiet_ms)
    _keep.append(_bare_window("bare"))
    return app.exec()


def child_stack(quiet_ms: int) -> int:
    """The bare window on a qasync loop, after importing what the brief fixes for the app
    (asyncio + qasync, httpx, lxml, keyring, phonenumbers, platformdirs, sqlite3): a reference
    for the part of the app's start that no code of its own can remove, only defer."""
    import asyncio
    import sqlite3  # noqa: F401

    import httpx  # noqa: F401
    import keyring  # noqa: F401
    import phonenumbers  # noqa: F401
    import platformdirs  # noqa: F401
    import qasync
    from lxml import etree  # noqa: F401
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    _install_probe(app, quiet_ms)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    _keep.append(_bare_window("bare + stack"))
    with loop:
        loop.run_forever()
    return 0


# --- parent side -----------------------------------------------------------------------------


def time_one(command: list[str], env: dict[str, str], timeout: float = 120) -> tuple[float, float]:
    """(launch → shown, launch → idle) in seconds, on this process's clock."""
    # the child's stderr to a file, not a pipe nobody reads while it runs
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, cwd=ROOT
        )
        assert proc.stdout is not None
        shown = idle = None
        try:
            for line in proc.stdout:
                now = time.perf_counter()
                if line.startswith("shown"):
                    shown = now - start
                elif line.startswith("idle"):
                    idle = now - start - float(line.split()[1])
                    break
            proc.wait(timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if shown is None or idle is None:
            errors.seek(0)
            raise SystemExit(
                f"{' '.join(command)}: no shown/idle line (exit {proc.returncode})\n{errors.read()}"
            )
    return shown, idle


def _env(base: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ, **base)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quiet-ms", type=int, default=50)
    parser.add_argument("--demo", action="store_true", help="time `--demo` (sandbox seeding in)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as it is (if set, every start compiles every module)",
    )
    parser.add_argument("--child", choices=("app", "bare", "stack"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "app":
        return child_app(args.demo, args.quiet_ms)
    if args.child == "bare":
        return child_bare(args.quiet_ms)
    if args.child == "stack":
        return child_stack(args.quiet_ms)

    from telephony_desktop.demo import DEMO_ACCOUNT, demo_accounts
    from telephony_desktop.sandbox import SandboxServer
    from telephony_desktop.store import paths, settings
    from telephony_desktop.store.secrets import secret_env_var

    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--quiet-ms", str(args.quiet_ms)]
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp, SandboxServer() as server:
        root = Path(tmp)
        base = {
            paths.ENV_CONFIG: str(root / "config.toml"),
            paths.ENV_DATA_DIR: str(root / "data"),
            paths.ENV_LOG_DIR: str(root / "logs"),
        }
        config = settings.Config()
        for account, secrets in demo_accounts(server):
            for field, secret in secrets.items():
                base[secret_env_var(account.name, field)] = secret
            config = settings.add_account(
                config, account, make_default=account.name == DEMO_ACCOUNT
            )
        settings.save_config(root / "config.toml", config)
        if not args.no_bytecode_cache:
            # Bytecode cached as on a user's machine (the first, warm-up run writes it), in a
            # throw-away tree: nothing is written next to the sources or into the venv.
            base["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        env = _env(base)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        app_cmd = [*me, "--child", "app", *common, *(["--demo"] if args.demo else [])]
        bare_cmd = [*me, "--child", "bare", *common]
        stack_cmd = [*me, "--child", "stack", *common]
        time_one(app_cmd, env)  # warm-up: file cache, and the app's cache and UI state
        time_one(bare_cmd, env)
        time_one(stack_cmd, env)
        app_s: list[tuple[float, float]] = []
        bare_s: list[tuple[float, float]] = []
        stack_s: list[tuple[float, float]] = []
        for i in range(args.runs):
            app_s.append(time_one(app_cmd, env))
            bare_s.append(time_one(bare_cmd, env))
            stack_s.append(time_one(stack_cmd, env))
            print(
                f"  run {i + 1}: app shown {app_s[-1][0] * 1e3:6.0f} ms, idle "
                f"{app_s[-1][1] * 1e3:6.0f} ms | bare shown {bare_s[-1][0] * 1e3:6.0f} ms, "
                f"idle {bare_s[-1][1] * 1e3:6.0f} ms | bare + stack idle "
                f"{stack_s[-1][1] * 1e3:6.0f} ms",
                flush=True,
            )

    def med(values: list[tuple[float, float]], i: int) -> float:
        return statistics.median(v[i] for v in values) * 1e3

    app_idle, bare_idle = med(app_s, 1), med(bare_s, 1)
    app_shown, bare_shown = med(app_s, 0), med(bare_s, 0)
    stack_idle = med(stack_s, 1)
    ratio = app_idle / bare_idle
    pair_ratio = statistics.median(a[1] / b[1] for a, b in zip(app_s, bare_s, strict=True))
    what = "python -m telephony_desktop" + (" --demo" if args.demo else "")
    what += ", no bytecode cache" if args.no_bytecode_cache else ", bytecode cached"
    print(f"start, median of {args.runs} runs (after one warm-up each), {what}:")
    print(f"  app : shown {app_shown:6.0f} ms, idle {app_idle:6.0f} ms")
    print(f"  bare: shown {bare_shown:6.0f} ms, idle {bare_idle:6.0f} ms (baseline)")
    print(
        f"  bare window + the fixed stack's imports on a qasync loop: idle {stack_idle:6.0f} ms "
        f"({stack_idle / bare_idle:.2f}x the bare window; what the app cannot remove, only defer)"
    )
    print(
        f"  ratio launch→idle app/bare: {ratio:.2f}x (target ≤ {TARGET_RATIO}x); "
        f"median of the run-by-run ratios {pair_ratio:.2f}x"
    )
    result = {
        "bench": "start",
        "demo": args.demo,
        "bytecode_cache": not args.no_bytecode_cache,
        "runs": args.runs,
        "app_shown_ms": round(app_shown, 1),
        "app_idle_ms": round(app_idle, 1),
        "baseline_shown_ms": round(bare_shown, 1),
        "baseline_idle_ms": round(bare_idle, 1),
        "stack_idle_ms": round(stack_idle, 1),
        "stack_ratio": round(stack_idle / bare_idle, 3),
        "ratio": round(ratio, 3),
        "shown_ratio": round(app_shown / bare_shown, 3),
        "pair_ratio_median": round(pair_ratio, 3),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
