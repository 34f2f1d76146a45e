"""Frozen dataclasses shared by every layer.

Times are naive ``datetime`` values in the provider's own clock (VoiceMeUp gives a date and a time
with no zone); money is ``Decimal``. ``extra`` keeps elements a parser did not recognise, as text,
so nothing the provider sends is silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from telephony_desktop.i18n import FRENCH, language

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _no_extra() -> Mapping[str, str]:
    return _EMPTY  # one shared read-only empty mapping, not a dict per record


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


@dataclass(frozen=True, slots=True)
class ProviderWarning:
    """A non-fatal notice from the provider (e.g. ``last_endpoint_was_deleted``).

    ``text`` is its sentence, already in the language messages are shown in (built with
    ``_("...")``, see ``telephony_desktop.i18n``); ``message()`` gives it.
    """

    code: str
    text: str
    # While provider packages still build warnings from an (English, French) pair: the French,
    # shown when messages are in French. New code passes one translated sentence only.
    message_fr: str | None = field(default=None, compare=False, repr=False)

    def message(self, lang: str | None = None) -> str:
        """The sentence. ``lang`` is accepted (and only used for a legacy French pair) while
        callers still pass it."""
        if self.message_fr and (lang or language()) == FRENCH:
            return self.message_fr
        return self.text


@dataclass(frozen=True, slots=True)
class Call:
    unique_id: str
    started_at: datetime | None
    direction: str  # "inbound" / "outbound", or whatever else the provider sends
    source: str
    destination: str
    callerid_name: str = ""
    callerid_number: str = ""
    duration_s: int = 0
    status: str = ""
    billed_amount: Decimal | None = None
    current_rate: Decimal | None = None
    call_hash: str | None = None
    client_peer_id: str | None = None
    country: str = ""
    state: str = ""
    district: str = ""
    normalized: str = ""
    meta_data: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class Voicemail:
    voicemail_id: str
    received_at: datetime | None
    callerid_name: str = ""
    callerid_number: str = ""
    destination: str = ""
    mailbox_id: str | None = None
    duration_s: int = 0
    status: str = "new"  # "new" / "heard"
    file_format: str = "wav"
    file_url: str = ""
    voicemail_hash: str | None = None
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)

    @property
    def is_new(self) -> bool:
        return self.status == "new"


@dataclass(frozen=True, slots=True)
class Recording:
    recording_id: str
    recorded_at: datetime | None
    source: str = ""
    destination: str = ""
    duration_s: int = 0
    status: str = ""  # "unverified" / "verified" / "deleted"
    file_format: str = "wav"
    file_url: str = ""
    recording_hash: str | None = None
    call_hash: str | None = None
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class Did:
    did_id: str
    phone_number: str
    friendly_name: str = ""
    options: tuple[str, ...] = ()
    forward_number: str = ""
    forward_timeout: str = ""
    mailbox_id: str | None = None
    ivr_profile_id: str | None = None
    fax_profile_id: str | None = None
    peer_ids: tuple[str, ...] = ()
    peer_timeout: str = ""
    dnis_rewrite: str = ""
    status: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class DidUpdate:
    """Changes for ``set_did``. ``None`` means "leave as is"; an empty tuple clears a list."""

    friendly_name: str | None = None
    options: tuple[str, ...] | None = None
    forward_number: str | None = None
    forward_timeout: str | None = None
    mailbox_id: str | None = None
    peer_ids: tuple[str, ...] | None = None
    peer_timeout: str | None = None
    dnis_rewrite: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class InventoryDid:
    did_id: str
    phone_number: str
    type: str = ""
    npa: str = ""
    nxx: str = ""
    ratecenter_id: str = ""
    ratecenter: str = ""
    state: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Peer:
    peer_id: str
    username: str = ""
    friendly_name: str = ""
    callerid_name: str = ""
    callerid_number: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class Mailbox:
    mailbox_id: str
    friendly_name: str = ""
    email: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class E911Address:
    """What the user types for an emergency address (and what the provider stores)."""

    first_name: str
    last_name: str
    civic_number: str
    street: str
    city: str
    state_code: str
    country_code: str
    postal_code: str
    address_type: str = ""
    address_type_number: str = ""
    language: str = ""

    def one_line(self) -> str:
        unit = (
            f" {self.address_type} {self.address_type_number}".rstrip() if self.address_type else ""
        )
        return (
            f"{self.civic_number} {self.street}{unit}, {self.city}, {self.state_code} "
            f"{self.postal_code}, {self.country_code}"
        )


@dataclass(frozen=True, slots=True)
class E911Endpoint:
    endpoint_id: str
    phone_number: str
    address: E911Address
    peer_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AlternateAddress:
    """An address the provider suggests when validation finds no exact match."""

    civic_number: str
    street: str
    city: str
    state_code: str
    country_code: str
    postal_code: str

    def one_line(self) -> str:
        return (
            f"{self.civic_number} {self.street}, {self.city}, {self.state_code} "
            f"{self.postal_code}, {self.country_code}"
        )


@dataclass(frozen=True, slots=True)
class E911Validation:
    """Result of ``validate_e911_address``: valid, or not with the provider's suggestions."""

    valid: bool
    alternates: tuple[AlternateAddress, ...] = ()
    problems: tuple[ProviderWarning, ...] = ()  # e.g. street_not_found, with sentences


@dataclass(frozen=True, slots=True)
class WriteResult:
    """Outcome of a write the provider accepted, with any warnings it attached."""

    warnings: tuple[ProviderWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class DispatchResult:
    call_hash: str
    status: str
    warnings: tuple[ProviderWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountDetails:
    account_id: str
    callerid_name: str = ""
    callerid_number: str = ""
    currency: str = ""
    account_balance: Decimal | None = None
    funds_left: Decimal | None = None
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class FundingDetails:
    account_balance: Decimal | None
    funds_left: Decimal | None
    currency: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class NetworkStatus:
    status_id: str
    date: str
    title: str
    description: str
    status: str


@dataclass(frozen=True, slots=True)
class CallsPage:
    """One page of ``get_calls``: the records and how many the provider returned."""

    calls: tuple[Call, ...]


@dataclass(frozen=True, slots=True)
class PlacedCall:
    """A click-to-call the provider accepted: the bridge is being set up.

    ``reference`` is the provider's handle on it (VoiceMeUp ``call_hash``, TeleCMI ``request_id``,
    Simotel ``originated_call_id``); ``status`` is the provider's own word (``progress``, ...).
    """

    provider: str
    reference: str
    status: str = ""
    warnings: tuple[ProviderWarning, ...] = ()
