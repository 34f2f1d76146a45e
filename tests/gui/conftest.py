"""GUI fixtures: a qasync loop on pytest-qt's QApplication, an account on the sandbox, windows.

pytest-qt has no asyncio support, so GUI tests are plain functions that drive coroutines with
``run(...)`` on a qasync loop (which also pumps Qt events). Anything passed to the loop's exception
handler fails the test at teardown, like qasync's own test suite does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.session import open_session
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.collector import GuiThreadCollector
from telephony_desktop.ui.context import AppContext, UiState
from tests.helpers.sandbox import sandbox

T = TypeVar("T")
__all__ = ["sandbox"]


class Runner:
    """Drives coroutines on the qasync loop from a synchronous test.

    ``run_forever`` plus a stop callback, not ``run_until_complete``: qasync 0.28's
    ``run_until_complete`` processes pending Qt events once more after it has cleared the running
    loop, and a socket or timer event handled there would step a task with no running loop.
    """

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def __call__(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=self.loop)
        future.add_done_callback(lambda _f: self.loop.stop())
        self.loop.run_forever()
        return future.result()

    def until(self, predicate: Callable[[], object], timeout: float = 10.0) -> None:
        """Let the window work (events and tasks) until ``predicate()`` is true."""

        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.02)

        self(poll(), timeout)

    def pump(self, seconds: float = 0.05) -> None:
        self(asyncio.sleep(seconds))


@pytest.fixture
def run(qapp: QApplication) -> Iterator[Runner]:
    """A qasync loop, as the app runs one: cyclic garbage is collected on this (the Qt) thread
    only (``ui/collector.py``); what the test leaves, tests/conftest.py collects after it."""
    collector = GuiThreadCollector()
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    runner = Runner(loop)
    try:
        yield runner
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            runner(asyncio.gather(*pending, return_exceptions=True))
        asyncio.set_event_loop(None)
        loop.close()  # also stops its thread executor (asyncio.to_thread workers)
        collector.stop()
    if errors:
        details = "; ".join(f"{c.get('message')}: {c.get('exception')!r}" for c in errors)
        pytest.fail(f"unexpected errors on the loop: {details}")


def _context(
    run: Runner, config: settings.Config, secrets: SecretStore, main: settings.Account
) -> Iterator[AppContext]:
    """``config`` written where the app looks, ``main``'s session open; closed afterwards."""
    config_path = paths.config_path()
    settings.save_config(config_path, config)
    session = run(open_session(main, secrets))
    context = AppContext(
        config_path=config_path,
        config=config,
        secrets=secrets,
        ui_state=UiState(config_path.parent / "ui-state.ini"),
        session=session,
    )
    try:
        yield context
    finally:
        run(context.tasks.cancel_all())
        run(context.aclose())


@pytest.fixture
def ctx(run: Runner, sandbox: SandboxServer, isolated_dirs: Path) -> Iterator[AppContext]:
    """An app context with one account, `office`, on the sandbox (its token in the keyring)."""
    peer = min(sandbox.state.peers.values(), key=lambda p: p.client_peer_id).username
    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        caller_id="+14385550102",
        base_url=sandbox.base_url,
        settings={"ring_first": f"peer:{peer}"},
    )
    config = settings.add_account(settings.Config(), account, make_default=True)
    secrets = SecretStore()
    secrets.set("office", "auth_token", sandbox.auth_token)
    yield from _context(run, config, secrets, account)


@pytest.fixture
def providers_ctx(run: Runner, sandbox: SandboxServer, isolated_dirs: Path) -> Iterator[AppContext]:
    """An app context with one account per provider on the sandbox (as the demo sets them up:
    ``demo`` VoiceMeUp, ``bridge`` TeleCMI, ``pbx`` Simotel, ``callername`` TrueCNAM,
    ``recorder`` Verba), their secrets in the keyring."""
    from telephony_desktop.demo import DEMO_ACCOUNT, demo_accounts

    secrets = SecretStore()
    config = settings.Config()
    for account, values in demo_accounts(sandbox):
        config = settings.add_account(config, account, make_default=account.name == DEMO_ACCOUNT)
        for field, value in values.items():
            secrets.set(account.name, field, value)
    main = config.find(DEMO_ACCOUNT)
    assert main is not None
    yield from _context(run, config, secrets, main)
