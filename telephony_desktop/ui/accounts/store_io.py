"""Config and keyring writes for the window: off the Qt thread, one at a time.

Every change is a function from the current ``Config`` to the next one, applied under a lock so
two quick changes (a theme and an account, say) never write over each other; the file is written
atomically by ``settings.save_config`` in a worker thread, then ``ctx.config`` reflects it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import weakref
from collections.abc import Callable

from telephony_desktop.domain.errors import ConfigError, InputError
from telephony_desktop.i18n import _
from telephony_desktop.store import settings
from telephony_desktop.ui.context import AppContext

ConfigChange = Callable[[settings.Config], settings.Config]

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _lock(ctx: AppContext) -> asyncio.Lock:
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(str(ctx.config_path), asyncio.Lock())


async def update_config(ctx: AppContext, change: ConfigChange) -> settings.Config:
    """Apply ``change`` to the newest config, write it (atomic, off-thread), keep it in ``ctx``.

    ``change`` may raise ``InputError``/``ConfigError``: nothing is written then."""
    async with _lock(ctx):
        new = change(ctx.config)
        if new != ctx.config:
            await asyncio.to_thread(settings.save_config, ctx.config_path, new)
            ctx.config = new
        return new


def replace_account(
    config: settings.Config, old_name: str, account: settings.Account
) -> settings.Config:
    """``config`` with the account called ``old_name`` replaced in place (same position; still
    the default if it was)."""
    old = settings.get_account(config, old_name)
    others = [a for a in config.accounts if a is not old]
    clash = next(
        (a for a in others if settings.name_key(a.name) == settings.name_key(account.name)), None
    )
    if clash is not None:
        raise name_taken(account.name, clash.name)
    default = config.default_account
    if default is not None and settings.name_key(default) == settings.name_key(old.name):
        default = account.name
    route = config.call_route
    if route is not None and settings.name_key(route) == settings.name_key(old.name):
        route = account.name if "call" in account.spec.capabilities else None
    accounts = tuple(account if a is old else a for a in config.accounts)
    return dataclasses.replace(config, accounts=accounts, default_account=default, call_route=route)


def with_account(config: settings.Config, account: settings.Account) -> settings.Config:
    """``config`` with a new account (the default when it is the first); a name already in use
    is an ``InputError`` on the name field."""
    existing = config.find(account.name)
    if existing is not None:
        raise name_taken(account.name, existing.name)
    try:
        return settings.add_account(config, account, make_default=not config.accounts)
    except ConfigError as exc:
        raise InputError(exc.user_message(), field="name") from None


def name_taken(name: str, existing: str) -> InputError:
    if name.lower() == existing.lower():
        return InputError(
            _(
                "An account named {existing} already exists (names ignore upper/lower case). "
                "Choose another name, or edit that account."
            ).format(existing=existing),
            field="name",
        )
    return InputError(
        _(
            "The name {name} is too close to the existing account {existing}. Choose another name."
        ).format(name=name, existing=existing),
        field="name",
    )
