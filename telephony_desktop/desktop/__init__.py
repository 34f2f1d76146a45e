"""Desktop integration: one instance per user, the tel:/callto:/sip: link handler, start at login.

``links``, ``registration`` and ``autostart`` are Qt-free; ``single_instance`` uses QtNetwork and
is only imported where Qt is wanted. The functions below are what ``telephony-desktop desktop
install|uninstall|status`` does on the current platform; each returns lines to print.
"""

from __future__ import annotations

import sys

from telephony_desktop.desktop import autostart, registration


def install(*, with_autostart: bool = False, platform: str = "") -> list[str]:
    """Register the link handler (and, if asked, start at login) for the current user."""
    platform = platform or sys.platform
    command = registration.launch_command()
    if platform == "win32":
        notes = registration.windows_install(command)
    elif platform == "darwin":
        notes = [
            "macOS: links are declared by the app bundle (CFBundleURLTypes in Info.plist); "
            "Launch Services registers them when the app is in /Applications. Nothing to write."
        ]
    else:
        notes = registration.install_linux(command)
    if with_autostart:
        notes.append(f"start at login: {autostart.enable(command, platform=platform)}")
    return notes


def uninstall(*, platform: str = "") -> list[str]:
    """Undo ``install``: our link registration and the login item."""
    platform = platform or sys.platform
    if platform == "win32":
        notes = registration.windows_uninstall()
    elif platform == "darwin":
        notes = ["macOS: the link handler goes away with the app bundle."]
    else:
        notes = registration.uninstall_linux()
    if autostart.disable(platform=platform):
        notes.append(f"start at login: removed {autostart.where(platform=platform)}")
    return notes


def status(*, platform: str = "") -> list[str]:
    """What is registered where, one line each."""
    platform = platform or sys.platform
    lines: list[str] = [f"launch command: {' '.join(registration.launch_command())}"]
    if platform == "win32":
        for scheme, command in registration.windows_status().items():
            lines.append(f"{scheme}: {command or 'not registered (per user)'}")
    elif platform == "darwin":
        lines.append("links: declared by the app bundle's Info.plist (CFBundleURLTypes)")
    else:
        found = registration.linux_status()
        lines.append(f"desktop entry: {found.pop('entry') or 'not installed'}")
        mimeapps = registration.mimeapps_path()
        for mime, handler in found.items():
            mark = " (this app)" if handler == registration.DESKTOP_FILE else ""
            lines.append(f"{mime}: {handler or 'no default'}{mark}  [{mimeapps}]")
    state = "on" if autostart.is_enabled(platform=platform) else "off"
    lines.append(f"start at login: {state} ({autostart.where(platform=platform)})")
    return lines
