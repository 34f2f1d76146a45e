"""Emergency addresses. A mistake here can send help to the wrong door: every change is
validated first, sent once, and its warnings (the unprovisioned-911 fee) reach the user."""

from __future__ import annotations

from dataclasses import dataclass

from telephony_desktop.domain.errors import NotFound, ProviderError
from telephony_desktop.domain.models import (
    E911Address,
    E911Endpoint,
    E911Validation,
    ProviderWarning,
    WriteResult,
)
from telephony_desktop.domain.numbers import normalise
from telephony_desktop.providers.voicemeup.errors import warning_for
from telephony_desktop.services.freshness import Fresh, refreshed_or_cached
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store import directory

LAST_ENDPOINT_CODE = "last_endpoint_was_deleted"


@dataclass(frozen=True, slots=True)
class DeletePreview:
    """What deleting would do, to show *before* the user confirms."""

    endpoint: E911Endpoint | None
    is_last: bool
    fee_warning: ProviderWarning | None


class E911Service:
    def __init__(self, session: AccountSession) -> None:
        self._s = session

    def _did_number(self, number: str) -> str:
        return normalise(number, self._s.region).nanp_10()

    async def cached(self) -> list[E911Endpoint]:
        return await self._s.db.run(directory.list_e911)

    async def refresh(self) -> list[E911Endpoint]:
        try:
            endpoints = await self._s.client.get_e911_endpoints()
        except NotFound:  # "no_e911_endpoint_found": nothing provisioned
            endpoints = []
        await self._s.db.run(directory.replace_e911, endpoints)
        return await self.cached()

    async def listing(self) -> Fresh[list[E911Endpoint]]:
        return await refreshed_or_cached(self.refresh, self.cached)

    async def show(self, number: str) -> Fresh[E911Endpoint | None]:
        """The address on file for one of the account's numbers (cached copy when offline)."""
        did = self._did_number(number)
        listing = await self.listing()
        found = next((e for e in listing.value if e.phone_number.endswith(did)), None)
        return Fresh(found, listing.error)

    async def validate(self, number: str, address: E911Address) -> E911Validation:
        return await self._s.client.validate_e911_address(self._did_number(number), address)

    async def update(
        self, number: str, address: E911Address
    ) -> tuple[E911Endpoint | None, WriteResult]:
        """Store the address (the provider validates it again); raises ``E911AddressRejected``
        with alternates when it is not an exact match, ``OutcomeUnknown`` if the answer is lost."""
        endpoint, result = await self._s.client.set_e911_address(self._did_number(number), address)
        await self.refresh()
        return endpoint, result

    async def preview_delete(self, number: str) -> DeletePreview:
        endpoints = await self.refresh()
        did = self._did_number(number)
        target = next((e for e in endpoints if e.phone_number.endswith(did)), None)
        is_last = target is not None and len(endpoints) == 1
        fee = warning_for(LAST_ENDPOINT_CODE, "") if is_last else None
        return DeletePreview(target, is_last, fee)

    async def delete(self, number: str) -> WriteResult:
        """Delete (sent once). The result carries ``last_endpoint_was_deleted`` if it applies."""
        result = await self._s.client.delete_e911_address(phone_number=self._did_number(number))
        await self.refresh()
        return result

    async def associate_peer(self, number: str, peer_id: str) -> WriteResult:
        result = await self._s.client.associate_e911_peer(
            peer_id=peer_id, phone_number=self._did_number(number)
        )
        await self.refresh()
        return result

    # --- for the window: a write that went through never looks failed -------------------------

    async def reread(self) -> Fresh[list[E911Endpoint]]:
        """The endpoints after a write: the provider's, or the cache with why they could not be
        read. No refresh error propagates: the write already happened, and its warnings (the
        unprovisioned-911 fee) must reach the user even if the re-read fails."""
        try:
            return Fresh(await self.refresh())
        except ProviderError as exc:
            return Fresh(await self.cached(), exc)

    async def save(
        self, number: str, address: E911Address
    ) -> tuple[E911Endpoint | None, WriteResult, Fresh[list[E911Endpoint]]]:
        """``update`` for the window: sent once, then the endpoints re-read (see ``reread``)."""
        endpoint, result = await self._s.client.set_e911_address(self._did_number(number), address)
        return endpoint, result, await self.reread()

    async def remove(self, number: str) -> tuple[WriteResult, Fresh[list[E911Endpoint]]]:
        """``delete`` for the window: sent once; the result keeps ``last_endpoint_was_deleted``."""
        result = await self._s.client.delete_e911_address(phone_number=self._did_number(number))
        return result, await self.reread()

    async def attach_peer(
        self, number: str, peer_id: str
    ) -> tuple[WriteResult, Fresh[list[E911Endpoint]]]:
        """``associate_peer`` for the window: sent once, then the endpoints re-read."""
        result = await self._s.client.associate_e911_peer(
            peer_id=peer_id, phone_number=self._did_number(number)
        )
        return result, await self.reread()
