"""The desktop app: QApplication on a qasync loop, the main window, an orderly shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFileOpenEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from telephony_desktop import __version__, i18n
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.services.accounts import apply_preferences
from telephony_desktop.services.session import open_session
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.collector import collect_on_gui_thread
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe, install_loop_handler

log = logging.getLogger(__name__)

_HAND_OFF_WITHIN_S = 1.5  # a second launch's whole hand-off, retries included
_HAND_OFF_PAUSE_S = 0.2


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 49), QColor(225, 227, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor(37, 39, 42)),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor(140, 144, 150)),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor(53, 56, 61)),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor(255, 120, 120)),
        (QPalette.ColorRole.Highlight, QColor(53, 132, 228)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.Link, QColor(110, 170, 255)),
        (QPalette.ColorRole.Mid, QColor(90, 94, 100)),
    ):
        p.setColor(role, colour)
    disabled = QColor(120, 124, 130)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """ "system" follows the desktop (dark mode included, also when it changes while the app
    runs); "light"/"dark" force one. Fusion draws either the same on every platform."""
    if app.style().name().lower() != "fusion":  # often it already is: making one costs ~20 ms
        app.setStyle("Fusion")
    hints = QGuiApplication.styleHints()
    app.setProperty("telephony_theme", theme)
    follows_system = theme == "system"
    dark = hints.colorScheme() == Qt.ColorScheme.Dark if follows_system else theme == "dark"
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    if not app.property("telephony_theme_watch"):
        app.setProperty("telephony_theme_watch", True)
        hints.colorSchemeChanged.connect(
            lambda _scheme: apply_theme(app, str(app.property("telephony_theme") or "system"))
        )


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Telephony Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("telephony-desktop")
    from telephony_desktop.ui.qt_translations import install_qt_translations

    install_qt_translations(app)
    # Closing the window must not stop the loop before the orderly shutdown (tasks cancelled,
    # cache closed) has run; run_gui ends when its coroutine returns.
    app.setQuitOnLastWindowClosed(False)
    return app


async def build_context(
    *, config_path: Path, account: str | None, lang: str, demo: bool
) -> AppContext:
    """Load the config and open the account (or none: the first-run screen will show)."""
    config = await asyncio.to_thread(settings.load_config, config_path)
    apply_preferences(config)
    secrets = SecretStore()
    ui_state = UiState(paths.config_path().parent / "ui-state.ini")
    ctx = AppContext(
        config_path, config, secrets, ui_state, lang=lang or i18n.language(), demo=demo
    )
    chosen = main_account(config, account)
    if chosen is not None:
        # Keyring trouble must not lock the user out of the cached history and voicemail.
        ctx.session = await open_session(chosen, secrets, language=ctx.lang, offline_ok=True)
    return ctx


def main_account(config: settings.Config, name: str | None) -> settings.Account | None:
    """The account whose history, voicemail, numbers and E911 the window shows: the one asked
    for, else the default, else the first VoiceMeUp account. None when only other providers'
    accounts exist (the window then offers what they can do: calls, recordings)."""
    if name:
        return settings.get_account(config, name)
    if config.default_account:
        default = settings.get_account(config, config.default_account)
        if "history" in default.spec.capabilities:
            return default
    return next((a for a in config.accounts if "history" in a.spec.capabilities), None)


def settle_garbage_collector() -> None:
    """Once the window is built: everything alive now (modules, Qt wrappers, the tabs) lives as
    long as the process. A history sync allocates a lot, and each full collection would walk all
    of it: ~55 ms, more than three frames. Moved out of the collector's sight once, a collection
    walks only the sync's own objects: ~10 ms (bench/history_sync_lag.py). No collection first:
    it would itself hold the just-shown window for ~20 ms, to free the little garbage of start."""
    gc.freeze()


class _LinkOpenFilter(QObject):
    """macOS hands a clicked tel:/callto:/sip: link to the running app as a FileOpen event
    (on a cold start too), not in argv."""

    def __init__(self, target: Callable[[str], None]) -> None:
        super().__init__()
        self.target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            from telephony_desktop.desktop.links import dial_text

            url = event.url().toString() or event.file()
            try:
                self.target(dial_text(url))
            except TelephonyError as exc:
                log.info("ignored a link: %s", type(exc).__name__)
            return True
        return False


async def hand_off_to_winner(
    text: str, config_path: Path, *, raise_window: bool, within_s: float = _HAND_OFF_WITHIN_S
) -> bool:
    """Hand ``text`` to the instance that holds the lock. It may hold it a moment before it
    listens, so ask again until ``within_s`` (the time allowed for one hand-off) is up."""
    from telephony_desktop.desktop.single_instance import hand_off

    deadline = time.monotonic() + within_s
    while (left_ms := int((deadline - time.monotonic()) * 1000)) > 0:
        if await asyncio.to_thread(
            hand_off, text, left_ms, config_path=config_path, raise_window=raise_window
        ):
            return True
        await asyncio.sleep(_HAND_OFF_PAUSE_S)
    return False


async def _run_window(
    config_path: Path,
    account: str | None,
    lang: str,
    demo: bool,
    stack: contextlib.ExitStack,
    *,
    dial: str | None = None,
    minimized: bool = False,
) -> int:
    from telephony_desktop.desktop.single_instance import InstanceServer
    from telephony_desktop.ui import shell as desktop_shell
    from telephony_desktop.ui.main_window import MainWindow
    from telephony_desktop.ui.tray import app_icon

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    # Listen at once: a phone link clicked while this instance starts is handed over, not lost
    # (it waits here until the window exists).
    server = InstanceServer(config_path)
    if not server.listen():
        # Another instance won the race between our hand-off attempt and now: it gets the
        # link (or comes forward) and this one ends.
        if await hand_off_to_winner(dial or "", config_path, raise_window=not minimized):
            return 0
        log.warning("another instance owns the single-instance socket; links go there")
    early: list[str] = []
    server.received.connect(early.append)
    opener = _LinkOpenFilter(early.append)  # macOS: links arrive as FileOpen events
    app.installEventFilter(opener)
    try:
        ctx = await build_context(config_path=config_path, account=account, lang=lang, demo=demo)
        if not ctx.config.accounts:  # no account yet: the first-run screen, until one is ready
            from telephony_desktop.ui import startup  # with the account form: first run only

            chosen = await startup.first_run(
                ctx, start_demo=lambda: startup.start_demo(stack, lang=lang)
            )
            if chosen is None:
                await ctx.tasks.cancel_all()
                return 0
            ctx = chosen
        apply_theme(app, ctx.config.theme)
        window = MainWindow(ctx)
        install_loop_handler(asyncio.get_running_loop(), window.show_unexpected)
        shell = desktop_shell.attach(window)
        server.received.disconnect(early.append)
        server.received.connect(shell.take_link)
        opener.target = shell.take_link
        closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_closed() -> None:
            if not closed.done():
                closed.set_result(None)

        window.closed.connect(on_closed)
        if minimized and shell.tray.available:
            log.info("started in the tray")
        else:
            window.show()
        for text in ([dial] if dial else []) + early:
            shell.take_link(text)
        settle_garbage_collector()
        try:
            await closed
        finally:
            await shell.close()
            await ctx.tasks.cancel_all()
            await ctx.aclose()
        return 0
    finally:
        app.removeEventFilter(opener)
        server.close()


def run_gui(
    *,
    config_path: Path,
    account: str | None,
    lang: str,
    demo: bool,
    dial: str | None = None,
    minimized: bool = False,
) -> int:
    """Run the window until it is closed (or Quit, with the tray). ``dial``: a number or link
    text to put in the dialer at start; ``minimized``: start in the tray. Returns the process
    exit status."""
    app = make_application()
    # Cyclic garbage (closed dialogs, the loop itself once spent) dies on this, the Qt thread.
    with collect_on_gui_thread():
        return _run_gui_loop(
            app,
            config_path=config_path,
            account=account,
            lang=lang,
            demo=demo,
            dial=dial,
            minimized=minimized,
        )


def _run_gui_loop(
    app: QApplication,
    *,
    config_path: Path,
    account: str | None,
    lang: str,
    demo: bool,
    dial: str | None,
    minimized: bool,
) -> int:
    """The qasync loop of :func:`run_gui`; it is let go (unreachable) when this returns."""
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    stack = contextlib.ExitStack()
    try:
        if demo:
            from telephony_desktop.demo import demo_environment

            stack.enter_context(demo_environment())
            config_path = paths.config_path()
        with loop:
            status: int = loop.run_until_complete(
                _run_window(config_path, account, lang, demo, stack, dial=dial, minimized=minimized)
            )
            return status
    except TelephonyError as exc:  # e.g. the cache cannot be opened: a full disk, a damaged file
        text = describe(exc)
        print(f"telephony-desktop: {text}", file=sys.stderr)
        tell_on_screen(app, text)
        return 3
    finally:
        stack.close()
        asyncio.set_event_loop(None)


def tell_on_screen(app: QApplication, text: str) -> None:
    """The reason the window cannot open, where a person started from the desktop menu sees it
    (nobody reads stderr there). Not on a headless platform: nobody could close it."""
    if app.platformName() in ("offscreen", "minimal"):
        return
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "Telephony Desktop", text)
