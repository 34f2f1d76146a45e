"""Account inventory in the cache: DIDs, E911 endpoints, peers, mailboxes.

These lists are small and the provider's answer is the whole truth, so ``replace_*`` swaps the
table's contents in one transaction and ``list_*`` gives the domain objects back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from telephony_desktop.domain.models import Did, E911Address, E911Endpoint, Mailbox, Peer
from telephony_desktop.store.convert import (
    extra_from_json,
    extra_to_json,
    list_from_json,
    list_to_json,
    utc_now_iso,
)
from telephony_desktop.store.db import transaction

# Identifiers in the SQL below are these module constants; values are always bound parameters.
_DID_COLUMNS = (
    "did_id",
    "phone_number",
    "friendly_name",
    "options",
    "forward_number",
    "forward_timeout",
    "mailbox_id",
    "ivr_profile_id",
    "fax_profile_id",
    "peer_ids",
    "peer_timeout",
    "dnis_rewrite",
    "status",
    "extra",
)
_E911_COLUMNS = (
    "endpoint_id",
    "phone_number",
    "first_name",
    "last_name",
    "civic_number",
    "street",
    "city",
    "state_code",
    "country_code",
    "postal_code",
    "address_type",
    "address_type_number",
    "language",
    "peer_ids",
)
_PEER_COLUMNS = (
    "peer_id",
    "username",
    "friendly_name",
    "callerid_name",
    "callerid_number",
    "status",
)
_MAILBOX_COLUMNS = ("mailbox_id", "friendly_name", "email", "status")


def _replace_all(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    synced_at = utc_now_iso()
    names = [*columns, "synced_at"]
    insert = (
        f"INSERT OR REPLACE INTO {table} ({', '.join(names)}) "  # noqa: S608 - constant names
        f"VALUES ({', '.join('?' * len(names))})"
    )
    with transaction(conn):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - constant names
        cur = conn.executemany(insert, [(*row, synced_at) for row in rows])
    return max(cur.rowcount, 0)


def _select(conn: sqlite3.Connection, table: str, columns: Sequence[str]) -> list[Any]:
    sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[1]}, {columns[0]}"  # noqa: S608
    return conn.execute(sql).fetchall()


# --- DIDs --------------------------------------------------------------------------------


def replace_dids(conn: sqlite3.Connection, dids: Iterable[Did]) -> int:
    """Make the cached DIDs exactly ``dids``; return how many are stored."""
    rows = (
        (
            d.did_id,
            d.phone_number,
            d.friendly_name,
            list_to_json(d.options),
            d.forward_number,
            d.forward_timeout,
            d.mailbox_id,
            d.ivr_profile_id,
            d.fax_profile_id,
            list_to_json(d.peer_ids),
            d.peer_timeout,
            d.dnis_rewrite,
            d.status,
            extra_to_json(d.extra),
        )
        for d in dids
    )
    return _replace_all(conn, "dids", _DID_COLUMNS, rows)


def list_dids(conn: sqlite3.Connection) -> list[Did]:
    """Cached DIDs, by phone number."""
    return [
        Did(
            did_id=r[0],
            phone_number=r[1],
            friendly_name=r[2],
            options=list_from_json(r[3]),
            forward_number=r[4],
            forward_timeout=r[5],
            mailbox_id=r[6],
            ivr_profile_id=r[7],
            fax_profile_id=r[8],
            peer_ids=list_from_json(r[9]),
            peer_timeout=r[10],
            dnis_rewrite=r[11],
            status=r[12],
            extra=extra_from_json(r[13]),
        )
        for r in _select(conn, "dids", _DID_COLUMNS)
    ]


# --- E911 --------------------------------------------------------------------------------


def replace_e911(conn: sqlite3.Connection, endpoints: Iterable[E911Endpoint]) -> int:
    """Make the cached E911 endpoints exactly ``endpoints``; return how many are stored."""
    rows = (
        (
            e.endpoint_id,
            e.phone_number,
            e.address.first_name,
            e.address.last_name,
            e.address.civic_number,
            e.address.street,
            e.address.city,
            e.address.state_code,
            e.address.country_code,
            e.address.postal_code,
            e.address.address_type,
            e.address.address_type_number,
            e.address.language,
            list_to_json(e.peer_ids),
        )
        for e in endpoints
    )
    return _replace_all(conn, "e911_endpoints", _E911_COLUMNS, rows)


def list_e911(conn: sqlite3.Connection) -> list[E911Endpoint]:
    """Cached E911 endpoints, by phone number."""
    return [
        E911Endpoint(
            endpoint_id=r[0],
            phone_number=r[1],
            address=E911Address(
                first_name=r[2],
                last_name=r[3],
                civic_number=r[4],
                street=r[5],
                city=r[6],
                state_code=r[7],
                country_code=r[8],
                postal_code=r[9],
                address_type=r[10],
                address_type_number=r[11],
                language=r[12],
            ),
            peer_ids=list_from_json(r[13]),
        )
        for r in _select(conn, "e911_endpoints", _E911_COLUMNS)
    ]


# --- peers and mailboxes -----------------------------------------------------------------


def replace_peers(conn: sqlite3.Connection, peers: Iterable[Peer]) -> int:
    rows = (
        (p.peer_id, p.username, p.friendly_name, p.callerid_name, p.callerid_number, p.status)
        for p in peers
    )
    return _replace_all(conn, "peers", _PEER_COLUMNS, rows)


def list_peers(conn: sqlite3.Connection) -> list[Peer]:
    """Cached peers, by user name."""
    return [Peer(*r) for r in _select(conn, "peers", _PEER_COLUMNS)]


def replace_mailboxes(conn: sqlite3.Connection, mailboxes: Iterable[Mailbox]) -> int:
    rows = ((m.mailbox_id, m.friendly_name, m.email, m.status) for m in mailboxes)
    return _replace_all(conn, "mailboxes", _MAILBOX_COLUMNS, rows)


def list_mailboxes(conn: sqlite3.Connection) -> list[Mailbox]:
    """Cached mailboxes, by name."""
    return [Mailbox(*r) for r in _select(conn, "mailboxes", _MAILBOX_COLUMNS)]
