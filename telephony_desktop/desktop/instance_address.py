"""Where the running instance listens, worked out without Qt.

``single_instance`` does the talking (QtNetwork); this module only names the local socket and,
on Linux, answers "can an instance be running at all?" with one ``stat``: a first launch then
skips loading QtNetwork for a hand-off that cannot succeed, and can load the app's Qt-free core
before PySide6 (see ``runtime.load_core_before_qt``).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from telephony_desktop.store import paths

_UNIX_PATH_MAX = 100  # sockaddr_un.sun_path is 104 (macOS) or 108 (Linux) bytes with the NUL


def _user_id() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment: still one name per session
        return os.environ.get("USERNAME", "user")


def server_name(config_path: Path | None = None) -> str:
    """The local socket's name for this user and config file.

    ``tdesk-<16 hex>``: a hash of the user id and the config file's real path. On Linux it is an
    absolute path in ``$XDG_RUNTIME_DIR`` (a private per-user dir) when that dir is usable and
    the path fits the Unix socket limit; else Qt puts it in the temp dir (the server then
    restricts it to the user).
    """
    config = os.path.realpath(paths.config_path(config_path))
    digest = hashlib.sha256(f"{_user_id()}\0{config}".encode()).hexdigest()[:16]
    name = f"tdesk-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if sys.platform.startswith("linux") and runtime and os.path.isabs(runtime):
        candidate = os.path.join(runtime, name)
        if len(candidate.encode()) <= _UNIX_PATH_MAX and _private_dir(runtime):
            return candidate
    return name


def _private_dir(path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (
        os.path.isdir(path)
        and (not hasattr(os, "getuid") or st.st_uid == os.getuid())
        and st.st_mode & 0o077 == 0
    )


def socket_file(name: str) -> str | None:
    """The socket file ``QLocalServer`` makes for ``name`` on Linux (``$XDG_RUNTIME_DIR``, or
    Qt's temp dir: ``$TMPDIR``, else ``/tmp``); None elsewhere (Windows' named pipes, macOS'
    own temp dir), where only Qt knows."""
    if not sys.platform.startswith("linux"):
        return None
    if os.path.isabs(name):
        return name
    # QDir::tempPath() on Linux: $TMPDIR or /tmp, made absolute and cleaned (symlinks kept);
    # only looked at here, never written
    temp_dir = os.path.normpath(os.path.abspath(os.environ.get("TMPDIR") or "/tmp"))  # noqa: S108
    return os.path.join(temp_dir, name)


def surely_alone(config_path: Path | None = None) -> bool:
    """True only when no instance can be listening for this config: no socket file where
    ``QLocalServer`` makes one. False when unsure (a socket file, live or stale; not Linux):
    then ask over the socket. A wrong True (or an instance starting at the same moment) is
    caught by the window's own ``listen``: the lock is taken, so it hands off instead."""
    path = socket_file(server_name(config_path))
    return path is not None and not os.path.lexists(path)
