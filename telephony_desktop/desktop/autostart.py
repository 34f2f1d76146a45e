"""Start at login (off by default): an XDG autostart entry, a Windows Run value, or a macOS
LaunchAgent, each starting the app with ``--minimized`` (in the tray).

Qt-free. The generators are pure functions; ``enable``/``disable``/``is_enabled`` act on the
current platform (``platform`` and the base dirs can be given, for tests).
"""

from __future__ import annotations

import plistlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telephony_desktop.desktop import footprint, registration
from telephony_desktop.desktop.registration import APP_ID, APP_NAME, MACOS_BUNDLE_ID
from telephony_desktop.domain.errors import ConfigError
from telephony_desktop.i18n import _

MINIMIZED = "--minimized"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_RUN_VALUE = APP_NAME
LAUNCH_AGENT_LABEL = f"{MACOS_BUNDLE_ID}.autostart"


def _command(command: Sequence[str] | None) -> list[str]:
    return list(command) if command is not None else registration.launch_command()


# --- generators ----------------------------------------------------------------------------


def xdg_autostart_entry(command: Sequence[str] | None = None) -> str:
    """``~/.config/autostart/telephony-desktop.desktop``."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.5\n"
        f"Name={APP_NAME}\n"
        "Comment=Start Telephony Desktop in the tray at login\n"
        f"Exec={registration.exec_line(_command(command), MINIMIZED)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-KDE-autostart-after=panel\n"
    )


def windows_run_value(command: Sequence[str] | None = None) -> tuple[str, str, str]:
    """``(key under HKCU, value name, command line)`` for the Run key."""
    line = registration.windows_command_line(_command(command), MINIMIZED)
    return WINDOWS_RUN_KEY, WINDOWS_RUN_VALUE, line


def launch_agent(command: Sequence[str] | None = None) -> dict[str, Any]:
    """The LaunchAgent's contents (``~/Library/LaunchAgents/<label>.plist``)."""
    return {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": [*_command(command), MINIMIZED],
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


def launch_agent_plist(command: Sequence[str] | None = None) -> bytes:
    return plistlib.dumps(launch_agent(command), sort_keys=False)


# --- where they go -------------------------------------------------------------------------


def xdg_autostart_path(config_home: Path | None = None) -> Path:
    return (config_home or registration.xdg_config_home()) / "autostart" / f"{APP_ID}.desktop"


def launch_agent_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


# --- on this platform ----------------------------------------------------------------------


def where(*, config_home: Path | None = None, home: Path | None = None, platform: str = "") -> str:
    """Where the login item lives on ``platform`` (default: this one), in words."""
    platform = platform or sys.platform
    if platform == "win32":
        return f"HKCU\\{WINDOWS_RUN_KEY} ({WINDOWS_RUN_VALUE})"
    if platform == "darwin":
        return str(launch_agent_path(home))
    return str(xdg_autostart_path(config_home))


def enable(
    command: Sequence[str] | None = None,
    *,
    config_home: Path | None = None,
    home: Path | None = None,
    platform: str = "",
) -> str:
    """Start the app at login; returns where that was recorded."""
    platform = platform or sys.platform
    if platform == "win32":
        _windows_set(windows_run_value(command))
    elif platform == "darwin":
        registration.write_file(launch_agent_path(home), launch_agent_plist(command))
    else:
        path = xdg_autostart_path(config_home)
        record = footprint.load()  # the folders it creates go on uninstall
        record.watch(path)
        try:
            registration.write_file(path, xdg_autostart_entry(command))
        finally:
            record.settle()
    return where(config_home=config_home, home=home, platform=platform)


def disable(
    *, config_home: Path | None = None, home: Path | None = None, platform: str = ""
) -> bool:
    """Stop starting at login. True if something was removed."""
    platform = platform or sys.platform
    if platform == "win32":
        return _windows_delete()
    path = launch_agent_path(home) if platform == "darwin" else xdg_autostart_path(config_home)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(
            _("Could not remove {path}: {reason}.").format(path=path, reason=exc.strerror)
        ) from exc
    if platform != "darwin":
        record = footprint.load()  # the autostart folder goes if enable made it (and it is empty)
        record.prune()
        record.save()
    return True


def is_enabled(
    *, config_home: Path | None = None, home: Path | None = None, platform: str = ""
) -> bool:
    platform = platform or sys.platform
    if platform == "win32":
        return _windows_get() is not None
    if platform == "darwin":
        return launch_agent_path(home).is_file()
    path = xdg_autostart_path(config_home)
    if not path.is_file():
        return False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = {line.strip().replace(" ", "") for line in text.splitlines()}
    return "Hidden=true" not in lines and "X-GNOME-Autostart-enabled=false" not in lines


# --- Windows registry (only ever called on Windows) -----------------------------------------


def _windows_set(value: tuple[str, str, str]) -> None:
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    key, name, data = value
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as h:
        winreg.SetValueEx(h, name, 0, winreg.REG_SZ, data)


def _windows_get() -> str | None:
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as h:
            data, _kind = winreg.QueryValueEx(h, WINDOWS_RUN_VALUE)
    except FileNotFoundError:
        return None
    return str(data)


def _windows_delete() -> bool:
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    try:
        with winreg.OpenKey(
            winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE
        ) as h:
            winreg.DeleteValue(h, WINDOWS_RUN_VALUE)
    except FileNotFoundError:
        return False
    return True
