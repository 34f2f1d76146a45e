"""Phone numbers: normalise what people type or paste to E.164, and format for display.

Pure functions over ``phonenumbers``; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from telephony_desktop.domain.errors import InputError
from telephony_desktop.i18n import _

_EXT_WORDS = re.compile(r"(?i)\s*(?:ext\.?|extension|x|poste|p\.|#)\s*(\d{1,6})\s*$")
_MAX_INPUT = 64


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A valid number: ``e164`` (``+15145551234``), optional ``extension``, and its region."""

    e164: str
    region: str | None
    extension: str = ""

    @property
    def is_nanp(self) -> bool:
        return self.e164.startswith("+1") and len(self.e164) == 12

    def nanp_10(self) -> str:
        """The 10-digit form North American providers (VoiceMeUp) expect."""
        if not self.is_nanp:
            raise InputError(
                _(
                    "{number} is not a North American number; this provider only takes "
                    "10-digit North American numbers here."
                ).format(number=self.e164),
                field="number",
            )
        return self.e164[2:]


def normalise(text: str, region: str = "CA") -> PhoneNumber:
    """Parse what a person typed or pasted; raise ``InputError`` saying what is wrong.

    Accepts ``(514) 555-1234``, ``+33 1 23 45 67 89``, ``514.555.1234 ext 5``, ``tel:`` URIs.
    """
    raw = (text or "").strip()
    if not raw:
        raise InputError(_("Enter a phone number."), field="number")
    if len(raw) > _MAX_INPUT:
        raise InputError(_("That is too long to be a phone number."), field="number")
    for scheme in ("tel:", "callto:", "sip:"):
        if raw.lower().startswith(scheme):
            raw = raw[len(scheme) :].lstrip("/")
            raw = raw.split(";", 1)[0].split("@", 1)[0]
            break
    extension = ""
    match = _EXT_WORDS.search(raw)
    if match:
        extension = match.group(1)
        raw = raw[: match.start()]
    home_is_nanp = bool(region) and phonenumbers.country_code_for_region(region.upper()) == 1
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.startswith("011") and (home_is_nanp or not region):
        # 011 is the North American exit code; elsewhere it is a national number (Riyadh
        # 011 234 5678, Delhi 011 2345 6789) and phonenumbers reads it with the region.
        raw = "+" + raw[3:]
    if re.search(r"[A-Za-z]", raw.replace("+", "")):
        raise InputError(
            _("A phone number can only contain digits, spaces and ( ) - . +"), field="number"
        )
    digits = re.sub(r"\D", "", raw)
    if not raw.startswith("+") and region:
        refusal = _short_number_refusal(digits, region.upper())
        if refusal is not None:
            raise refusal
    if len(digits) < 3:
        raise InputError(_("That number is too short."), field="number")
    if home_is_nanp and not raw.startswith("+") and len(digits) == 7:
        raise InputError(
            _("Include the area code: North American numbers have 10 digits."), field="number"
        )
    try:
        parsed = phonenumbers.parse(raw, region.upper() if region else None)
    except NumberParseException as exc:
        raise _parse_error(exc) from None
    if not phonenumbers.is_possible_number(parsed):
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        if reason == phonenumbers.ValidationResult.TOO_SHORT:
            raise InputError(_("That number is too short."), field="number")
        if reason == phonenumbers.ValidationResult.TOO_LONG:
            raise InputError(_("That number is too long."), field="number")
        raise InputError(_("That is not a possible phone number."), field="number")
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_number(parsed) or region
        raise InputError(
            # Translators: {region} is a two-letter country code such as CA or FR.
            _(
                "That is not a valid number (checked as a {region} number). "
                "Add the country code, e.g. +44, for a number abroad."
            ).format(region=where),
            field="number",
        )
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return PhoneNumber(e164, phonenumbers.region_code_for_number(parsed), extension)


def _short_number_refusal(digits: str, region: str) -> InputError | None:
    """911 and the like, and short service numbers (311, 411, 811, ...): not "too short", but
    numbers this app does not call, and what to do instead."""
    if not digits or len(digits) > 6:
        return None
    if phonenumbers.is_emergency_number(digits, region):
        return InputError(
            # Translators: {digits} is the number dialed, such as 911 or 112.
            _(
                "{digits} is an emergency number. This app does not place emergency calls: a call "
                "placed through your provider's web service may not carry your location or reach "
                "the right centre. Dial {digits} from a phone: your desk phone or a mobile."
            ).format(digits=digits),
            field="number",
        )
    try:
        short = phonenumbers.parse(digits, region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_short_number_for_region(short, region):
        return InputError(
            # Translators: {digits} is the number dialed, such as 311 or 411.
            _(
                "{digits} is a short service number; this app calls full phone numbers only. "
                "Dial {digits} from your phone."
            ).format(digits=digits),
            field="number",
        )
    return None


def _parse_error(exc: NumberParseException) -> InputError:
    if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
        return InputError(
            _("Unknown country code. Start international numbers with + and the country code."),
            field="number",
        )
    if exc.error_type in (
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    ):
        return InputError(_("That number is too short."), field="number")
    if exc.error_type == NumberParseException.TOO_LONG:
        return InputError(_("That number is too long."), field="number")
    return InputError(_("That is not a phone number."), field="number")


def display(number: str, region: str = "CA") -> str:
    """Format any stored number for people: national style at home, international abroad.

    Unparseable input is returned unchanged (history holds whatever the provider logged).
    """
    if not number:
        return ""
    candidate = number
    digits = re.sub(r"\D", "", number)
    if not number.startswith("+") and len(digits) == 11 and digits.startswith("1"):
        candidate = "+" + digits
    try:
        parsed = phonenumbers.parse(candidate, region.upper() if region else "CA")
    except NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    same_region = phonenumbers.region_code_for_number(parsed) == region.upper() or (
        parsed.country_code == 1 and phonenumbers.country_code_for_region(region.upper()) == 1
    )
    style = PhoneNumberFormat.NATIONAL if same_region else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def is_mobile(number: PhoneNumber) -> bool:
    parsed = phonenumbers.parse(number.e164)
    return phonenumbers.number_type(parsed) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


class AsYouType:
    """Formats digits as they are typed, for the dialer (``phonenumbers.AsYouTypeFormatter``)."""

    def __init__(self, region: str = "CA") -> None:
        self._formatter = phonenumbers.AsYouTypeFormatter(region.upper())

    def format(self, text: str) -> str:
        self._formatter.clear()
        result = ""
        for ch in text:
            if ch.isdigit() or ch == "+":
                result = self._formatter.input_digit(ch)
        return result
