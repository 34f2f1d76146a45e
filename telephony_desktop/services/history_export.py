"""Export the calls a view shows to CSV, off the Qt thread (no Qt in here).

Rows stream from one statement on the database thread, a chunk per ``db.run`` (so page loads for
the table still get their turn), and are formatted and written by a worker thread. The file is
written beside its target as ``<name>.partial`` and renamed at the end: a cancelled or failed
export leaves no half-written CSV behind.
"""

from __future__ import annotations

import asyncio
import csv
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from telephony_desktop.domain.errors import StorageError
from telephony_desktop.i18n import _
from telephony_desktop.services.history_rows import CSV_HEADER, ROW_COLUMNS, csv_record
from telephony_desktop.store.calls import CallQuery, close_rows, iter_call_rows, next_rows
from telephony_desktop.store.db import Database
from telephony_desktop.store.storage import kind_of

T = TypeVar("T")

CHUNK_ROWS = 2000
_SLICE = 100  # rows formatted per hold of the GIL
ENCODING = "utf-8-sig"  # UTF-8 with a BOM, so spreadsheet apps read "Côté" correctly


class ExportFailed(StorageError):
    """The CSV file could not be written (a storage fault: the command line's status 3)."""

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        super().__init__(
            # Translators: {reason} is the system's own words for the failure ("No space left
            # on device").
            _("Could not write {path}: {reason}. Choose another folder or file name.").format(
                path=path, reason=reason
            ),
            path=str(path),
            kind=kind_of(exc) or "io",
        )


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """``asyncio.to_thread`` that, when cancelled, still waits for ``fn`` to finish: the file
    is never closed or removed under a write that is still running."""
    future = asyncio.ensure_future(asyncio.to_thread(fn, *args))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if not future.done():
            await asyncio.wait([future])
        raise


def _open(path: Path) -> IO[str]:
    return path.open("w", encoding=ENCODING, newline="")


def _write(
    handle: IO[str], rows: list[tuple[Any, ...]] | None, region: str, header: bool = False
) -> None:
    writer = csv.writer(handle)
    if header:
        writer.writerow(CSV_HEADER)
    for start in range(0, len(rows or ()), _SLICE):
        assert rows is not None
        writer.writerows(csv_record(row, region) for row in rows[start : start + _SLICE])
        time.sleep(0)  # hand the GIL to the Qt thread between slices: the window stays smooth


def _finish(handle: IO[str], partial: Path, path: Path) -> None:
    handle.close()
    os.replace(partial, path)


def _discard(handle: IO[str], partial: Path) -> None:
    try:
        handle.close()
    finally:
        partial.unlink(missing_ok=True)


async def export_calls_csv(
    db: Database,
    query: CallQuery,
    path: Path,
    *,
    region: str = "CA",
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Write every call matching ``query``, in its order, to ``path``; return how many.

    Columns are the table's (see ``rows.CSV_HEADER``) plus ``unique_id``; ``progress`` gets the
    number of rows written so far after each chunk. Cancelling removes the partial file.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        handle = await _in_thread(_open, partial)
    except OSError as exc:
        raise ExportFailed(path, exc) from exc
    stream = None
    written = 0
    try:
        stream = await db.run(iter_call_rows, query, ROW_COLUMNS, chunk_size=chunk_rows)
        await _in_thread(_write, handle, None, region, True)
        while True:
            rows = await db.run(next_rows, stream)
            if not rows:
                break
            await _in_thread(_write, handle, rows, region)
            written += len(rows)
            if progress is not None:
                progress(written)
        await _in_thread(_finish, handle, partial, path)
    except OSError as exc:
        await _in_thread(_discard, handle, partial)
        raise ExportFailed(path, exc) from exc
    except BaseException:
        await _in_thread(_discard, handle, partial)
        raise
    finally:
        if stream is not None and not db.closed:
            await db.run(close_rows, stream)
    return written
