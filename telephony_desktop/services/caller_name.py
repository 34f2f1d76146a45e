"""TrueCNAM TrueCLID: tell TrueCNAM about each call the user places, so the callee sees the right
caller name.

It rides beside the call and never holds it up: the call is placed whatever happens here, and a
failure is reported to the user, not swallowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import _
from telephony_desktop.store.settings import Account, Config

if TYPE_CHECKING:
    from telephony_desktop.providers.truecnam.client import TrueCnamClient
    from telephony_desktop.services.accounts import ClientPool


def caller_name_account(config: Config) -> Account | None:
    """The TrueCNAM account to announce calls with (the first one configured), if any."""
    return next((a for a in config.accounts if a.provider == "truecnam"), None)


@dataclass(frozen=True, slots=True)
class Announcement:
    """What became of a call start: ``sent``, or ``skipped``/``failed`` with the reason."""

    state: str  # "sent" | "skipped" | "failed"
    message: str  # in the language messages are shown in
    error: TelephonyError | None = None


def _skipped() -> Announcement:
    return Announcement(
        "skipped",
        _(
            "TrueCNAM was not told about this call: it needs the number you call from, and no "
            "caller ID was chosen."
        ),
    )


def _failed(exc: TelephonyError) -> Announcement:
    return Announcement(
        "failed",
        # Translators: {reason} is the sentence of the error that stopped the request.
        _(
            "TrueCNAM was not told about this call (the call itself is not affected): {reason}"
        ).format(reason=exc.user_message()),
        exc,
    )


async def announce_call_start(client: TrueCnamClient, *, calling: str, called: str) -> Announcement:
    """Send ``orig_call_start``; every failure becomes a reported ``Announcement``, never a raise
    (the call must not be affected)."""
    if not calling:
        return _skipped()
    try:
        await client.call_start(calling_number=calling, called_number=called)
    except TelephonyError as exc:
        return _failed(exc)
    return Announcement("sent", _("TrueCNAM was told about this call (caller name)."))


async def announce(
    clients: ClientPool, account: Account, *, calling: str, called: str
) -> Announcement:
    """``announce_call_start`` through ``account``'s pooled client; a client that cannot be
    opened (keyring trouble, ...) is reported the same way. Without a calling number nothing
    is opened at all."""
    from telephony_desktop.providers.truecnam.client import TrueCnamClient

    if not calling:
        return _skipped()
    try:
        client = await clients.get(account)
    except TelephonyError as exc:
        return _failed(exc)
    assert isinstance(client, TrueCnamClient)
    return await announce_call_start(client, calling=calling, called=called)
