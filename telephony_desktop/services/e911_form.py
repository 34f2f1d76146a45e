"""What the E911 tab's form means, without Qt: drafts per number, the checks the vendor's table
imposes (``params``: the same rules the client applies before sending, so messages match), an
alternate address applied without losing the names or the unit, and the sentences the user
confirms. A mistake here can send help to the wrong door, so every sentence says where.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import (
    AlternateAddress,
    E911Address,
    E911Endpoint,
    ProviderWarning,
)
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.services.e911 import LAST_ENDPOINT_CODE

ADDRESS_TYPES = params.ADDRESS_TYPES
# The names below are marked for the catalogue: show them as ``_(name)``.
COUNTRIES: Mapping[str, str] = {"CA": N_("Canada"), "US": N_("United States")}
# The language the emergency record is kept in at the provider.
LANGUAGES: Mapping[str, str] = {
    # Translators: the emergency address's language is the account's default language.
    "": N_("Account default"),
    "en": N_("English"),
    "fr": N_("French"),
}

FIELD_LABELS: Mapping[str, str] = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "civic_number": N_("Civic number"),
    "street": N_("Street"),
    # Translators: the kind of unit in a building (suite, apartment...).
    "address_type": N_("Unit type"),
    "address_type_number": N_("Unit number"),
    "city": N_("City"),
    "state_code": N_("Province / state"),
    "country_code": N_("Country"),
    "postal_code": N_("Postal code"),
    # Translators: the language the emergency record is kept in.
    "language": N_("Language"),
    # Translators: the phone number the emergency address belongs to.
    "phone_number": N_("Number"),
}

EMPTY = E911Address("", "", "", "", "", "", "CA", "")

# Shown as ``_(FEE_BEFORE)`` before the last emergency address is deleted.
FEE_BEFORE = N_(
    "This is the account's last emergency address. Deleting the last emergency address means "
    "every 911 call will be billed an unprovisioned-call fee until another number has one."
)


def blank(previous: E911Address | None = None) -> E911Address:
    """An empty form (keeping the country and language of ``previous`` if any)."""
    if previous is None:
        return EMPTY
    return replace(EMPTY, country_code=previous.country_code or "CA", language=previous.language)


def _number10(number: str) -> str:
    return params.nanp10("phone_number", number)


def check_for_validation(number: str, address: E911Address) -> E911Address:
    """The address as the provider will get it for ``validate_e911_address``; ``InputError``
    names the field. Names are not needed to check an address."""
    _check_characters(address)
    return _from_query(params.validate_e911_address(_number10(number), address), address)


def check_for_save(number: str, address: E911Address) -> E911Address:
    """The address as ``set_e911_address`` will send it (names required); ``InputError`` names
    the field. Nothing is sent when this raises."""
    _check_characters(address)
    return _from_query(params.set_e911_address(_number10(number), address), address)


def _check_characters(address: E911Address) -> None:
    """Refuse what the per-field rules let through but an emergency record must never hold:
    control or invisible format characters (NUL, a right-to-left override...) in any field, and
    a postal code written with other than ASCII letters and digits (``\\d`` also matches ``١``)."""
    for spec in fields(address):
        value = getattr(address, spec.name) or ""
        if any(not (ch.isprintable() or ch.isspace()) for ch in value):
            label = FIELD_LABELS.get(spec.name)
            raise InputError(
                # Translators: {field} is the name of a field of the form, e.g. "Street".
                _("{field} contains characters that cannot be part of an address.").format(
                    field=_(label) if label else spec.name
                ),
                field=spec.name,
            )
    if not (address.postal_code or "").isascii():
        raise InputError(
            _("Write the postal code with the letters A to Z and the digits 0 to 9."),
            field="postal_code",
        )


def _from_query(query: Mapping[str, str], typed: E911Address) -> E911Address:
    return E911Address(
        first_name=query.get("first_name", typed.first_name.strip()),
        last_name=query.get("last_name", typed.last_name.strip()),
        civic_number=query["civic_number"],
        street=query["street"],
        city=query["city"],
        state_code=query["state_code"],
        country_code=query["country_code"],
        postal_code=query["postal_code"],
        address_type=query.get("address_type", ""),
        address_type_number=query.get("address_type_number", ""),
        language=query.get("language", typed.language),
    )


def apply_alternate(address: E911Address, alternate: AlternateAddress) -> E911Address:
    """The suggested place, keeping who lives there, the unit and the language."""
    return replace(
        address,
        civic_number=alternate.civic_number,
        street=alternate.street,
        city=alternate.city,
        state_code=alternate.state_code,
        country_code=alternate.country_code,
        postal_code=alternate.postal_code,
    )


def person_and_place(address: E911Address) -> str:
    """``Hélène Gagnon, 1200 Rue Sainte-Catherine Ouest, Montréal, QC H3B 1K9, CA``."""
    who = " ".join(p for p in (address.first_name.strip(), address.last_name.strip()) if p)
    return f"{who}, {address.one_line()}" if who else address.one_line()


def save_confirmation(number: str, address: E911Address, region: str = "CA") -> str:
    # Translators: {address} is who lives there and the address, {number} a phone number.
    return _(
        "Emergency services will be sent to: {address} for 911 calls from {number}. Confirm?"
    ).format(address=person_and_place(address), number=display(number, region))


def delete_confirmation(
    endpoint: E911Endpoint | None,
    number: str,
    fee_warning: ProviderWarning | None,
    region: str = "CA",
) -> str:
    """What the user reads before deleting; with the fee warning *first* when it applies."""
    shown = display(number, region)
    if endpoint is not None:
        text = _(
            "Delete the emergency address of {number} ({address})? 911 calls from this number "
            "will no longer carry a location, and devices using it lose it too."
        ).format(number=shown, address=endpoint.address.one_line())
    else:
        text = _(
            "Delete the emergency address of {number}? 911 calls from this number will no longer "
            "carry a location, and devices using it lose it too."
        ).format(number=shown)
    if fee_warning is not None:
        text = f"⚠ {_(FEE_BEFORE)}\n\n{text}"
    return text


def fee_warning_after(warnings: Iterable[ProviderWarning]) -> ProviderWarning | None:
    return next((w for w in warnings if w.code == LAST_ENDPOINT_CODE), None)


def field_message(exc: InputError) -> str:
    """The error's sentence, with the raw parameter name it may start with made readable."""
    text = exc.user_message()
    label = FIELD_LABELS.get(exc.field)
    if label and text.startswith(exc.field + " "):
        return _(label) + text[len(exc.field) :]
    return text


def field_for_code(code: str) -> str:
    """The form field a provider address code is about (``street_not_found`` → ``street``)."""
    for field in ("civic_number", "street", "city", "postal_code", "first_name", "last_name"):
        if code.startswith(field):
            return field
    if code.startswith(("state", "country")):
        return "state_code" if code.startswith("state") else "country_code"
    return ""


def number_key(number: str) -> str:
    """The last 10 digits: DIDs and endpoints may spell the same number differently."""
    only = "".join(ch for ch in number if ch.isdigit())
    return only[-10:]
