"""Register the app as the handler of ``tel:``, ``callto:`` and ``sip:`` links.

Qt-free. Linux: a ``.desktop`` entry in ``$XDG_DATA_HOME/applications`` with the
``x-scheme-handler/*`` MIME types, made the default in ``$XDG_CONFIG_HOME/mimeapps.list``
(directly, and with ``xdg-mime`` when it is installed), and the app's icon in
``$XDG_DATA_HOME/icons/hicolor``. What that writes (and what the tools it runs write) is recorded
(``footprint``) so that uninstalling leaves the user's folders as they were.

Windows: per-user keys under ``HKCU\\Software\\Classes`` (written with ``winreg``, or as a
``.reg`` text). macOS: the bundle's ``CFBundleURLTypes`` (Info.plist data; Launch Services reads
it from the installed app).

The generators are pure functions, so every platform's artefacts can be checked as data anywhere.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from telephony_desktop.desktop import footprint
from telephony_desktop.domain.errors import ConfigError
from telephony_desktop.i18n import _, ngettext
from telephony_desktop.resources import APP_ICON_PNG, APP_ICON_SVG, resource_path

APP_ID = "telephony-desktop"
APP_NAME = "Telephony Desktop"
DESKTOP_FILE = f"{APP_ID}.desktop"
SCHEMES = ("tel", "callto", "sip")
MIME_TYPES = tuple(f"x-scheme-handler/{s}" for s in SCHEMES)
MACOS_BUNDLE_ID = "io.github.telephony-desktop"
WINDOWS_PROG_ID = "TelephonyDesktop.Link"
WINDOWS_CAPABILITIES = r"Software\TelephonyDesktop\Capabilities"

Runner = Callable[..., Any]  # subprocess.run's shape: run(argv, check=..., ...)
Which = Callable[[str], str | None]


def launch_command() -> list[str]:
    """How to start this app: the frozen executable (PyInstaller) or ``python -m
    telephony_desktop`` from a source/venv install."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    return [os.path.abspath(sys.executable), "-m", "telephony_desktop"]


# --- Linux (freedesktop) -------------------------------------------------------------------


def xdg_data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def xdg_config_home() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".config"


def _exec_arg(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (Desktop Entry spec, "The Exec
    key"): reserved characters force double quotes, inside which ``"`` `` ` `` ``$`` ``\\`` are
    escaped; ``%`` is doubled; then the string-value escaping doubles every backslash."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    arg = arg.replace("%", "%%")
    if arg and not (set(arg) & reserved):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        quoted = f'"{inner}"'
    return quoted.replace("\\", "\\\\")


def exec_line(command: Sequence[str], *extra: str) -> str:
    """The ``Exec`` value for ``command`` followed by ``extra`` field codes/arguments."""
    return " ".join([*(_exec_arg(a) for a in command), *extra])


def linux_desktop_entry(command: Sequence[str] | None = None) -> str:
    """The ``telephony-desktop.desktop`` file that handles ``tel:``/``callto:``/``sip:``."""
    cmd = list(command) if command is not None else launch_command()
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.5\n"
        f"Name={APP_NAME}\n"
        "GenericName=Softphone companion\n"
        "Comment=Click-to-call, call history, voicemail\n"
        f"Exec={exec_line(cmd, '%u')}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "StartupNotify=true\n"
        f"StartupWMClass={APP_ID}\n"
        f"MimeType={''.join(m + ';' for m in MIME_TYPES)}\n"
        "Categories=Network;Telephony;\n"
        "Keywords=phone;call;dial;voicemail;\n"
    )


def desktop_entry_path(data_home: Path | None = None) -> Path:
    return (data_home or xdg_data_home()) / "applications" / DESKTOP_FILE


def mimeapps_path(config_home: Path | None = None) -> Path:
    return (config_home or xdg_config_home()) / "mimeapps.list"


def legacy_mimeapps_path(data_home: Path | None = None) -> Path:
    """Where older xdg-utils and desktops kept the defaults (still read by some)."""
    return (data_home or xdg_data_home()) / "applications" / "mimeapps.list"


def mime_cache_path(data_home: Path | None = None) -> Path:
    """``update-desktop-database``'s index of the MIME types the entries in the folder open."""
    return (data_home or xdg_data_home()) / "applications" / "mimeinfo.cache"


def icon_theme_dir(data_home: Path | None = None) -> Path:
    return (data_home or xdg_data_home()) / "icons" / "hicolor"


def _png_size(data: bytes) -> int | None:
    """The width of a square PNG (from its IHDR header), None when it is not one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width if width == height and width > 0 else None


def icon_files(data_home: Path | None = None) -> list[tuple[Path, Path]]:
    """``(where the icon goes, the app's own file)``: the SVG as ``scalable``, the PNG under its
    size (``256x256``)."""
    theme = icon_theme_dir(data_home)
    svg, png = resource_path(APP_ICON_SVG), resource_path(APP_ICON_PNG)
    files = [(theme / "scalable" / "apps" / f"{APP_ID}.svg", svg)]
    try:
        with png.open("rb") as fh:
            size = _png_size(fh.read(24))
    except OSError:
        size = None
    files.append((theme / f"{size or 256}x{size or 256}" / "apps" / f"{APP_ID}.png", png))
    return files


def installed_icons(data_home: Path | None = None) -> list[Path]:
    """The app's icon in every size found in the user's icon theme (this version's and any
    other's)."""
    theme = icon_theme_dir(data_home)
    if not theme.is_dir():
        return []
    found = [p for p in theme.glob(f"*/apps/{APP_ID}.*") if p.suffix in (".png", ".svg", ".xpm")]
    return sorted(found)


def install_linux(
    command: Sequence[str] | None = None,
    *,
    data_home: Path | None = None,
    config_home: Path | None = None,
    run: Runner = subprocess.run,
    which: Which = shutil.which,
) -> list[str]:
    """Write the desktop entry and the icon, and make the entry the default for the three
    schemes. Returns notes (one line each) saying what was done."""
    entry = desktop_entry_path(data_home)
    icons = icon_files(data_home)
    mimeapps = mimeapps_path(config_home)
    record = footprint.load(data_home)
    record.watch(entry, *(target for target, _source in icons))
    record.watch_shared(mimeapps, legacy_mimeapps_path(data_home), mime_cache_path(data_home))
    try:
        write_file(entry, linux_desktop_entry(command))
        notes = [_("wrote {path}").format(path=entry)]
        for target, source in icons:
            try:
                data = source.read_bytes()
            except OSError:
                # Translators: {path} is the icon file the app ships (missing in this build).
                notes.append(_("icon not found: {path}").format(path=source))
                continue
            write_file(target, data)
            notes.append(_("wrote {path}").format(path=target))
        xdg_mime = which("xdg-mime")
        if xdg_mime:
            for mime in MIME_TYPES:
                _run(run, [xdg_mime, "default", DESKTOP_FILE, mime], notes)
            # Translators: {schemes} lists link types: tel, callto, sip.
            notes.append(_("xdg-mime: default for {schemes}").format(schemes=", ".join(SCHEMES)))
        else:
            notes.append(
                _("xdg-mime not found (xdg-utils): set the defaults in mimeapps.list only")
            )
        write_file(mimeapps, set_defaults(_read(mimeapps), MIME_TYPES, DESKTOP_FILE))
        notes.append(_("updated {path}").format(path=mimeapps))
        _update_database(entry.parent, run, which, notes)
        _refresh_icon_cache(data_home, run, which, notes)
    finally:
        record.settle()
    return notes


def uninstall_linux(
    *,
    data_home: Path | None = None,
    config_home: Path | None = None,
    run: Runner = subprocess.run,
    which: Which = shutil.which,
) -> list[str]:
    """Take back what ``install_linux`` wrote: the desktop entry, the icon in every size, our
    lines in mimeapps.list (other apps' are kept; a file nobody touched since is put back as it
    was), the desktop database and icon cache files it made, and the folders it created."""
    notes: list[str] = []
    record = footprint.load(data_home)
    entry = desktop_entry_path(data_home)
    for path in [entry, *installed_icons(data_home)]:
        if os.path.lexists(path):
            _remove(path)
            notes.append(_("removed {path}").format(path=path))
    folders = record.prune()  # before the caches are refreshed: they index the folders too
    for mimeapps in (mimeapps_path(config_home), legacy_mimeapps_path(data_home)):
        _take_back_mimeapps(mimeapps, record.shared.pop(mimeapps, None), notes)
    cache = mime_cache_path(data_home)
    _take_back_mime_cache(cache, record.shared.pop(cache, None), run, which, notes)
    _refresh_icon_cache(data_home, run, which, notes)
    # the record goes too, unless start at login is still on (its entry is in the record)
    for folder in [*folders, *record.prune(), *record.save()]:
        notes.append(_("removed the empty folder {path}").format(path=folder))
    return notes or [_("nothing to remove")]


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigError(
            _("Could not remove {path}: {reason}.").format(
                path=path, reason=exc.strerror or type(exc).__name__
            )
        ) from exc


def _put_back(path: Path, text: str | None, notes: list[str]) -> None:
    try:
        footprint.write_back(path, text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            _("Could not write {path}: {reason}.").format(path=path, reason=reason)
        ) from exc
    if text is None:
        notes.append(_("removed {path}").format(path=path))
    else:
        notes.append(_("put {path} back as it was before install").format(path=path))


def _take_back_mimeapps(path: Path, record: footprint.Shared | None, notes: list[str]) -> None:
    current = footprint.read_text(path)
    if current is None:
        return
    if record is not None and record.exact and current == record.after:
        _put_back(path, record.before, notes)  # nobody changed it since install
        return
    after = remove_defaults(current, MIME_TYPES, DESKTOP_FILE)
    if record is not None and not record.existed and not _has_entries(after):
        _put_back(path, None, notes)  # install made it, and only our lines were ever in it
    elif after != current:
        _put_back(path, after, [])
        notes.append(_("removed our defaults from {path}").format(path=path))


def _take_back_mime_cache(
    path: Path, record: footprint.Shared | None, run: Runner, which: Which, notes: list[str]
) -> None:
    """mimeinfo.cache: put back, else refreshed (or our lines taken out); removed when install
    made it and nothing is left in it."""
    current = footprint.read_text(path)
    if current is None:
        return  # never make one that was not there
    if record is not None and record.exact and current == record.after:
        _put_back(path, record.before, notes)
        return
    tool = which("update-desktop-database")
    if tool:
        _run(run, [tool, str(path.parent)], notes)
        notes.append(_("update-desktop-database: done"))
    else:
        after = remove_defaults(current, MIME_TYPES, DESKTOP_FILE, sections=(_MIME_CACHE,))
        if after != current:
            _put_back(path, after, [])
    if record is not None and not record.existed:
        left = footprint.read_text(path)
        if left is not None and not _has_entries(left):
            _put_back(path, None, notes)


def _has_entries(text: str) -> bool:
    """Does a mimeapps.list / mimeinfo.cache text say anything (a key=value line)?"""
    return any("=" in line and not line.lstrip().startswith("#") for line in text.splitlines())


def linux_status(
    *,
    data_home: Path | None = None,
    config_home: Path | None = None,
) -> dict[str, str | None]:
    """Per MIME type, the default handler named in mimeapps.list (None: none set), plus the
    path of our desktop entry under the key ``entry`` (None: not installed)."""
    entry = desktop_entry_path(data_home)
    status: dict[str, str | None] = {"entry": str(entry) if entry.exists() else None}
    defaults = read_defaults(_read(mimeapps_path(config_home)))
    for mime in MIME_TYPES:
        status[mime] = defaults.get(mime)
    return status


def _run(run: Runner, argv: list[str], notes: list[str]) -> None:
    try:
        run(argv, check=False, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        # Translators: {tool} is a program such as xdg-mime; {error} the technical error name.
        notes.append(
            _("{tool} failed: {error}").format(tool=Path(argv[0]).name, error=type(exc).__name__)
        )


def _update_database(applications: Path, run: Runner, which: Which, notes: list[str]) -> None:
    tool = which("update-desktop-database")
    if tool and applications.is_dir():
        _run(run, [tool, str(applications)], notes)
        notes.append(_("update-desktop-database: done"))


def _refresh_icon_cache(
    data_home: Path | None, run: Runner, which: Which, notes: list[str]
) -> None:
    """An icon cache in the user's theme is brought up to date; none is ever made (the theme
    is read without one)."""
    theme = icon_theme_dir(data_home)
    tool = which("gtk-update-icon-cache")
    if tool and (theme / "icon-theme.cache").is_file():
        _run(run, [tool, "--quiet", "--ignore-theme-index", "--force", str(theme)], notes)
        notes.append(_("gtk-update-icon-cache: done"))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            # Translators: {reason} is the system's description of the error, in English.
            _("Could not read {path}: {reason}.").format(path=path, reason=exc)
        ) from exc


def write_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` atomically (a temporary file renamed over ``path``); ``ConfigError``."""
    try:
        if path.is_symlink():  # e.g. mimeapps.list kept by a dotfiles manager: stays a link
            path = path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            _("Could not write {path}: {reason}.").format(path=path, reason=reason)
        ) from exc


# --- mimeapps.list, edited line by line (comments, order and other sections kept) -----------

_DEFAULTS = "[Default Applications]"
_ADDED = "[Added Associations]"  # where gio (GNOME's xdg-mime) also lists the handler
_MIME_CACHE = "[MIME Cache]"  # mimeinfo.cache's one section


def _sections(lines: list[str], header: str = _DEFAULTS) -> tuple[int, int] | None:
    """(start, end) line indexes of the ``header`` section's body, or None."""
    start = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if start is None and stripped == header:
            start = i + 1
        elif start is not None and stripped.startswith("["):
            return start, i
    return (start, len(lines)) if start is not None else None


def read_defaults(text: str) -> dict[str, str]:
    lines = text.splitlines()
    span = _sections(lines)
    result: dict[str, str] = {}
    if span is None:
        return result
    for line in lines[span[0] : span[1]]:
        key, eq, value = line.partition("=")
        if eq and not line.lstrip().startswith("#"):
            result[key.strip()] = value.strip()
    return result


def set_defaults(text: str, mimes: Sequence[str], desktop_file: str) -> str:
    """``text`` with ``mime=desktop_file`` in [Default Applications] for each of ``mimes``."""
    lines = text.splitlines()
    span = _sections(lines)
    if span is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.append(_DEFAULTS)
        span = (len(lines), len(lines))
    start, end = span
    body = [
        line
        for line in lines[start:end]
        if line.partition("=")[0].strip() not in mimes or line.lstrip().startswith("#")
    ]
    while body and not body[-1].strip():
        body.pop()
    body += [f"{mime}={desktop_file}" for mime in mimes]
    if end < len(lines):
        body.append("")
    return "\n".join([*lines[:start], *body, *lines[end:]]) + "\n"


def remove_defaults(
    text: str,
    mimes: Sequence[str],
    desktop_file: str,
    *,
    sections: Sequence[str] = (_DEFAULTS, _ADDED),
) -> str:
    """``text`` without ``desktop_file`` as a default (or added association) for ``mimes``;
    other handlers listed for the same type stay, and so does every other line."""
    result = text
    for header in sections:
        lines = result.splitlines()
        span = _sections(lines, header)
        if span is None:
            continue
        start, end = span
        body: list[str] = []
        for line in lines[start:end]:
            key, eq, value = line.partition("=")
            if eq and key.strip() in mimes and not line.lstrip().startswith("#"):
                handlers = [h for h in value.strip().split(";") if h and h != desktop_file]
                if not handlers:
                    continue
                line = f"{key.strip()}={';'.join(handlers)};"
            body.append(line)
        joined = "\n".join([*lines[:start], *body, *lines[end:]])
        result = joined + "\n" if joined else ""
    return result


# --- Windows -------------------------------------------------------------------------------


def windows_command_line(command: Sequence[str], *extra: str) -> str:
    """``"C:\\...\\app.exe" -m telephony_desktop "%1"``: the program always quoted."""
    program, *args = command
    parts = [f'"{program}"', subprocess.list2cmdline(args), *extra]
    return " ".join(p for p in parts if p)


def windows_keys(command: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
    """Every per-user key to write: ``{key under HKCU: {value name ("" = default): data}}``."""
    cmd = list(command) if command is not None else launch_command()
    open_cmd = windows_command_line(cmd, '"%1"')
    icon = f'"{cmd[0]}",0'
    keys: dict[str, dict[str, str]] = {}
    for scheme in SCHEMES:
        base = rf"Software\Classes\{scheme}"
        keys[base] = {"": f"URL:{scheme} Protocol", "URL Protocol": ""}
        keys[rf"{base}\DefaultIcon"] = {"": icon}
        keys[rf"{base}\shell\open\command"] = {"": open_cmd}
    # What Settings > Default apps lists (the user picks us there when another app is chosen).
    prog = rf"Software\Classes\{WINDOWS_PROG_ID}"
    keys[prog] = {"": f"{APP_NAME} link", "URL Protocol": ""}
    keys[rf"{prog}\DefaultIcon"] = {"": icon}
    keys[rf"{prog}\shell\open\command"] = {"": open_cmd}
    keys[WINDOWS_CAPABILITIES] = {
        "ApplicationName": APP_NAME,
        "ApplicationDescription": "Click-to-call for tel:, callto: and sip: links",
    }
    keys[rf"{WINDOWS_CAPABILITIES}\URLAssociations"] = dict.fromkeys(SCHEMES, WINDOWS_PROG_ID)
    keys[r"Software\RegisteredApplications"] = {APP_NAME: WINDOWS_CAPABILITIES}
    return keys


def _reg_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def windows_reg(command: Sequence[str] | None = None) -> str:
    """The same keys as a ``.reg`` file (``regedit /s`` imports it)."""
    out = ["Windows Registry Editor Version 5.00", ""]
    for key, values in windows_keys(command).items():
        out.append(f"[HKEY_CURRENT_USER\\{key}]")
        for name, data in values.items():
            out.append(f"{'@' if name == '' else _reg_string(name)}={_reg_string(data)}")
        out.append("")
    return "\r\n".join(out) + "\r\n"


def windows_install(command: Sequence[str] | None = None) -> list[str]:
    """Write the keys with ``winreg`` (Windows only)."""
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    notes = []
    for key, values in windows_keys(command).items():
        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as h:
            for name, data in values.items():
                winreg.SetValueEx(h, name or None, 0, winreg.REG_SZ, data)
        notes.append(f"HKCU\\{key}")
    return [
        ngettext(
            "wrote {count} registry key under HKCU\\Software\\Classes",
            "wrote {count} registry keys under HKCU\\Software\\Classes",
            len(notes),
        ).format(count=len(notes))
    ]


def windows_uninstall(command: Sequence[str] | None = None) -> list[str]:
    """Remove our keys; a scheme whose open command is not ours is left alone."""
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    ours = windows_command_line(list(command) if command else launch_command(), '"%1"')
    notes: list[str] = []

    def delete_tree(key: str) -> None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_ALL_ACCESS) as h:
                while True:
                    try:
                        child = winreg.EnumKey(h, 0)
                    except OSError:
                        break
                    delete_tree(rf"{key}\{child}")
            winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)
            notes.append(_("removed {path}").format(path=f"HKCU\\{key}"))
        except FileNotFoundError:
            pass

    for scheme in SCHEMES:
        base = rf"Software\Classes\{scheme}"
        try:
            current = winreg.QueryValue(winreg.HKEY_CURRENT_USER, rf"{base}\shell\open\command")
        except FileNotFoundError:
            continue
        if current == ours:
            delete_tree(base)
    delete_tree(rf"Software\Classes\{WINDOWS_PROG_ID}")
    delete_tree(r"Software\TelephonyDesktop")
    try:
        with winreg.OpenKey(
            winreg.HKEY_CURRENT_USER, r"Software\RegisteredApplications", 0, winreg.KEY_SET_VALUE
        ) as h:
            winreg.DeleteValue(h, APP_NAME)
    except FileNotFoundError:
        pass
    return notes or [_("nothing to remove")]


def windows_status() -> dict[str, str | None]:
    """Per scheme, the per-user open command (None: none)."""
    if sys.platform != "win32":
        raise ConfigError(_("The Windows registry exists only on Windows."))
    import winreg

    status: dict[str, str | None] = {}
    for scheme in SCHEMES:
        try:
            status[scheme] = winreg.QueryValue(
                winreg.HKEY_CURRENT_USER, rf"Software\Classes\{scheme}\shell\open\command"
            )
        except FileNotFoundError:
            status[scheme] = None
    return status


# --- macOS ---------------------------------------------------------------------------------


def macos_url_types() -> list[dict[str, Any]]:
    """``CFBundleURLTypes`` for the bundle's Info.plist: one entry per scheme."""
    return [
        {
            "CFBundleURLName": f"{MACOS_BUNDLE_ID}.{scheme}",
            "CFBundleURLSchemes": [scheme],
            "CFBundleTypeRole": "Viewer",
        }
        for scheme in SCHEMES
    ]


def macos_info_plist_fragment() -> bytes:
    """An XML plist holding ``CFBundleURLTypes``, to merge into the bundle's Info.plist (e.g.
    PyInstaller ``BUNDLE(info_plist={"CFBundleURLTypes": macos_url_types()})``)."""
    return plistlib.dumps({"CFBundleURLTypes": macos_url_types()}, sort_keys=False)
