"""A real notification service for the tests: dunst (Debian's), on its own X display (Xvfb) and its
own D-Bus session bus, both started and stopped here. Nothing reaches the developer's desktop.

dunst records every notification it shows (a ``script`` rule writes summary and body to a file)
and "presses" a button when asked: its context menu goes through a ``dmenu`` command, here a
script that picks the action whose label was written to a file, exactly as a user picking from the
menu would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("dbus-daemon", "Xvfb", "dunst", "dunstctl")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class NotificationService:
    bus_address: str
    folder: Path
    env: dict[str, str]

    @property
    def shown_file(self) -> Path:
        return self.folder / "shown.txt"

    def shown(self) -> list[tuple[str, str]]:
        """(summary, body) of every notification dunst showed, oldest first."""
        if not self.shown_file.exists():
            return []
        entries = self.shown_file.read_text(encoding="utf-8").split("\x1e")
        return [tuple(e.split("\x1f", 1)) for e in entries if "\x1f" in e]  # type: ignore[misc]

    def wait_shown(self, count: int, timeout: float = 10.0) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.shown()
            if len(shown) >= count:
                return shown
            time.sleep(0.05)
        return self.shown()

    def press(self, label: str) -> None:
        """Open the newest notification's action menu and pick the action called ``label``."""
        (self.folder / "pick.txt").write_text(label, encoding="utf-8")
        subprocess.run(["dunstctl", "context"], env=self.env, check=True, timeout=10)

    def click(self) -> None:
        """Click the newest notification's body (its default action)."""
        subprocess.run(["dunstctl", "action", "0"], env=self.env, check=True, timeout=10)


@contextmanager
def notification_service(folder: Path) -> Iterator[NotificationService]:
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "record.sh"
    record.write_text(
        "#!/bin/sh\n# dunst passes: appname summary body icon urgency\n"
        f'printf "%s\\037%s\\036" "$2" "$3" >> "{folder}/shown.txt"\n',
        encoding="utf-8",
    )
    pick = folder / "pick.sh"
    pick.write_text(f'#!/bin/sh\ngrep -m1 -F "#$(cat "{folder}/pick.txt") (" \n', encoding="utf-8")
    for script in (record, pick):
        script.chmod(0o755)
    config = folder / "dunstrc"
    config.write_text(
        f"[global]\n    dmenu = {pick}\n    browser = /bin/true\n"
        f"[record]\n    appname = *\n    script = {record}\n",
        encoding="utf-8",
    )
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert xvfb.stdout is not None
    display = ":" + xvfb.stdout.readline().strip()
    env = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": address}
    dunst = subprocess.Popen(
        ["dunst", "-config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "dunst.log").open("wb"),
    )
    try:
        _wait_for_service(env)
        yield NotificationService(address, folder, env)
    finally:
        for process in (dunst, xvfb, bus):
            process.send_signal(signal.SIGTERM)
        for process in (dunst, xvfb, bus):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_service(env: dict[str, str], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            subprocess.run(
                ["dunstctl", "is-paused"], env=env, capture_output=True, timeout=5
            ).returncode
            == 0
        ):
            return
        time.sleep(0.05)
    raise RuntimeError("dunst did not come up on the private session bus")
