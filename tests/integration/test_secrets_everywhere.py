"""Issue 7.3: after a run that makes every provider fail in every way, no configured secret is in
the log files, the crash reports, the command output (``--json`` included), the exception texts
or the diagnostic bundle. And TLS is verified; plain http goes only to this computer unless an
account opts in.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from telephony_desktop.cli import EXIT_INPUT, EXIT_OK, main
from telephony_desktop.demo import DEMO_ACCOUNT, demo_accounts
from telephony_desktop.domain.errors import ConnectionFailed, TelephonyError
from telephony_desktop.providers import http
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.accounts import check_account, open_client
from telephony_desktop.services.call_routes import (
    call_routes,
    place_routed_call,
    prepare_routed_call,
)
from telephony_desktop.services.caller_name import announce_call_start
from telephony_desktop.services.verba_recordings import VerbaLookup
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore, secret_env_var

SELFTEST_CERTS = Path(__file__).resolve().parents[2] / "packaging" / "selftest"
# Faults each round arms on every engine request and every media download; None: no fault, and
# "auth": no fault but every secret wrong (each provider refuses the credentials).
ROUNDS: tuple[str | None, ...] = (None, "reset", "http_error", "malformed", "error", "auth")
IN_KEYRING = ("voicemeup", "verba")  # the others' secrets come from the environment


class Secrets:
    """Every secret configured during the run (right and wrong ones) and where each lives."""

    def __init__(self, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.store = SecretStore()
        self.accounts = demo_accounts(sandbox)
        self.user = sandbox.truecnam.username  # a setting, but it travels in the URL beside the key
        self.values: set[str] = {self.user}

    def install(self, *, wrong: bool = False) -> None:
        for account, fields in self.accounts:
            for field, right in fields.items():
                value = right
                if wrong:  # well-formed, refused by the provider (a VoiceMeUp token is hex)
                    value = "0badc0de" * 4 if field == "auth_token" else f"wrong-{field}-9f3c1a"
                self.values.add(value)
                if account.provider in IN_KEYRING:
                    self.store.set(account.name, field, value)
                else:
                    self.monkeypatch.setenv(secret_env_var(account.name, field), value)


def _exception_texts(exc: BaseException) -> list[str]:
    """str/repr/user messages of ``exc`` and of everything chained to it."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), *(str(a) for a in current.args)]
        if isinstance(current, TelephonyError):
            texts += [current.user_message("en"), current.user_message("fr")]
        for linked in (current.__cause__, current.__context__):
            if linked is not None and id(linked) not in seen:
                texts.extend(_exception_texts(linked))
        current = None
    return texts


async def _services_round(config: settings.Config, store: SecretStore, media: Path) -> list[str]:
    """The services the window uses, each once, every failure's texts kept."""
    from telephony_desktop.providers.truecnam.client import TrueCnamClient
    from telephony_desktop.providers.verba.client import VerbaClient
    from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient

    texts: list[str] = []

    async def attempt(coro: object) -> object:
        try:
            return await coro  # type: ignore[misc]
        except TelephonyError as exc:
            texts.extend(_exception_texts(exc))
            return None

    for account in config.accounts:  # "Test connection" for each
        await attempt(check_account(account, store))
    for route in call_routes(config):  # a call on each route
        call = prepare_routed_call(route, "5145550199", region="CA")
        client = await attempt(open_client(route.account, store))
        if client is None:
            continue
        try:
            await attempt(place_routed_call(client, call))  # type: ignore[arg-type]
            if isinstance(client, VoiceMeUpClient):  # the main account's reads and media
                await attempt(client.get_calls(result_limit=10))
                await attempt(client.get_dids())
                await attempt(client.get_e911_endpoints())
                for vm in (await attempt(client.list_voicemails())) or []:  # type: ignore[attr-defined]
                    await attempt(client.fetch_audio(vm.file_url))
                    break
        finally:
            await client.aclose()  # type: ignore[attr-defined]
    for account in config.accounts:
        if account.provider == "truecnam":  # TrueCLID
            client = await attempt(open_client(account, store))
            if isinstance(client, TrueCnamClient):
                outcome = await announce_call_start(client, calling="+15145550100", called="+1")
                texts.append(outcome.message)
                if outcome.error is not None:
                    texts.extend(_exception_texts(outcome.error))
                await client.aclose()
        if account.provider == "verba":  # lookups and media
            client = await attempt(open_client(account, store))
            if isinstance(client, VerbaClient):
                lookup = VerbaLookup(client, media)
                found = await attempt(lookup.find("8856", ("last",)))
                if found is not None:
                    await attempt(lookup.audio_file(found.call_id))  # type: ignore[attr-defined]
                await client.aclose()
    return texts


async def _unexpected_crash(url: str, log_dir: Path) -> list[str]:
    """A bug in a task run by the window's task runner: the loop handler writes a crash report
    and shows where it is."""
    from telephony_desktop.ui.async_qt import Tasks
    from telephony_desktop.ui.errors import install_loop_handler

    shown: list[str] = []
    loop = asyncio.get_running_loop()
    install_loop_handler(loop, shown.append, log_dir=log_dir)

    async def buggy() -> None:
        try:
            raise ConnectionError(f"while fetching {url}")
        except ConnectionError as inner:
            raise KeyError(url) from inner

    Tasks().start(buggy(), name="buggy")
    while not shown:
        await asyncio.sleep(0.01)
    loop.set_exception_handler(None)
    return shown


def test_no_secret_anywhere_after_every_provider_fails(
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_dirs: Path,
) -> None:
    monkeypatch.setattr(http.RetryPolicy, "delay", lambda *_a, **_k: 0.0)  # retries, no waiting
    secrets = Secrets(sandbox, monkeypatch)
    secrets.install()
    config = settings.Config()
    for account, _fields in secrets.accounts:
        config = settings.add_account(config, account, make_default=account.name == DEMO_ACCOUNT)
    settings.save_config(paths.config_path(), config)
    vm_id = min(sandbox.state.voicemails)
    did = min(sandbox.state.dids.values(), key=lambda d: d.client_did_id).phone_number
    out_dir = isolated_dirs / "out"
    out_dir.mkdir()
    outputs: list[str] = []
    texts: list[str] = []

    def run(*argv: str) -> None:
        main(["--debug", *argv])
        captured = capsys.readouterr()
        outputs.extend([captured.out, captured.err])

    commands: list[tuple[str, ...]] = [
        ("history", "sync"),
        ("voicemail", "list", "--json"),
        ("voicemail", "download", str(vm_id), "-o", str(out_dir / "vm.wav")),
        ("dids", "list", "--json"),
        ("e911", "show", did, "--json"),
        *(("call", "5145550199", "--route", r, "--json") for r in ("demo", "bridge", "pbx")),
        ("call-status", "some-request-id", "--json"),
        ("recording", "find", "--extension", "8856", "--download", str(out_dir / "r.wav")),
        *(("account", "test", a.name) for a, _f in secrets.accounts),
        ("account", "list", "--json"),
    ]
    for kind in ROUNDS:
        sandbox.faults.clear()
        secrets.install(wrong=kind == "auth")
        if kind not in (None, "auth"):
            sandbox.faults.add("*", kind, count=None)
            sandbox.faults.add("media", kind, count=None)
        for argv in commands:
            run(*argv)
        texts += asyncio.run(_services_round(config, secrets.store, out_dir / "media"))
    sandbox.faults.clear()
    secrets.install()

    user = secrets.user
    # A bug, its exception carrying a secret-laden URL: the crash report must be clean too.
    token = secrets.accounts[0][1]["auth_token"]
    url = (
        f"{sandbox.base_url}?auth_token={token}&username={user}"
        f"&password={sandbox.truecnam.password}"
    )
    shown = asyncio.run(_unexpected_crash(url, paths.log_dir()))
    assert "crash report was saved to" in shown[0]
    texts += shown
    crash_reports = list(paths.log_dir().glob("crash-*.txt"))
    assert len(crash_reports) == 1
    assert "KeyError" in crash_reports[0].read_text()

    bundle = out_dir / "report.zip"
    run("diagnostics", "-o", str(bundle))
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert {"about.txt", "settings.toml", "secrets.txt"} <= set(members)
    assert any(n.startswith("crash/") for n in members)
    assert "demo/auth_token: keyring" in members["secrets.txt"]
    assert "bridge/secret: environment" in members["secrets.txt"]

    logs = {
        str(p.relative_to(paths.log_dir())): p.read_text("utf-8", errors="replace")
        for p in sorted(paths.log_dir().rglob("*"))
        if p.is_file()
    }
    assert any("truecnam" in t.lower() for t in logs.values())  # the debug log saw the traffic
    assert any("GetMedia" in t or "verba" in t.lower() for t in logs.values())
    assert len(texts) > 100  # failures did happen, at every layer
    places: dict[str, str] = {
        **{f"log dir: {name}": text for name, text in logs.items()},
        **{f"bundle: {name}": text for name, text in members.items()},
        "stdout/stderr": "\n".join(outputs),
        "exception texts": "\n".join(texts),
    }
    leaks = [
        f"{where} ({secret[:6]}…)"
        for where, text in places.items()
        for secret in sorted(secrets.values)
        if secret in text
    ]
    # The config file holds the TrueCNAM user name by design (a setting), never a secret.
    config_text = paths.config_path().read_text()
    leaks += [f"config ({s[:6]}…)" for s in secrets.values - {user} if s in config_text]
    assert leaks == []


# --- TLS ---------------------------------------------------------------------------------------


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_server() -> Iterator[str]:
    """An HTTPS server on loopback whose certificate is signed by the test CA, which no
    system trusts."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(SELFTEST_CERTS / "server.pem", SELFTEST_CERTS / "server-key.pem")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda *_a: None  # type: ignore[method-assign]  # refused handshakes
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


async def test_tls_certificates_are_verified(https_server: str) -> None:
    async with http.make_client() as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(https_server)
        with pytest.raises(ConnectionFailed):  # what the adapters see: nothing was sent
            await http.send(client, "GET", https_server, provider="Example")
    # The same server, trusted explicitly: the refusal above was the certificate check.
    trusting = ssl.create_default_context(cafile=str(SELFTEST_CERTS / "ca.pem"))
    async with httpx.AsyncClient(verify=trusting) as client:
        assert (await client.get(https_server)).text == "hello"


async def test_a_provider_client_refuses_an_untrusted_certificate(https_server: str) -> None:
    from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient

    async with VoiceMeUpClient(
        account_id="80012345", auth_token="0f" * 16, endpoint=https_server + "xml_engine.php"
    ) as client:
        with pytest.raises(ConnectionFailed):
            await client.get_dids()


def test_plain_http_to_the_lan_is_refused_unless_opted_in_with_a_warning(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lan = "http://192.168.1.20/api"
    args = ["account", "add", "pbx", "--provider", "simotel", "--base-url", lan]
    args += ["--setting", "caller=557", "--setting", "context=main"]
    assert main(args) == EXIT_INPUT
    assert "allow_insecure_http" in capsys.readouterr().err
    assert not paths.config_path().exists()
    assert main([*args, "--allow-insecure-http"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "unencrypted" in err and "pbx" in err
    saved = settings.load_config(paths.config_path()).find("pbx")
    assert saved is not None and saved.allow_insecure_http and saved.base_url == lan
    # Loopback (the sandbox) needs no opt-in and gets no warning.
    local = ["account", "add", "lab", "--provider", "simotel", "--base-url", "http://127.0.0.1:9"]
    assert main([*local, "--setting", "caller=557", "--setting", "context=main"]) == EXIT_OK
    assert "unencrypted" not in capsys.readouterr().err
