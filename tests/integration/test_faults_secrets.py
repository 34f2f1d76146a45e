"""Fault matrix, secrets × surrounding whitespace, for every secret field of every provider.

A secret given as ``"TOKEN "`` or ``"TOKEN\\n"`` (as ``echo``, a copy-paste or a file leave it),
from the environment, the keyring or the settings form, is used stripped, and no form of it
(stripped or not, percent-encoded, JSON- or XML-escaped) is printed or logged, even when a server
echoes the whole request back in its error answer.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote_plus

import keyring
import pytest

from telephony_desktop.cli import EXIT_FAILED, main
from telephony_desktop.demo import demo_accounts
from telephony_desktop.redaction import redact_text
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SERVICE, SecretStore, secret_env_var

PADDINGS = {"trailing_space": "{} ", "newline": "{}\n", "both_sides": " \t{}\r\n"}
SOURCES = ("environment", "keyring")


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with an error that quotes the whole request, in the shape each
    provider's errors take (VoiceMeUp XML, the others JSON)."""

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        echo = f"{self.command} {self.path} {dict(self.headers)} {body} {unquote_plus(self.path)}"
        if "request_type=" in self.path:
            text = echo.replace("&", "&amp;").replace("<", "&lt;")
            payload = (
                '<?xml version="1.0"?><response status="failed"><errors>'
                f'<error code="odd_failure">{text}</error></errors></response>'
            ).encode()
            kind = "text/xml"
        else:
            payload = json.dumps(
                {
                    "success": False, "error": True, "status": "error", "code": 499, "err": "1",
                    "msg": echo, "message": echo, "error_msg": echo, "Message": echo,
                }
            ).encode()  # fmt: skip
            kind = "application/json"
        self.send_response(400)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echo_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _forms(value: str) -> set[str]:
    stripped = value.strip()
    return {stripped, value, quote(stripped, safe=""), quote_plus(stripped)}


def _fields() -> list[tuple[str, str]]:
    with SandboxServer(seed=7, call_count=10) as server:
        accounts = demo_accounts(server)
    return [(account.provider, field) for account, fields in accounts for field in fields]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize(("provider", "field"), _fields())
def test_padded_secret_is_used_stripped_and_never_shown(
    sandbox: SandboxServer,
    echo_origin: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_dirs: Path,
    provider: str,
    field: str,
    padding: str,
    source: str,
) -> None:
    account, secrets = next((a, f) for a, f in demo_accounts(sandbox) if a.provider == provider)
    base = (account.base_url or "").replace(sandbox.origin, echo_origin)
    account = dataclasses.replace(account, base_url=base)
    config = settings.add_account(settings.Config(), account, make_default=True)
    settings.save_config(paths.config_path(), config)
    padded = {name: PADDINGS[padding].format(value) for name, value in secrets.items()}
    for name, value in padded.items():
        if source == "environment":
            monkeypatch.setenv(secret_env_var(account.name, name), value)
        else:  # as another tool (or an older version) left it in the keyring
            keyring.set_password(SERVICE, f"{account.name}/{name}", value)

    # Read once: every form is stripped.
    assert SecretStore().get(account.name, field) == secrets[field]

    code = main(["--debug", "account", "test", account.name])
    out, err = capsys.readouterr()
    assert code != EXIT_FAILED, err  # (TeleCMI takes a refusal of its probe as "signed in")
    logs = "".join(p.read_text("utf-8") for p in paths.log_dir().glob("*.log*"))
    for value in padded.values():
        for form in _forms(value):
            assert form not in out + err + logs, f"{form!r} shown"
    assert redact_text(f"x {padded[field]} y").count(secrets[field]) == 0


def test_the_settings_form_and_set_secret_store_it_stripped() -> None:
    store = SecretStore()
    store.set("office", "auth_token", "0123456789abcdef0123456789abcdef\n")
    assert keyring.get_password(SERVICE, "office/auth_token") == "0123456789abcdef0123456789abcdef"
    for bad in ("a\nb", "tok\x00en"):
        with pytest.raises(ValueError):
            store.set("office", "auth_token", bad)
