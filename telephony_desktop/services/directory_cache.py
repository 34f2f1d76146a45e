"""The account's devices (peers) and voicemail boxes: small lists the forms choose from.

Read from the provider when it answers, from the cache otherwise (``Fresh``), like the DIDs.
"""

from __future__ import annotations

from telephony_desktop.domain.models import Mailbox, Peer
from telephony_desktop.i18n import _
from telephony_desktop.services.freshness import Fresh, refreshed_or_cached
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store import directory


class DirectoryCache:
    def __init__(self, session: AccountSession) -> None:
        self._s = session

    async def cached_peers(self) -> list[Peer]:
        return await self._s.db.run(directory.list_peers)

    async def refresh_peers(self) -> list[Peer]:
        peers = await self._s.client.get_peers()
        await self._s.db.run(directory.replace_peers, peers)
        return await self.cached_peers()

    async def peers(self) -> Fresh[list[Peer]]:
        return await refreshed_or_cached(self.refresh_peers, self.cached_peers)

    async def cached_mailboxes(self) -> list[Mailbox]:
        return await self._s.db.run(directory.list_mailboxes)

    async def refresh_mailboxes(self) -> list[Mailbox]:
        boxes = await self._s.client.get_mailboxes()
        await self._s.db.run(directory.replace_mailboxes, boxes)
        return await self.cached_mailboxes()

    async def mailboxes(self) -> Fresh[list[Mailbox]]:
        return await refreshed_or_cached(self.refresh_mailboxes, self.cached_mailboxes)


def peer_label(peer: Peer) -> str:
    """``Réception (reception01)``; a disabled device says so."""
    name = peer.friendly_name or peer.username or _("Device {id}").format(id=peer.peer_id)
    text = f"{name} ({peer.username})" if peer.username and peer.username != name else name
    # Translators: a device (SIP peer) of the account that is switched off.
    return _("{device} — disabled").format(device=text) if peer.status == "disabled" else text


def mailbox_label(box: Mailbox) -> str:
    """``7001 · Boîte principale``; a disabled box says so."""
    text = f"{box.mailbox_id} · {box.friendly_name}" if box.friendly_name else box.mailbox_id
    # Translators: a voicemail box of the account that is switched off.
    return _("{mailbox} — disabled").format(mailbox=text) if box.status == "disabled" else text
