"""One list of the Debian packages a fresh machine needs: the README shows it, .ci/run installs
from it (packaging/debian-packages.txt)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIST = ROOT / "packaging" / "debian-packages.txt"


def listed() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in LIST.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def test_the_list_is_one_package_a_line() -> None:
    packages = listed()
    assert packages and len(packages) == len(set(packages))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", p) for p in packages), packages


def test_the_readme_shows_the_same_list() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    command = re.search(r"sudo apt-get install --no-install-recommends (.+?)\n```", readme, re.S)
    assert command is not None, "the README's apt-get command"
    shown = command.group(1).replace("\\\n", " ").split()
    assert shown == listed()


def test_ci_installs_from_the_list() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "packaging/debian-packages.txt" in ci
    assert not any(f" {p} " in ci for p in listed()), ".ci/run names no package of its own"
