"""The sandbox HTTP server: provider simulators on one aiohttp app, on loopback only.

Use it from synchronous code (a background daemon thread with its own event loop)::

    with SandboxServer(now=datetime(2025, 3, 1, 12)) as server:
        httpx.get(server.base_url, params={...})

or inside a running loop (same object, no thread)::

    server = SandboxServer()
    await server.start_async()
    ...
    await server.stop_async()

More providers are added with :meth:`SandboxServer.add_simulator` before starting; each mounts
its own routes beside VoiceMeUp's (see :class:`~telephony_desktop.sandbox.core.Simulator`).

Control API (loopback clients only): ``POST /_sandbox/faults`` (JSON: the fields of
:meth:`FaultRegistry.add`), ``GET``/``DELETE /_sandbox/faults``, ``GET``/``DELETE
/_sandbox/requests`` (the request log), ``POST``/``GET``/``DELETE /_sandbox/variants`` (JSON
``{"provider": "voicemeup", "variants": ["real"], "account": "80012345"}``: see
:mod:`.variants`), ``POST /_sandbox/calls``, ``POST /_sandbox/voicemails``
(JSON overrides for ``state.add_call`` / ``state.add_voicemail``), ``POST /_sandbox/live``
(``{"interval_s": 30}``) and ``DELETE /_sandbox/live``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from telephony_desktop.sandbox.core import RequestLog, Simulator, is_loopback
from telephony_desktop.sandbox.faults import FaultRegistry
from telephony_desktop.sandbox.seed import DEFAULT_ACCOUNT_ID
from telephony_desktop.sandbox.simotel import SimotelSimulator
from telephony_desktop.sandbox.telecmi import TeleCMISimulator
from telephony_desktop.sandbox.truecnam import TrueCnamSimulator
from telephony_desktop.sandbox.variants import Variants
from telephony_desktop.sandbox.verba import VerbaSimulator
from telephony_desktop.sandbox.voicemeup import ENGINE_PATH, VoiceMeUpSimulator
from telephony_desktop.sandbox.voicemeup_state import VoiceMeUpState

log = logging.getLogger(__name__)

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _loopback_control(request: web.Request, handler: _Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox/") and not is_loopback(request.remote):
        raise web.HTTPForbidden(text="the sandbox control API is served to loopback clients only")
    return await handler(request)


class SandboxServer:
    """A local simulator of the five providers' HTTP APIs, all on one loopback origin."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 1234,
        account_id: str = DEFAULT_ACCOUNT_ID,
        auth_token: str | None = None,
        call_count: int = 2400,
        now: datetime | None = None,
        failure_status: int = 200,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"the sandbox only listens on loopback, not {host!r}")
        self.host = host
        self.port = port
        self.account_id = account_id
        self.auth_token = auth_token if auth_token is not None else secrets.token_hex(16)
        self.failure_http_status = failure_status
        self.faults = FaultRegistry()
        self.request_log = RequestLog()
        self.variants = Variants()
        self.state = VoiceMeUpState(
            seed=seed, account_id=account_id, call_count=call_count, now=now
        )
        self.voicemeup = VoiceMeUpSimulator(
            self.state, account_id=account_id, auth_token=self.auth_token
        )
        # The other four providers, each on its own documented paths of the same origin.
        self.telecmi = TeleCMISimulator()
        self.simotel = SimotelSimulator()
        self.truecnam = TrueCnamSimulator()
        self.verba = VerbaSimulator()
        self.simulators: dict[str, Simulator] = {
            sim.name: sim
            for sim in (self.voicemeup, self.telecmi, self.simotel, self.truecnam, self.verba)
        }
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._live_task: asyncio.Task[None] | None = None

    # --- addresses -----------------------------------------------------------------------

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The full VoiceMeUp engine endpoint."""
        return self.origin + ENGINE_PATH

    @property
    def running(self) -> bool:
        return self._runner is not None

    def credentials(self) -> dict[str, str]:
        """The VoiceMeUp query credentials (``client_account_id``, ``auth_token``)."""
        return {"client_account_id": self.account_id, "auth_token": self.auth_token}

    # --- app -----------------------------------------------------------------------------

    def add_simulator(self, simulator: Simulator) -> None:
        """Mount another provider's simulator (before :meth:`start`)."""
        if self.running:
            raise RuntimeError("add simulators before starting the server")
        if simulator.name in self.simulators:
            raise ValueError(f"a simulator named {simulator.name!r} is already mounted")
        self.simulators[simulator.name] = simulator

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[_loopback_control], client_max_size=1024 * 1024)
        for simulator in self.simulators.values():
            simulator.mount(app, self)
        app.router.add_post("/_sandbox/faults", self._control_add_fault)
        app.router.add_get("/_sandbox/faults", self._control_list_faults)
        app.router.add_delete("/_sandbox/faults", self._control_clear_faults)
        app.router.add_get("/_sandbox/requests", self._control_requests)
        app.router.add_delete("/_sandbox/requests", self._control_clear_requests)
        app.router.add_post("/_sandbox/variants", self._control_set_variants)
        app.router.add_get("/_sandbox/variants", self._control_list_variants)
        app.router.add_delete("/_sandbox/variants", self._control_clear_variants)
        app.router.add_post("/_sandbox/live", self._control_start_live)
        app.router.add_delete("/_sandbox/live", self._control_stop_live)
        return app

    # --- lifecycle (async) -----------------------------------------------------------------

    async def start_async(self) -> Self:
        """Start listening in the running loop; returns once the port is bound."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        runner = web.AppRunner(
            self.build_app(), access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        addresses = runner.addresses
        self.port = int(addresses[0][1])
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        log.info("sandbox listening on %s", self.origin)
        return self

    async def stop_async(self) -> None:
        await self._stop_live_now()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._thread is None:
            self._loop = None

    async def __aenter__(self) -> Self:
        return await self.start_async()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop_async()

    # --- lifecycle (thread) ------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> Self:
        """Run the server in a daemon thread with its own loop; returns once listening."""
        if self._runner is not None or self._thread is not None:
            raise RuntimeError("the sandbox is already running")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name="telephony-sandbox", daemon=True)
        self._thread = thread
        thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the sandbox did not start in time")
        if errors:
            self._thread = None
            thread.join(timeout)
            raise errors[0]
        return self

    def stop(self, timeout: float = 10.0) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if not loop.is_closed():
            future = asyncio.run_coroutine_threadsafe(self.stop_async(), loop)
            try:
                future.result(timeout)
            finally:
                loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- live mode ---------------------------------------------------------------------------

    def start_live(self, interval_s: float = 30.0, *, voicemail_every: int = 3) -> None:
        """Every ``interval_s``: a new inbound call; every ``voicemail_every`` ticks a voicemail."""
        if interval_s <= 0 or voicemail_every < 1:
            raise ValueError("interval_s must be > 0 and voicemail_every >= 1")
        self._in_loop(self._start_live_now(interval_s, voicemail_every))

    def stop_live(self) -> None:
        self._in_loop(self._stop_live_now())

    def _in_loop(self, coro: Awaitable[None]) -> None:
        loop = self._loop
        if loop is None or self._runner is None:
            if asyncio.iscoroutine(coro):
                coro.close()
            raise RuntimeError("the sandbox is not running")
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is loop:
            task = loop.create_task(_await(coro))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
        else:
            asyncio.run_coroutine_threadsafe(_await(coro), loop).result(10)

    async def _start_live_now(self, interval_s: float, voicemail_every: int) -> None:
        await self._stop_live_now()
        self._live_task = asyncio.get_running_loop().create_task(
            self._live(interval_s, voicemail_every)
        )

    async def _stop_live_now(self) -> None:
        task, self._live_task = self._live_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _live(self, interval_s: float, voicemail_every: int) -> None:
        tick = 0
        while True:
            await asyncio.sleep(interval_s)
            try:
                self.voicemeup.live_tick(tick, voicemail_every=voicemail_every)
            except Exception:  # pragma: no cover - keep the live feed going
                log.exception("sandbox: live tick failed")
            tick += 1

    @property
    def live(self) -> bool:
        return self._live_task is not None and not self._live_task.done()

    # --- control API ---------------------------------------------------------------------------

    async def _control_add_fault(self, request: web.Request) -> web.Response:
        try:
            data: Any = await request.json()
            if not isinstance(data, dict):
                raise ValueError("body must be a JSON object")
            fault = self.faults.add_from_json(data)
        except (ValueError, TypeError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response(fault.to_json(), status=201)

    async def _control_list_faults(self, request: web.Request) -> web.Response:
        return web.json_response([f.to_json() for f in self.faults.active()])

    async def _control_clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return web.json_response({"cleared": True})

    async def _control_set_variants(self, request: web.Request) -> web.Response:
        try:
            data: Any = await request.json()
            if not isinstance(data, dict):
                raise ValueError("body must be a JSON object")
            self.variants.add_from_json(data)
        except (ValueError, TypeError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response(self.variants.to_json(), status=201)

    async def _control_list_variants(self, request: web.Request) -> web.Response:
        return web.json_response(self.variants.to_json())

    async def _control_clear_variants(self, request: web.Request) -> web.Response:
        self.variants.clear()
        return web.json_response({"cleared": True})

    async def _control_requests(self, request: web.Request) -> web.Response:
        return web.json_response(self.request_log.to_json())

    async def _control_clear_requests(self, request: web.Request) -> web.Response:
        self.request_log.clear()
        return web.json_response({"cleared": True})

    async def _control_start_live(self, request: web.Request) -> web.Response:
        data: Any = {}
        if request.can_read_body:
            try:
                data = await request.json()
            except ValueError:
                raise web.HTTPBadRequest(text="body must be JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        try:
            interval = float(data.get("interval_s", 30.0))
            every = int(data.get("voicemail_every", 3))
            if interval <= 0 or every < 1:
                raise ValueError
        except (TypeError, ValueError):
            raise web.HTTPBadRequest(text="bad interval_s / voicemail_every") from None
        await self._start_live_now(interval, every)
        return web.json_response({"live": True, "interval_s": interval})

    async def _control_stop_live(self, request: web.Request) -> web.Response:
        await self._stop_live_now()
        return web.json_response({"live": False})


async def _await(coro: Awaitable[None]) -> None:
    await coro
