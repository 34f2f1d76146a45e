"""VoiceMeUp XML Engine client: async httpx + the tolerant parser. No Qt, no SQLite.

Every public method validates its parameters first (``params``), so bad input raises ``InputError``
before anything leaves the machine. Reads retry with backoff; writes are sent once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

import httpx

from telephony_desktop.domain.errors import MalformedResponse, ProviderError
from telephony_desktop.domain.models import (
    AccountDetails,
    Call,
    Did,
    DidUpdate,
    DispatchResult,
    E911Address,
    E911Endpoint,
    E911Validation,
    FundingDetails,
    InventoryDid,
    Mailbox,
    NetworkStatus,
    Peer,
    Recording,
    Voicemail,
    WriteResult,
)
from telephony_desktop.i18n import _
from telephony_desktop.providers import http
from telephony_desktop.providers.base import PAGE_SIZE
from telephony_desktop.providers.paging import PageGuard
from telephony_desktop.providers.voicemeup import params, parse
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.providers.voicemeup.parse import Envelope

log = logging.getLogger(__name__)
PROVIDER = "VoiceMeUp"
_MAX_AUDIO_BYTES = 200 * 1024 * 1024
_PARSE_INLINE_MAX = 32 * 1024  # bytes of XML parsed on the event loop itself
_AUDIO_TYPES = ("audio/", "application/octet-stream")
# An audio file is larger than any listing: its download gets ten request budgets (300 s).
MEDIA_BUDGET_FACTOR = 10
# A mailbox listing is held in memory whole: 20 pages is 20,000 messages, far past any mailbox.
MAX_VOICEMAIL_PAGES = 20


class VoiceMeUpClient:
    """One account's connection to the XML Engine."""

    display_name = PROVIDER  # in sentences about this account's answers

    def __init__(
        self,
        *,
        account_id: str,
        auth_token: str,
        endpoint: str = DEFAULT_ENDPOINT,
        language: str = "en",
        currency: str | None = None,
        client: httpx.AsyncClient | None = None,
        retry: http.RetryPolicy | None = None,
        deadline_s: float | None = None,
    ) -> None:
        http.register_secret(auth_token)
        self._credentials = params.credentials(
            account_id=account_id, auth_token=auth_token, language=language, currency=currency
        )
        self.account_id = account_id
        self.endpoint = endpoint
        self.language = language
        self._client = client or http.make_client()
        self._owns_client = client is None
        self._retry = retry or http.RetryPolicy()
        self._deadline_s = deadline_s  # None: the preference in force (http.budget())

    def __repr__(self) -> str:  # never the token
        return f"VoiceMeUpClient(account_id={self.account_id!r}, endpoint={self.endpoint!r})"

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> VoiceMeUpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- plumbing --------------------------------------------------------------------------

    async def _exchange(self, request_type: str, query: dict[str, str]) -> tuple[Envelope, int]:
        full = {**self._credentials, "request_type": request_type, **query}
        reply = await http.send(
            self._client,
            "GET",
            self.endpoint,
            provider=PROVIDER,
            params=full,
            deadline_s=self._deadline_s,
        )
        if len(reply.body) < _PARSE_INLINE_MAX:
            return parse.read_envelope(reply.body), reply.status
        # A history page is ~0.5 MB: parsing it on the loop would stall the window for tens of
        # milliseconds, so big answers are parsed on a worker thread.
        return await asyncio.to_thread(parse.read_envelope, reply.body), reply.status

    async def _read(self, request_type: str, query: dict[str, str]) -> Envelope:
        """A read: retried on transient failures (network, 5xx, garbled answer, internal error)."""

        async def attempt() -> Envelope:
            env, status = await self._exchange(request_type, query)
            parse.check(env, status=status)
            return env

        return await http.with_retry(
            attempt, policy=self._retry, what=request_type, budget_s=self._deadline_s
        )

    async def _write(
        self, request_type: str, query: dict[str, str], *, action: str
    ) -> tuple[Envelope, WriteResult]:
        """A write: sent exactly once; a lost answer becomes ``OutcomeUnknown``. ``action`` names
        the write, translated, as the subject of that sentence (``_("Placing the call")``)."""
        try:
            env, status = await self._exchange(request_type, query)
        except ProviderError as exc:
            raise http.as_outcome_unknown(exc, action=action) from None
        warnings = parse.check(env, status=status)
        return env, WriteResult(warnings=warnings)

    # --- call history ------------------------------------------------------------------------

    async def get_calls(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        unique_id: str | None = None,
        direction: str | None = None,
        result_limit: int = PAGE_SIZE,
        result_offset: int = 0,
    ) -> list[Call]:
        query = params.get_calls(
            date_from=date_from,
            date_to=date_to,
            unique_id=unique_id,
            direction=direction,
            result_limit=result_limit,
            result_offset=result_offset,
        )
        env = await self._read("get_calls", query)
        return await asyncio.to_thread(parse.parse_calls, env.root)

    # --- voicemail -----------------------------------------------------------------------------

    async def get_voicemails(
        self, *, result_limit: int = PAGE_SIZE, result_offset: int = 0
    ) -> list[Voicemail]:
        query = params.get_voicemails(result_limit=result_limit, result_offset=result_offset)
        return parse.parse_voicemails((await self._read("get_voicemails", query)).root)

    async def list_voicemails(self) -> list[Voicemail]:
        """Every voicemail, paging until a short page; ``PagingStalled`` if the pages do not
        advance or pass ``MAX_VOICEMAIL_PAGES`` (the listing is held in memory)."""
        out: list[Voicemail] = []
        guard = PageGuard(
            provider=PROVIDER,
            # Translators: the pages of a listing, in "The {what} from VoiceMeUp never came to
            # an end".
            what=_("voicemail pages"),
            max_pages=MAX_VOICEMAIL_PAGES,
        )
        offset = 0
        while True:
            page = await self.get_voicemails(result_limit=PAGE_SIZE, result_offset=offset)
            guard.check(offset, (v.voicemail_id for v in page))
            out.extend(page)
            if len(page) < PAGE_SIZE:
                return out
            offset += len(page)

    async def delete_voicemail(self, voicemail_id: str) -> WriteResult:
        query = params.delete_voicemail(voicemail_id=voicemail_id)
        _env, result = await self._write(
            "delete_voicemails",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Deleting the voicemail"),
        )
        return result

    # --- recordings ----------------------------------------------------------------------------

    async def get_recordings(
        self,
        *,
        status: Sequence[str] | None = None,
        call_hash: str | None = None,
        recording_id: str | None = None,
    ) -> list[Recording]:
        query = params.get_recordings(status=status, call_hash=call_hash, recording_id=recording_id)
        return parse.parse_recordings((await self._read("get_recordings", query)).root)

    async def delete_recording(self, recording_id: str) -> WriteResult:
        query = params.delete_recording(recording_id=recording_id)
        _env, result = await self._write(
            "delete_recordings",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Deleting the recording"),
        )
        return result

    # --- audio ---------------------------------------------------------------------------------

    async def fetch_audio(self, file_url: str) -> bytes:
        """Download a voicemail or recording. Credentials go only to the engine's own origin."""
        try:
            target = urlsplit(file_url)
            target_netloc = target.netloc
        except ValueError:  # e.g. "http://[::1" from a garbled answer
            target, target_netloc = urlsplit(""), ""
        engine = urlsplit(self.endpoint)
        same_origin = (target.scheme, target_netloc) == (engine.scheme, engine.netloc)
        if not file_url or target.scheme not in ("http", "https") or not target_netloc:
            raise MalformedResponse(
                _("VoiceMeUp gave no usable address for this audio file."), provider=PROVIDER
            )
        if not same_origin and target.scheme != "https":
            raise MalformedResponse(
                _("VoiceMeUp pointed this audio file at an insecure address; it was not fetched."),
                provider=PROVIDER,
            )
        query = dict(self._credentials) if same_origin else {}
        media_budget = (self._deadline_s or http.budget()) * MEDIA_BUDGET_FACTOR

        async def attempt() -> bytes:
            reply = await http.send(
                self._client,
                "GET",
                file_url,
                provider=PROVIDER,
                params=query,
                max_bytes=_MAX_AUDIO_BYTES,
                deadline_s=media_budget,
            )
            content_type = reply.headers.get("content-type", "").lower()
            if reply.status == 200 and content_type.startswith(_AUDIO_TYPES) and reply.body:
                return reply.body
            # Not audio: the engine's error envelope (deleted message, bad credentials, ...).
            env = parse.read_envelope(reply.body)
            parse.check(env, status=reply.status)
            raise MalformedResponse(
                _("VoiceMeUp sent something other than audio for this message."),
                provider=PROVIDER,
            )

        # Translators: what is being waited for, in "Waiting for VoiceMeUp ({what}): 3 s".
        what = _("audio download")
        return await http.with_retry(attempt, policy=self._retry, what=what, budget_s=media_budget)

    # --- DIDs ----------------------------------------------------------------------------------

    async def get_dids(
        self, *, did_id: str | None = None, phone_number: str | None = None
    ) -> list[Did]:
        query = params.get_dids(did_id=did_id, phone_number=phone_number)
        return parse.parse_dids((await self._read("get_dids", query)).root)

    async def set_did(self, did_id: str, update: DidUpdate) -> tuple[Did | None, WriteResult]:
        query = params.set_did(did_id, update)
        # Translators: a write, the subject of "{action} may or may not have gone through".
        env, result = await self._write("set_did", query, action=_("Updating the number"))
        dids = parse.parse_dids(env.root)
        return (dids[0] if dids else None), result

    async def search_inventory(
        self,
        *,
        type: str | None = None,  # the provider's parameter name
        npa: str | None = None,
        nxx: str | None = None,
        ratecenter_id: str | None = None,
    ) -> list[InventoryDid]:
        query = params.get_did_inventory(type=type, npa=npa, nxx=nxx, ratecenter_id=ratecenter_id)
        return parse.parse_inventory((await self._read("get_did_inventory", query)).root)

    async def order_did(
        self, *, did_id: str | None = None, phone_number: str | None = None
    ) -> tuple[Did | None, WriteResult]:
        query = params.order_did(did_id=did_id, phone_number=phone_number)
        # Translators: a write, the subject of "{action} may or may not have gone through".
        env, result = await self._write("order_did", query, action=_("Ordering the number"))
        dids = parse.parse_dids(env.root)
        return (dids[0] if dids else None), result

    async def get_peers(self) -> list[Peer]:
        return parse.parse_peers((await self._read("get_peers", {})).root)

    async def get_mailboxes(self) -> list[Mailbox]:
        return parse.parse_mailboxes((await self._read("get_mailboxes", {})).root)

    # --- E911 ----------------------------------------------------------------------------------

    async def get_e911_endpoints(
        self, *, phone_number: str | None = None, endpoint_id: str | None = None
    ) -> list[E911Endpoint]:
        query = params.get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
        return parse.parse_e911_endpoints((await self._read("get_e911_endpoints", query)).root)

    async def validate_e911_address(
        self, phone_number: str, address: E911Address
    ) -> E911Validation:
        """Ask the provider whether the address is an exact match; a failed validation with
        suggestions is a normal answer here, not an exception."""
        query = params.validate_e911_address(phone_number, address)

        async def attempt() -> E911Validation:
            env, status = await self._exchange("validate_e911_address", query)
            return parse.parse_e911_validation(env, status=status)

        return await http.with_retry(
            attempt, policy=self._retry, what="validate_e911_address", budget_s=self._deadline_s
        )

    async def set_e911_address(
        self, phone_number: str, address: E911Address
    ) -> tuple[E911Endpoint | None, WriteResult]:
        query = params.set_e911_address(phone_number, address)
        env, result = await self._write(
            "set_e911_address",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Updating the emergency address"),
        )
        endpoints = parse.parse_e911_endpoints(env.root)
        return (endpoints[0] if endpoints else None), result

    async def delete_e911_address(
        self, *, phone_number: str | None = None, endpoint_id: str | None = None
    ) -> WriteResult:
        query = params.delete_e911_address(phone_number=phone_number, endpoint_id=endpoint_id)
        _env, result = await self._write(
            "delete_e911_address",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Deleting the emergency address"),
        )
        return result

    async def associate_e911_peer(
        self, *, peer_id: str, phone_number: str | None = None, endpoint_id: str | None = None
    ) -> WriteResult:
        query = params.e911_peer(
            peer_id=peer_id, phone_number=phone_number, endpoint_id=endpoint_id, associate=True
        )
        _env, result = await self._write(
            "associate_e911_peer",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Associating the device with the emergency address"),
        )
        return result

    async def disassociate_e911_peer(self, *, peer_id: str) -> WriteResult:
        query = params.e911_peer(peer_id=peer_id, associate=False)
        _env, result = await self._write(
            "disassociate_e911_peer",
            query,
            # Translators: a write, the subject of "{action} may or may not have gone through".
            action=_("Detaching the device from the emergency address"),
        )
        return result

    # --- calls -----------------------------------------------------------------------------------

    async def call_dispatch(
        self,
        *,
        source: str,
        destination: str,
        source_type: str = "number",
        destination_type: str = "number",
        callerid_name: str | None = None,
        callerid_number: str | None = None,
        enable_recording: bool | None = None,
        wait_time: int | None = None,
        meta_data: str | None = None,
    ) -> DispatchResult:
        """Bridge two endpoints. Never retried: a lost answer raises ``OutcomeUnknown``."""
        query = params.call_dispatch(
            source_type=source_type,
            source=source,
            destination_type=destination_type,
            destination=destination,
            callerid_name=callerid_name,
            callerid_number=callerid_number,
            enable_recording=enable_recording,
            wait_time=wait_time,
            meta_data=meta_data,
        )
        # Translators: a write, the subject of "{action} may or may not have gone through".
        action = _("Placing the call")
        env, result = await self._write("call_dispatch", query, action=action)
        dispatched = parse.parse_dispatch(env.root)
        if dispatched is None:
            raise http.as_outcome_unknown(
                MalformedResponse(
                    _("VoiceMeUp accepted the call but did not say which call it placed."),
                    provider=PROVIDER,
                ),
                action=action,
            )
        return DispatchResult(dispatched.call_hash, dispatched.status, result.warnings)

    # --- account -------------------------------------------------------------------------------

    async def get_account(self) -> AccountDetails:
        account = parse.parse_account((await self._read("get_account", {})).root)
        if account is None:
            raise MalformedResponse(
                _("VoiceMeUp answered without the account details."), provider=PROVIDER
            )
        return account

    async def get_funding_details(self) -> FundingDetails:
        funding = parse.parse_funding((await self._read("get_funding_details", {})).root)
        if funding is None:
            raise MalformedResponse(
                _("VoiceMeUp answered without the funding details."), provider=PROVIDER
            )
        return funding

    async def get_network_status(self, *, limit: int = 5, offset: int = 0) -> list[NetworkStatus]:
        query = params.get_network_status(limit=limit, offset=offset)
        return parse.parse_network_status((await self._read("get_network_status", query)).root)

    async def test_connection(self) -> AccountDetails:
        """A cheap authenticated read, for "Test connection"."""
        return await self.get_account()
