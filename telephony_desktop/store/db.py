"""The per-account SQLite cache: one file, one dedicated worker thread, versioned migrations.

Every SQLite call runs on the database's own thread (a one-worker ``ThreadPoolExecutor`` that owns
the connection), so the Qt/asyncio thread never waits on disk::

    db = await Database.open(path)
    calls = await db.run(query_calls, search="côté", limit=50)   # query_calls(conn, ...) runs there
    await db.close()

``db.call(fn, ...)`` does the same but blocks (CLI, scripts, tests). The connection is in
autocommit mode; write helpers wrap their work in :func:`transaction`, which nests (savepoints), so
a caller can group several helpers into one atomic commit::

    def commit_page(conn):
        with transaction(conn):
            upsert_calls(conn, page)
            set_sync_state(conn, "history", state)

The schema lives in ``store/schema/NNNN_*.sql``; each file is applied once, in order, inside one
transaction that also sets ``PRAGMA user_version``. A cache written by a newer version of the app is
refused (:class:`CacheSchemaTooNew`) rather than touched.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from telephony_desktop.domain.errors import ConfigError
from telephony_desktop.i18n import _
from telephony_desktop.store.storage import kind_of, storage_error, storage_errors

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

CACHE_FILENAME = "cache.sqlite3"
AUDIO_DIRNAME = "audio"
BUSY_TIMEOUT_MS = 5000
MIN_SQLITE = (3, 34, 0)  # FTS5 trigram tokenizer

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
_savepoints = itertools.count(1)


class CacheError(ConfigError):
    """The local cache cannot be used (unreadable, corrupt, or SQLite too old)."""


class CacheSchemaTooNew(CacheError):
    """The cache was written by a newer version of the app; it is left untouched."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            # Translators: {found} and {known} are schema version numbers.
            _(
                "The local cache {path} was created by a newer version of Telephony Desktop "
                "(schema {found}; this version knows up to {known}). Update the app, or remove "
                "the cache file to rebuild it from the provider."
            ).format(path=path, found=found, known=known)
        )
        self.path = path
        self.found = found
        self.known = known


async def wait_through_cancellation(future: asyncio.Future[Any]) -> bool:
    """Wait until ``future`` is done, even if the waiting task is cancelled meanwhile (any
    number of times); return whether it was."""
    cancelled = False
    while not future.done():
        try:
            await asyncio.wait([future])
        except asyncio.CancelledError:
            cancelled = True
    return cancelled


class DatabaseClosed(RuntimeError):
    """``run``/``call`` after ``close``: a programming error."""


# --- migrations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> tuple[Migration, ...]:
    """The packaged ``schema/NNNN_*.sql`` files, in version order (1, 2, ... with no gaps)."""
    folder = resources.files("telephony_desktop.store").joinpath("schema")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match and entry.is_file():
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"schema migrations must be numbered 1..n; found {migration.name}")
    return tuple(found)


def split_sql(script: str) -> list[str]:
    """Split a script into single statements (triggers' inner ``;`` included correctly)."""
    statements: list[str] = []
    *parts, buffer = script.split(";")
    pending = ""
    for part in parts:
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if _strip_comments(pending).strip("; \t\r\n"):
                statements.append(pending.strip())
            pending = ""
    rest = _strip_comments(pending + buffer).strip()
    if rest:
        raise ValueError(f"incomplete SQL statement at end of script: {rest[:60]!r}")
    return statements


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...]) -> int:
    """Bring the schema up to date; return the version. Safe against a concurrent opener."""
    known = len(migrations)
    current = schema_version(conn)
    if current > known:
        raise CacheSchemaTooNew(path, current, known)
    if current == known:
        return current
    with transaction(conn):
        current = schema_version(conn)  # re-read under the write lock
        if current > known:
            raise CacheSchemaTooNew(path, current, known)
        for migration in migrations[current:]:
            log.info("cache %s: applying %s", path, migration.name)
            for statement in split_sql(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
    return known


# --- transactions ------------------------------------------------------------------------


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block atomically: ``BEGIN IMMEDIATE`` ... ``COMMIT``, or a savepoint if nested.

    Any exception (``BaseException`` included, e.g. ``KeyboardInterrupt``) rolls the block back.
    """
    if conn.in_transaction:
        name = f"sp{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# --- the database ------------------------------------------------------------------------


def _check_sqlite() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        need = ".".join(map(str, MIN_SQLITE))
        raise CacheError(
            _("This Python uses SQLite {version}; the cache needs {need} or newer.").format(
                version=sqlite3.sqlite_version, need=need
            )
        )


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate ``path`` in the calling thread.

    Used by :class:`Database` on its worker thread; call it directly only for one-off tools.
    """
    _check_sqlite()
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise _unusable(path, exc) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("cache %s: journal_mode is %s, not wal", path, mode)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32768")  # 32 MiB: keeps index inserts off the disk
        migrate(conn, path, load_migrations())
    except CacheError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise _unusable(path, exc) from exc
    return conn


def _unusable(path: Path, exc: BaseException) -> ConfigError:
    if kind_of(exc) is not None:
        return storage_error(path, exc)
    reason = str(exc) or type(exc).__name__
    return CacheError(
        # Translators: {reason} is SQLite's own description of the problem, in English.
        _(
            "The local cache {path} cannot be opened: {reason}. Removing the file rebuilds it "
            "from the provider."
        ).format(path=path, reason=reason)
    )


class Database:
    """One account's cache file, served by one worker thread that owns the connection."""

    def __init__(self, path: Path) -> None:
        """Prepare; nothing is opened until :meth:`open`/:meth:`open_sync` (or ``_start``)."""
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._conn: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # opening and closing

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (create, migrate) without blocking the event loop."""
        db = cls(path)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(db._executor, db._start)
        except BaseException:
            db._executor.shutdown(wait=False)
            raise
        return db

    @classmethod
    def open_sync(cls, path: Path) -> Database:
        """Open (create, migrate), blocking the calling thread."""
        db = cls(path)
        try:
            db._executor.submit(db._start).result()
        except BaseException:
            db._executor.shutdown(wait=False)
            raise
        return db

    def _start(self) -> None:
        self._thread = threading.current_thread()
        self._conn = connect(self.path)

    def _finish(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:  # pragma: no cover - best effort
                log.debug("PRAGMA optimize failed", exc_info=True)
            conn.close()

    async def close(self) -> None:
        """Finish queued work, close the connection, stop the thread. Idempotent."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._finish)
        finally:
            self._executor.shutdown(wait=False)

    def close_sync(self) -> None:
        """Blocking :meth:`close`."""
        if self._closed:
            return
        self._closed = True
        try:
            self._executor.submit(self._finish).result()
        finally:
            self._executor.shutdown(wait=True)

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_sync()

    # running work

    def _invoke(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        conn = self._conn
        if conn is None:
            raise DatabaseClosed(f"database {self.path} is closed")
        with storage_errors(self.path):  # a full disk, a read-only or damaged file: a sentence
            return fn(conn, *args, **kwargs)

    async def run(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(conn, *args, **kwargs)`` on the database thread and return its result.

        Work already handed to the thread cannot be interrupted: if the awaiting task is
        cancelled, this waits for ``fn`` to finish (a commit either happened or did not) and then
        re-raises ``CancelledError``, so the caller always sees a settled database.
        """
        if self._closed:
            raise DatabaseClosed(f"database {self.path} is closed")
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, lambda: self._invoke(fn, *args, **kwargs))
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            await wait_through_cancellation(future)  # the thread's work settles first
            raise

    def call(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Blocking :meth:`run`, for synchronous code (never from the event loop's thread)."""
        if self._closed:
            raise DatabaseClosed(f"database {self.path} is closed")
        if threading.current_thread() is self._thread:
            return self._invoke(fn, *args, **kwargs)
        return self._executor.submit(lambda: self._invoke(fn, *args, **kwargs)).result()


def account_cache_paths(account_dir: Path) -> tuple[Path, Path]:
    """``(<account_dir>/cache.sqlite3, <account_dir>/audio)`` for an account's data folder."""
    account_dir = Path(account_dir)
    return account_dir / CACHE_FILENAME, account_dir / AUDIO_DIRNAME
