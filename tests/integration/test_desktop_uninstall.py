"""``desktop uninstall`` leaves the user's folders exactly as ``desktop install`` found them.

Through the CLI, against the test's own XDG dirs: with no desktop tools at all, and with
``update-desktop-database`` and ``gtk-update-icon-cache`` (stand-ins that write their index files
as the real ones do) beside whatever xdg-utils this machine has; in empty folders and in folders
with other apps' files, defaults and caches in them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telephony_desktop.desktop.registration import DESKTOP_FILE, read_defaults
from telephony_desktop.store import paths, settings
from tests.helpers.cli import Cli

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the freedesktop integration"
)

_UPDATE_DESKTOP_DATABASE = """\
import sys
from pathlib import Path

folder = Path(sys.argv[-1])
found = {}
for entry in sorted(folder.glob("*.desktop")):
    for line in entry.read_text().splitlines():
        if line.startswith("MimeType="):
            for mime in filter(None, line.removeprefix("MimeType=").split(";")):
                found.setdefault(mime, []).append(entry.name)
lines = "".join(f"{m}={';'.join(v)};\\n" for m, v in sorted(found.items()))
(folder / "mimeinfo.cache").write_text("[MIME Cache]\\n" + lines)
"""

_GTK_UPDATE_ICON_CACHE = """\
import sys
from pathlib import Path

theme = Path(sys.argv[-1])
if not (theme / "index.theme").exists() and "--ignore-theme-index" not in sys.argv:
    sys.exit(1)
names = sorted(str(p.relative_to(theme)) for p in theme.rglob("*") if p.name != "icon-theme.cache")
(theme / "icon-theme.cache").write_text("".join(n + "\\n" for n in names))
"""

_MIMEAPPS = (
    "# my associations\n"
    "[Added Associations]\n"
    "text/plain=gedit.desktop;\n"
    "\n"
    "[Default Applications]\n"
    "text/html=firefox.desktop\n"
    "x-scheme-handler/sip=linphone.desktop\n"
)


def _tool(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{code}")
    path.chmod(0o755)
    return path


def snapshot(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """Every folder, file (its bytes and mode) and link under ``root``; {} when it is absent."""
    found: dict[str, object] = {}
    if not root.exists():
        return found
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if here != root or d not in skip)
        for name in dirs:
            path = here / name
            found[str(path.relative_to(root)) + "/"] = os.readlink(path) if path.is_symlink() else 0
        for name in sorted(files):
            path = here / name
            if path.is_symlink():
                found[str(path.relative_to(root))] = ("link", os.readlink(path))
            else:
                found[str(path.relative_to(root))] = (path.read_bytes(), path.stat().st_mode)
    return found


@pytest.fixture
def xdg_home(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$HOME is the test's too (xdg-utils fall back on it); no desktop session is assumed."""
    monkeypatch.setenv("HOME", str(isolated_dirs))
    for name in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")  # xdg-mime asks the bus
    return isolated_dirs


def _lived_in(home: Path, tools: Path) -> None:
    """Other apps' files, defaults and caches, and a config file, as a used desktop has them."""
    config, data = home / "xdg-config", home / "xdg-data"
    (config / "autostart").mkdir(parents=True)
    (config / "autostart" / "syncthing.desktop").write_text("[Desktop Entry]\nName=Syncthing\n")
    (config / "mimeapps.list").write_text(_MIMEAPPS)
    apps = data / "applications"
    apps.mkdir(parents=True)
    (apps / "linphone.desktop").write_text(
        "[Desktop Entry]\nName=Linphone\nMimeType=x-scheme-handler/sip;\n"
    )
    icons = data / "icons" / "hicolor" / "48x48" / "apps"
    icons.mkdir(parents=True)
    (icons / "linphone.png").write_bytes(b"\x89PNG")
    run = [sys.executable]
    subprocess.run([*run, str(tools / "update-desktop-database"), str(apps)], check=True)
    subprocess.run(
        [*run, str(tools / "gtk-update-icon-cache"), "--ignore-theme-index", str(icons.parents[1])],
        check=True,
    )
    settings.save_config(paths.config_path(), settings.Config())


@pytest.mark.parametrize("lived_in", [False, True], ids=["empty-folders", "lived-in-folders"])
@pytest.mark.parametrize("with_tools", [False, True], ids=["no-tools", "desktop-tools"])
def test_uninstall_leaves_the_folders_as_install_found_them(
    xdg_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lived_in: bool,
    with_tools: bool,
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    _tool(tools, "update-desktop-database", _UPDATE_DESKTOP_DATABASE)
    _tool(tools, "gtk-update-icon-cache", _GTK_UPDATE_ICON_CACHE)
    if lived_in:
        _lived_in(xdg_home, tools)
    empty = tmp_path / "no-tools"
    empty.mkdir()
    # with tools: the stand-ins first, then this machine's own (xdg-mime, if installed)
    monkeypatch.setenv(
        "PATH", f"{tools}{os.pathsep}{os.environ['PATH']}" if with_tools else str(empty)
    )
    config, data = xdg_home / "xdg-config", xdg_home / "xdg-data"
    before = {
        "config": snapshot(config),
        "data": snapshot(data),
        "home": snapshot(xdg_home, skip=("logs",)),  # the app's own log is expected
    }
    run = Cli(capsys)

    assert run("desktop", "install", "--autostart") == 0, run.err
    assert (data / "applications" / DESKTOP_FILE).is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "telephony-desktop.svg").is_file()
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "telephony-desktop.png").is_file()
    assert (config / "autostart" / DESKTOP_FILE).is_file()
    defaults = read_defaults((config / "mimeapps.list").read_text())
    assert defaults["x-scheme-handler/tel"] == DESKTOP_FILE
    if with_tools:
        cache = (data / "applications" / "mimeinfo.cache").read_text()
        assert f"x-scheme-handler/tel={DESKTOP_FILE};" in cache
    if with_tools and lived_in:
        icon_cache = (data / "icons" / "hicolor" / "icon-theme.cache").read_text()
        assert "scalable/apps/telephony-desktop.svg" in icon_cache
    assert snapshot(xdg_home, skip=("logs",)) != before["home"]

    assert run("desktop", "uninstall") == 0, run.err
    assert snapshot(config) == before["config"]
    assert snapshot(data) == before["data"]
    assert snapshot(xdg_home, skip=("logs",)) == before["home"]
    # what stays on purpose, and says so
    assert "Kept: your settings (" in run.out
    assert "removes only the desktop integration" in run.out
    assert str(paths.data_dir()) in run.out and str(paths.log_dir()) in run.out
    assert paths.log_dir().is_dir()


def test_uninstall_keeps_what_others_added_since(
    xdg_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Between install and uninstall another app registers itself: its files and lines stay,
    ours go, and the folders they share stay."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no tools
    run = Cli(capsys)
    assert run("desktop", "install", "--autostart") == 0, run.err
    config, data = xdg_home / "xdg-config", xdg_home / "xdg-data"
    mimeapps = config / "mimeapps.list"
    mimeapps.write_text(mimeapps.read_text() + "text/html=firefox.desktop\n")
    (data / "applications" / "firefox.desktop").write_text("[Desktop Entry]\nName=Firefox\n")
    (config / "autostart" / "syncthing.desktop").write_text("[Desktop Entry]\n")
    assert run("desktop", "uninstall") == 0, run.err
    assert read_defaults(mimeapps.read_text()) == {"text/html": "firefox.desktop"}
    assert sorted(str(p.relative_to(xdg_home)) for p in xdg_home.rglob("*") if p.is_file()) == [
        "logs/telephony-desktop.log",
        "xdg-config/autostart/syncthing.desktop",
        "xdg-config/mimeapps.list",
        "xdg-data/applications/firefox.desktop",
    ]
