"""Running ``telephony-desktop`` in-process, as the CLI tests do."""

from __future__ import annotations

import json

import pytest

from telephony_desktop.cli import main
from telephony_desktop.store import settings


class Cli:
    """Runs ``telephony-desktop`` in-process and keeps what it printed."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys
        self.out = self.err = ""

    def __call__(self, *argv: str) -> int:
        code = main(list(argv))
        captured = self._capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def json(self) -> object:
        return json.loads(self.out)


def add_account_args(account: settings.Account) -> list[str]:
    """``account add`` for ``account``, its settings as ``--setting KEY=VALUE`` (a VoiceMeUp
    account becomes the default)."""
    args = ["account", "add", account.name, "--provider", account.provider]
    args += ["--base-url", account.base_url or "", "--region", account.region]
    if account.account_id:
        args += ["--account-id", account.account_id]
    if account.caller_id:
        args += ["--caller-id", account.caller_id]
    for key, value in account.settings.items():
        args += ["--setting", f"{key}={value}"]
    if account.provider == "voicemeup":
        args.append("--default")
    return args
