"""Voicemails and recordings in the cache: the provider's list is the truth, local state is kept.

``replace_voicemails`` / ``replace_recordings`` take the provider's complete current list: new
records are added, changed ones updated, and records the provider no longer lists are removed. What
only this machine knows (``heard_locally``, ``notified``, ``audio_path``) survives an update; the
result names the audio files of removed records so the caller can delete them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from telephony_desktop.domain.models import Recording, Voicemail
from telephony_desktop.store.convert import (
    extra_from_json,
    extra_to_json,
    iso,
    parse_iso,
    utc_now_iso,
)
from telephony_desktop.store.db import transaction


@dataclass(frozen=True, slots=True)
class CachedVoicemail:
    """A voicemail as cached, with what only this machine knows about it."""

    voicemail: Voicemail
    heard_locally: bool = False
    audio_path: str | None = None
    notified: bool = False

    @property
    def is_new(self) -> bool:
        """New unless the provider says heard or it was played here."""
        return self.voicemail.is_new and not self.heard_locally


@dataclass(frozen=True, slots=True)
class CachedRecording:
    recording: Recording
    audio_path: str | None = None


@dataclass(frozen=True, slots=True)
class ReplaceResult:
    """What :func:`replace_voicemails` / :func:`replace_recordings` changed."""

    added: tuple[str, ...] = ()  # ids not cached before
    updated: int = 0  # rows whose provider fields changed
    removed: tuple[str, ...] = ()  # ids the provider no longer lists (rows deleted)
    orphaned_audio: tuple[str, ...] = ()  # audio_path of removed rows: files to delete


# --- voicemails --------------------------------------------------------------------------

_VM_PROVIDER_COLUMNS = (
    "voicemail_id",
    "voicemail_hash",
    "received_at",
    "callerid_name",
    "callerid_number",
    "destination",
    "mailbox_id",
    "duration_s",
    "status",
    "file_format",
    "file_url",
    "extra",
)
# SQL here is built from constant table/column names only; values are always bound parameters.
_VM_SELECT = (
    f"SELECT {', '.join(_VM_PROVIDER_COLUMNS)}, "  # noqa: S608
    "heard_locally, audio_path, notified FROM voicemails"
)


def _vm_row(vm: Voicemail) -> tuple[Any, ...]:
    return (
        vm.voicemail_id,
        vm.voicemail_hash,
        iso(vm.received_at),
        vm.callerid_name,
        vm.callerid_number,
        vm.destination,
        vm.mailbox_id,
        vm.duration_s,
        vm.status,
        vm.file_format,
        vm.file_url,
        extra_to_json(vm.extra),
    )


def _vm_from_row(row: Sequence[Any]) -> CachedVoicemail:
    return CachedVoicemail(
        voicemail=Voicemail(
            voicemail_id=row[0],
            voicemail_hash=row[1],
            received_at=parse_iso(row[2]),
            callerid_name=row[3],
            callerid_number=row[4],
            destination=row[5],
            mailbox_id=row[6],
            duration_s=row[7],
            status=row[8],
            file_format=row[9],
            file_url=row[10],
            extra=extra_from_json(row[11]),
        ),
        heard_locally=bool(row[12]),
        audio_path=row[13],
        notified=bool(row[14]),
    )


def _replace(
    conn: sqlite3.Connection,
    table: str,
    key: str,
    columns: Sequence[str],
    rows: dict[str, tuple[Any, ...]],
) -> ReplaceResult:
    """Upsert ``rows`` (provider columns only) and delete rows of ``table`` not among them."""
    synced_at = utc_now_iso()
    ids = json.dumps(list(rows))
    names = [*columns, "synced_at"]
    provider = [c for c in columns if c != key]
    upsert = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*provider, "synced_at"))
        + f" WHERE ({', '.join(f'{table}.{c}' for c in provider)})"
        f" IS NOT ({', '.join(f'excluded.{c}' for c in provider)})"
    )
    with transaction(conn):
        known = {
            row[0]
            for row in conn.execute(
                f"SELECT {key} FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))",  # noqa: S608
                (ids,),
            )
        }
        gone = conn.execute(
            f"SELECT {key}, audio_path FROM {table} "  # noqa: S608
            f"WHERE {key} NOT IN (SELECT value FROM json_each(?))",
            (ids,),
        ).fetchall()
        if gone:
            conn.execute(
                f"DELETE FROM {table} WHERE {key} NOT IN (SELECT value FROM json_each(?))",  # noqa: S608
                (ids,),
            )
        cur = conn.executemany(upsert, [(*row, synced_at) for row in rows.values()])
    added = tuple(i for i in rows if i not in known)
    return ReplaceResult(
        added=added,
        updated=max(cur.rowcount - len(added), 0),
        removed=tuple(row[0] for row in gone),
        orphaned_audio=tuple(row[1] for row in gone if row[1]),
    )


def replace_voicemails(conn: sqlite3.Connection, voicemails: Iterable[Voicemail]) -> ReplaceResult:
    """Make the cached voicemails the provider's list, keeping local state (see module doc)."""
    rows = {vm.voicemail_id: _vm_row(vm) for vm in voicemails}
    return _replace(conn, "voicemails", "voicemail_id", _VM_PROVIDER_COLUMNS, rows)


def list_voicemails(
    conn: sqlite3.Connection, *, only_new: bool = False, mailbox_id: str | None = None
) -> list[CachedVoicemail]:
    """Cached voicemails, newest first."""
    clauses: list[str] = []
    params: list[Any] = []
    if only_new:
        clauses.append("status = 'new' AND heard_locally = 0")
    if mailbox_id is not None:
        clauses.append("mailbox_id = ?")
        params.append(mailbox_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = _VM_SELECT + where + " ORDER BY received_at DESC, voicemail_id DESC"
    return [_vm_from_row(row) for row in conn.execute(sql, params)]


def get_voicemail(conn: sqlite3.Connection, voicemail_id: str) -> CachedVoicemail | None:
    row = conn.execute(_VM_SELECT + " WHERE voicemail_id = ?", (voicemail_id,)).fetchone()
    return None if row is None else _vm_from_row(row)


def mark_voicemail_heard(conn: sqlite3.Connection, voicemail_id: str, heard: bool = True) -> bool:
    """Record that the message was (or was not) played here. False if no such voicemail."""
    cur = conn.execute(
        "UPDATE voicemails SET heard_locally = ? WHERE voicemail_id = ?", (int(heard), voicemail_id)
    )
    return cur.rowcount > 0


def unnotified_voicemails(conn: sqlite3.Connection) -> list[CachedVoicemail]:
    """New voicemails the user has not been told about yet, oldest first."""
    sql = (
        _VM_SELECT + " WHERE notified = 0 AND status = 'new' AND heard_locally = 0"
        " ORDER BY received_at ASC, voicemail_id ASC"
    )
    return [_vm_from_row(row) for row in conn.execute(sql)]


def mark_voicemails_notified(conn: sqlite3.Connection, voicemail_ids: Iterable[str]) -> int:
    with transaction(conn):
        cur = conn.execute(
            "UPDATE voicemails SET notified = 1 "
            "WHERE voicemail_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(voicemail_ids)),),
        )
    return cur.rowcount


def set_voicemail_audio_path(
    conn: sqlite3.Connection, voicemail_id: str, audio_path: str | None
) -> bool:
    cur = conn.execute(
        "UPDATE voicemails SET audio_path = ? WHERE voicemail_id = ?", (audio_path, voicemail_id)
    )
    return cur.rowcount > 0


def delete_voicemail_row(conn: sqlite3.Connection, voicemail_id: str) -> str | None:
    """Forget a voicemail (after the provider deleted it); return its audio path, if any."""
    with transaction(conn):
        row = conn.execute(
            "SELECT audio_path FROM voicemails WHERE voicemail_id = ?", (voicemail_id,)
        ).fetchone()
        conn.execute("DELETE FROM voicemails WHERE voicemail_id = ?", (voicemail_id,))
    return None if row is None else row[0]


# --- recordings --------------------------------------------------------------------------

_REC_PROVIDER_COLUMNS = (
    "recording_id",
    "recording_hash",
    "call_hash",
    "recorded_at",
    "source",
    "destination",
    "duration_s",
    "status",
    "file_format",
    "file_url",
    "extra",
)
_REC_SELECT = f"SELECT {', '.join(_REC_PROVIDER_COLUMNS)}, audio_path FROM recordings"  # noqa: S608


def _rec_row(rec: Recording) -> tuple[Any, ...]:
    return (
        rec.recording_id,
        rec.recording_hash,
        rec.call_hash,
        iso(rec.recorded_at),
        rec.source,
        rec.destination,
        rec.duration_s,
        rec.status,
        rec.file_format,
        rec.file_url,
        extra_to_json(rec.extra),
    )


def _rec_from_row(row: Sequence[Any]) -> CachedRecording:
    return CachedRecording(
        recording=Recording(
            recording_id=row[0],
            recording_hash=row[1],
            call_hash=row[2],
            recorded_at=parse_iso(row[3]),
            source=row[4],
            destination=row[5],
            duration_s=row[6],
            status=row[7],
            file_format=row[8],
            file_url=row[9],
            extra=extra_from_json(row[10]),
        ),
        audio_path=row[11],
    )


def replace_recordings(conn: sqlite3.Connection, recordings: Iterable[Recording]) -> ReplaceResult:
    """Make the cached recordings the provider's list, keeping ``audio_path``."""
    rows = {rec.recording_id: _rec_row(rec) for rec in recordings}
    return _replace(conn, "recordings", "recording_id", _REC_PROVIDER_COLUMNS, rows)


def list_recordings(
    conn: sqlite3.Connection, *, call_hash: str | None = None, status: str | None = None
) -> list[CachedRecording]:
    """Cached recordings, newest first."""
    clauses: list[str] = []
    params: list[Any] = []
    if call_hash is not None:
        clauses.append("call_hash = ?")
        params.append(call_hash)
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = _REC_SELECT + where + " ORDER BY recorded_at DESC, recording_id DESC"
    return [_rec_from_row(row) for row in conn.execute(sql, params)]


def get_recording(conn: sqlite3.Connection, recording_id: str) -> CachedRecording | None:
    row = conn.execute(_REC_SELECT + " WHERE recording_id = ?", (recording_id,)).fetchone()
    return None if row is None else _rec_from_row(row)


def set_recording_audio_path(
    conn: sqlite3.Connection, recording_id: str, audio_path: str | None
) -> bool:
    cur = conn.execute(
        "UPDATE recordings SET audio_path = ? WHERE recording_id = ?", (audio_path, recording_id)
    )
    return cur.rowcount > 0


def delete_recording_row(conn: sqlite3.Connection, recording_id: str) -> str | None:
    """Forget a recording; return its audio path, if any."""
    with transaction(conn):
        row = conn.execute(
            "SELECT audio_path FROM recordings WHERE recording_id = ?", (recording_id,)
        ).fetchone()
        conn.execute("DELETE FROM recordings WHERE recording_id = ?", (recording_id,))
    return None if row is None else row[0]
