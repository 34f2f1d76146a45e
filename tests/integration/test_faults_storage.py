"""Fault matrix, storage faults × what writes: a history sync, an audio download, a settings save.

Real files on real file systems: a small tmpfs that fills up, a read-only mount, a damaged page
written into a real SQLite database, a data folder that cannot exist. Each ends with one sentence
naming the file and the fix, exit status 3 (configuration or storage; never 1, the status of an
unexpected error), and the cache as it was: intact, and a later sync resumes.

Mounting needs root (tests/helpers/disks.py); elsewhere the cases that need a mount are skipped,
with the reason.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from telephony_desktop.cli import EXIT_CONFIG, EXIT_FAILED
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from tests.helpers.cli import Cli, add_voicemeup_account
from tests.helpers.disks import Disks, disks

__all__ = ["disks"]

ACCOUNT = "office"


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    run = Cli(capsys)
    add_voicemeup_account(
        run, monkeypatch, account_id=sandbox.account_id, base_url=sandbox.base_url,
        token=sandbox.auth_token, name=ACCOUNT,
    )  # fmt: skip
    return run


def account_dir() -> Path:
    return paths.data_dir() / "accounts" / ACCOUNT


def cache_file() -> Path:
    return account_dir() / "cache.sqlite3"


def cached_calls() -> int:
    with sqlite3.connect(f"file:{cache_file()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM calls").fetchone()[0])


def said_once(run: Cli, code: int, *needles: str) -> None:
    """One line on stderr, naming what is asked, and the storage status (never 1)."""
    assert code != EXIT_FAILED, run.err
    assert code == EXIT_CONFIG, run.err
    lines = [
        line for line in run.err.splitlines() if not line.startswith("telephony-desktop: Wait")
    ]
    assert len(lines) == 1, run.err
    assert "unexpected error" not in run.err
    for needle in needles:
        assert needle in lines[0], lines[0]


# --- the history sync -----------------------------------------------------------------------


def test_sync_on_a_full_disk_keeps_the_cache_and_resumes(
    cli: Cli, sandbox: SandboxServer, disks: Disks
) -> None:
    disks.small(
        account_dir(), "1m"
    )  # the schema and a page fit; 2,400 calls and their index do not
    code = cli("history", "sync")
    said_once(cli, code, "is full", str(account_dir()), "Free some space")
    kept = cached_calls()
    assert 0 < kept < sandbox.state.call_count, kept  # the pages that fitted are kept
    disks.grow(account_dir(), "64m")
    assert cli("history", "sync") == 0, cli.err
    assert cached_calls() == sandbox.state.call_count  # resumed, nothing twice


def test_sync_into_a_read_only_cache(cli: Cli, sandbox: SandboxServer, disks: Disks) -> None:
    assert cli("history", "sync") == 0, cli.err
    before = cached_calls()
    sandbox.state.add_call()
    disks.read_only(account_dir())
    code = cli("history", "sync")
    said_once(cli, code, "read-only", str(account_dir()))
    assert cached_calls() == before


def test_sync_into_a_damaged_cache(cli: Cli, sandbox: SandboxServer) -> None:
    assert cli("history", "sync") == 0, cli.err
    data = bytearray(cache_file().read_bytes())
    with sqlite3.connect(cache_file()) as conn:
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(cache_file().read_bytes())
    for start in range(page * 2, len(data) - page, page * 3):  # every third page, past the schema
        data[start : start + page] = b"\xa5" * page
    cache_file().write_bytes(bytes(data))
    for command in (("history", "sync"), ("history", "list", "--search", "a")):
        code = cli(*command)
        said_once(cli, code, "is damaged", str(cache_file()), "delete the file")


def test_a_data_folder_that_cannot_exist(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(blocker / "data"))
    code = cli("history", "sync")
    said_once(cli, code, "cannot be created", str(blocker / "data"))


def test_a_data_folder_that_is_read_only(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, disks: Disks
) -> None:
    root = tmp_path / "ro-data"
    root.mkdir()
    disks.read_only(root)
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(root))
    code = cli("history", "sync")
    said_once(cli, code, "read-only", str(root))


# --- audio downloads ------------------------------------------------------------------------


def test_voicemail_download_into_a_full_audio_folder(
    cli: Cli, sandbox: SandboxServer, disks: Disks, tmp_path: Path
) -> None:
    assert cli("voicemail", "list") == 0, cli.err  # the cache exists, the listing is in it
    audio = account_dir() / "audio"
    disks.small(audio, "8k")  # smaller than one message
    vm = str(min(sandbox.state.voicemails))
    code = cli("voicemail", "download", vm, "-o", str(tmp_path / "vm.wav"))
    said_once(cli, code, "is full", str(audio / "voicemails"))
    assert not [p for p in audio.rglob("*") if p.is_file()]  # no half-written file or part
    assert not (tmp_path / "vm.wav").exists()


# --- settings -------------------------------------------------------------------------------


def test_settings_save_to_a_read_only_folder(cli: Cli, disks: Disks) -> None:
    config = paths.config_path()
    before = config.read_bytes()
    disks.read_only(config.parent)
    code = cli("account", "add", "second", "--provider", "voicemeup", "--account-id", "80012399")
    said_once(cli, code, "read-only", str(config))
    assert config.read_bytes() == before


def test_settings_save_to_a_full_disk(cli: Cli, disks: Disks, tmp_path: Path) -> None:
    folder = disks.small(tmp_path / "small-config", "4k")
    config = folder / "config.toml"
    os.environ[paths.ENV_CONFIG] = str(config)
    try:
        settings.save_config(config, settings.Config())
        (folder / "filler").write_bytes(b"\0" * (4096 - config.stat().st_size - 8))
    except OSError:
        pass
    finally:
        os.environ.pop(paths.ENV_CONFIG)
    code = cli("--config", str(config), "account", "add", "second", "--provider", "voicemeup",
               "--account-id", "80012399")  # fmt: skip
    said_once(cli, code, "is full", str(config))
