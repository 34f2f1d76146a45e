"""A private Secret Service for the tests: a D-Bus session bus of our own with an unlocked,
throw-away GNOME Keyring on it (its files in a temp dir), started and stopped here. The tests that
need a real keyring use it whether or not the machine has a desktop session, and never touch
anyone's own keyring."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOOLS = ("dbus-daemon", "gnome-keyring-daemon")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def private_secret_service(folder: Path) -> Iterator[str]:
    """Yield the bus address of a session bus whose Secret Service is an unlocked keyring."""
    folder.mkdir(parents=True, exist_ok=True)
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": str(folder)}
    keyring = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert keyring.stdin is not None
    keyring.stdin.write(b"test-throwaway")
    keyring.stdin.close()
    try:
        _wait_for_name(env, "org.freedesktop.secrets")
        yield address
    finally:
        for process in (keyring, bus):
            process.send_signal(signal.SIGTERM)
        for process in (keyring, bus):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_name(env: dict[str, str], name: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    ask = [
        "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}",
    ]  # fmt: skip
    while time.monotonic() < deadline:
        done = subprocess.run(ask, env=env, capture_output=True, text=True, timeout=5)
        if "boolean true" in done.stdout:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not appear on the private session bus")
