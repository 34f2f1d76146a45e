"""E911 address validation against the small street database in :mod:`seed`.

An address is valid when one street range matches exactly (case-insensitive, accents and
hyphens significant) on street, city, state and country codes and postal code (spaces ignored),
with the civic number in range. Otherwise, close entries (``difflib`` on accent-folded street and
city) with the civic number in range become 1-3 ``alternate_address`` suggestions; with nothing
close the most specific of ``country_not_found``, ``state_not_found``, ``city_not_found``,
``street_not_found``, ``civic_number_not_found``, ``postal_code_not_found`` is reported.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from telephony_desktop.sandbox.seed import (
    KNOWN_COUNTRY_CODES,
    KNOWN_STATE_CODES,
    STREETS,
    StreetRange,
)

CLOSE = 0.75
_POSTAL = re.compile(r"^(?:[A-Z]\d[A-Z]\d[A-Z]\d|\d{5}(?:\d{4})?)$")


def fold(text: str) -> str:
    """Lowercase, accents stripped, spaces collapsed (for fuzzy comparison only)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def _exact(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def postal_key(code: str) -> str:
    return "".join(code.split()).upper()


@dataclass(frozen=True, slots=True)
class AddressCheck:
    valid: bool
    code: str | None = None  # error code when not valid
    alternates: tuple[StreetRange, ...] = ()
    civic_number: str = ""


def validate_address(
    civic_number: str,
    street: str,
    city: str,
    state_code: str,
    country_code: str,
    postal_code: str,
) -> AddressCheck:
    try:
        civic = int(civic_number)
    except ValueError:
        return AddressCheck(False, "civic_number_not_found")
    country, state = country_code.strip().upper(), state_code.strip().upper()
    postal = postal_key(postal_code)
    for entry in STREETS:
        if (
            entry.lo <= civic <= entry.hi
            and _exact(entry.street, street)
            and _exact(entry.city, city)
            and entry.state_code == state
            and entry.country_code == country
            and postal_key(entry.postal_code) == postal
        ):
            return AddressCheck(True, civic_number=str(civic))

    if country not in KNOWN_COUNTRY_CODES:
        return AddressCheck(False, "country_not_found")
    if state not in KNOWN_STATE_CODES:
        return AddressCheck(False, "state_not_found")
    f_street, f_city = fold(street), fold(city)
    scored: list[tuple[float, StreetRange]] = []
    city_close = street_close = False
    for entry in STREETS:
        city_ratio = difflib.SequenceMatcher(None, f_city, fold(entry.city)).ratio()
        if city_ratio < CLOSE:
            continue
        city_close = True
        street_ratio = difflib.SequenceMatcher(None, f_street, fold(entry.street)).ratio()
        if street_ratio < CLOSE:
            continue
        street_close = True
        if not entry.lo <= civic <= entry.hi:
            continue
        score = street_ratio + city_ratio
        score += 0.5 if postal_key(entry.postal_code) == postal else 0.0
        score += 0.2 if entry.state_code == state else 0.0
        scored.append((score, entry))
    if not city_close:
        return AddressCheck(False, "city_not_found")
    if not street_close:
        return AddressCheck(False, "street_not_found")
    if not scored:
        return AddressCheck(False, "civic_number_not_found")
    scored.sort(key=lambda pair: -pair[0])
    alternates = tuple(entry for _, entry in scored[:3])
    if not _POSTAL.match(postal) and all(
        _exact(a.street, street) and _exact(a.city, city) for a in alternates
    ):
        return AddressCheck(False, "postal_code_not_found")
    return AddressCheck(False, "alternate_address_provided", alternates, str(civic))
