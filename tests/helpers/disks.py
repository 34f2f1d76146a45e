"""Real file systems for storage faults: a small tmpfs that fills up, a read-only bind mount.

Mounting needs root (CI runs as root; so does this project's container). Elsewhere a test that
asks for ``disks`` is skipped, with the reason.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True, timeout=30)


def _can_mount(tmp_path: Path) -> bool:
    if os.geteuid() != 0:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))
    except (OSError, subprocess.SubprocessError):
        return False
    _umount(probe)
    return True


class Disks:
    """Mounts made for one test, all undone at its end."""

    def __init__(self, tmp_path: Path) -> None:
        self._mounted: list[Path] = []
        if not _can_mount(tmp_path):
            pytest.skip("mounting a small or read-only file system needs root")

    def small(self, target: Path, size: str) -> Path:
        """``target`` becomes an empty file system of ``size`` (e.g. ``"1m"``)."""
        target.mkdir(parents=True, exist_ok=True)
        _mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(target))
        self._mounted.append(target)
        return target

    def grow(self, target: Path, size: str) -> None:
        _mount("-o", f"remount,size={size}", str(target))

    def read_only(self, target: Path) -> Path:
        """``target`` (a folder with its files) can be read but not written, even by root."""
        _mount("--bind", str(target), str(target))
        self._mounted.append(target)
        _mount("-o", "remount,ro,bind", str(target))
        return target

    def undo(self) -> None:
        for target in reversed(self._mounted):
            _umount(target)


@pytest.fixture
def disks(tmp_path: Path) -> Iterator[Disks]:
    made = Disks(tmp_path)
    try:
        yield made
    finally:
        made.undo()
