"""Starting without an account: the first-run window, then the account's session or the demo.

``app._run_window`` uses it when ``build_context`` found no account::

    if ctx.session is None:
        chosen = await first_run(ctx, start_demo=lambda: start_demo(stack, lang=lang))
        if chosen is None:      # the window was closed
            return 0
        ctx = chosen            # then MainWindow(ctx) as usual
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Literal

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import _
from telephony_desktop.services.session import open_session
from telephony_desktop.store import paths, settings
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.first_run import FirstRunWindow

Choice = tuple[Literal["account"], settings.Account] | tuple[Literal["demo"], None]


async def start_demo(stack: contextlib.ExitStack, *, lang: str = "en") -> AppContext:
    """Start the demo environment (sandbox on loopback, throw-away config; stopped when
    ``stack`` closes) off the Qt thread, and open its account."""
    from telephony_desktop.demo import demo_environment
    from telephony_desktop.ui.app import build_context  # here: app imports this module

    await asyncio.to_thread(stack.enter_context, demo_environment())
    return await build_context(config_path=paths.config_path(), account=None, lang=lang, demo=True)


async def first_run(
    ctx: AppContext, *, start_demo: Callable[[], Awaitable[AppContext]]
) -> AppContext | None:
    """Show the first-run window until an account is added (its session is opened into
    ``ctx``) or the demo is chosen (``start_demo()`` gives its context). None: closed.

    Failures (keyring, provider, demo) are shown in the window, which stays open to try again.
    """
    loop = asyncio.get_running_loop()
    window = FirstRunWindow(ctx)
    screen = window
    choices: asyncio.Queue[Choice | None] = asyncio.Queue()
    screen.account_added.connect(lambda account: choices.put_nowait(("account", account)))
    screen.demo_requested.connect(lambda: choices.put_nowait(("demo", None)))
    window.closed.connect(lambda: choices.put_nowait(None))
    window.show()
    try:
        while True:
            choice = await choices.get()
            if choice is None:
                return None
            try:
                if choice[0] == "account":
                    account = choice[1]
                    screen.set_busy(_("Opening {account}…").format(account=account.name))
                    ctx.session = await open_session(account, ctx.secrets, language=ctx.lang)
                    return ctx
                screen.set_busy(_("Starting the demo…"))
                return await start_demo()
            except TelephonyError as exc:
                screen.show_error(exc)
    finally:
        window.closed.disconnect()
        window.hide()
        loop.call_soon(window.deleteLater)
