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
        en = (
            f"The folder {where} cannot be created. Check that the folders above it exist and "
            "can be written (or point TELEPHONY_DESKTOP_DATA_DIR at a folder you can write), "
            "then try again."
        )
        fr = (
            f"Le dossier {where} ne peut pas être créé. Vérifiez que les dossiers qui le "
            "contiennent existent et sont accessibles en écriture (ou indiquez un dossier "
            "accessible avec TELEPHONY_DESKTOP_DATA_DIR), puis réessayez."
        )
    elif kind == "full":
        en = (
            f"The disk holding {where} is full, so it could not be written. Free some space on "
            "that disk, then try again; what was saved before is intact."
        )
        fr = (
            f"Le disque qui contient {where} est plein : le fichier n'a pas pu être écrit. "
            "Libérez de l'espace sur ce disque, puis réessayez; ce qui était enregistré avant "
            "est intact."
        )
    elif kind == "read_only":
        en = (
            f"{where} is on a read-only disk or is read-only itself, so it could not be written. "
            f"Make it writable (or move the app's data elsewhere with TELEPHONY_DESKTOP_DATA_DIR), "
            "then try again."
        )
        fr = (
            f"{where} est sur un disque en lecture seule ou est lui-même en lecture seule : il "
            "n'a pas pu être écrit. Rendez-le modifiable (ou déplacez les données de "
            "l'application avec TELEPHONY_DESKTOP_DATA_DIR), puis réessayez."
        )
    elif kind == "denied":
        en = (
            f"You are not allowed to write {where}. Give your user account write access to "
            f"{folder}, then try again."
        )
        fr = (
            f"Vous n'avez pas le droit d'écrire {where}. Donnez à votre compte d'utilisateur "
            f"l'accès en écriture à {folder}, puis réessayez."
        )
    elif kind == "missing":
        en = (
            f"The folder {folder} is missing or cannot be created, so {where.name} could not be "
            f"written there. Create the folder (or point TELEPHONY_DESKTOP_DATA_DIR at one you "
            "can write), then try again."
        )
        fr = (
            f"Le dossier {folder} est absent ou ne peut pas être créé : {where.name} n'a pas pu "
            "y être écrit. Créez le dossier (ou indiquez-en un accessible en écriture avec "
            "TELEPHONY_DESKTOP_DATA_DIR), puis réessayez."
        )
    elif kind == "damaged":
        en = (
            f"The cache file {where} is damaged. With Telephony Desktop closed, delete the file "
            "(or move it aside): it is rebuilt from your provider at the next start. Your "
            "settings and passwords are not in it."
        )
        fr = (
            f"Le fichier de cache {where} est endommagé. Telephony Desktop fermé, supprimez le "
            "fichier (ou déplacez-le) : il sera reconstruit depuis votre fournisseur au prochain "
            "démarrage. Vos réglages et mots de passe n'y sont pas."
        )
    else:
        en = (
            f"Reading or writing {where} failed: the disk reported an error. Check the disk "
            "(and that it is still connected), then try again."
        )
        fr = (
            f"La lecture ou l'écriture de {where} a échoué : le disque a signalé une erreur. "
            "Vérifiez le disque (et qu'il est toujours branché), puis réessayez."
        )
    return StorageError(en, fr, path=str(where), kind=kind)


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
