"""Click-to-call: turn what the user typed into a call the provider bridges.

Everything is checked before the request leaves: the number, the caller ID, the phone to ring first.
Placing it is ``services.call_routes``; a call is never retried (see
``providers.http.as_outcome_unknown``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import PhoneNumber, display, normalise
from telephony_desktop.i18n import _


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A call ready to place: every value already in the provider's form."""

    destination: PhoneNumber
    destination_param: str
    source_type: str
    source: str
    callerid_number: str | None
    notes: tuple[str, ...] = ()

    def describe(self, region: str) -> str:
        return display(self.destination.e164, region)


def provider_number(number: PhoneNumber) -> str:
    """VoiceMeUp's dialable form: 10 digits in North America, 011 + digits elsewhere."""
    return number.nanp_10() if number.is_nanp else "011" + number.e164[1:]


def parse_ring_first(spec: str, region: str) -> tuple[str, str]:
    """``peer:alice01`` (a SIP device of the account) or a phone number to ring first."""
    spec = spec.strip()
    if spec.lower().startswith("peer:"):
        username = spec[5:].strip()
        if not re.fullmatch(r"[A-Za-z0-9]{6,16}", username):
            raise InputError(
                _("The device to ring first must be a peer username of 6 to 16 letters or digits."),
                field="ring_first",
            )
        return "peer", username
    if not spec:
        raise InputError(
            _(
                "Choose the phone to ring first (your desk phone, mobile or SIP device) in the "
                "account settings, or pass --ring."
            ),
            field="ring_first",
        )
    try:
        return "number", provider_number(normalise(spec, region))
    except InputError as exc:
        raise InputError(
            # Translators: {reason} is a sentence saying what is wrong with the number.
            _("The phone to ring first is not usable: {reason}").format(reason=exc.user_message()),
            field="ring_first",
        ) from None


@contextmanager
def caller_id_field() -> Iterator[None]:
    """Input errors raised inside are about the caller ID: say so, and name its field."""
    try:
        yield
    except InputError as exc:
        raise InputError(
            # Translators: {reason} is a sentence saying what is wrong with the number.
            _("The caller ID is not usable: {reason}").format(reason=exc.user_message()),
            field="caller_id",
        ) from None


def prepare_call(
    number: str, *, region: str, ring_first: str, caller_id: str | None = None
) -> PreparedCall:
    """Validate and convert; raises ``InputError`` with the reason. No I/O."""
    destination = normalise(number, region)
    source_type, source = parse_ring_first(ring_first, region)
    callerid: str | None = None
    if caller_id:
        with caller_id_field():
            callerid = normalise(caller_id, region).nanp_10()
    notes: tuple[str, ...] = ()
    if destination.extension:
        notes = (
            _("Dial extension {extension} when the call is answered.").format(
                extension=destination.extension
            ),
        )
    return PreparedCall(
        destination=destination,
        destination_param=provider_number(destination),
        source_type=source_type,
        source=source,
        callerid_number=callerid,
        notes=notes,
    )
