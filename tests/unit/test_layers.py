"""The layers that must not know Qt do not import it."""

from __future__ import annotations

import subprocess
import sys

QT_FREE = [
    "telephony_desktop.domain.models",
    "telephony_desktop.domain.numbers",
    "telephony_desktop.providers.voicemeup.client",
    "telephony_desktop.providers.telecmi.client",
    "telephony_desktop.providers.simotel.client",
    "telephony_desktop.providers.truecnam.client",
    "telephony_desktop.providers.verba.client",
    "telephony_desktop.store.db",
    "telephony_desktop.store.settings",
    "telephony_desktop.store.secrets",
    "telephony_desktop.services.sync",
    "telephony_desktop.services.session",
    "telephony_desktop.services.history_rows",
    "telephony_desktop.services.history_export",
    "telephony_desktop.services.recordings",
    "telephony_desktop.services.did_form",
    "telephony_desktop.services.e911_form",
    "telephony_desktop.services.directory_cache",
    "telephony_desktop.services.accounts",
    "telephony_desktop.services.call_routes",
    "telephony_desktop.services.caller_name",
    "telephony_desktop.services.verba_recordings",
    "telephony_desktop.cli.route_commands",
    "telephony_desktop.demo",
    "telephony_desktop.services.voicemail_watch",
    "telephony_desktop.resources",
    "telephony_desktop.desktop.links",
    "telephony_desktop.desktop.registration",
    "telephony_desktop.desktop.autostart",
    "telephony_desktop.sandbox",
    "telephony_desktop.cli",
    "telephony_desktop.redaction",
    "telephony_desktop.runtime",
]


def _in_fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported yet)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_nothing_below_the_ui_imports_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {QT_FREE!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    assert _in_fresh_python(code) == ""


def test_a_second_launch_loads_no_service() -> None:
    """Handing a phone link to the running window goes through the CLI's entry point: it must
    not pay for the HTTP stack, the keyring, the XML parser or asyncio (the window loads them)."""
    heavy = ["httpx", "keyring", "lxml", "asyncio", "phonenumbers", "telephony_desktop.services"]
    code = (
        "import sys\n"
        "import telephony_desktop.cli, telephony_desktop.desktop.single_instance\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    assert _in_fresh_python(code) == ""


def test_a_first_launch_loads_the_qt_free_core_before_qt() -> None:
    """``runtime.load_core_before_qt`` (called by the CLI before the window's modules) covers what
    the window needs at start: importing the window afterwards adds Qt, qasync and the UI only
    (each module imported after PySide6 pays for shiboken's import hook)."""
    watched = (
        "telephony_desktop", "httpx", "httpcore", "certifi", "lxml", "keyring", "phonenumbers"
    )  # fmt: skip
    code = (
        "import sys\n"
        "import telephony_desktop.cli\n"
        "import telephony_desktop.desktop.instance_address  # the CLI's surely_alone\n"
        "from telephony_desktop.runtime import load_core_before_qt\n"
        "load_core_before_qt()\n"
        "assert 'PySide6' not in sys.modules\n"
        "before = set(sys.modules)\n"
        "import telephony_desktop.ui.app, telephony_desktop.ui.main_window\n"
        "import telephony_desktop.ui.tabs.dialer.tab, telephony_desktop.ui.shell\n"
        "import telephony_desktop.desktop.single_instance\n"
        "import httpx\n"
        "httpx.AsyncClient()  # loads httpcore and the CA bundle, as the session does\n"
        "late = sorted(set(sys.modules) - before)\n"
        f"late = [m for m in late if m.split('.')[0] in {watched!r}]\n"
        "late = [m for m in late if not m.startswith('telephony_desktop.ui')]\n"
        "print(','.join(m for m in late if m != 'telephony_desktop.desktop.single_instance'))\n"
    )
    assert _in_fresh_python(code) == ""
