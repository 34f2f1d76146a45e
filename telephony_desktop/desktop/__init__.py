"""Desktop integration: one instance per user, the tel:/callto:/sip: link handler, start at login.

``links``, ``registration`` and ``autostart`` are Qt-free; ``single_instance`` uses QtNetwork and
is only imported where Qt is wanted. The functions below are what ``telephony-desktop desktop
install|uninstall|status`` does on the current platform; each returns lines to print.
"""

from __future__ import annotations

import sys
from pathlib import Path

from telephony_desktop.desktop import autostart, registration
from telephony_desktop.i18n import _


def install(*, with_autostart: bool = False, platform: str = "") -> list[str]:
    """Register the link handler (and, if asked, start at login) for the current user."""
    platform = platform or sys.platform
    command = registration.launch_command()
    if platform == "win32":
        notes = registration.windows_install(command)
    elif platform == "darwin":
        notes = [
            _(
                "macOS: links are declared by the app bundle (CFBundleURLTypes in Info.plist); "
                "Launch Services registers them when the app is in /Applications. Nothing to "
                "write."
            )
        ]
    else:
        notes = registration.install_linux(command)
    if with_autostart:
        where = autostart.enable(command, platform=platform)
        # Translators: {where} is the file (or registry value) that starts the app at login.
        notes.append(_("start at login: {where}").format(where=where))
    return notes


def uninstall(*, platform: str = "", config_path: Path | None = None) -> list[str]:
    """Undo ``install``: our link registration, icons and the login item, and what they made
    (caches, empty folders). The user's settings, cache and logs stay: the last line says so."""
    platform = platform or sys.platform
    if platform == "win32":
        notes = registration.windows_uninstall()
    elif platform == "darwin":
        notes = [_("macOS: the link handler goes away with the app bundle.")]
    else:
        notes = registration.uninstall_linux()
    if autostart.disable(platform=platform):
        where = autostart.where(platform=platform)
        notes.append(_("start at login: removed {where}").format(where=where))
    notes.append(kept_note(config_path))
    return notes


def kept_note(config_path: Path | None = None) -> str:
    """What ``uninstall`` leaves on purpose, and where it is (``config_path``: ``--config``)."""
    from telephony_desktop.store import paths

    # Translators: {config} is the settings file, {data} the folder of the cached history and
    # voicemail, {logs} the log folder.
    return _(
        "Kept: your settings ({config}), the cache ({data}) and the logs ({logs}). Uninstall "
        "removes only the desktop integration; delete those yourself to remove them too."
    ).format(config=paths.config_path(config_path), data=paths.data_dir(), logs=paths.log_dir())


def status(*, platform: str = "") -> list[str]:
    """What is registered where, one line each."""
    platform = platform or sys.platform
    launch = " ".join(registration.launch_command())
    lines: list[str] = [_("launch command: {command}").format(command=launch)]
    if platform == "win32":
        for scheme, command in registration.windows_status().items():
            if command:
                # Translators: {scheme} is tel, callto or sip; {command} what opens its links.
                lines.append(_("{scheme}: {command}").format(scheme=scheme, command=command))
            else:
                lines.append(_("{scheme}: not registered (per user)").format(scheme=scheme))
    elif platform == "darwin":
        lines.append(_("links: declared by the app bundle's Info.plist (CFBundleURLTypes)"))
    else:
        found = registration.linux_status()
        entry = found.pop("entry")
        if entry:
            lines.append(_("desktop entry: {path}").format(path=entry))
        else:
            lines.append(_("desktop entry: not installed"))
        mimeapps = registration.mimeapps_path()
        for mime, handler in found.items():
            # Translators: {mime} is a link type such as x-scheme-handler/tel; {handler} the
            # desktop file that opens it; {path} the mimeapps.list file that says so.
            if handler == registration.DESKTOP_FILE:
                line = _("{mime}: {handler} (this app)  [{path}]")
            elif handler:
                line = _("{mime}: {handler}  [{path}]")
            else:
                line = _("{mime}: no default  [{path}]")
            lines.append(line.format(mime=mime, handler=handler, path=mimeapps))
    where = autostart.where(platform=platform)
    if autostart.is_enabled(platform=platform):
        lines.append(_("start at login: on ({where})").format(where=where))
    else:
        lines.append(_("start at login: off ({where})").format(where=where))
    return lines
