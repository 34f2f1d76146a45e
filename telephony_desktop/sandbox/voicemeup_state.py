"""The VoiceMeUp account the simulator serves: calls, voicemail, recordings, DIDs, E911, ...

All reads and writes take ``state.lock`` (a re-entrant lock), so tests may add calls or
voicemails from their own thread while the server's loop answers requests.

Calls are kept in *log order* (the order they were logged, oldest first) in a list of compact
:class:`~telephony_desktop.sandbox.seed.CallRow` tuples, with ``unique_id -> position`` and
``call_hash -> position`` dicts, a parallel list of timestamps and one position list per
direction, so a page is served in O(log N + page) whatever N is. Calls added with a time earlier
than the last logged call break the time order; date filters then fall back to a scan.
"""

from __future__ import annotations

import random
import threading
import time
from bisect import bisect_left
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from telephony_desktop.sandbox.seed import (
    DEFAULT_ACCOUNT_ID,
    AccountRec,
    CallRow,
    Contact,
    DidRec,
    E911Rec,
    InventoryRec,
    MailboxRec,
    NetworkStatusRec,
    PeerRec,
    RecordingRec,
    VoicemailRec,
    billed_for,
    build_seed,
    from_ts,
    hex32,
    place_of,
    to_ts,
    uuid36,
)

_CALL_FIELDS = frozenset(CallRow._fields)
_VOICEMAIL_FIELDS = frozenset(
    {
        "call_voicemail_id",
        "voicemail_hash",
        "ts",
        "callerid_name",
        "callerid_number",
        "destination",
        "client_mailbox_id",
        "duration",
        "status",
        "file_format",
    }
)


def _when_to_ts(value: object) -> int:
    if isinstance(value, datetime):
        return to_ts(value)
    if isinstance(value, date):
        return to_ts(datetime(value.year, value.month, value.day))
    if isinstance(value, str):
        return to_ts(datetime.fromisoformat(value))
    if isinstance(value, int | float):
        return int(value)
    raise TypeError(f"cannot read a time from {value!r}")


def _money_units(value: object) -> int:
    """Decimal / str / float amount -> 1/10,000 units."""
    return int((Decimal(str(value)) * 10000).to_integral_value())


class VoiceMeUpState:
    """Everything one simulated VoiceMeUp account holds. See the module docstring for locking."""

    def __init__(
        self,
        *,
        seed: int = 1234,
        account_id: str = DEFAULT_ACCOUNT_ID,
        call_count: int = 2400,
        now: datetime | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.rng = random.Random(seed * 7919 + 17)
        base = now if now is not None else datetime.now()
        self._base_now = base.replace(tzinfo=None, microsecond=0)
        self._t0 = time.monotonic()
        data = build_seed(seed, self._base_now, call_count, account_id)
        self.account: AccountRec = data.account
        self.calls: list[CallRow] = []
        self._index: dict[str, int] = {}
        self._hash_index: dict[str, int] = {}
        self._ts: list[int] = []
        self._by_direction: dict[str, list[int]] = {}
        self._time_ordered = True
        self._extend_calls(data.calls)
        self.voicemails: dict[int, VoicemailRec] = {v.call_voicemail_id: v for v in data.voicemails}
        self.recordings: dict[int, RecordingRec] = {r.call_recording_id: r for r in data.recordings}
        self.dids: dict[int, DidRec] = {d.client_did_id: d for d in data.dids}
        self.inventory: dict[int, InventoryRec] = {i.did_id: i for i in data.inventory}
        self.peers: dict[int, PeerRec] = {p.client_peer_id: p for p in data.peers}
        self.mailboxes: dict[int, MailboxRec] = {m.client_mailbox_id: m for m in data.mailboxes}
        self.e911: dict[int, E911Rec] = {e.client_endpoint_id: e for e in data.e911}
        self.default_endpoint_id: int | None = data.default_endpoint_id
        self.network_status: list[NetworkStatusRec] = data.network_status
        self.contacts: list[Contact] = data.contacts
        self.unknown_numbers: list[str] = data.unknown_numbers
        self._next_voicemail_id = max(self.voicemails, default=48200) + 1
        self._next_recording_id = max(self.recordings, default=77000) + 1
        self._next_did_id = max(self.dids, default=31000) + 1
        self._next_endpoint_id = max(self.e911, default=9100) + 1

    # --- clock ---------------------------------------------------------------------------

    def now(self) -> datetime:
        """The provider's clock: the ``now`` given at start, advancing in real time."""
        return self._base_now + timedelta(seconds=int(time.monotonic() - self._t0))

    def now_ts(self) -> int:
        return to_ts(self.now())

    # --- calls ---------------------------------------------------------------------------

    def _extend_calls(self, rows: list[CallRow]) -> None:
        """Bulk-append (the seed): same result as ``_append_call`` per row, several times faster."""
        if self.calls:
            for row in rows:
                self._append_call(row)
            return
        self.calls = list(rows)
        self._index = {row.unique_id: pos for pos, row in enumerate(rows)}
        if len(self._index) != len(rows):
            raise ValueError("duplicate unique_id in the seed")
        self._hash_index = {row.call_hash: pos for pos, row in enumerate(rows) if row.call_hash}
        self._ts = [row.ts for row in rows]
        self._time_ordered = all(a <= b for a, b in zip(self._ts, self._ts[1:], strict=False))
        by_direction: dict[str, list[int]] = {}
        for pos, row in enumerate(rows):
            by_direction.setdefault(row.direction, []).append(pos)
        self._by_direction = by_direction

    def _append_call(self, row: CallRow) -> None:
        if row.unique_id in self._index:
            raise ValueError(f"duplicate unique_id {row.unique_id}")
        pos = len(self.calls)
        if self._ts and row.ts < self._ts[-1]:
            self._time_ordered = False
        self.calls.append(row)
        self._ts.append(row.ts)
        self._index[row.unique_id] = pos
        if row.call_hash:
            self._hash_index[row.call_hash] = pos
        self._by_direction.setdefault(row.direction, []).append(pos)

    @property
    def call_count(self) -> int:
        with self.lock:
            return len(self.calls)

    def call_position(self, unique_id: str) -> int | None:
        with self.lock:
            return self._index.get(unique_id)

    def call_by_hash(self, call_hash: str) -> CallRow | None:
        with self.lock:
            pos = self._hash_index.get(call_hash)
            return None if pos is None else self.calls[pos]

    def select_calls(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        after_unique_id: str | None = None,
        direction: str | None = None,
        offset: int = 0,
        limit: int = 25,
        metadata_only: bool = False,
    ) -> list[CallRow]:
        """A page of calls in log order. ``after_unique_id`` must be known (check first)."""
        with self.lock:
            lo, hi = 0, len(self.calls)
            if after_unique_id is not None:
                lo = self._index[after_unique_id] + 1
            lo_ts = (
                to_ts(datetime(date_from.year, date_from.month, date_from.day))
                if date_from
                else None
            )
            hi_ts = (
                to_ts(datetime(date_to.year, date_to.month, date_to.day)) + 86400
                if date_to
                else None
            )
            scan = metadata_only or (
                not self._time_ordered and (lo_ts is not None or hi_ts is not None)
            )
            if not scan:
                if lo_ts is not None:
                    lo = max(lo, bisect_left(self._ts, lo_ts))
                if hi_ts is not None:
                    hi = min(hi, bisect_left(self._ts, hi_ts))
                if hi <= lo:
                    return []
                if direction is None:
                    start = lo + offset
                    return self.calls[start : min(hi, start + limit)]
                positions = self._by_direction.get(direction, [])
                i0 = bisect_left(positions, lo) + offset
                i1 = min(bisect_left(positions, hi), i0 + limit)
                return [self.calls[p] for p in positions[i0:i1]]
            # Slow path: out-of-order times or a metadata filter; O(N).
            out: list[CallRow] = []
            skipped = 0
            for pos in range(lo, hi):
                row = self.calls[pos]
                if lo_ts is not None and row.ts < lo_ts:
                    continue
                if hi_ts is not None and row.ts >= hi_ts:
                    continue
                if direction is not None and row.direction != direction:
                    continue
                if metadata_only and not row.meta_data:
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                out.append(row)
                if len(out) >= limit:
                    break
            return out

    def add_call(self, **overrides: Any) -> str:
        """Log a new call (default: an answered inbound call from a contact, now).

        ``overrides`` are :class:`CallRow` field names, plus ``when`` (datetime, ISO text or
        epoch seconds), ``billed_amount`` and ``current_rate`` (decimal amounts). Returns the
        call's ``unique_id``.
        """
        with self.lock:
            rng = self.rng
            fields: dict[str, Any] = dict(overrides)
            if "when" in fields:
                fields["ts"] = _when_to_ts(fields.pop("when"))
            if "billed_amount" in fields:
                fields["billed"] = _money_units(fields.pop("billed_amount"))
            if "current_rate" in fields:
                fields["rate"] = _money_units(fields.pop("current_rate"))
            unknown = set(fields) - _CALL_FIELDS
            if unknown:
                raise TypeError(f"unknown call fields: {sorted(unknown)}")
            direction = str(fields.get("direction", "inbound"))
            contact = self.contacts[rng.randrange(len(self.contacts))]
            our = list(self.dids.values())[rng.randrange(len(self.dids))].phone_number
            status = str(fields.get("status", "answered"))
            duration = int(
                fields.get("duration", rng.randrange(15, 600) if status == "answered" else 0)
            )
            rate = int(fields.get("rate", 95))
            if direction == "outbound":
                src, dst = our, contact.number
                cid_name, cid_number = self.account.callerid_name, our
            else:
                src, dst = contact.number, our
                cid_name, cid_number = contact.name, contact.number
            source = str(fields.get("source", src))
            destination = str(fields.get("destination", dst))
            other = destination if direction == "outbound" else source
            uid = str(fields.get("unique_id") or hex32(rng))
            while uid in self._index and "unique_id" not in fields:  # pragma: no cover
                uid = hex32(rng)
            peer_ids = [str(p) for p in self.peers]
            row = CallRow(
                unique_id=uid,
                ts=int(fields.get("ts", self.now_ts())),
                direction=direction,
                source=source,
                destination=destination,
                client_peer_id=str(
                    fields.get(
                        "client_peer_id",
                        peer_ids[rng.randrange(len(peer_ids))] if status == "answered" else "",
                    )
                ),
                place=int(fields.get("place", place_of(other))),
                duration=duration,
                callerid_name=str(fields.get("callerid_name", cid_name)),
                callerid_number=str(fields.get("callerid_number", cid_number)),
                status=status,
                billed=int(fields.get("billed", billed_for(duration, rate))),
                rate=rate,
                call_hash=str(fields.get("call_hash", "")),
                meta_data=str(fields.get("meta_data", "")),
            )
            self._append_call(row)
            return uid

    # --- voicemail -------------------------------------------------------------------------

    def add_voicemail(self, **overrides: Any) -> int:
        """Store a new voicemail (default: status ``new``, from a contact, now); returns its id.

        ``overrides`` are :class:`VoicemailRec` field names plus ``when``.
        """
        with self.lock:
            rng = self.rng
            fields: dict[str, Any] = dict(overrides)
            if "when" in fields:
                fields["ts"] = _when_to_ts(fields.pop("when"))
            unknown = set(fields) - _VOICEMAIL_FIELDS
            if unknown:
                raise TypeError(f"unknown voicemail fields: {sorted(unknown)}")
            contact = self.contacts[rng.randrange(len(self.contacts))]
            vm_id = int(fields.get("call_voicemail_id", self._next_voicemail_id))
            if vm_id in self.voicemails:
                raise ValueError(f"call_voicemail_id {vm_id} exists")
            self._next_voicemail_id = max(self._next_voicemail_id, vm_id + 1)
            did = next(iter(self.dids.values()))
            rec = VoicemailRec(
                call_voicemail_id=vm_id,
                voicemail_hash=str(fields.get("voicemail_hash", hex32(rng))),
                ts=int(fields.get("ts", self.now_ts())),
                callerid_name=str(fields.get("callerid_name", contact.name)),
                callerid_number=str(fields.get("callerid_number", contact.number)),
                destination=str(fields.get("destination", did.phone_number)),
                client_mailbox_id=str(
                    fields.get("client_mailbox_id", did.client_mailbox_id or "7001")
                ),
                duration=int(fields.get("duration", rng.randrange(3, 61))),
                status=str(fields.get("status", "new")),
                file_format=str(fields.get("file_format", "wav")),
            )
            self.voicemails[vm_id] = rec
            return vm_id

    def list_voicemails(self) -> list[VoicemailRec]:
        """Newest first."""
        with self.lock:
            return sorted(self.voicemails.values(), key=lambda v: (-v.ts, -v.call_voicemail_id))

    def delete_voicemail(self, vm_id: int) -> bool:
        with self.lock:
            return self.voicemails.pop(vm_id, None) is not None

    # --- recordings ------------------------------------------------------------------------

    def add_recording(self, call_hash: str, duration: int, source: str, destination: str) -> int:
        with self.lock:
            rec_id = self._next_recording_id
            self._next_recording_id += 1
            self.recordings[rec_id] = RecordingRec(
                rec_id, uuid36(self.rng), call_hash, self.now_ts(), source, destination, duration
            )
            return rec_id

    def call_ids_by_hash(self) -> dict[str, str]:
        """``call_hash`` -> ``unique_id`` of every call that has a hash (the recordings' link)."""
        with self.lock:
            return {c.call_hash: c.unique_id for c in self.calls if c.call_hash}

    def list_recordings(self) -> list[RecordingRec]:
        """Newest first (deleted ones included; the engine filters by status)."""
        with self.lock:
            return sorted(self.recordings.values(), key=lambda r: (-r.ts, -r.call_recording_id))

    # --- DIDs ------------------------------------------------------------------------------

    def did_by_number(self, phone_number: str) -> DidRec | None:
        with self.lock:
            for did in self.dids.values():
                if did.phone_number == phone_number:
                    return did
            return None

    def order_did(self, item: InventoryRec) -> DidRec:
        with self.lock:
            del self.inventory[item.did_id]
            did = DidRec(self._next_did_id, item.phone_number, "", [], status="enabled")
            self._next_did_id += 1
            self.dids[did.client_did_id] = did
            return did

    # --- E911 ------------------------------------------------------------------------------

    def endpoint_by_number(self, phone_number: str) -> E911Rec | None:
        with self.lock:
            for endpoint in self.e911.values():
                if endpoint.phone_number == phone_number:
                    return endpoint
            return None

    def upsert_endpoint(self, phone_number: str, fields: Mapping[str, str]) -> E911Rec:
        with self.lock:
            endpoint = self.endpoint_by_number(phone_number)
            if endpoint is None:
                endpoint = E911Rec(
                    self._next_endpoint_id, phone_number, "", "", "", "", "", "", "", ""
                )
                self._next_endpoint_id += 1
                self.e911[endpoint.client_endpoint_id] = endpoint
                if self.default_endpoint_id is None:
                    self.default_endpoint_id = endpoint.client_endpoint_id
            for name, value in fields.items():
                setattr(endpoint, name, value)
            return endpoint

    def delete_endpoint(self, endpoint_id: int) -> None:
        with self.lock:
            del self.e911[endpoint_id]
            if self.default_endpoint_id == endpoint_id:
                self.default_endpoint_id = None

    # --- misc ------------------------------------------------------------------------------

    def call_time(self, ts: int) -> datetime:
        return from_ts(ts)
