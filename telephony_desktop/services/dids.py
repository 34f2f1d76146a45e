"""The account's numbers (DIDs): routing read and changed, inventory searched and ordered."""

from __future__ import annotations

from telephony_desktop.domain.errors import ProviderError
from telephony_desktop.domain.models import Did, DidUpdate, InventoryDid, WriteResult
from telephony_desktop.services.freshness import Fresh, refreshed_or_cached
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store import directory


class DidService:
    def __init__(self, session: AccountSession) -> None:
        self._s = session

    async def cached(self) -> list[Did]:
        return await self._s.db.run(directory.list_dids)

    async def refresh(self) -> list[Did]:
        dids = await self._s.client.get_dids()
        await self._s.db.run(directory.replace_dids, dids)
        return await self.cached()

    async def listing(self) -> Fresh[list[Did]]:
        return await refreshed_or_cached(self.refresh, self.cached)

    async def update(self, did_id: str, update: DidUpdate) -> tuple[list[Did], WriteResult]:
        """Change one DID (sent once), then re-read the list so the cache holds what the
        provider now has."""
        _, result = await self._s.client.set_did(did_id, update)
        return await self.refresh(), result

    async def search_inventory(
        self, *, kind: str | None = None, npa: str | None = None, nxx: str | None = None
    ) -> list[InventoryDid]:
        return await self._s.client.search_inventory(type=kind, npa=npa, nxx=nxx)

    async def order(self, item: InventoryDid) -> tuple[Did | None, WriteResult]:
        """Order a number from the inventory. The caller confirms first; never retried."""
        did, result = await self._s.client.order_did(did_id=item.did_id)
        await self.refresh()
        return did, result

    # --- for the window: a write that went through never looks failed -------------------------

    async def reread(self) -> Fresh[list[Did]]:
        """The list after a write: the provider's, or the cache with why it could not be read.

        Unlike ``listing`` no refresh error propagates: the write already happened, and a failed
        re-read must not make it look as if it had not."""
        try:
            return Fresh(await self.refresh())
        except ProviderError as exc:
            return Fresh(await self.cached(), exc)

    async def apply(self, did_id: str, update: DidUpdate) -> tuple[Fresh[list[Did]], WriteResult]:
        """``update`` for the window: sent once, then the list re-read (see ``reread``)."""
        _, result = await self._s.client.set_did(did_id, update)
        return await self.reread(), result

    async def order_item(
        self, item: InventoryDid
    ) -> tuple[Did | None, WriteResult, Fresh[list[Did]]]:
        """``order`` for the window: sent once after the user confirmed, then the list re-read."""
        did, result = await self._s.client.order_did(did_id=item.did_id)
        return did, result, await self.reread()
