"""What desktop integration wrote in the user's folders (Linux), so uninstall can take it all back.

Qt-free. ``desktop install`` and Settings' "Start when I log in" write files under
``$XDG_DATA_HOME`` and ``$XDG_CONFIG_HOME``, and tools they run (``xdg-mime``,
``update-desktop-database``) write more. Before writing, they ``watch`` the paths concerned; the
record, ``$XDG_DATA_HOME/telephony-desktop/desktop-integration.json``, then keeps:

- ``created``: every file and folder that did not exist before and does now (the desktop entry,
  the icons, the autostart entry, ``applications/``, ``icons/hicolor/256x256/apps/``…, and the
  record's own folder);
- ``shared``: files other apps use too (``mimeapps.list``, ``mimeinfo.cache``): whether each
  existed, its text before our first change and after our last one.

``desktop uninstall`` puts a shared file back as it was when nobody changed it since (else it
removes only our lines), removes the folders it created once they are empty, then the record.
An installation made before the record existed is undone as well as can be without it: our files
and lines go, folders and caches stay.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RECORD_DIR = "telephony-desktop"  # also the app's data folder on Linux (platformdirs)
RECORD_NAME = "desktop-integration.json"
_VERSION = 1


def _xdg_data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def record_path(data_home: Path | None = None) -> Path:
    return (data_home or _xdg_data_home()) / RECORD_DIR / RECORD_NAME


def read_text(path: Path) -> str | None:
    """The file's text (bytes that are not UTF-8 kept as they are), None when it is absent."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return None


def _missing(path: Path) -> list[Path]:
    """``path`` and its ancestors that do not exist yet, outermost first."""
    missing: list[Path] = []
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            break
        missing.append(candidate)
    return missing[::-1]


@dataclass
class Shared:
    """A file other apps use too: did it exist before our first change, its text then (None:
    absent) and after our last change. ``exact`` is False once someone else changed it between
    two installs: ``before`` is then out of date, and only our lines may be taken out."""

    existed: bool
    before: str | None
    after: str | None
    exact: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "existed": self.existed,
            "before": self.before,
            "after": self.after,
            "exact": self.exact,
        }


@dataclass
class Footprint:
    path: Path
    created: list[Path] = field(default_factory=list)
    shared: dict[Path, Shared] = field(default_factory=dict)
    recorded: bool = False  # a record was found on disk
    _pending: list[Path] = field(default_factory=list)
    _watched: list[Path] = field(default_factory=list)

    # --- before and after writing

    def watch(self, *paths: Path) -> None:
        """Note which of ``paths`` (and their folders) do not exist yet: those that do after the
        work (``settle``) were created by it."""
        for path in paths:
            for missing in _missing(path):
                if missing not in self._pending:
                    self._pending.append(missing)

    def watch_shared(self, *paths: Path) -> None:
        """Files other apps use too: their text now, to put back on uninstall."""
        for path in paths:
            text = read_text(path)
            known = self.shared.get(path)
            if known is None:
                self.shared[path] = Shared(existed=text is not None, before=text, after=text)
            elif text != known.after:  # changed since our last install: no exact restore
                known.exact = False
            if path not in self._watched:
                self._watched.append(path)
            if text is None:
                self.watch(path.parent)

    def settle(self) -> None:
        """After the work: record what it created and the shared files' new text; save."""
        for path in self._pending:
            if os.path.lexists(path) and path not in self.created:
                self.created.append(path)
        self._pending.clear()
        for path in self._watched:
            shared = self.shared[path]
            shared.after = read_text(path)
            if shared.exact and shared.before == shared.after:  # untouched: nothing to put back
                del self.shared[path]
        self._watched.clear()
        self.save()

    # --- taking it back

    def prune(self) -> list[Path]:
        """Forget created paths that are gone; remove created folders that are empty (deepest
        first). Returns the folders removed."""
        removed: list[Path] = []
        for path in sorted(self.created, key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):  # not empty (someone else's files), or busy
                    path.rmdir()
                    removed.append(path)
            if not os.path.lexists(path):
                self.created.remove(path)
        return removed

    def forget(self) -> list[Path]:
        """Drop the record itself and the folders it alone kept alive."""
        self.shared.clear()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        return self.prune()

    def _holds_something(self) -> bool:
        """Anything of ours left to take back? A shared file, or a file we wrote (with it, the
        folders it needed). Folders alone that others' files now keep alive are theirs."""
        return bool(self.shared) or any(
            p != self.path and os.path.lexists(p) and not p.is_dir() for p in self.created
        )

    def save(self) -> list[Path]:
        """Write the record (atomically), or remove it when there is nothing left in it (then
        returns the folders that went with it)."""
        if not self._holds_something():
            return self.forget()
        for missing in _missing(self.path):
            if missing not in self.created:
                self.created.append(missing)
        data = {
            "version": _VERSION,
            "created": [str(p) for p in self.created],
            "shared": {str(p): s.to_json() for p, s in self.shared.items()},
        }
        text = json.dumps(data, indent=1) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # uninstall then does without it, as for an older install
            log.warning("could not write %s: %s", self.path, exc)
        return []


def load(data_home: Path | None = None) -> Footprint:
    """The record (an empty one when there is none or it cannot be read)."""
    path = record_path(data_home)
    found = Footprint(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return found
    except (OSError, ValueError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return found
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        log.warning("ignoring %s: not a record this version understands", path)
        return found
    found.recorded = True
    found.created = [Path(p) for p in _strings(data.get("created"))]
    shared = data.get("shared")
    for name, value in shared.items() if isinstance(shared, dict) else ():
        if isinstance(value, dict):
            found.shared[Path(name)] = Shared(
                existed=bool(value.get("existed", True)),
                before=_text(value.get("before")),
                after=_text(value.get("after")),
                exact=value.get("exact") is True,
            )
    return found


def _strings(value: object) -> Iterable[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def write_back(path: Path, text: str | None) -> None:
    """Put ``path`` back to ``text`` (None: remove it), byte for byte."""
    if text is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    if path.is_symlink():  # a dotfiles manager's link stays a link
        path = path.resolve()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(text.encode("utf-8", "surrogateescape"))
    os.replace(tmp, path)
