"""The diagnostic bundle ("Report a problem", ``telephony-desktop diagnostics``) and crash reports:
what they hold, what they never hold, and how they are written."""

from __future__ import annotations

import logging
import platform
import tomllib
import zipfile
from pathlib import Path

import pytest

from telephony_desktop import __version__, diagnostics
from telephony_desktop.cli import EXIT_FAILED, EXIT_OK, main
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.providers import http
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore, secret_env_var

TOKEN = "diag-token-5d1e7a0c9b8f4e21"  # VoiceMeUp auth_token, in the keyring
CNAM_USER = "cnam-api-user-7731"  # TrueCNAM API user name: a setting, but half of the key
CNAM_PASSWORD = "cnam-pass-4410f2"  # TrueCNAM password, from the environment
SECRETS = (TOKEN, CNAM_USER, CNAM_PASSWORD)


def _configure() -> settings.Config:
    """Three accounts: one secret in the keyring, one in the environment, two missing."""
    config = settings.Config()
    for account in (
        settings.Account(
            name="office",
            provider="voicemeup",
            account_id="80012345",
            caller_id="+15145550100",
            base_url="https://api.example.test/xml_engine/xml_engine.php",
        ),
        settings.Account(
            name="cnam",
            provider="truecnam",
            settings={"username": CNAM_USER},
        ),
        settings.Account(
            name="rec",
            provider="verba",
            base_url="https://verba.example.test/verba/api",
            settings={"username": "agent"},
        ),
    ):
        config = settings.add_account(config, account, make_default=account.name == "office")
    settings.save_config(paths.config_path(), config)
    SecretStore().set("office", "auth_token", TOKEN)
    return config


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> settings.Config:
    monkeypatch.setenv(secret_env_var("cnam", "password"), CNAM_PASSWORD)
    return _configure()


def _members(bundle: Path) -> dict[str, str]:
    with zipfile.ZipFile(bundle) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _assert_clean(texts: dict[str, str]) -> None:
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"a secret was found in {name}"


def test_bundle_holds_versions_settings_sources_log_and_crash_reports(
    configured: settings.Config, isolated_dirs: Path
) -> None:
    log_dir = paths.log_dir()
    diagnostics.setup_logging(log_dir, debug=True)
    logging.getLogger("telephony_desktop.test").info("the line the bundle must carry")
    # Unredacted on purpose: the bundle redacts again whatever reaches it.
    with open(log_dir / diagnostics.LOG_FILE_NAME, "a", encoding="utf-8") as fh:
        fh.write(f"GET https://x.test/api?username={CNAM_USER}&auth_token={TOKEN}\n")
    http.register_secret(CNAM_USER)
    try:
        raise RuntimeError(f"boom at https://x.test/?password={CNAM_PASSWORD}")
    except RuntimeError as exc:
        report = diagnostics.write_crash_report(exc, log_dir=log_dir, context="a test")
    assert report is not None and report.name.startswith("crash-")

    bundle = diagnostics.write_bundle(
        isolated_dirs / "out" / "report.zip",
        config_path=paths.config_path(),
        log_dir=log_dir,
        extra={"Window": "main"},
    )
    files = _members(bundle)
    assert set(files) == {
        "about.txt",
        "settings.toml",
        "secrets.txt",
        f"log/{diagnostics.LOG_FILE_NAME}",
        f"crash/{report.name}",
    }
    about = files["about.txt"]
    for expected in (
        f"Telephony Desktop: {__version__}",
        f"Python:            CPython {platform.python_version()}"
        if platform.python_implementation() == "CPython"
        else platform.python_version(),
        "PySide6:",
        "Platform plugin:",
        "Keyring backend:",
        "MemoryKeyring",  # the suite's keyring, by class name
        "OS:",
        "Window:            main",
    ):
        assert expected in about
    toml = tomllib.loads(files["settings.toml"])
    assert toml["default_account"] == "office"
    assert toml["accounts"]["office"]["account_id"] == "80012345"
    assert toml["accounts"]["cnam"]["settings"]["username"] == "***"
    assert toml["accounts"]["rec"]["settings"]["username"] == "agent"
    secrets = files["secrets.txt"].splitlines()
    assert "office/auth_token: keyring" in secrets
    assert "cnam/password: environment" in secrets
    assert "rec/api_key: missing" in secrets and "rec/password: missing" in secrets
    log_text = files[f"log/{diagnostics.LOG_FILE_NAME}"]
    assert "the line the bundle must carry" in log_text
    assert "auth_token=***" in log_text
    assert "RuntimeError" in files[f"crash/{report.name}"]
    _assert_clean(files)


def test_settings_with_secret_looking_keys_are_dropped(isolated_dirs: Path) -> None:
    """A hand-edited config that breaks the rules (a password in it) still yields a report:
    the offending keys are left out, the load error is named."""
    config_path = paths.config_path()
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        'version = 1\n[accounts.office]\nprovider = "voicemeup"\naccount_id = "80012345"\n'
        f'auth_token = "{TOKEN}"\n[accounts.office.settings]\napiKey = "{CNAM_PASSWORD}"\n',
        encoding="utf-8",
    )
    text = diagnostics.settings_text(config_path)
    assert "could not be loaded" in text
    data = tomllib.loads(text)
    assert data["accounts"]["office"] == {
        "provider": "voicemeup",
        "account_id": "80012345",
        "settings": {},
    }
    assert TOKEN not in text and CNAM_PASSWORD not in text


def test_only_the_newest_megabyte_of_the_logs_goes_in(
    configured: settings.Config, isolated_dirs: Path
) -> None:
    log_dir = paths.log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    line = "x" * 99 + "\n"
    for n, name in enumerate(("telephony-desktop.log.2", "telephony-desktop.log.1")):
        (log_dir / name).write_text(f"OLDEST-{n}\n" + line * 8_000)
    (log_dir / diagnostics.LOG_FILE_NAME).write_text(line * 3_000 + "NEWEST\n")
    files = _members(
        diagnostics.write_bundle(
            isolated_dirs / "r.zip", config_path=paths.config_path(), log_dir=log_dir
        )
    )
    logs = {k: v for k, v in files.items() if k.startswith("log/")}
    assert set(logs) == {"log/telephony-desktop.log", "log/telephony-desktop.log.1"}
    assert logs["log/telephony-desktop.log"].endswith("NEWEST\n")
    assert "OLDEST" not in "".join(logs.values())  # log.1 was cut at its start, log.2 left out
    total = sum(len(v.encode()) for v in logs.values())
    assert 900_000 < total <= diagnostics.BUNDLE_LOG_BYTES


def test_the_bundle_is_written_atomically(
    configured: settings.Config, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = isolated_dirs / "out" / "report.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"the previous report")

    def fail(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("telephony_desktop.store.audio.os.replace", fail)
        with pytest.raises(TelephonyError, match="is full"):
            diagnostics.write_bundle(
                target, config_path=paths.config_path(), log_dir=paths.log_dir()
            )
    assert target.read_bytes() == b"the previous report"  # untouched, no half-written zip
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.zip"]  # no leftovers
    diagnostics.write_bundle(target, config_path=paths.config_path(), log_dir=paths.log_dir())
    assert "about.txt" in _members(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.zip"]


def test_crash_reports_are_redacted_numbered_and_pruned(isolated_dirs: Path) -> None:
    log_dir = isolated_dirs / "crashes"
    http.register_secret(TOKEN)
    written: list[Path] = []
    for n in range(diagnostics.CRASH_KEEP + 3):
        try:
            try:
                raise KeyError(f"token {TOKEN}")
            except KeyError as inner:
                raise ValueError(f"#{n} https://h.test/?api_key={CNAM_PASSWORD}") from inner
        except ValueError as exc:
            report = diagnostics.write_crash_report(exc, log_dir=log_dir)
        assert report is not None
        written.append(report)
    assert len(set(written)) == len(written)  # same second: -2, -3, ... suffixes
    kept = diagnostics.crash_reports(log_dir)
    assert len(kept) == diagnostics.CRASH_KEEP and kept[-1] == written[-1]
    text = written[-1].read_text()
    assert "ValueError" in text and "KeyError" in text and "api_key=***" in text
    assert TOKEN not in text and CNAM_PASSWORD not in text


def test_cli_diagnostics_writes_the_bundle(
    configured: settings.Config,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = isolated_dirs / "support" / "report.zip"
    assert main(["--debug", "diagnostics", "-o", str(target)]) == EXIT_OK
    out = capsys.readouterr().out
    assert str(target) in out
    files = _members(target)
    assert "office/auth_token: keyring" in files["secrets.txt"]
    assert "command: diagnostics" in files["log/telephony-desktop.log"]
    _assert_clean(files)
    _assert_clean({"output": out})
    # No -o: a dated name in the current folder.
    monkeypatch.chdir(isolated_dirs)
    assert main(["diagnostics"]) == EXIT_OK
    made = list(isolated_dirs.glob("telephony-desktop-report-*.zip"))
    assert len(made) == 1 and str(made[0].name) in capsys.readouterr().out


def test_cli_unexpected_error_writes_a_crash_report(
    configured: settings.Config,
    isolated_dirs: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    http.register_secret(TOKEN)

    async def broken(_ctx: object) -> int:
        raise RuntimeError(f"bug while fetching https://x.test/?auth_token={TOKEN}")

    monkeypatch.setattr("telephony_desktop.cli.commands.dids_cmd", broken)
    assert main(["dids", "list"]) == EXIT_FAILED
    err = capsys.readouterr().err
    reports = diagnostics.crash_reports(paths.log_dir())
    assert len(reports) == 1 and str(reports[0]) in err and "RuntimeError" in err
    assert "bug while fetching" in reports[0].read_text()
    _assert_clean({"stderr": err, "crash": reports[0].read_text()})
