"""Audio files beside the cache: ``<account>/audio/voicemails/<id>.<ext>`` and ``.../recordings/``.

Files are written atomically: the bytes go to a temporary ``*.part`` file in the same folder, are
flushed to disk, then renamed over the final name, so a crash never leaves half a file where a
whole one is expected. Leftover ``*.part`` files from a crash are removed by
:meth:`AudioStore.clean_partials` (call it when the account is opened, before any write).

Everything here blocks on disk: from async code, call it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from telephony_desktop.store.storage import storage_errors

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_MAX_STEM = 80
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)


def safe_stem(identifier: str) -> str:
    """A file name stem for a provider id: itself when already safe, else a cleaned form plus a
    short hash of the original (so distinct ids never share a file)."""
    cleaned = _UNSAFE.sub("_", identifier)[:_MAX_STEM]
    if cleaned == identifier and cleaned and cleaned.upper() not in _WINDOWS_RESERVED:
        return cleaned
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:12]
    return f"{cleaned}-{digest}" if cleaned else digest


def safe_extension(file_format: str) -> str:
    """``wav``/``mp3``/... as sent, lower-cased; anything odd becomes ``bin``."""
    ext = file_format.strip().lower().lstrip(".")
    return ext if ext and len(ext) <= 8 and ext.isalnum() and ext.isascii() else "bin"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either the old file or the whole new one."""
    path = Path(path)
    with storage_errors(path):  # a full disk or a read-only folder: a sentence naming the fix
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=PART_SUFFIX
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AudioStore:
    """The audio folder of one account."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def voicemail_path(self, voicemail_id: str, file_format: str) -> Path:
        return self.root / "voicemails" / f"{safe_stem(voicemail_id)}.{safe_extension(file_format)}"

    def recording_path(self, recording_id: str, file_format: str) -> Path:
        return self.root / "recordings" / f"{safe_stem(recording_id)}.{safe_extension(file_format)}"

    def write(self, path: Path, data: bytes) -> Path:
        """Atomically write ``data`` at ``path`` (which must be inside this store); return it."""
        path = Path(path)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{path} is outside the audio folder {self.root}")
        write_atomic(path, data)
        return path

    def remove(self, path: str | Path | None) -> bool:
        """Delete an audio file of this store if it exists; True if one was removed."""
        if not path:
            return False
        target = Path(path)
        if not target.resolve().is_relative_to(self.root.resolve()):
            log.warning("not removing %s: outside the audio folder %s", target, self.root)
            return False
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        return True

    def clean_partials(self) -> int:
        """Remove ``*.part`` files left by an interrupted write; return how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for part in self.root.rglob(f"*{PART_SUFFIX}"):
            try:
                part.unlink()
                removed += 1
            except OSError:
                log.warning("could not remove stale partial file %s", part, exc_info=True)
        return removed
