"""Deterministic sample data for the VoiceMeUp simulator (``random.Random(seed)``).

Everything derives from the seed; times are relative to ``now`` (naive, the provider's clock), so
with a fixed ``now`` the data is identical on every run, and with the real ``now`` only the dates
move. All phone numbers are NANP 555-01XX fictional numbers (plus UK 01632 960 drama numbers and an
iNum for the international inventory):

- ``NPA-555-0100..0109``: the account's DIDs (8 used);
- ``NPA-555-0110..0159``: contacts and unknown callers;
- ``NPA-555-0160..0199``: the DID inventory (numbers that can be ordered).

Calls are compact :class:`CallRow` tuples in log order (oldest first); 2,400 of them take a few
milliseconds, a million a few seconds.

E911: :data:`STREETS` is the little street database the E911 validation uses.
:data:`E911_VALID_ADDRESS` validates as is; :data:`E911_ADDRESS_WITH_ALTERNATES`
("1200 Rue Ste-Catherine Ouest, Montreal, QC H3B 1K9") fails with ``alternate_address_provided``
and, first of its alternates, :data:`E911_EXPECTED_ALTERNATE`
("1200 Rue Sainte-Catherine Ouest, Montréal, QC, H3B 1K9"); :data:`E911_ADDRESS_STREET_NOT_FOUND`
fails with ``street_not_found`` and no alternates.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, NamedTuple

EPOCH: Final = datetime(1970, 1, 1)
WINDOW_DAYS: Final = 90
DEFAULT_ACCOUNT_ID: Final = "80012345"


def to_ts(when: datetime) -> int:
    """Seconds since 1970-01-01 of a naive provider-clock datetime (tz-aware: its wall time)."""
    return int((when.replace(tzinfo=None) - EPOCH).total_seconds())


def from_ts(ts: int) -> datetime:
    return EPOCH + timedelta(seconds=ts)


# --- places ------------------------------------------------------------------------------

# (country_id, country, state_id, state, district)
PLACES: Final[tuple[tuple[int, str, int, str, str], ...]] = (
    (38, "Canada", 11, "Quebec", "Montréal"),
    (38, "Canada", 11, "Quebec", "Westmount"),
    (38, "Canada", 11, "Quebec", "Québec"),
    (38, "Canada", 11, "Quebec", "Lévis"),
    (38, "Canada", 11, "Quebec", "Laval"),
    (38, "Canada", 11, "Quebec", "Longueuil"),
    (38, "Canada", 11, "Quebec", "Gatineau"),
    (38, "Canada", 11, "Quebec", "Trois-Rivières"),
    (38, "Canada", 9, "Ontario", "Ottawa"),
    (38, "Canada", 9, "Ontario", "Toronto"),
    (38, "Canada", 9, "Ontario", "North York"),
)
NPA_PLACES: Final[dict[str, tuple[int, ...]]] = {
    "514": (0, 0, 0, 1),
    "438": (0, 1),
    "418": (2, 2, 3),
    "450": (4, 5),
    "819": (6, 7),
    "613": (8,),
    "416": (9,),
    "647": (9, 10),
}
AREA_CODES: Final = ("514", "438", "418", "450", "819", "613", "416", "647")
AREA_WEIGHTS: Final = (30, 14, 14, 10, 8, 8, 9, 7)

# (ratecenter_id, name, state, country, npas)
RATECENTERS: Final = (
    ("271501", "Montréal", "QC", "CA", ("514", "438")),
    ("271630", "Québec", "QC", "CA", ("418",)),
    ("271720", "Laval", "QC", "CA", ("450",)),
    ("271810", "Gatineau", "QC", "CA", ("819",)),
    ("361320", "Ottawa-Hull", "ON", "CA", ("613",)),
    ("361100", "Toronto", "ON", "CA", ("416", "647")),
)

# --- people ------------------------------------------------------------------------------

CONTACT_NAMES: Final = (
    "Émilie Côté",
    "François Bélanger",
    "Hélène Gagnon",
    "Société de Transport",
    "Boulangerie Saint-Honoré",
    "Jean-Sébastien Tremblay",
    "Marie-Ève Lavoie",
    "Geneviève Bouchard",
    "Stéphane Gauthier",
    "Chloé Roy",
    "Noémie Pelletier",
    "Benoît Morin",
    "Amélie Fortin",
    "Josée Lévesque",
    "Réjean Ouellet",
    "Garage Côté & Fils",
    "Dépanneur Chez Ginette",
    "Hôtel Le Château",
    "Clinique Vétérinaire Laurier",
    "Cégep du Vieux-Port",
    "Frédéric Dubé",
    "Anaïs Bergeron",
    "Zoé Caron",
    "Jérôme Paré",
    "Léa Desjardins",
    "Mélanie Thériault",
    "Olivier Beaulieu",
    "Mathéo Girard",
    "Élise Boucher",
    "Raphaël Poirier",
    "Ginette Séguin",
    "Pâtisserie Déli-Crème",
    "Ville de Lévis",
    "Caisse Populaire du Plateau",
    "Michael O'Brien",
    "Priya Patel",
    "John Smith",
    "Sarah Johnson",
    "Wei Chen",
    "Fatima El-Amrani",
    "TREMBLAY J",
    "GAGNON M",
    "ROY PIERRE",
    "BOUCHARD S",
    "Cabinet Dentaire Saint-Denis",
    "Quincaillerie Lachine",
    "Éric Lefebvre",
    "Sophie Martel",
    "Luc Bérubé",
    "Annie Champagne",
    "Karine Dion",
    "Maxime Leclerc",
    "Isabelle Giguère",
    "Hugo Mercier",
    "Nathalie Brassard",
    "Yves Després",
    "Françoise Côté",
    "Théo Lemieux",
    "Camille Hébert",
    "Agence Immobilière Rive-Sud",
)
UNKNOWN_NAMES: Final = ("", "", "", "WIRELESS CALLER", "MONTREAL QC", "QUEBEC QC", "UNKNOWN NAME")

ACCOUNT_CALLERID_NAME: Final = "CLINIQUE COTE"


class CallRow(NamedTuple):
    """One call in the history. Money is in 1/10,000 of the currency unit."""

    unique_id: str
    ts: int
    direction: str
    source: str
    destination: str
    client_peer_id: str
    place: int  # index into PLACES
    duration: int
    callerid_name: str
    callerid_number: str
    status: str
    billed: int
    rate: int
    call_hash: str = ""
    meta_data: str = ""


@dataclass(slots=True)
class VoicemailRec:
    call_voicemail_id: int
    voicemail_hash: str
    ts: int
    callerid_name: str
    callerid_number: str
    destination: str
    client_mailbox_id: str
    duration: int
    status: str = "new"
    file_format: str = "wav"


@dataclass(slots=True)
class RecordingRec:
    call_recording_id: int
    recording_hash: str
    call_hash: str
    ts: int
    source: str
    destination: str
    duration: int
    status: str = "unverified"
    file_format: str = "wav"


@dataclass(slots=True)
class DidRec:
    client_did_id: int
    phone_number: str
    friendly_name: str
    options: list[str] = field(default_factory=list)
    forward_number: str = ""
    forward_timeout: str = "disabled"
    client_mailbox_id: str = ""
    client_ivr_profile_id: str = ""
    client_fax_profile_id: str = ""
    client_peer_ids: list[str] = field(default_factory=list)
    peer_timeout: str = "disabled"
    dnis_rewrite: str = ""
    status: str = "enabled"


@dataclass(slots=True)
class InventoryRec:
    did_id: int
    phone_number: str
    type: str
    npa: str
    nxx: str
    ratecenter_id: str
    ratecenter: str
    state: str
    country: str
    monthly_fee: str = "1.50"


@dataclass(slots=True)
class PeerRec:
    client_peer_id: int
    username: str
    friendly_name: str
    callerid_name: str
    callerid_number: str
    status: str = "enabled"


@dataclass(slots=True)
class MailboxRec:
    client_mailbox_id: int
    friendly_name: str
    email: str
    status: str = "enabled"


@dataclass(slots=True)
class E911Rec:
    client_endpoint_id: int
    phone_number: str
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
    language: str = "en"
    client_peer_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NetworkStatusRec:
    network_status_id: int
    ts: int
    title: str
    description: str
    status: str


@dataclass(slots=True)
class AccountRec:
    client_account_id: str
    account_balance: str = "125.40CR"
    funds_left: str = "175.40CR"
    credit_limit: str = "50.00"
    callerid_name: str = ACCOUNT_CALLERID_NAME
    callerid_number: str = "5145550100"
    company_name: str = "Clinique Côté inc."
    language: str = "fr"


# --- E911 street database -----------------------------------------------------------------


class StreetRange(NamedTuple):
    street: str
    city: str
    state_code: str
    country_code: str
    postal_code: str
    lo: int  # civic numbers lo..hi inclusive
    hi: int


STREETS: Final[tuple[StreetRange, ...]] = (
    StreetRange("Rue Sainte-Catherine Ouest", "Montréal", "QC", "CA", "H3B 1K9", 1000, 1299),
    StreetRange("Rue Sainte-Catherine Ouest", "Montréal", "QC", "CA", "H3G 1P7", 1300, 1699),
    StreetRange("Rue Sainte-Catherine Est", "Montréal", "QC", "CA", "H2L 2H1", 1, 1999),
    StreetRange("Boulevard René-Lévesque Ouest", "Montréal", "QC", "CA", "H3B 4W8", 1000, 1299),
    StreetRange("Rue Saint-Denis", "Montréal", "QC", "CA", "H2X 3K8", 1200, 1599),
    StreetRange("Avenue du Mont-Royal Est", "Montréal", "QC", "CA", "H2J 1W8", 1, 999),
    StreetRange("Rue Sherbrooke Ouest", "Montréal", "QC", "CA", "H3A 0G4", 800, 999),
    StreetRange("Rue Saint-Jean", "Québec", "QC", "CA", "G1R 1R1", 700, 1199),
    StreetRange("Grande Allée Est", "Québec", "QC", "CA", "G1R 2H8", 600, 999),
    StreetRange("Boulevard Laurier", "Québec", "QC", "CA", "G1V 2L8", 2400, 2899),
    StreetRange("Yonge Street", "Toronto", "ON", "CA", "M4W 2G8", 800, 1199),
    StreetRange("Queen Street West", "Toronto", "ON", "CA", "M5V 2A2", 300, 599),
    StreetRange("King Street West", "Toronto", "ON", "CA", "M5X 1A9", 100, 299),
    StreetRange("Wellington Street", "Ottawa", "ON", "CA", "K1P 5J2", 100, 299),
)
KNOWN_STATE_CODES: Final = frozenset({"QC", "ON", "BC", "AB", "MB", "NB", "NS", "NL", "PE", "SK"})
KNOWN_COUNTRY_CODES: Final = frozenset({"CA", "US"})

DID_NUMBERS: Final = (
    "5145550100",
    "5145550101",
    "4385550102",
    "4185550103",
    "4505550104",
    "8195550105",
    "6135550106",
    "4165550107",
)

# Request parameters (for validate_e911_address / set_e911_address) of an exact match.
E911_VALID_ADDRESS: Final[dict[str, str]] = {
    "phone_number": DID_NUMBERS[1],
    "first_name": "Hélène",
    "last_name": "Gagnon",
    "civic_number": "1200",
    "street": "Rue Sainte-Catherine Ouest",
    "city": "Montréal",
    "state_code": "QC",
    "country_code": "CA",
    "postal_code": "H3B 1K9",
}
# The same place, spelled loosely: fails with alternate_address_provided.
E911_ADDRESS_WITH_ALTERNATES: Final[dict[str, str]] = {
    **E911_VALID_ADDRESS,
    "street": "Rue Ste-Catherine Ouest",
    "city": "Montreal",
}
# The first alternate_address returned for E911_ADDRESS_WITH_ALTERNATES.
E911_EXPECTED_ALTERNATE: Final[dict[str, str]] = {
    "civic_number": "1200",
    "street": "Rue Sainte-Catherine Ouest",
    "city": "Montréal",
    "state_code": "QC",
    "country_code": "CA",
    "postal_code": "H3B 1K9",
}
# Nothing close: fails with street_not_found and no alternates.
E911_ADDRESS_STREET_NOT_FOUND: Final[dict[str, str]] = {
    **E911_VALID_ADDRESS,
    "street": "Chemin des Patriotes",
}


# --- generation ---------------------------------------------------------------------------


def hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def uuid36(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(slots=True)
class Contact:
    name: str
    number: str


@dataclass(slots=True)
class SeedData:
    account: AccountRec
    calls: list[CallRow]
    voicemails: list[VoicemailRec]
    recordings: list[RecordingRec]
    dids: list[DidRec]
    inventory: list[InventoryRec]
    peers: list[PeerRec]
    mailboxes: list[MailboxRec]
    e911: list[E911Rec]
    default_endpoint_id: int | None
    network_status: list[NetworkStatusRec]
    contacts: list[Contact]
    unknown_numbers: list[str]


def make_contacts(rng: random.Random) -> tuple[list[Contact], list[str]]:
    """Named contacts and unknown callers, from the NPA-555-0110..0159 block."""
    pool = [f"{npa}55501{n:02d}" for npa in AREA_CODES for n in range(10, 60)]
    weights = [w for w in AREA_WEIGHTS for _ in range(10, 60)]
    picked: list[str] = []
    seen: set[str] = set()
    while len(picked) < len(CONTACT_NAMES):
        number = rng.choices(pool, weights)[0]
        if number not in seen:
            seen.add(number)
            picked.append(number)
    contacts = [Contact(n, num) for n, num in zip(CONTACT_NAMES, picked, strict=True)]
    unknown = [n for n in pool if n not in seen]
    rng.shuffle(unknown)
    return contacts, unknown


def make_peers() -> list[PeerRec]:
    return [
        PeerRec(5501, "reception01", "Réception", "RECEPTION", DID_NUMBERS[0]),
        PeerRec(5502, "emiliecote", "Émilie Côté", "EMILIE COTE", DID_NUMBERS[0]),
        PeerRec(5503, "fbelanger", "François Bélanger", "F BELANGER", DID_NUMBERS[3]),
        PeerRec(5504, "hgagnon", "Hélène Gagnon", "HELENE GAGNON", DID_NUMBERS[2]),
        PeerRec(5505, "soutien24", "Soutien technique", "SOUTIEN", DID_NUMBERS[2], "disabled"),
    ]


def make_mailboxes() -> list[MailboxRec]:
    return [
        MailboxRec(7001, "Boîte principale", "info@example.com"),
        MailboxRec(7002, "Ventes Québec", "ventes@example.com"),
        MailboxRec(7003, "Soutien", "soutien@example.org", "disabled"),
    ]


def make_dids() -> list[DidRec]:
    d = DID_NUMBERS
    return [
        DidRec(
            31001,
            d[0],
            "Réception principale",
            ["enable_peer", "enable_voicemail", "enable_recording"],
            client_mailbox_id="7001",
            client_peer_ids=["5501", "5502"],
            peer_timeout="20",
        ),
        DidRec(
            31002,
            d[1],
            "Ligne de nuit",
            ["enable_forwarding", "enable_voicemail"],
            forward_number="5145550142",
            forward_timeout="25",
            client_mailbox_id="7001",
        ),
        DidRec(
            31003,
            d[2],
            "Support technique",
            ["enable_peer", "enable_recording"],
            client_peer_ids=["5504", "5505"],
            peer_timeout="30",
        ),
        DidRec(
            31004,
            d[3],
            "Bureau de Québec",
            ["enable_peer", "enable_voicemail"],
            client_mailbox_id="7002",
            client_peer_ids=["5503"],
            peer_timeout="15",
        ),
        DidRec(
            31005,
            d[4],
            "Ventes Rive Nord",
            ["enable_forwarding"],
            forward_number="4505550155",
            forward_timeout="20",
        ),
        DidRec(31006, d[5], "Gatineau", ["enable_voicemail"], client_mailbox_id="7003"),
        DidRec(
            31007,
            d[6],
            "Ottawa Office",
            ["enable_peer"],
            client_peer_ids=["5502", "5503", "5504"],
            peer_timeout="25",
            dnis_rewrite=d[0],
        ),
        DidRec(
            31008,
            d[7],
            "Toronto Sales",
            ["enable_forwarding", "enable_recording"],
            forward_number="6475550133",
            forward_timeout="30",
            status="disabled",
        ),
    ]


def make_inventory(rng: random.Random) -> list[InventoryRec]:
    """~40 numbers that can be ordered: local in every ratecenter, toll-free, iNum, UK."""
    items: list[InventoryRec] = []
    did_id = 900100
    for rc_id, rc_name, state, country, npas in RATECENTERS:
        for npa in npas:
            for n in sorted(rng.sample(range(66, 100), 4)):
                items.append(
                    InventoryRec(
                        did_id,
                        f"{npa}55501{n:02d}",
                        "local",
                        npa,
                        "555",
                        rc_id,
                        rc_name,
                        state,
                        country,
                    )
                )
                did_id += 1
    for npa, n in (("833", 60), ("844", 61), ("855", 62), ("866", 63), ("877", 64), ("888", 65)):
        items.append(
            InventoryRec(did_id, f"{npa}55501{n}", "tollfree", npa, "555", "", "", "", "CA", "2.50")
        )
        did_id += 1
    items.append(
        InventoryRec(did_id, "883510000000160", "inum", "", "", "", "iNum", "", "", "0.00")
    )
    did_id += 1
    for n in (161, 162, 163):
        items.append(
            InventoryRec(
                did_id, f"441632960{n}", "international", "", "", "", "Newcastle", "", "GB", "4.00"
            )
        )
        did_id += 1
    return items


def make_e911() -> list[E911Rec]:
    d = DID_NUMBERS
    return [
        E911Rec(
            9101,
            d[0],
            "Émilie",
            "Côté",
            "1155",
            "Boulevard René-Lévesque Ouest",
            "Montréal",
            "QC",
            "CA",
            "H3B 4W8",
            "suite",
            "2500",
            "fr",
            ["5501", "5502"],
        ),
        E911Rec(
            9102,
            d[3],
            "François",
            "Bélanger",
            "880",
            "Rue Saint-Jean",
            "Québec",
            "QC",
            "CA",
            "G1R 1R1",
            language="fr",
            client_peer_ids=["5503"],
        ),
        E911Rec(
            9103,
            d[7],
            "Sarah",
            "Johnson",
            "150",
            "King Street West",
            "Toronto",
            "ON",
            "CA",
            "M5X 1A9",
            "floor",
            "12",
            "en",
        ),
    ]


def make_network_status(now_ts: int) -> list[NetworkStatusRec]:
    day = 86400
    return [
        NetworkStatusRec(
            605,
            now_ts - 2 * day,
            "Maintenance planifiée / Scheduled maintenance",
            "Mise à jour des serveurs SIP de Montréal entre 2 h et 4 h. "
            "SIP servers in Montreal will be updated between 2 and 4 a.m.",
            "scheduled",
        ),
        NetworkStatusRec(
            604,
            now_ts - 9 * day,
            "Appels sortants vers Toronto",
            "Certains appels vers le 416 échouaient de façon intermittente. Résolu.",
            "resolved",
        ),
        NetworkStatusRec(
            603,
            now_ts - 23 * day,
            "Voicemail notification delays",
            "Voicemail e-mails were delayed by up to 20 minutes.",
            "resolved",
        ),
        NetworkStatusRec(
            602,
            now_ts - 41 * day,
            "Qualité audio / Audio quality",
            "Perte de paquets chez un transporteur en amont; trafic redirigé.",
            "monitoring",
        ),
        NetworkStatusRec(
            601,
            now_ts - 77 * day,
            "Panne E911 / E911 outage",
            "Provisioning E911 indisponible pendant 45 minutes.",
            "resolved",
        ),
    ]


_IN_STATUSES: Final = ("answered", "no_answer", "busy", "failed", "voicemail")
_IN_WEIGHTS: Final = (62, 12, 5, 3, 18)
_OUT_STATUSES: Final = ("answered", "no_answer", "busy", "failed")
_OUT_WEIGHTS: Final = (70, 17, 8, 5)
_HOUR_WEIGHTS: Final = (
    (0, 1),
    (1, 1),
    (6, 2),
    (7, 4),
    (8, 9),
    (9, 12),
    (10, 12),
    (11, 11),
    (12, 8),
    (13, 10),
    (14, 12),
    (15, 11),
    (16, 10),
    (17, 7),
    (18, 5),
    (19, 4),
    (20, 3),
    (21, 2),
    (22, 1),
)
_RATES: Final = (95, 125, 172, 0, 210)  # 1/10,000 per minute; 0 = inbound DID included


def _cum(weights: tuple[int, ...]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def place_of(number: str, rng: random.Random | None = None) -> int:
    places = NPA_PLACES.get(number[:3], (0,))
    if rng is None or len(places) == 1:
        return places[0]
    return places[rng.randrange(len(places))]


def billed_for(duration: int, rate: int) -> int:
    """6-second increments, 1/10,000 units, rounded."""
    if duration <= 0 or rate <= 0:
        return 0
    blocks = -(-duration // 6)
    return (blocks * 6 * rate + 30) // 60


def generate_calls(
    rng: random.Random,
    count: int,
    now_ts: int,
    dids: list[DidRec],
    peers: list[PeerRec],
    contacts: list[Contact],
    unknown_numbers: list[str],
    *,
    account_callerid_name: str = ACCOUNT_CALLERID_NAME,
) -> list[CallRow]:
    """``count`` calls over the last WINDOW_DAYS days before ``now_ts``, sorted oldest first.

    The hot loop only uses ``rng.random()`` / ``getrandbits`` and bisection on cumulative
    weights (``choices`` / ``randrange`` cost several times more), so a million calls is a few
    seconds.
    """
    start_today = now_ts - now_ts % 86400
    hours = [h for h, _ in _HOUR_WEIGHTS]
    hour_cum = _cum(tuple(w for _, w in _HOUR_WEIGHTS))
    hour_total = hour_cum[-1]
    in_cum, out_cum = _cum(_IN_WEIGHTS), _cum(_OUT_WEIGHTS)
    in_total, out_total = in_cum[-1], out_cum[-1]
    random_, getrandbits, expovariate = rng.random, rng.getrandbits, rng.expovariate
    n_hours = len(hours)

    stamps: list[int] = []
    for _ in range(count):
        day = int(random_() * WINDOW_DAYS)
        hour = hours[min(n_hours - 1, bisect_right(hour_cum, random_() * hour_total))]
        ts = start_today - day * 86400 + hour * 3600 + int(random_() * 3600)
        if ts > now_ts:
            ts = now_ts - 1 - int(random_() * 6 * 3600)
        stamps.append(ts)
    stamps.sort()

    did_numbers = [d.phone_number for d in dids]
    n_dids = len(did_numbers)
    ring_by_did = {d.phone_number: d.client_peer_ids for d in dids}
    peer_ids = [str(p.client_peer_id) for p in peers]
    n_peers = len(peer_ids)
    n_contacts, n_unknown, n_unknown_names = len(contacts), len(unknown_numbers), len(UNKNOWN_NAMES)
    places = {npa: (p, len(p)) for npa, p in NPA_PLACES.items()}
    default_places = ((0,), 1)
    seen: set[str] = set()
    calls: list[CallRow] = []
    append = calls.append
    for ts in stamps:
        uid = f"{getrandbits(128):032x}"
        while uid in seen:  # pragma: no cover - 1 in 2**128
            uid = f"{getrandbits(128):032x}"
        seen.add(uid)
        our = did_numbers[int(random_() * n_dids)]
        if random_() < 0.72:
            contact = contacts[int(random_() * n_contacts)]
            other, other_name = contact.number, contact.name
        else:
            other = unknown_numbers[int(random_() * n_unknown)]
            other_name = UNKNOWN_NAMES[int(random_() * n_unknown_names)]
        choices_, n_choices = places.get(other[:3], default_places)
        place = choices_[int(random_() * n_choices)]
        if random_() < 0.6:
            status = _IN_STATUSES[bisect_right(in_cum, random_() * in_total)]
            if status == "answered":
                duration = min(3600, int(expovariate(1 / 170)) + 4)
                ring = ring_by_did.get(our) or peer_ids
                peer = ring[int(random_() * len(ring))]
            elif status == "voicemail":
                duration, peer = 12 + int(random_() * 68), ""
            else:
                duration, peer = 0, ""
            rate = 0 if random_() < 0.5 else 95
            append(
                CallRow(
                    uid,
                    ts,
                    "inbound",
                    other,
                    our,
                    peer,
                    place,
                    duration,
                    other_name,
                    other,
                    status,
                    billed_for(duration, rate),
                    rate,
                )
            )
        else:
            status = _OUT_STATUSES[bisect_right(out_cum, random_() * out_total)]
            duration = min(3600, int(expovariate(1 / 210)) + 3) if status == "answered" else 0
            rate = _RATES[int(random_() * 3)]
            append(
                CallRow(
                    uid,
                    ts,
                    "outbound",
                    our,
                    other,
                    peer_ids[int(random_() * n_peers)],
                    place,
                    duration,
                    account_callerid_name,
                    our,
                    status,
                    billed_for(duration, rate),
                    rate,
                )
            )
    return calls


def build_seed(
    seed: int, now: datetime, call_count: int, account_id: str = DEFAULT_ACCOUNT_ID
) -> SeedData:
    """All the sample data, deterministic for ``seed`` (and ``now``)."""
    rng = random.Random(seed)
    now_ts = to_ts(now)
    contacts, unknown = make_contacts(rng)
    peers, mailboxes, dids = make_peers(), make_mailboxes(), make_dids()
    inventory = make_inventory(rng)
    calls = generate_calls(rng, call_count, now_ts, dids, peers, contacts, unknown)
    mailbox_by_did = {d.phone_number: d.client_mailbox_id for d in dids}

    # 20 voicemails from the latest calls that went to voicemail.
    voicemails: list[VoicemailRec] = []
    vm_calls = [c for c in reversed(calls) if c.status == "voicemail"][:20]
    vm_calls.reverse()
    for i, call in enumerate(vm_calls):
        voicemails.append(
            VoicemailRec(
                48201 + i,
                hex32(rng),
                min(call.ts + 20, now_ts),
                call.callerid_name,
                call.callerid_number,
                call.destination,
                mailbox_by_did.get(call.destination) or "7001",
                rng.randrange(3, 61),
                "new" if i >= len(vm_calls) - 7 or rng.random() < 0.15 else "heard",
            )
        )

    # 10 recordings of recent answered calls; those calls get a call_hash.
    recordings: list[RecordingRec] = []
    recent = [i for i in range(max(0, len(calls) - 400), len(calls)) if calls[i].duration >= 5]
    picked = sorted(rng.sample(recent, min(10, len(recent))))
    for n, i in enumerate(picked):
        call_hash = hex32(rng)
        calls[i] = calls[i]._replace(call_hash=call_hash)
        c = calls[i]
        recordings.append(
            RecordingRec(
                77001 + n,
                uuid36(rng),
                call_hash,
                c.ts,
                c.source,
                c.destination,
                c.duration,
                "verified" if rng.random() < 0.5 else "unverified",
            )
        )

    return SeedData(
        account=AccountRec(account_id),
        calls=calls,
        voicemails=voicemails,
        recordings=recordings,
        dids=dids,
        inventory=inventory,
        peers=peers,
        mailboxes=mailboxes,
        e911=make_e911(),
        default_endpoint_id=9101,
        network_status=make_network_status(now_ts),
        contacts=contacts,
        unknown_numbers=unknown,
    )
