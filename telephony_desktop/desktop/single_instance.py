"""One running app per user and config file: a second launch hands its link over and exits.

The running instance listens on a per-user local socket (a Unix socket, a named pipe on
Windows) named from the user id and the config file, so two users, or the test suite's isolated
config dirs, never meet. A second launch calls ``hand_off`` before any window exists: it connects,
sends one JSON line ``{"v": 1, "dial": "+15145550123", "raise": true}`` and waits briefly for
``ok``. The server side is event-driven (``InstanceServer``), never blocking the GUI thread.

What arrives is checked again with ``links.parse_number``: the socket only ever carries text for
the dialer, never anything to open or run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from telephony_desktop.desktop.instance_address import server_name
from telephony_desktop.desktop.links import parse_number
from telephony_desktop.domain.errors import InputError
from telephony_desktop.i18n import _

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
MAX_MESSAGE = 4096  # bytes of one request line; anything longer is dropped unread
_CLIENT_DEADLINE_MS = 3000  # a connection that sends no full line by then is dropped
_MAX_CONNECTIONS = 8
_PROBE_MS = 300


def socket_path(name: str) -> str:
    """Where the socket file for ``name`` lives on Unix (Qt's rule for relative names)."""
    return name if os.path.isabs(name) else os.path.join(QDir.tempPath(), name)


def lock_path(name: str) -> str:
    """The lock file held by the running instance (beside the socket; in the temp dir on
    Windows)."""
    if os.path.isabs(name):
        return name + ".lock"
    return os.path.join(QDir.tempPath(), name + ".lock")


# --- the wire format -----------------------------------------------------------------------


def encode_request(dial: str, raise_window: bool = True) -> bytes:
    """One line of JSON, at most ``MAX_MESSAGE`` bytes (raises ``InputError`` beyond)."""
    line = json.dumps({"v": PROTOCOL_VERSION, "dial": dial, "raise": raise_window}).encode()
    if len(line) + 1 > MAX_MESSAGE:
        raise InputError(_("That is too long to be a phone number."), field="number")
    return line + b"\n"


def decode_request(line: bytes) -> tuple[str, bool] | None:
    """``(dial text, raise)`` from one request line, or None when it is not a valid request.

    The dial text is checked and normalised again (``links.parse_number``); "" means "just come
    forward"."""
    if len(line) > MAX_MESSAGE:
        return None
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or message.get("v") != PROTOCOL_VERSION:
        return None
    dial, raise_window = message.get("dial", ""), message.get("raise", True)
    if not isinstance(dial, str) or not isinstance(raise_window, bool):
        return None
    if dial.strip():
        try:
            dial = parse_number(dial)
        except InputError:
            return None
    else:
        dial = ""
    return dial, raise_window


# --- the second launch ---------------------------------------------------------------------


def hand_off(
    message: str,
    timeout_ms: int = 1500,
    *,
    config_path: Path | None = None,
    raise_window: bool = True,
) -> bool:
    """Give ``message`` (dialer text, or "" to just bring the window forward) to the running
    instance. True if one accepted it; False, quickly, when none is running.

    Blocks for at most ``timeout_ms``: meant for a second launch, before any event loop runs.
    """
    try:
        payload = encode_request(message, raise_window)
    except InputError:
        return False
    deadline = time.monotonic() + timeout_ms / 1000

    def remaining() -> int:
        return max(0, int((deadline - time.monotonic()) * 1000))

    sock = QLocalSocket()
    try:
        sock.connectToServer(server_name(config_path))
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(payload)
        sock.flush()
        sock.waitForBytesWritten(remaining())
        reply = bytearray()
        while b"\n" not in reply and len(reply) < 64 and remaining() > 0:
            if not sock.bytesAvailable() and not sock.waitForReadyRead(remaining()):
                break
            reply += bytes(sock.readAll().data())
        accepted = bytes(reply).split(b"\n", 1)[0].strip() == b"ok"
        log.info("hand-off to the running instance: %s", "accepted" if accepted else "no answer")
        return accepted
    finally:
        sock.abort()
        sock.deleteLater()


def _someone_listens(name: str) -> bool:
    probe = QLocalSocket()
    try:
        probe.connectToServer(name)
        return bool(probe.waitForConnected(_PROBE_MS))
    finally:
        probe.abort()
        probe.deleteLater()


# --- the running instance ------------------------------------------------------------------


class _Connection:
    __slots__ = ("buffer", "done", "sock")

    def __init__(self, sock: QLocalSocket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.done = False


class InstanceServer(QObject):
    """The running instance's end: ``received`` carries each handed-off dial text ("" when the
    second launch only asks the window to come forward)."""

    received = Signal(str)

    def __init__(self, config_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(config_path)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.setMaxPendingConnections(_MAX_CONNECTIONS)
        self._server.newConnection.connect(self._accept)
        self._connections: list[_Connection] = []
        self._lock = QLockFile(lock_path(self.name))
        self._lock.setStaleLockTime(0)  # held for the app's lifetime: stale only if its owner died

    def listen(self) -> bool:
        """Claim the name. False when another instance holds it (hand off to it instead).

        The running instance holds a lock file (``QLockFile``: a crashed holder's lock is
        recognised as stale by its process id), so two launches at once cannot both win. A socket
        left behind by a crashed instance is removed, but only after a connection attempt to it
        failed: a live instance is never unplugged.
        """
        if self._server.isListening():
            return True
        if not self._lock.tryLock(0):
            log.info("another instance holds %s", lock_path(self.name))
            return False
        if _someone_listens(self.name):  # e.g. an older build that took no lock
            log.info("another instance is running on %s", self.name)
            self._lock.unlock()
            return False
        QLocalServer.removeServer(self.name)  # a stale socket file (nobody answered)
        if self._server.listen(self.name):
            return True
        log.warning("cannot listen on %s: %s", self.name, self._server.errorString())
        self._lock.unlock()
        return False

    def is_listening(self) -> bool:
        return bool(self._server.isListening())

    def full_server_name(self) -> str:
        return str(self._server.fullServerName())

    def close(self) -> None:
        """Stop listening (the socket file is removed) and drop any half-read connection."""
        for conn in list(self._connections):
            self._drop(conn)
        self._server.close()
        if self._lock.isLocked():
            self._lock.unlock()

    # --- connections

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if sock is None:
                break
            conn = _Connection(sock)
            if len(self._connections) >= _MAX_CONNECTIONS:
                sock.abort()
                sock.deleteLater()
                continue
            self._connections.append(conn)
            sock.readyRead.connect(lambda conn=conn: self._read(conn))
            sock.disconnected.connect(lambda conn=conn: self._drop(conn))
            QTimer.singleShot(_CLIENT_DEADLINE_MS, sock, lambda conn=conn: self._drop(conn))
            if sock.bytesAvailable():
                self._read(conn)

    def _read(self, conn: _Connection) -> None:
        if conn.done:
            return
        conn.buffer += bytes(conn.sock.read(MAX_MESSAGE + 1 - len(conn.buffer)).data())
        line, newline, _rest = bytes(conn.buffer).partition(b"\n")
        if not newline:
            if len(conn.buffer) > MAX_MESSAGE:
                log.info("dropped an oversized hand-off request")
                self._drop(conn)
            return
        conn.done = True
        request = decode_request(line)
        conn.sock.write(b"ok\n" if request is not None else b"error\n")
        conn.sock.flush()
        conn.sock.disconnectFromServer()  # after the reply is written
        if request is None:
            log.info("ignored an unreadable hand-off request")
            return
        dial, raise_window = request
        if dial or raise_window:
            self.received.emit(dial)

    def _drop(self, conn: _Connection) -> None:
        if conn in self._connections:
            self._connections.remove(conn)
            with contextlib.suppress(RuntimeError):  # the C++ socket may already be gone
                conn.sock.abort()
                conn.sock.deleteLater()
