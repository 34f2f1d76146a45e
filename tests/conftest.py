"""Suite-wide fixtures and hooks: isolation from the user's real config, data, logs and keyring; Qt
objects collected on the Qt thread; Qt warnings outside pytest-qt's capture fail the run."""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """A test with Qt objects runs with no automatic collection (its qasync loop collects on the
    Qt thread while it runs, as the app's does) and its garbage is collected here, on the Qt
    thread, once pytest has let go of its fixtures' values (it holds them until its teardown is
    over). Left to chance, a later collection in a worker thread of another test (the database
    thread, a sandbox, ``asyncio.to_thread``) would destroy them there: "QObject::~QObject:
    Timers cannot be stopped from another thread", or a crash."""
    if "qapp" not in getattr(item, "fixturenames", ()):
        return (yield)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        _stray_qt_messages.where = f"{item.nodeid} (collecting its garbage)"
        gc.collect()
        _stray_qt_messages.where = f"after {item.nodeid}"
        if was_enabled:
            gc.enable()


class _StrayQtMessages:
    """pytest-qt fails a test on a Qt warning during its setup or call (``qt_log_level_fail``);
    outside those (a teardown, between tests, the collection above) its handler is off and the
    warning would only reach stderr. This handler takes those and fails the run, naming the test
    during or after which each came."""

    def __init__(self) -> None:
        self.installed = False
        self.ignore: list[re.Pattern[str]] = []
        self.where = "before the first test"
        self.seen: list[tuple[str, str]] = []

    def install(self, config: pytest.Config) -> None:
        """(Again: pytest-qt's handler stays in when a setup fails.)"""
        if "PySide6.QtCore" not in sys.modules:
            return
        from PySide6.QtCore import qInstallMessageHandler

        self.ignore = [re.compile(p) for p in config.getini("qt_log_ignore")]
        qInstallMessageHandler(self.handle)
        self.installed = True

    def uninstall(self) -> None:
        if self.installed:
            from PySide6.QtCore import qInstallMessageHandler

            qInstallMessageHandler(None)  # Qt's own again, for messages at exit
            self.installed = False

    def handle(self, kind: Any, _context: Any, message: str) -> None:
        from PySide6.QtCore import QtMsgType

        sys.stderr.write(f"{message}\n")
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(p.search(message) for p in self.ignore):
            return
        self.seen.append((self.where, message))


_stray_qt_messages = _StrayQtMessages()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _stray_qt_messages.install(item.config)  # before pytest-qt's: it restores this one after


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _stray_qt_messages.install(item.config)


def pytest_runtest_logstart(nodeid: str) -> None:
    _stray_qt_messages.where = nodeid


def pytest_runtest_logfinish(nodeid: str) -> None:
    _stray_qt_messages.where = f"after {nodeid}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    _stray_qt_messages.uninstall()
    if _stray_qt_messages.seen and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _stray_qt_messages.seen:
        terminalreporter.section("Qt warnings outside any test's setup or call", red=True)
        for where, message in _stray_qt_messages.seen:
            terminalreporter.line(f"{where}: {message}")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config file, data dir and log dir; nothing touches $HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("TELEPHONY_DESKTOP_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_LOG_DIR", str(home / "logs"))
    # Desktop integration (link handlers, autostart) writes XDG files: never the real ones.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    # The app follows the desktop's language by default: tests (and the CLI they start) read
    # English whatever this machine's locale, unless one asks for French.
    monkeypatch.setenv("LANGUAGE", "en")
    for name in list(os.environ):
        if name.startswith("TELEPHONY_DESKTOP_SECRET_"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Every test starts in English whatever the machine's locale; one that switches language
    (``i18n.using("fr")`` or the ``french`` fixture) cannot leak it into the next."""
    from telephony_desktop import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def french() -> Iterator[None]:
    """Messages in French for the whole test, as with ``--lang fr``."""
    from telephony_desktop import i18n

    i18n.set_language("fr")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def secret_service_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a private session bus with an unlocked throw-away GNOME Keyring on it,
    started on first use and stopped after the run (tests/helpers/secret_service.py)."""
    from tests.helpers.secret_service import missing_tools, private_secret_service

    missing = missing_tools()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (packaging/debian-packages.txt)")
    with private_secret_service(tmp_path_factory.mktemp("secret-service")) as address:
        yield address


@pytest.fixture(autouse=True)
def memory_keyring(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[object | None]:
    """Unless a test asks for the real Secret Service, secrets go to an in-memory keyring
    (without probing the developer's own keyring)."""
    if request.node.get_closest_marker("secret_service"):
        # A private bus and keyring, whatever the machine has (or lacks) as a desktop session.
        monkeypatch.setenv(
            "DBUS_SESSION_BUS_ADDRESS", request.getfixturevalue("secret_service_bus")
        )
        yield None
        return
    from tests.helpers.memory_keyring import install_memory_keyring

    yield install_memory_keyring(monkeypatch)
