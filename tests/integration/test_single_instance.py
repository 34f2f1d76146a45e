"""One instance: a second launch hands its link to the running one, between real processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue
from threading import Thread

import pytest

from telephony_desktop.desktop import single_instance
from telephony_desktop.desktop.instance_address import server_name, socket_file, surely_alone
from telephony_desktop.desktop.single_instance import (
    MAX_MESSAGE,
    InstanceServer,
    decode_request,
    encode_request,
    hand_off,
    lock_path,
    socket_path,
)
from telephony_desktop.store import paths

ROOT = Path(__file__).resolve().parents[2]
unix_only = pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")


@pytest.fixture(autouse=True)
def socket_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Sockets and lock files in a private, short-pathed dir of their own (a killed child
    leaves them behind on purpose), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="td-", dir="/tmp" if os.path.isdir("/tmp") else None))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))  # Linux: the socket goes here
    monkeypatch.setenv("TMPDIR", str(path))  # elsewhere: Qt's temp dir
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Child:
    """``tests.helpers.instance_child`` in its own process; its stdout read line by line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.instance_child", *args],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: Queue[str] = Queue()
        Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except Empty:
                break
            if line.startswith(prefix):
                return line
            seen.append(line)
        raise AssertionError(f"no {prefix!r} line; got {seen}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


def _start(children: list[Child], *args: str) -> Child:
    child = Child(*args)
    children.append(child)
    return child


def _launch(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``python -m telephony_desktop ARGV``: the real second launch."""
    return subprocess.run(
        [sys.executable, "-m", "telephony_desktop", *argv],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_second_launch_hands_its_link_to_the_running_instance(children: list[Child]) -> None:
    a = _start(children, "2")
    a.expect("ready")
    started = time.monotonic()
    b = _launch("tel:+1-514-555-0123")
    assert b.returncode == 0, b.stderr
    assert time.monotonic() - started < 15  # it did not open a window and wait
    assert a.expect("received:") == "received:+15145550123"
    c = _launch("--dial", "(514) 555-0199 ext 7")
    assert c.returncode == 0, c.stderr
    assert a.expect("received:") == "received:5145550199 ext 7"
    assert a.proc.wait(timeout=10) == 0  # closed its server after two hand-offs


def test_plain_second_launch_brings_the_window_forward(children: list[Child]) -> None:
    a = _start(children)
    a.expect("ready")
    assert _launch().returncode == 0
    assert a.expect("received:") == "received:"
    assert _launch("--minimized").returncode == 0  # autostart while running: nothing to show
    assert _launch("callto://+15145550123").returncode == 0
    assert a.expect("received:") == "received:+15145550123"


def test_a_bad_link_is_refused_before_anything(children: list[Child]) -> None:
    a = _start(children)
    a.expect("ready")
    result = _launch("sip:alice@example.com")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "not a phone number" in result.stderr
    assert hand_off("+15145550123")  # A is still there and got nothing from the bad link
    assert a.expect("received:") == "received:+15145550123"


def test_a_second_server_does_not_take_over(children: list[Child]) -> None:
    a = _start(children)
    a.expect("ready")
    b = _start(children)
    b.expect("busy")
    assert b.proc.wait(timeout=10) == 3
    assert hand_off("tel:+15145550123")
    assert a.expect("received:") == "received:+15145550123"


def test_no_instance_means_a_quick_false() -> None:
    started = time.monotonic()
    assert hand_off("+15145550123") is False
    assert time.monotonic() - started < 0.5


@unix_only
def test_a_crashed_instance_leaves_a_socket_that_is_cleaned(children: list[Child]) -> None:
    a = _start(children)
    a.expect("ready")
    a.proc.kill()  # no clean-up: the socket file and the lock file stay behind
    a.proc.wait(timeout=10)
    path = socket_path(server_name())
    assert os.path.exists(path) and os.path.exists(lock_path(server_name()))
    assert hand_off("+15145550123") is False  # nobody answers on the stale socket
    b = _start(children, "1")
    b.expect("ready")
    assert hand_off("+15145550123")
    assert b.expect("received:") == "received:+15145550123"
    assert b.proc.wait(timeout=10) == 0
    assert not os.path.exists(path)  # a clean close removes it


@unix_only
def test_stale_socket_file_in_process(qapp: object) -> None:
    name = server_name()
    path = socket_path(name)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)  # bound, never listening, then abandoned: like a crashed instance
    stale.close()
    assert os.path.exists(path)
    server = InstanceServer()
    try:
        assert server.listen()
        assert server.full_server_name() == path
    finally:
        server.close()
    assert not os.path.exists(path)


def test_names_differ_per_config_and_fit_a_socket_path(tmp_path: Path, socket_dir: Path) -> None:
    one = server_name(tmp_path / "a" / "config.toml")
    two = server_name(tmp_path / "b" / "config.toml")
    assert one != two and server_name(tmp_path / "a" / "config.toml") == one
    assert len(socket_path(one).encode()) < 104
    if sys.platform.startswith("linux"):
        assert Path(one).parent == socket_dir  # the private runtime dir when there is one


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux socket paths")


@linux_only
def test_the_socket_file_is_found_where_qt_makes_it(
    qapp: object, socket_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``instance_address`` works the path out without Qt: it must agree with QLocalServer, in
    the runtime dir and (no usable runtime dir) in Qt's temp dir."""
    for runtime in (str(socket_dir), ""):
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
        server = InstanceServer()
        try:
            assert server.listen()
            assert os.path.isabs(server.name) == bool(runtime)
            assert socket_file(server.name) == socket_path(server.name)
            assert server.full_server_name() == socket_file(server.name)
            assert os.path.exists(server.full_server_name())
        finally:
            server.close()


@linux_only
def test_the_temp_dir_is_worked_out_as_qt_does(
    qapp: object, socket_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No runtime dir: the socket goes in Qt's temp dir, ``$TMPDIR`` cleaned as a path (a
    symlink is kept, not resolved) or ``/tmp``."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", "")
    real = socket_dir / "real" / "sub"
    real.mkdir(parents=True)
    (socket_dir / "link").symlink_to(real)
    (socket_dir / "other").mkdir()
    for tmpdir in (str(socket_dir / "link" / ".." / "other"), str(socket_dir / "link"), None):
        if tmpdir is None:
            monkeypatch.delenv("TMPDIR", raising=False)
        else:
            monkeypatch.setenv("TMPDIR", tmpdir)
        name = server_name()
        assert not os.path.isabs(name)
        assert socket_file(name) == socket_path(name), tmpdir


def test_surely_alone_is_never_said_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    """Named pipes (Windows) and macOS' own temp dir are Qt's to know: always ask."""
    for platform in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", platform)
        assert socket_file(server_name()) is None
        assert surely_alone() is False


@linux_only
def test_surely_alone_only_without_a_socket_file(qapp: object, children: list[Child]) -> None:
    """A first launch skips the hand-off (and QtNetwork) only when no socket file exists; a live
    instance, or a stale file a crashed one left, sends it through the socket as before."""
    assert surely_alone()
    server = InstanceServer()
    assert server.listen()
    assert not surely_alone()
    server.close()
    assert surely_alone()
    a = _start(children)
    a.expect("ready")
    a.proc.kill()  # the socket file stays behind
    a.proc.wait(timeout=10)
    assert not surely_alone()
    assert hand_off("+15145550123") is False  # asked, and nobody answered


@linux_only
def test_a_first_launch_opens_the_window_and_takes_the_next_link(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    """The whole first launch through the entry point (no socket file: no hand-off attempt, the
    Qt-free core loaded before Qt): the app comes up and listens; a second launch reaches it."""
    assert surely_alone()
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as sink:
        first = subprocess.Popen(
            [sys.executable, "-m", "telephony_desktop", "--debug"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        deadline = time.monotonic() + 30
        while surely_alone() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, errors.read_text()
        assert not surely_alone()
        # Accepted by the first instance: a refused hand-off would open a second window
        # here and never exit (the run would time out).
        second = _launch("tel:+15145550123")
        assert second.returncode == 0, second.stderr
    finally:
        first.kill()
        first.wait(timeout=10)
    log = (isolated_dirs / "logs" / "telephony-desktop.log").read_text(encoding="utf-8")
    assert "no instance is listening (no socket file): starting the window" in log
    assert "hand-off to the running instance" not in log.split("starting the window")[0]


def test_a_window_that_lost_the_lock_waits_for_the_winner_to_listen(
    children: list[Child],
) -> None:
    """Two launches at once: the loser's window finds the lock taken while the winner may not
    listen yet. It asks again until the winner answers, within the time of one hand-off."""
    from telephony_desktop.ui.app import hand_off_to_winner

    winner = _start(children, "1")  # takes a moment to start Python and Qt, then listens
    assert not os.path.exists(socket_path(server_name()))  # not listening yet: asked again
    # (a generous window here: a loaded test machine may take over 1.5 s to start the child)
    took = asyncio.run(
        hand_off_to_winner("+15145550123", paths.config_path(), raise_window=True, within_s=20)
    )
    assert took, winner.expect("ready")
    assert winner.expect("received:") == "received:+15145550123"


def test_nobody_listening_ends_the_wait_in_time() -> None:
    from telephony_desktop.ui.app import hand_off_to_winner

    started = time.monotonic()
    took = asyncio.run(hand_off_to_winner("+15145550123", paths.config_path(), raise_window=True))
    assert took is False
    assert 1.2 < time.monotonic() - started < 10  # asked again for ~1.5 s, then gave up


def test_garbage_is_ignored_and_the_server_keeps_working(qtbot: object, qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication

    server = InstanceServer()
    assert server.listen()
    got: list[str] = []
    server.received.connect(got.append)
    name = server.name

    def pump(ms: int = 200) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.005)

    def raw(data: bytes, wait_reply: bool = True) -> bytes:
        """Send bytes from a thread (the server needs this thread's event loop)."""
        reply: list[bytes] = []

        def client() -> None:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(3)
                s.connect(socket_path(name))
                try:
                    s.sendall(data)
                    if wait_reply:
                        reply.append(s.recv(64))
                except OSError:
                    reply.append(b"<closed>")

        t = Thread(target=client)
        t.start()
        end = time.monotonic() + 5
        while t.is_alive() and time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        t.join(1)
        return reply[0] if reply else b""

    try:
        if sys.platform != "win32":
            assert raw(b"not json\n") == b"error\n"
            assert raw(b'{"v": 2, "dial": "+15145550123"}\n') == b"error\n"
            assert raw(b'{"v": 1, "dial": "sip:alice@example.com"}\n') == b"error\n"
            assert raw(b'{"v": 1, "dial": ["+15145550123"]}\n') == b"error\n"
            assert raw(b"\xff\xfe\n") == b"error\n"
            assert raw(b"x" * (MAX_MESSAGE + 10)) in (b"", b"<closed>")  # dropped unread
            assert raw(b'{"v": 1, "dial": "+15145550123", "raise": false}\n') == b"ok\n"
            pump()
            assert got == ["+15145550123"]
            assert raw(b'{"v": 1, "dial": "", "raise": false}\n') == b"ok\n"
            pump()
            assert got == ["+15145550123"]  # nothing to do: no signal
    finally:
        server.close()


def test_wire_format() -> None:
    line = encode_request("+15145550123 ext 5")
    assert line.endswith(b"\n") and b"\n" not in line[:-1]
    assert decode_request(line[:-1]) == ("+15145550123 ext 5", True)
    assert decode_request(b'{"v":1}') == ("", True)
    assert decode_request(b'{"v":1,"dial":"tel:5145550123;ext=2"}') == ("5145550123 ext 2", True)
    assert decode_request(b"[]") is None
    assert decode_request(b'{"v":1,"raise":"yes"}') is None
    assert decode_request(b"[" * 100_000) is None
    assert single_instance.PROTOCOL_VERSION == 1
