"""``telephony-desktop --self-test``: prove that this build (a PyInstaller bundle above all) works.

Four checks, in order, on the app's own code paths; one line each on stdout
(``self-test: <check>: ok (<detail>)``), then ``self-test: passed``. The first failure prints
``self-test: <check>: FAILED (<reason>)`` and the run stops with status 1.

1. ``window``: a QApplication (offscreen unless ``QT_QPA_PLATFORM`` says otherwise) on the qasync
   loop, the demo sandbox loaded, the main window shown on the demo account and closed cleanly.
2. ``voicemail``: a sandbox voicemail fetched to the cache by ``VoicemailService`` and played by
   the ``AudioPlayer`` until its position advances (QtMultimedia's FFmpeg backend; 10 s at most).
3. ``keyring``: a secret stored, read back and deleted through ``SecretStore`` on the keyring
   backend this build ends up with; the ``fail``/``null``/file backends are a failure, with the
   reason (a frozen app that lost keyring's backends falls back to ``fail``).
4. ``https``: a loopback HTTPS server signed by a test CA (``packaging/selftest/``): the app's
   default client (``make_client``, verification on, CA bundle from ``certifi``) must refuse it,
   and a client trusting that CA for this request only must get its answer.

Nothing touches the user's config, cache or keyring entries: the demo brings a throw-away config
and data dir, and the keyring probe uses a unique service name and deletes what it wrote.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import os
import secrets
import socket
import ssl
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

T = TypeVar("T")

PLAYBACK_TIMEOUT_S: Final = 10.0
CHECK_TIMEOUT_S: Final = 60.0
SELFTEST_DIR_NAME: Final = "selftest"  # in the bundle: <_MEIPASS>/selftest
CA_FILE: Final = "ca.pem"
SERVER_CERT_FILE: Final = "server.pem"
SERVER_KEY_FILE: Final = "server-key.pem"


class SelfTestFailed(Exception):
    """A check failed; the message says why, in one sentence."""


def _say(text: str) -> None:
    print(f"self-test: {text}", flush=True)


def resource_dir() -> Path:
    """Where the self-test certificates are: inside the bundle when frozen, else the source
    tree's ``packaging/selftest``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / SELFTEST_DIR_NAME
    return Path(__file__).resolve().parent.parent / "packaging" / SELFTEST_DIR_NAME


def process_age_s() -> float | None:
    """Seconds since this process started (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22, "starttime", counted from field 3
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return None


async def _in_thread(fn: Callable[[], T], timeout_s: float, what: str) -> T:
    """Run a blocking call (D-Bus, keyring discovery) in a daemon thread with a deadline, so a
    stuck call neither blocks the Qt loop nor hangs the exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = fn(), None
        except BaseException as exc:
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="self-test-call", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raise SelfTestFailed(f"{what} did not answer within {timeout_s:g} s") from None


# --- 1. the window -----------------------------------------------------------------------------


async def _check_window(app: QApplication, lang: str) -> str:
    from PySide6.QtGui import QGuiApplication

    from telephony_desktop.store import paths
    from telephony_desktop.ui.app import apply_theme, build_context
    from telephony_desktop.ui.main_window import MainWindow

    ctx = await build_context(config_path=paths.config_path(), account=None, lang=lang, demo=True)
    try:
        if ctx.session is None:
            raise SelfTestFailed("the demo account did not open")
        apply_theme(app, ctx.config.theme)
        window = MainWindow(ctx)
        closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        window.closed.connect(lambda: None if closed.done() else closed.set_result(None))
        window.show()
        for _ in range(100):  # until the platform has mapped it (immediate offscreen)
            if window.isVisible() and window.windowHandle() is not None:
                break
            await asyncio.sleep(0.01)
        else:
            raise SelfTestFailed("the main window did not become visible")
        age = process_age_s()
        title, tabs = window.windowTitle(), window.tabs.count()
        # Tabs other than the first are built (and their modules imported) when opened: open
        # each, so that a bundle missing one of those modules fails here, not in a user's hands.
        for key in window.pages:
            try:
                window.show_tab(key)
            except ImportError as exc:
                raise SelfTestFailed(f"the {key} tab could not be built: {exc}") from None
            await asyncio.sleep(0.05)  # its first load starts, as a user would see
        window.show_tab("dialer")
        await asyncio.sleep(0.2)
        window.quit_app()  # a real close, never "hide to tray"
        await asyncio.wait_for(closed, 5)
        window.deleteLater()
    finally:
        await ctx.tasks.cancel_all()
        await ctx.aclose()
    await asyncio.sleep(0)
    shown = f", shown {age:.2f} s after process start" if age is not None else ""
    return (
        f"{title!r} with {tabs} tabs (each opened) on platform "
        f"{QGuiApplication.platformName()}{shown}, closed cleanly"
    )


# --- 2. a voicemail plays -------------------------------------------------------------------------


async def _check_voicemail(lang: str) -> str:
    from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer

    from telephony_desktop.services.voicemail import VoicemailService
    from telephony_desktop.store import paths
    from telephony_desktop.ui.app import build_context
    from telephony_desktop.ui.widgets.player import AudioPlayer

    ctx = await build_context(config_path=paths.config_path(), account=None, lang=lang, demo=True)
    try:
        if ctx.session is None:
            raise SelfTestFailed("the demo account did not open")
        service = VoicemailService(ctx.session)
        voicemails = await service.refresh()
        if not voicemails:
            raise SelfTestFailed("the sandbox listed no voicemail")
        vm = voicemails[0].voicemail
        path = await service.audio_file(vm.voicemail_id)
        size = (await asyncio.to_thread(path.stat)).st_size
        player = AudioPlayer()
        try:
            if not player.media_player.isAvailable():
                raise SelfTestFailed(
                    "QtMultimedia has no media backend: its FFmpeg plugin "
                    "(plugins/multimedia/libffmpegmediaplugin) is missing or cannot load"
                )
            player.load(path, f"Voicemail {vm.voicemail_id}")
            if player.error_text:
                raise SelfTestFailed(player.error_text)
            player.play()
            deadline = time.monotonic() + PLAYBACK_TIMEOUT_S
            while player.position() <= 0:
                if player.error_text:
                    raise SelfTestFailed(f"the player failed: {player.error_text}")
                if time.monotonic() > deadline:
                    status = player.media_player.mediaStatus().name
                    error = player.media_player.errorString() or "no error reported"
                    raise SelfTestFailed(
                        f"the position did not advance within {PLAYBACK_TIMEOUT_S:g} s "
                        f"(media status {status}, {error}); is QtMultimedia's FFmpeg plugin "
                        "in the bundle?"
                    )
                await asyncio.sleep(0.02)
            position, duration = player.position(), player.duration()
            playing = player.media_player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        finally:
            player.clear()
            player.deleteLater()
    finally:
        await ctx.tasks.cancel_all()
        await ctx.aclose()
    outputs = len(QMediaDevices.audioOutputs())
    device = f"{outputs} audio output(s)" if outputs else "no audio device, decoded only"
    state = "playing" if playing else "played"
    return (
        f"voicemail {vm.voicemail_id} fetched to the cache ({size} bytes {vm.file_format}), "
        f"{state} to {position} ms of {duration} ms; {device}"
    )


# --- 3. the keyring -------------------------------------------------------------------------------


def _describe(obj: object) -> str:
    klass = type(obj)
    return f"{klass.__module__}.{klass.__qualname__}"


def _secret_service_state() -> str:
    """Why the Secret Service backend is not in use: missing from the build, or not running."""
    if not sys.platform.startswith("linux"):
        return "this platform's own keyring backend was not found (missing from the build?)"
    try:
        from keyring.backends import SecretService
    except Exception as exc:
        return f"keyring.backends.SecretService cannot be imported ({exc}): not in this build"
    try:
        priority = SecretService.Keyring.priority
    except Exception as exc:
        return (
            f"the Secret Service is not usable ({exc}); start and unlock GNOME Keyring or KWallet "
            "in this session"
        )
    return f"the Secret Service backend reports priority {priority}"


async def _check_keyring() -> str:
    import keyring
    import keyring.backend

    from telephony_desktop.store.secrets import SecretStore, refusal_reason, usable_backend

    backend = await _in_thread(keyring.get_keyring, 20, "keyring backend discovery")
    chosen = usable_backend(backend)
    if chosen is None:
        viable = await _in_thread(keyring.backend.get_all_keyring, 20, "keyring discovery")
        names = ", ".join(sorted(_describe(b) for b in viable)) or "none"
        why = await _in_thread(_secret_service_state, 20, "the Secret Service")
        raise SelfTestFailed(
            f"no usable keyring backend: keyring chose {_describe(backend)} "
            f"({refusal_reason(backend) or 'refused'}); backends found: {names}; {why}"
        )
    service = f"telephony-desktop-self-test-{secrets.token_hex(6)}"
    account, field = "self-test", "probe"
    store = SecretStore(chosen, service=service, timeout_s=20)
    value = f"self-test-{secrets.token_urlsafe(18)}"
    try:
        await store.aset(account, field, value)
        read_back = await store.aget(account, field)
        if read_back != value:
            raise SelfTestFailed("the keyring gave back a different value than was stored")
        if not await store.adelete(account, field):
            raise SelfTestFailed("the keyring found nothing to delete after storing a secret")
        username = f"{account}/{field}"
        left = await _in_thread(lambda: chosen.get_password(service, username), 20, "keyring")
        if left is not None:
            raise SelfTestFailed("the secret was still in the keyring after deleting it")
    finally:
        with contextlib.suppress(Exception):
            await store.adelete(account, field)
    return f"{_describe(chosen)} stored, read back and deleted a secret (service {service})"


# --- 4. HTTPS -------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _TlsServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.server.tls_version = self.request.version() or "?"
        body = f"telephony-desktop self-test {self.server.token}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the self-test prints its own lines


class _TlsServer(http.server.ThreadingHTTPServer):
    """HTTPS on 127.0.0.1, handshakes done in the per-connection thread (a client that refuses
    the certificate must not disturb the server)."""

    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.context = context
        self.token = secrets.token_hex(8)
        self.tls_version = ""
        self.handshake_errors: list[str] = []

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = self.socket.accept()
        sock.settimeout(10)
        wrapped = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return wrapped, address

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            self.handshake_errors.append(type(exc).__name__)
            return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped connection is the client's choice here


def _certificate_refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext, int]:
    """The loopback server's context, a client context trusting certifi's roots and the test
    CA, and how many roots certifi's bundle holds."""
    import certifi

    folder = resource_dir()
    ca, cert, key = (folder / n for n in (CA_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE))
    missing = [p.name for p in (ca, cert, key) if not p.is_file()]
    if missing:
        raise SelfTestFailed(f"the test certificates are missing from {folder}: {missing}")
    bundle = Path(certifi.where())
    if not bundle.is_file():
        raise SelfTestFailed(f"certifi's CA bundle is missing ({bundle})")
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(certfile=str(cert), keyfile=str(key))
    trusting = ssl.create_default_context(cafile=str(bundle))
    roots = int(trusting.cert_store_stats()["x509_ca"])
    trusting.load_verify_locations(cafile=str(ca))
    return server_tls, trusting, roots


async def _check_https() -> str:
    import httpx

    from telephony_desktop.providers.http import make_client, send

    server_tls, trusting, roots = _tls_contexts()
    server = _TlsServer(server_tls)
    thread = threading.Thread(target=server.serve_forever, name="self-test-https", daemon=True)
    thread.start()
    url = f"https://127.0.0.1:{server.server_address[1]}/self-test"
    try:
        # The app's own client: verification on, certifi's roots only. It must refuse.
        async with make_client() as default_client:
            try:
                await asyncio.wait_for(default_client.get(url), 15)
            except httpx.ConnectError as exc:
                if not _certificate_refused(exc):
                    raise SelfTestFailed(
                        f"the default client failed for another reason than the certificate "
                        f"({type(exc).__name__}: {exc})"
                    ) from None
            else:
                raise SelfTestFailed(
                    "the default client accepted a server signed by the test CA: TLS "
                    "verification is not in force"
                )
            # The same client settings, trusting the test CA as well, for this request only.
            async with httpx.AsyncClient(
                verify=trusting,
                timeout=default_client.timeout,
                follow_redirects=default_client.follow_redirects,
                headers=default_client.headers,
                trust_env=False,
            ) as client:
                reply = await send(client, "GET", url, provider="self-test server", deadline_s=15)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    expected = f"telephony-desktop self-test {server.token}".encode()
    if reply.status != 200 or reply.body != expected:
        raise SelfTestFailed(f"the loopback server answered {reply.status} with unexpected text")
    return (
        f"GET {url}: 200 over {server.tls_version or 'TLS'} with the test CA trusted; the "
        f"default client refused it (certificate verify failed; certifi bundle, {roots} roots)"
    )


# --- the run -------------------------------------------------------------------------------------


async def _run_checks(checks: list[tuple[str, Callable[[], Awaitable[str]]]]) -> int:
    for name, check in checks:
        try:
            detail = await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
        except SelfTestFailed as exc:
            _say(f"{name}: FAILED ({exc})")
            return 1
        except TimeoutError:
            _say(f"{name}: FAILED (no result within {CHECK_TIMEOUT_S:g} s)")
            return 1
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            _say(f"{name}: FAILED (unexpected {type(exc).__name__}: {exc})")
            return 1
        _say(f"{name}: ok ({detail})")
    return 0


def run_self_test(args: argparse.Namespace | None = None) -> int:
    """Run the four checks; 0 when all pass, 1 at the first failure (the reason is printed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads
    lang = str(getattr(args, "lang", None) or "en")
    started = time.perf_counter()
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    _say(f"starting ({frozen}, Python {sys.version.split()[0]}, {sys.executable})")
    try:
        import qasync

        from telephony_desktop.demo import demo_environment
        from telephony_desktop.ui.app import make_application
        from telephony_desktop.ui.collector import collect_on_gui_thread
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        _say(f"window: FAILED (the app cannot load: {type(exc).__name__}: {exc})")
        return 1

    app = make_application()
    checks: list[tuple[str, Callable[[], Awaitable[str]]]] = [
        ("window", lambda: _check_window(app, lang)),
        ("voicemail", lambda: _check_voicemail(lang)),
        ("keyring", _check_keyring),
        ("https", _check_https),
    ]

    def run_on_a_loop() -> int:
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        try:
            with demo_environment(live_interval_s=0), loop:
                return int(loop.run_until_complete(_run_checks(checks)))
        finally:
            asyncio.set_event_loop(None)

    try:
        # As in the app: cyclic garbage (the window once closed, the spent loop) dies on the Qt
        # thread, never on the sandbox's or a worker's.
        with collect_on_gui_thread():
            status = run_on_a_loop()
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        _say(f"FAILED (the demo sandbox could not run: {type(exc).__name__}: {exc})")
        return 1
    if status == 0:
        _say(f"passed ({time.perf_counter() - started:.1f} s)")
    return status
