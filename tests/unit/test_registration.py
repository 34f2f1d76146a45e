"""Link handler registration and start at login: the Linux files against temporary XDG dirs,
the Windows and macOS artefacts as data."""

from __future__ import annotations

import configparser
import plistlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from telephony_desktop import desktop
from telephony_desktop.desktop import autostart, footprint, registration
from telephony_desktop.desktop.registration import (
    DESKTOP_FILE,
    MIME_TYPES,
    install_linux,
    linux_desktop_entry,
    macos_info_plist_fragment,
    macos_url_types,
    read_defaults,
    remove_defaults,
    set_defaults,
    uninstall_linux,
    windows_keys,
    windows_reg,
)
from telephony_desktop.resources import APP_ICON_PNG, APP_ICON_SVG, resource_path

CMD = ["/opt/Telephony Desktop/bin/python3", "-m", "telephony_desktop"]
WIN_CMD = [r"C:\Program Files\Telephony Desktop\telephony-desktop.exe"]


class Recorder:
    """Stands in for subprocess.run: records argv, never runs anything."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(list(argv))
        return subprocess.CompletedProcess(argv, 0, "", "")


def _which(*tools: str) -> Any:
    return lambda name: f"/usr/bin/{name}" if name in tools else None


def _desktop_entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    data, config = tmp_path / "xdg-data", tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return data, config


# --- launch command ------------------------------------------------------------------------


def test_launch_command_from_source_and_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (Path(registration.__file__).parents[1] / "__main__.py").is_file()
    assert registration.launch_command() == [sys.executable, "-m", "telephony_desktop"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert registration.launch_command() == [sys.executable]


# --- Linux ---------------------------------------------------------------------------------


def test_desktop_entry_is_valid() -> None:
    entry = _desktop_entry(linux_desktop_entry(CMD))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Telephony Desktop"
    assert entry["Icon"] == "telephony-desktop"
    assert entry["MimeType"] == (
        "x-scheme-handler/tel;x-scheme-handler/callto;x-scheme-handler/sip;"
    )
    assert entry["Categories"] == "Network;Telephony;"
    # the path with a space is quoted; %u is the link; string escaping doubles no backslash here
    assert entry["Exec"] == '"/opt/Telephony Desktop/bin/python3" -m telephony_desktop %u'


def test_exec_quoting_follows_the_spec() -> None:
    line = registration.exec_line(['/a "b"/c$d', "100%", r"C:\x"], "%u")
    assert line == r'"/a \\"b\\"/c\\$d" 100%% "C:\\\\x" %u'


def test_install_linux_writes_entry_and_defaults(xdg: tuple[Path, Path]) -> None:
    data, config = xdg
    run = Recorder()
    notes = install_linux(CMD, run=run, which=_which("xdg-mime", "update-desktop-database"))
    entry = data / "applications" / DESKTOP_FILE
    assert entry.read_text() == linux_desktop_entry(CMD)
    assert run.calls == [
        ["/usr/bin/xdg-mime", "default", DESKTOP_FILE, mime] for mime in MIME_TYPES
    ] + [["/usr/bin/update-desktop-database", str(data / "applications")]]
    defaults = read_defaults((config / "mimeapps.list").read_text())
    assert defaults == dict.fromkeys(MIME_TYPES, DESKTOP_FILE)
    assert any(str(entry) in n for n in notes)


def test_install_linux_without_xdg_utils(xdg: tuple[Path, Path]) -> None:
    data, config = xdg
    run = Recorder()
    notes = install_linux(CMD, run=run, which=_which())
    assert run.calls == []
    assert any("xdg-mime not found" in n for n in notes)
    assert (data / "applications" / DESKTOP_FILE).is_file()
    assert read_defaults((config / "mimeapps.list").read_text())["x-scheme-handler/tel"] == (
        DESKTOP_FILE
    )


def test_install_survives_a_failing_tool(xdg: tuple[Path, Path]) -> None:
    def broken(argv: list[str], **kwargs: Any) -> None:
        raise subprocess.TimeoutExpired(argv, 30)

    notes = install_linux(CMD, run=broken, which=_which("xdg-mime"))
    assert any("xdg-mime failed" in n for n in notes)


_LIVED_IN = (
    "# my associations\n"
    "[Added Associations]\n"
    "text/plain=gedit.desktop;\n"
    "\n"
    "[Default Applications]\n"
    "text/html=firefox.desktop\n"
    "x-scheme-handler/sip=linphone.desktop\n"
    "x-scheme-handler/mailto=thunderbird.desktop\n"
)


def test_uninstall_puts_back_a_file_nobody_touched(xdg: tuple[Path, Path]) -> None:
    data, config = xdg
    mimeapps = config / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text(_LIVED_IN)
    install_linux(CMD, run=Recorder(), which=_which())
    installed = mimeapps.read_text()
    assert "# my associations" in installed and "text/plain=gedit.desktop;" in installed
    assert read_defaults(installed) == {
        "text/html": "firefox.desktop",
        "x-scheme-handler/mailto": "thunderbird.desktop",
        **dict.fromkeys(MIME_TYPES, DESKTOP_FILE),
    }
    run = Recorder()
    notes = uninstall_linux(run=run, which=_which("update-desktop-database"))
    assert not (data / "applications" / DESKTOP_FILE).exists()
    # as it was, byte for byte: linphone is the sip handler again
    assert mimeapps.read_text() == _LIVED_IN
    assert f"put {mimeapps} back as it was before install" in notes
    assert run.calls == []  # there was no desktop database to refresh: none is made
    assert not (data / "applications").exists()  # install made the folder; it went with it
    assert not footprint.record_path().exists()


def test_uninstall_after_the_user_edited_mimeapps_takes_out_only_our_lines(
    xdg: tuple[Path, Path],
) -> None:
    _data, config = xdg
    mimeapps = config / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text(_LIVED_IN)
    install_linux(CMD, run=Recorder(), which=_which())
    edited = mimeapps.read_text().replace("text/html=firefox.desktop", "text/html=chromium.desktop")
    # what gio (GNOME's xdg-mime) adds beside the default
    edited = edited.replace(
        "text/plain=gedit.desktop;",
        "text/plain=gedit.desktop;\nx-scheme-handler/tel=telephony-desktop.desktop;",
    )
    mimeapps.write_text(edited)
    notes = uninstall_linux(run=Recorder(), which=_which())
    text = mimeapps.read_text()
    assert read_defaults(text) == {  # the user's edit stays; our defaults go (sip has none now)
        "text/html": "chromium.desktop",
        "x-scheme-handler/mailto": "thunderbird.desktop",
    }
    assert DESKTOP_FILE not in text  # from [Added Associations] too
    assert "text/plain=gedit.desktop;" in text and "# my associations" in text
    assert f"removed our defaults from {mimeapps}" in notes


def test_a_mimeapps_list_install_made_goes_even_after_an_edit(xdg: tuple[Path, Path]) -> None:
    _data, config = xdg
    install_linux(CMD, run=Recorder(), which=_which())
    mimeapps = config / "mimeapps.list"
    mimeapps.write_text("# touched\n" + mimeapps.read_text())
    uninstall_linux(run=Recorder(), which=_which())
    assert not mimeapps.exists() and not config.exists()


def test_remove_defaults_covers_added_associations() -> None:
    text = (
        "[Added Associations]\nx-scheme-handler/tel=telephony-desktop.desktop;other.desktop;\n"
        "x-scheme-handler/sip=telephony-desktop.desktop;\n"
    )
    assert remove_defaults(text, MIME_TYPES, DESKTOP_FILE) == (
        "[Added Associations]\nx-scheme-handler/tel=other.desktop;\n"
    )


def test_install_puts_the_icon_in_the_theme_and_uninstall_takes_every_size(
    xdg: tuple[Path, Path],
) -> None:
    data, _config = xdg
    notes = install_linux(CMD, run=Recorder(), which=_which())
    theme = data / "icons" / "hicolor"
    svg = theme / "scalable" / "apps" / "telephony-desktop.svg"
    png = theme / "256x256" / "apps" / "telephony-desktop.png"
    assert svg.read_bytes() == resource_path(APP_ICON_SVG).read_bytes()
    assert png.read_bytes() == resource_path(APP_ICON_PNG).read_bytes()
    assert f"wrote {png}" in notes
    older = theme / "48x48" / "apps" / "telephony-desktop.png"  # e.g. from another version
    older.parent.mkdir(parents=True)
    older.write_bytes(b"png")
    notes = uninstall_linux(run=Recorder(), which=_which())
    assert {f"removed {p}" for p in (svg, png, older)} <= set(notes)
    assert theme / "48x48" / "apps" in [p for p in theme.rglob("*")]  # not ours: kept
    assert not (theme / "256x256").exists() and not (theme / "scalable").exists()


def test_the_icon_size_comes_from_the_png() -> None:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (48).to_bytes(4, "big") * 2
    assert registration._png_size(header) == 48
    assert registration._png_size(b"GIF89a" + bytes(20)) is None


class FakeDatabase(Recorder):
    """update-desktop-database and gtk-update-icon-cache as they behave: each (re)writes its
    index of the folder it is given."""

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        folder = Path(argv[-1])
        if argv[0].endswith("update-desktop-database"):
            (folder / "mimeinfo.cache").write_text(_mime_cache(folder))
        elif argv[0].endswith("gtk-update-icon-cache"):
            (folder / "icon-theme.cache").write_text(
                "".join(
                    f"{p.relative_to(folder)}\n"
                    for p in sorted(folder.rglob("*"))
                    if p.name != "icon-theme.cache"
                )
            )
        return super().__call__(argv, **kwargs)


def _mime_cache(folder: Path) -> str:
    found: dict[str, list[str]] = {}
    for entry in sorted(folder.glob("*.desktop")):
        for line in entry.read_text().splitlines():
            if line.startswith("MimeType="):
                for mime in filter(None, line.removeprefix("MimeType=").split(";")):
                    found.setdefault(mime, []).append(entry.name)
    return "[MIME Cache]\n" + "".join(f"{m}={';'.join(v)};\n" for m, v in sorted(found.items()))


def test_a_desktop_database_install_made_goes_with_it(xdg: tuple[Path, Path]) -> None:
    data, _config = xdg
    tools = _which("update-desktop-database", "gtk-update-icon-cache")
    install_linux(CMD, run=FakeDatabase(), which=tools)
    cache = data / "applications" / "mimeinfo.cache"
    assert "x-scheme-handler/tel=telephony-desktop.desktop;" in cache.read_text()
    assert not (data / "icons" / "hicolor" / "icon-theme.cache").exists()  # never made
    notes = uninstall_linux(run=FakeDatabase(), which=tools)
    assert f"removed {cache}" in notes
    assert not data.exists()  # the entry, icons, cache, record and every folder they needed


def test_caches_that_were_there_are_refreshed_not_removed(xdg: tuple[Path, Path]) -> None:
    data, _config = xdg
    apps, theme = data / "applications", data / "icons" / "hicolor"
    apps.mkdir(parents=True)
    (apps / "linphone.desktop").write_text("[Desktop Entry]\nMimeType=x-scheme-handler/sip;\n")
    (theme / "48x48" / "apps").mkdir(parents=True)
    (theme / "48x48" / "apps" / "linphone.png").write_bytes(b"png")
    run = FakeDatabase()
    tools = _which("update-desktop-database", "gtk-update-icon-cache")
    run(["update-desktop-database", str(apps)])
    run(["gtk-update-icon-cache", str(theme)])
    mime_before = (apps / "mimeinfo.cache").read_text()
    icons_before = (theme / "icon-theme.cache").read_text()
    install_linux(CMD, run=run, which=tools)
    assert "scalable/apps/telephony-desktop.svg" in (theme / "icon-theme.cache").read_text()
    # another app refreshes the database meanwhile: uninstall refreshes it again
    (apps / "other.desktop").write_text("[Desktop Entry]\nMimeType=x-scheme-handler/tel;\n")
    run(["update-desktop-database", str(apps)])
    run.calls.clear()
    uninstall_linux(run=run, which=tools)
    assert run.calls == [
        ["/usr/bin/update-desktop-database", str(apps)],
        [
            "/usr/bin/gtk-update-icon-cache",
            "--quiet",
            "--ignore-theme-index",
            "--force",
            str(theme),
        ],
    ]
    assert (apps / "mimeinfo.cache").read_text() == (
        mime_before + "x-scheme-handler/tel=other.desktop;\n"
    )
    assert (theme / "icon-theme.cache").read_text() == icons_before


def test_without_the_tool_our_lines_leave_the_desktop_database(xdg: tuple[Path, Path]) -> None:
    data, _config = xdg
    apps = data / "applications"
    apps.mkdir(parents=True)
    (apps / "linphone.desktop").write_text("[Desktop Entry]\nMimeType=x-scheme-handler/sip;\n")
    cache = apps / "mimeinfo.cache"
    cache.write_text("[MIME Cache]\nx-scheme-handler/sip=linphone.desktop;\n")
    install_linux(CMD, run=FakeDatabase(), which=_which("update-desktop-database"))
    assert "x-scheme-handler/tel=telephony-desktop.desktop;" in cache.read_text()
    cache.write_text(cache.read_text() + "text/x-other=other.desktop;\n")  # changed since
    uninstall_linux(run=Recorder(), which=_which())
    assert cache.read_text() == (
        "[MIME Cache]\nx-scheme-handler/sip=linphone.desktop;\ntext/x-other=other.desktop;\n"
    )


def test_reinstalling_keeps_what_the_first_install_found(xdg: tuple[Path, Path]) -> None:
    data, config = xdg
    install_linux(CMD, run=Recorder(), which=_which())
    install_linux(CMD, run=Recorder(), which=_which())
    uninstall_linux(run=Recorder(), which=_which())
    assert not data.exists() and not config.exists()


def test_an_install_without_a_record_is_undone_as_well_as_can_be(xdg: tuple[Path, Path]) -> None:
    data, config = xdg
    mimeapps = config / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text(_LIVED_IN)
    install_linux(CMD, run=Recorder(), which=_which())
    footprint.record_path().unlink()  # as an older version left it
    uninstall_linux(run=Recorder(), which=_which())
    assert not (data / "applications" / DESKTOP_FILE).exists()
    assert not list((data / "icons").rglob("telephony-desktop.*"))
    assert DESKTOP_FILE not in mimeapps.read_text()
    assert (data / "applications").is_dir()  # folders stay: nothing says who made them


def test_start_at_login_from_settings_leaves_no_folder_behind(xdg: tuple[Path, Path]) -> None:
    _data, config = xdg
    autostart.enable(CMD, platform="linux")
    assert (config / "autostart" / DESKTOP_FILE).is_file()
    assert autostart.disable(platform="linux")
    assert not config.exists()
    assert not footprint.record_path().exists()


def test_uninstall_keeps_other_handlers_listed_with_ours() -> None:
    text = "[Default Applications]\nx-scheme-handler/tel=telephony-desktop.desktop;other.desktop;\n"
    assert remove_defaults(text, MIME_TYPES, DESKTOP_FILE) == (
        "[Default Applications]\nx-scheme-handler/tel=other.desktop;\n"
    )


def test_set_defaults_keeps_later_sections() -> None:
    text = "[Default Applications]\ntext/html=firefox.desktop\n\n[Removed Associations]\na/b=c;\n"
    result = set_defaults(text, ["x-scheme-handler/tel"], DESKTOP_FILE)
    assert result == (
        "[Default Applications]\ntext/html=firefox.desktop\n"
        "x-scheme-handler/tel=telephony-desktop.desktop\n\n[Removed Associations]\na/b=c;\n"
    )
    assert set_defaults(result, ["x-scheme-handler/tel"], DESKTOP_FILE) == result  # idempotent


def test_uninstall_with_nothing_installed(xdg: tuple[Path, Path]) -> None:
    assert uninstall_linux(run=Recorder(), which=_which()) == ["nothing to remove"]


def test_desktop_facade_on_linux(xdg: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registration.shutil, "which", lambda name: None)  # no xdg-utils calls
    monkeypatch.setattr(
        registration, "install_linux", _no_tools(registration.install_linux), raising=True
    )
    monkeypatch.setattr(registration, "uninstall_linux", _no_tools(registration.uninstall_linux))
    data, config = xdg
    notes = desktop.install(with_autostart=True, platform="linux")
    assert (data / "applications" / DESKTOP_FILE).is_file()
    assert (config / "autostart" / DESKTOP_FILE).is_file()
    assert notes[-1].startswith("start at login: ")
    status = "\n".join(desktop.status(platform="linux"))
    assert "x-scheme-handler/tel: telephony-desktop.desktop (this app)" in status
    assert "start at login: on" in status
    notes = desktop.uninstall(platform="linux")
    assert notes[-1].startswith("Kept: your settings (")  # config, cache and logs stay
    status = "\n".join(desktop.status(platform="linux"))
    assert "desktop entry: not installed" in status and "start at login: off" in status
    assert "x-scheme-handler/sip: no default" in status


def _no_tools(func: Any) -> Any:
    return lambda *a, **kw: func(*a, **{**kw, "run": Recorder(), "which": _which()})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux registration")
def test_cli_desktop_commands(
    xdg: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from telephony_desktop.cli import main

    monkeypatch.setattr(registration.shutil, "which", lambda name: None)
    monkeypatch.setattr(registration, "install_linux", _no_tools(registration.install_linux))
    monkeypatch.setattr(registration, "uninstall_linux", _no_tools(registration.uninstall_linux))
    data, config = xdg
    assert main(["desktop", "install"]) == 0
    assert str(data / "applications" / DESKTOP_FILE) in capsys.readouterr().out
    assert not (config / "autostart" / DESKTOP_FILE).exists()
    assert main(["desktop", "status"]) == 0
    assert "(this app)" in capsys.readouterr().out
    assert main(["desktop", "uninstall"]) == 0
    assert not (data / "applications" / DESKTOP_FILE).exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux registration")
def test_cli_autostart_keeps_the_setting_in_step(
    xdg: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from telephony_desktop.cli import main
    from telephony_desktop.store import paths, settings

    monkeypatch.setattr(registration.shutil, "which", lambda name: None)
    monkeypatch.setattr(registration, "install_linux", _no_tools(registration.install_linux))
    monkeypatch.setattr(registration, "uninstall_linux", _no_tools(registration.uninstall_linux))
    settings.save_config(paths.config_path(), settings.Config())
    _data, config = xdg
    assert main(["desktop", "install", "--autostart"]) == 0
    assert (config / "autostart" / DESKTOP_FILE).exists()
    assert settings.load_config(paths.config_path()).start_at_login
    assert main(["desktop", "uninstall"]) == 0
    assert not settings.load_config(paths.config_path()).start_at_login


# --- Windows (as data) ---------------------------------------------------------------------


def test_windows_keys() -> None:
    keys = windows_keys(WIN_CMD)
    for scheme in ("tel", "callto", "sip"):
        base = rf"Software\Classes\{scheme}"
        assert keys[base] == {"": f"URL:{scheme} Protocol", "URL Protocol": ""}
        assert keys[rf"{base}\shell\open\command"] == {"": f'"{WIN_CMD[0]}" "%1"'}
        assert keys[rf"{base}\DefaultIcon"] == {"": f'"{WIN_CMD[0]}",0'}
    assert keys[r"Software\RegisteredApplications"] == {
        "Telephony Desktop": r"Software\TelephonyDesktop\Capabilities"
    }


def test_windows_command_line_from_source() -> None:
    cmd = [r"C:\Users\Zoé Côté\venv\Scripts\python.exe", "-m", "telephony_desktop"]
    assert registration.windows_command_line(cmd, '"%1"') == (
        r'"C:\Users\Zoé Côté\venv\Scripts\python.exe" -m telephony_desktop "%1"'
    )


def test_windows_reg_file() -> None:
    text = windows_reg(WIN_CMD)
    assert text.startswith("Windows Registry Editor Version 5.00\r\n\r\n")
    lines = text.split("\r\n")
    i = lines.index(r"[HKEY_CURRENT_USER\Software\Classes\tel\shell\open\command]")
    assert lines[i + 1] == (
        r'@="\"C:\\Program Files\\Telephony Desktop\\telephony-desktop.exe\" \"%1\""'
    )
    i = lines.index(r"[HKEY_CURRENT_USER\Software\Classes\callto]")
    assert lines[i + 1 : i + 3] == ['@="URL:callto Protocol"', '"URL Protocol"=""']
    assert r"[HKEY_CURRENT_USER\Software\Classes\sip\DefaultIcon]" in lines


def test_windows_install_refuses_elsewhere() -> None:
    if sys.platform == "win32":
        pytest.skip("the real registry")
    from telephony_desktop.domain.errors import ConfigError

    with pytest.raises(ConfigError):
        registration.windows_install(WIN_CMD)


# --- macOS (as data) -----------------------------------------------------------------------


def test_macos_url_types() -> None:
    types = macos_url_types()
    assert [t["CFBundleURLSchemes"] for t in types] == [["tel"], ["callto"], ["sip"]]
    assert all(t["CFBundleURLName"].endswith(t["CFBundleURLSchemes"][0]) for t in types)
    fragment = plistlib.loads(macos_info_plist_fragment())
    assert fragment == {"CFBundleURLTypes": types}


# --- start at login ------------------------------------------------------------------------


def test_xdg_autostart_entry() -> None:
    entry = _desktop_entry(autostart.xdg_autostart_entry(CMD))
    assert entry["Type"] == "Application"
    assert entry["Exec"] == '"/opt/Telephony Desktop/bin/python3" -m telephony_desktop --minimized'
    assert entry["X-GNOME-Autostart-enabled"] == "true"


def test_windows_run_value() -> None:
    key, name, data = autostart.windows_run_value(WIN_CMD)
    assert key == r"Software\Microsoft\Windows\CurrentVersion\Run"
    assert name == "Telephony Desktop"
    assert data == f'"{WIN_CMD[0]}" --minimized'


def test_launch_agent_plist(tmp_path: Path) -> None:
    agent = plistlib.loads(autostart.launch_agent_plist(["/Applications/T.app/Contents/MacOS/t"]))
    assert agent["RunAtLoad"] is True
    assert agent["ProgramArguments"] == ["/Applications/T.app/Contents/MacOS/t", "--minimized"]
    assert agent["Label"] == autostart.LAUNCH_AGENT_LABEL
    path = autostart.launch_agent_path(tmp_path)
    assert path == tmp_path / "Library" / "LaunchAgents" / f"{agent['Label']}.plist"


def test_autostart_enable_disable_linux(xdg: tuple[Path, Path]) -> None:
    _, config = xdg
    assert not autostart.is_enabled(platform="linux")
    where = autostart.enable(CMD, platform="linux")
    path = config / "autostart" / "telephony-desktop.desktop"
    assert where == str(path) and path.read_text() == autostart.xdg_autostart_entry(CMD)
    assert autostart.is_enabled(platform="linux")
    path.write_text(path.read_text().replace("enabled=true", "enabled=false"))
    assert not autostart.is_enabled(platform="linux")  # switched off in the desktop's settings
    assert autostart.disable(platform="linux") is True
    assert not path.exists() and not autostart.is_enabled(platform="linux")
    assert autostart.disable(platform="linux") is False


def test_autostart_enable_disable_macos_files(tmp_path: Path) -> None:
    home = tmp_path / "mac-home"
    autostart.enable(["/x/t"], home=home, platform="darwin")
    assert autostart.is_enabled(home=home, platform="darwin")
    assert plistlib.loads(autostart.launch_agent_path(home).read_bytes())["RunAtLoad"] is True
    assert autostart.disable(home=home, platform="darwin")
    assert not autostart.is_enabled(home=home, platform="darwin")


def test_desktop_modules_do_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import telephony_desktop.desktop, telephony_desktop.desktop.links\n"
        "import telephony_desktop.desktop.registration, telephony_desktop.desktop.autostart\n"
        "import telephony_desktop.cli\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('PySide6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
