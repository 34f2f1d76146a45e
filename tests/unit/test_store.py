"""The SQLite cache: migrations, call upsert and search, media lists, state, atomic audio files."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from telephony_desktop.domain.errors import ConfigError, StorageError
from telephony_desktop.domain.models import (
    Call,
    Did,
    E911Address,
    E911Endpoint,
    Mailbox,
    Peer,
    Recording,
    Voicemail,
)
from telephony_desktop.store import audio, cache
from telephony_desktop.store.db import (
    CacheSchemaTooNew,
    Database,
    DatabaseClosed,
    load_migrations,
    split_sql,
    transaction,
)
from tests.helpers.fake_sources import make_calls, uid

T0 = datetime(2024, 5, 1, 9, 0, 0)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open_sync(tmp_path / "acct" / "cache.sqlite3")
    yield database
    database.close_sync()


def call(n: int, **kw: object) -> Call:
    base: dict[str, object] = {
        "unique_id": uid(f"c{n}"),
        "started_at": T0 + timedelta(hours=n),
        "direction": "inbound",
        "source": f"61300{n:05d}",
        "destination": "4385550199",
    }
    base.update(kw)
    return Call(**base)  # type: ignore[arg-type]


# --- opening and migrations --------------------------------------------------------------


def test_migrations_from_empty(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.sqlite3"
    with Database.open_sync(path) as db:
        version = db.call(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        tables = db.call(
            lambda c: {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        )
        pragmas = db.call(
            lambda c: (
                c.execute("PRAGMA journal_mode").fetchone()[0],
                c.execute("PRAGMA foreign_keys").fetchone()[0],
                c.execute("PRAGMA synchronous").fetchone()[0],
                c.execute("PRAGMA busy_timeout").fetchone()[0],
            )
        )
    assert version == len(load_migrations()) >= 1
    assert {
        "calls",
        "calls_fts",
        "voicemails",
        "recordings",
        "dids",
        "e911_endpoints",
        "peers",
        "mailboxes",
        "sync_state",
        "meta",
    } <= tables
    assert pragmas == ("wal", 1, 1, 5000)  # synchronous 1 = NORMAL


def test_reopen_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open_sync(path) as db:
        db.call(cache.upsert_calls, [call(1)])
    for _ in range(2):
        with Database.open_sync(path) as db:
            assert db.call(cache.count_calls) == 1
            assert db.call(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == len(
                load_migrations()
            )


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open_sync(path) as db:
        db.call(lambda c: c.execute("PRAGMA user_version = 999"))
    with pytest.raises(CacheSchemaTooNew) as info:
        Database.open_sync(path)
    assert isinstance(info.value, ConfigError)
    assert "newer version" in str(info.value)
    assert info.value.found == 999
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 999
    conn.close()


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="is damaged") as caught:
        Database.open_sync(path)
    assert caught.value.path == str(path) and caught.value.kind == "damaged"


def test_split_sql_keeps_trigger_bodies_whole() -> None:
    script = (
        "CREATE TABLE a (x); -- a comment; with a semicolon\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\n"
        "-- trailing comment\n"
    )
    statements = split_sql(script)
    assert len(statements) == 2
    assert statements[0] == "CREATE TABLE a (x);"
    assert "CREATE TRIGGER" in statements[1]
    assert statements[1].endswith("SELECT 2; END;")
    with pytest.raises(ValueError, match="incomplete"):
        split_sql("CREATE TABLE b (y)")


async def test_async_api_runs_on_the_db_thread(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cache.sqlite3")
    names = await db.run(lambda conn: threading.current_thread().name)
    assert names.startswith("db")
    assert names != threading.current_thread().name
    assert await db.run(cache.upsert_calls, [call(1), call(2)]) == 2
    assert [c.unique_id for c in await db.run(cache.query_calls, limit=1)] == [uid("c2")]
    await db.close()
    await db.close()  # idempotent
    with pytest.raises(DatabaseClosed):
        await db.run(cache.count_calls)


async def test_cancelled_run_waits_for_the_work(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cache.sqlite3")
    started = threading.Event()

    def slow_write(conn: sqlite3.Connection) -> None:
        with transaction(conn):
            started.set()
            cache.upsert_calls(conn, [call(1)])
            threading.Event().wait(0.2)

    task = asyncio.create_task(db.run(slow_write))
    await asyncio.to_thread(started.wait)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # By the time the cancellation arrives, the write has finished: the cache is settled.
    assert await db.run(cache.count_calls) == 1
    await db.close()


def test_transaction_nests_and_rolls_back(db: Database) -> None:
    def work(conn: sqlite3.Connection) -> None:
        with transaction(conn):
            cache.upsert_calls(conn, [call(1)])
            with pytest.raises(RuntimeError), transaction(conn):
                cache.upsert_calls(conn, [call(2)])
                raise RuntimeError("inner")
        with pytest.raises(RuntimeError), transaction(conn):
            cache.upsert_calls(conn, [call(3)])
            raise RuntimeError("outer")

    db.call(work)
    assert [c.unique_id for c in db.call(cache.query_calls)] == [uid("c1")]


# --- calls -------------------------------------------------------------------------------


def test_upsert_is_idempotent_and_counts_new(db: Database) -> None:
    calls = make_calls(50, start=T0)
    assert db.call(cache.upsert_calls, calls) == 50
    assert db.call(cache.upsert_calls, calls) == 0
    assert db.call(cache.upsert_calls, calls[40:] + make_calls(5, start=T0, prefix="x")) == 5
    assert db.call(cache.count_calls) == 55
    assert db.call(cache.upsert_calls, []) == 0
    # duplicates within one batch count once
    twice = make_calls(3, start=T0, prefix="d")
    assert db.call(cache.upsert_calls, twice + twice) == 3


@pytest.mark.parametrize("variable_limit", [32766, 999, 40, 21])
def test_upsert_of_many_rows_stores_each_once_whatever_the_parameter_limit(
    db: Database, variable_limit: int
) -> None:
    """Rows go in several hundred per statement (fewer when SQLite allows fewer parameters), the
    rest one by one: every call lands exactly once, searchable, with its own values."""
    calls = make_calls(1234, start=T0)

    def insert(conn: sqlite3.Connection) -> int:
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, variable_limit)
        return cache.upsert_calls(conn, calls)

    assert db.call(insert) == 1234
    assert db.call(cache.count_calls) == 1234
    for probe in (calls[0], calls[499], calls[500], calls[1000], calls[-1]):
        assert db.call(cache.get_call, probe.unique_id) == probe
    found = db.call(cache.query_calls, search=calls[777].callerid_number, limit=None)
    assert calls[777].unique_id in {c.unique_id for c in found}
    # The full-text index holds every row: "555" is in every number, so it matches all of them.
    (indexed,) = db.call(
        lambda conn: conn.execute(
            "SELECT count(*) FROM calls_fts WHERE calls_fts MATCH '\"555\"'"
        ).fetchone()
    )
    assert indexed == 1234
    assert db.call(insert) == 0  # the same calls again: nothing new


def test_round_trip_keeps_every_field(db: Database) -> None:
    original = Call(
        unique_id=uid("full"),
        started_at=datetime(2024, 2, 29, 23, 59, 58),
        direction="outbound",
        source="4385550199",
        destination="5145550100",
        callerid_name="Hélène Côté",
        callerid_number="4385550199",
        duration_s=3600,
        status="answered",
        billed_amount=Decimal("1.0241"),
        current_rate=Decimal("0.0100"),
        call_hash=uid("hash"),
        client_peer_id="77",
        country="CA",
        state="QC",
        district="Montréal",
        normalized="15145550100",
        meta_data="ticket=42",
        extra={"carrier": "Vidéotron"},
    )
    untimed = call(9, started_at=None)
    db.call(cache.upsert_calls, [original, untimed])
    assert db.call(cache.get_call, original.unique_id) == original
    assert db.call(cache.get_call, untimed.unique_id) == untimed
    assert db.call(cache.get_call, "nope") is None


def test_upsert_refreshes_changed_fields_and_search(db: Database) -> None:
    db.call(cache.upsert_calls, [call(1, callerid_name="OLD NAME", status="")])
    assert db.call(cache.count_calls, search="old name") == 1
    assert db.call(cache.upsert_calls, [call(1, callerid_name="Nouveau Nom", status="ok")]) == 0
    fetched = db.call(cache.get_call, uid("c1"))
    assert fetched is not None
    assert (fetched.callerid_name, fetched.status) == ("Nouveau Nom", "ok")
    assert db.call(cache.count_calls, search="old") == 0
    assert db.call(cache.count_calls, search="nouveau") == 1
    assert db.call(
        lambda c: c.execute("INSERT INTO calls_fts(calls_fts) VALUES('integrity-check')")
    )


def test_query_filters_order_and_paging(db: Database) -> None:
    calls = make_calls(30, start=T0, step=timedelta(hours=1))
    db.call(cache.upsert_calls, calls)
    newest_first = db.call(cache.query_calls, limit=None)
    assert [c.unique_id for c in newest_first] == [c.unique_id for c in reversed(calls)]
    oldest_first = db.call(cache.query_calls, order="asc", limit=5, offset=2)
    assert [c.unique_id for c in oldest_first] == [c.unique_id for c in calls[2:7]]

    since, until = T0 + timedelta(hours=10), T0 + timedelta(hours=20)
    window = db.call(cache.query_calls, since=since, until=until)
    assert [c.unique_id for c in window] == [c.unique_id for c in reversed(calls[10:20])]
    assert db.call(cache.count_calls, since=since, until=until) == 10

    inbound = [c for c in calls if c.direction == "inbound"]
    assert db.call(cache.count_calls, direction="inbound") == len(inbound)
    missed = db.call(cache.query_calls, direction="inbound", status="noanswer")
    assert missed
    assert all(c.direction == "inbound" and c.status == "noanswer" for c in missed)
    newest = db.call(cache.newest_call)
    assert newest is not None
    assert newest.unique_id == calls[-1].unique_id


def test_search_accents_case_and_number_substrings(db: Database) -> None:
    db.call(
        cache.upsert_calls,
        [
            call(1, callerid_name="Jean Côté", callerid_number="5145550100"),
            call(2, callerid_name="JEAN COTE", callerid_number="5145551111"),
            call(3, callerid_name="Françoise Gagné", callerid_number="8195559876"),
            call(4, callerid_name="Cœur de Lion", source="4505550000", destination="4385557777"),
            call(5, callerid_name="50% off", callerid_number="6135550123"),
        ],
    )

    def found(text: str) -> set[str]:
        return {c.callerid_name for c in db.call(cache.query_calls, search=text)}

    assert found("Côté") == {"Jean Côté", "JEAN COTE"}
    assert found("cote") == {"Jean Côté", "JEAN COTE"}
    assert found("CÔTÉ") == {"Jean Côté", "JEAN COTE"}
    assert found("françoise") == found("FRANCOISE") == {"Françoise Gagné"}
    assert found("gagne") == {"Françoise Gagné"}
    assert found("coeur") == {"Cœur de Lion"}
    assert found("jean cote") == {"Jean Côté", "JEAN COTE"}
    assert found("jean gagne") == set()
    # number substrings, in any field, typed with punctuation or not
    assert found("5550100") == {"Jean Côté"}
    assert found("(514) 555-01") == {"Jean Côté"}
    assert found("9876") == {"Françoise Gagné"}
    assert found("557777") == {"Cœur de Lion"}  # destination
    assert found("4505") == {"Cœur de Lion"}  # source
    # one- and two-character terms fall back to a scan and still work
    assert found("é") == found("e") >= {"Jean Côté", "Françoise Gagné"}
    assert found("9") >= {"Françoise Gagné"}
    assert found("50%") == {"50% off"}
    assert found("*") == found("[") == found("zzz") == set()
    assert found("  ") == found("") == {c.callerid_name for c in db.call(cache.query_calls)}
    assert db.call(cache.count_calls, search="cote", direction="outbound") == 0


def test_fold_and_search_terms() -> None:
    assert cache.fold("Côté ŒUVRE Ça") == "cote oeuvre ca"
    assert cache.fold("5145550100") == "5145550100"
    assert cache.search_terms("+1 (514) 555-0100") == ["15145550100"]
    assert cache.search_terms("Jean  Côté") == ["jean", "cote"]
    assert cache.search_terms("   ") == []


def test_delete_calls_before_keeps_search_consistent(db: Database) -> None:
    db.call(cache.upsert_calls, [call(1, callerid_name="Gone"), call(30, callerid_name="Kept")])
    assert db.call(cache.delete_calls_before, T0 + timedelta(hours=2)) == 1
    assert {c.callerid_name for c in db.call(cache.query_calls, search="e")} == {"Kept"}
    db.call(cache.rebuild_call_search)
    assert db.call(cache.count_calls, search="kept") == 1


# --- voicemails and recordings -----------------------------------------------------------


def vm(n: int, **kw: object) -> Voicemail:
    base: dict[str, object] = {
        "voicemail_id": str(1000 + n),
        "received_at": T0 + timedelta(minutes=n),
        "callerid_name": f"Caller {n}",
        "file_url": f"https://example.invalid/vm/{n}.wav",
    }
    base.update(kw)
    return Voicemail(**base)  # type: ignore[arg-type]


def test_voicemail_replace_keeps_local_state(db: Database) -> None:
    first = db.call(cache.replace_voicemails, [vm(1), vm(2), vm(3)])
    assert set(first.added) == {"1001", "1002", "1003"}
    db.call(cache.mark_voicemail_heard, "1001")
    db.call(cache.set_voicemail_audio_path, "1001", "/data/audio/voicemails/1001.wav")
    db.call(cache.set_voicemail_audio_path, "1003", "/data/audio/voicemails/1003.wav")
    assert db.call(cache.mark_voicemails_notified, ["1001", "1002"]) == 2
    assert [v.voicemail.voicemail_id for v in db.call(cache.unnotified_voicemails)] == ["1003"]

    # The provider now lists 1001 (changed), 1002 (same) and 1004 (new); 1003 is gone.
    second = db.call(cache.replace_voicemails, [vm(1, status="heard", duration_s=12), vm(2), vm(4)])
    assert second.added == ("1004",)
    assert second.removed == ("1003",)
    assert second.orphaned_audio == ("/data/audio/voicemails/1003.wav",)
    assert second.updated == 1

    kept = db.call(cache.get_voicemail, "1001")
    assert kept is not None
    assert kept.heard_locally and kept.notified
    assert kept.audio_path == "/data/audio/voicemails/1001.wav"
    assert kept.voicemail.status == "heard" and kept.voicemail.duration_s == 12
    assert db.call(cache.get_voicemail, "1003") is None
    listed = db.call(cache.list_voicemails)
    assert [v.voicemail.voicemail_id for v in listed] == ["1004", "1002", "1001"]
    assert [v.voicemail.voicemail_id for v in db.call(cache.list_voicemails, only_new=True)] == [
        "1004",
        "1002",
    ]
    assert db.call(cache.delete_voicemail_row, "1001") == "/data/audio/voicemails/1001.wav"
    assert db.call(cache.delete_voicemail_row, "1001") is None
    assert db.call(cache.mark_voicemail_heard, "nope") is False
    assert set(db.call(cache.replace_voicemails, []).removed) == {"1004", "1002"}
    assert db.call(cache.list_voicemails) == []


def test_recordings_replace_keeps_audio_path(db: Database) -> None:
    rec = Recording("r1", T0, source="5145550100", call_hash="h1", extra={"note": "été"})
    db.call(cache.replace_recordings, [rec, Recording("r2", T0 + timedelta(hours=1))])
    db.call(cache.set_recording_audio_path, "r1", "/a/r1.wav")
    result = db.call(cache.replace_recordings, [rec])
    assert result.removed == ("r2",) and result.added == ()
    cached = db.call(cache.get_recording, "r1")
    assert cached is not None
    assert cached.recording == rec and cached.audio_path == "/a/r1.wav"
    assert [r.recording.recording_id for r in db.call(cache.list_recordings, call_hash="h1")] == [
        "r1"
    ]
    assert db.call(cache.delete_recording_row, "r1") == "/a/r1.wav"


def test_directory_tables_round_trip(db: Database) -> None:
    dids = [
        Did("1", "5145550100", "Bureau", options=("fax", "sms"), peer_ids=("7", "8")),
        Did("2", "4385550199", mailbox_id="3"),
    ]
    assert db.call(cache.replace_dids, dids) == 2
    assert db.call(cache.list_dids) == sorted(dids, key=lambda d: d.phone_number)
    assert db.call(cache.replace_dids, dids[:1]) == 1
    assert db.call(cache.list_dids) == dids[:1]

    address = E911Address(
        "Jean", "Côté", "123", "Rue Saint-Denis", "Montréal", "QC", "CA", "H2X1K1"
    )
    endpoints = [E911Endpoint("e1", "5145550100", address, peer_ids=("7",))]
    db.call(cache.replace_e911, endpoints)
    assert db.call(cache.list_e911) == endpoints

    peers = [Peer("7", "alice", "Alice"), Peer("8", "bob")]
    db.call(cache.replace_peers, peers)
    assert db.call(cache.list_peers) == peers
    boxes = [Mailbox("3", "Accueil", "a@example.invalid", "active")]
    db.call(cache.replace_mailboxes, boxes)
    assert db.call(cache.list_mailboxes) == boxes


def test_sync_state_and_meta(db: Database) -> None:
    assert db.call(cache.get_sync_state, "history") is None
    db.call(cache.set_sync_state, "history", {"phase": "window", "offset": 1000, "newest": None})
    db.call(cache.set_sync_state, "history", {"phase": "cursor", "offset": 0})
    assert db.call(cache.get_sync_state, "history") == {"phase": "cursor", "offset": 0}
    db.call(cache.delete_sync_state, "history")
    assert db.call(cache.get_sync_state, "history") is None
    assert db.call(cache.get_meta, "k") is None
    db.call(cache.set_meta, "k", "v1")
    db.call(cache.set_meta, "k", "v2")
    assert db.call(cache.get_meta, "k") == "v2"


# --- audio files -------------------------------------------------------------------------


def test_audio_paths_are_safe(tmp_path: Path) -> None:
    store = audio.AudioStore(tmp_path / "audio")
    assert store.voicemail_path("12345", "wav") == tmp_path / "audio" / "voicemails" / "12345.wav"
    assert store.recording_path("abc", "MP3").name == "abc.mp3"
    hostile = store.voicemail_path("../../etc/passwd", "wav/../x")
    assert hostile.parent == tmp_path / "audio" / "voicemails"
    assert hostile.suffix == ".bin" and ".." not in hostile.name
    assert store.voicemail_path("a/b", "wav") != store.voicemail_path("a_b", "wav")
    assert audio.safe_stem("CON") != "CON"
    assert audio.safe_stem("") != ""


def test_write_atomic_writes_and_replaces(tmp_path: Path) -> None:
    store = audio.AudioStore(tmp_path / "audio")
    target = store.voicemail_path("1", "wav")
    store.write(target, b"RIFF first")
    store.write(target, b"RIFF second")
    assert target.read_bytes() == b"RIFF second"
    assert list(target.parent.iterdir()) == [target]
    with pytest.raises(ValueError):
        store.write(tmp_path / "elsewhere.wav", b"x")


def test_write_atomic_failure_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "audio" / "voicemails" / "1.wav"
    audio.write_atomic(target, b"old complete file")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(StorageError, match="is full") as caught:
        audio.write_atomic(target, b"new" * 100_000)
    assert caught.value.path == str(target)
    monkeypatch.undo()
    assert target.read_bytes() == b"old complete file"
    assert [p.name for p in target.parent.iterdir()] == ["1.wav"]

    fresh = tmp_path / "audio" / "voicemails" / "2.wav"

    class Interrupted(BaseException):
        pass

    def interrupted_replace(src: object, dst: object) -> None:
        raise Interrupted

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(Interrupted):
        audio.write_atomic(fresh, b"data")
    assert not fresh.exists()
    assert [p.name for p in target.parent.iterdir()] == ["1.wav"]


def test_stale_partials_are_cleaned(tmp_path: Path) -> None:
    store = audio.AudioStore(tmp_path / "audio")
    keep = store.voicemail_path("1", "wav")
    store.write(keep, b"ok")
    stale = keep.parent / ".2.wav.abc123.part"
    stale.write_bytes(b"half")
    (tmp_path / "audio" / "recordings").mkdir()
    (tmp_path / "audio" / "recordings" / ".r.mp3.x.part").write_bytes(b"half")
    assert store.clean_partials() == 2
    assert not stale.exists() and keep.exists()
    assert audio.AudioStore(tmp_path / "missing").clean_partials() == 0
    assert store.remove(keep) is True
    assert store.remove(keep) is False
    assert store.remove(None) is False
