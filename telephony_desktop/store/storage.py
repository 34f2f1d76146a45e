"""Disk trouble as the person can act on it: a full disk, a read-only file or folder, a folder
that is missing or not ours, a damaged cache, an I/O error, each a ``StorageError`` whose sentence
names the file and the fix (the command line exits with the configuration status, 3).

Everything that writes the cache, an audio file, an export or the configuration goes through
``storage_errors`` (``Database.run`` does it for every cache operation), so no disk failure ends
as an "unexpected error".
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from telephony_desktop.domain.errors import StorageError
from telephony_desktop.i18n import _

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}
_MISSING = {errno.ENOENT, errno.ENOTDIR, errno.EEXIST}  # EEXIST: a file where a folder goes


def _sqlite_kind(exc: sqlite3.Error) -> str | None:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "read_only"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return "damaged"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        return "missing"
    if name.startswith("SQLITE_PERM"):
        return "denied"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    return None


def kind_of(exc: BaseException) -> str | None:
    """What kind of storage trouble ``exc`` is, or None when it is not one (a bug)."""
    if isinstance(exc, sqlite3.Error):
        return _sqlite_kind(exc)
    if isinstance(exc, OSError):
        code = exc.errno
        if code in _FULL:
            return "full"
        if code in _READ_ONLY:
            return "read_only"
        if code in _DENIED:
            return "denied"
        if code in _MISSING:
            return "missing"
        return "io"
    return None


def storage_error(
    path: Path | str, exc: BaseException, kind: str | None = None, *, is_folder: bool = False
) -> StorageError:
    """The sentence for ``exc`` (of ``kind``) met while using the file (or folder) ``path``."""
    kind = kind or kind_of(exc) or "io"
    where = Path(path)
    folder = where if is_folder else where.parent
    if kind == "missing" and is_folder:
        message = _(
            "The folder {path} cannot be created. Check that the folders above it exist and "
            "can be written (or point TELEPHONY_DESKTOP_DATA_DIR at a folder you can write), "
            "then try again."
        )
    elif kind == "full":
        message = _(
            "The disk holding {path} is full, so it could not be written. Free some space on "
            "that disk, then try again; what was saved before is intact."
        )
    elif kind == "read_only":
        message = _(
            "{path} is on a read-only disk or is read-only itself, so it could not be written. "
            "Make it writable (or move the app's data elsewhere with TELEPHONY_DESKTOP_DATA_DIR), "
            "then try again."
        )
    elif kind == "denied":
        message = _(
            "You are not allowed to write {path}. Give your user account write access to "
            "{folder}, then try again."
        )
    elif kind == "missing":
        # Translators: {name} is the file name alone; {folder} the folder it goes in.
        message = _(
            "The folder {folder} is missing or cannot be created, so {name} could not be "
            "written there. Create the folder (or point TELEPHONY_DESKTOP_DATA_DIR at one you "
            "can write), then try again."
        )
    elif kind == "damaged":
        message = _(
            "The cache file {path} is damaged. With Telephony Desktop closed, delete the file "
            "(or move it aside): it is rebuilt from your provider at the next start. Your "
            "settings and passwords are not in it."
        )
    else:
        message = _(
            "Reading or writing {path} failed: the disk reported an error. Check the disk "
            "(and that it is still connected), then try again."
        )
    text = message.format(path=where, folder=folder, name=where.name)
    return StorageError(text, path=str(where), kind=kind)


@contextmanager
def storage_errors(path: Path | str) -> Iterator[None]:
    """Turn disk trouble met in the block while using ``path`` into a ``StorageError``."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        if isinstance(exc, sqlite3.Error) and kind_of(exc) is None:
            raise  # a programming error (bad SQL, a constraint): not the disk's doing
        target = getattr(exc, "filename", None) or path
        raise storage_error(target, exc) from exc
