"""Suite-wide fixtures: isolation from the user's real config, data, logs and keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config file, data dir and log dir; nothing touches $HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("TELEPHONY_DESKTOP_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_LOG_DIR", str(home / "logs"))
    # Desktop integration (link handlers, autostart) writes XDG files: never the real ones.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    for name in list(os.environ):
        if name.startswith("TELEPHONY_DESKTOP_SECRET_"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(autouse=True)
def memory_keyring(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[object | None]:
    """Unless a test asks for the real Secret Service, secrets go to an in-memory keyring
    (without probing the developer's own keyring)."""
    if request.node.get_closest_marker("secret_service"):
        yield None
        return
    from tests.helpers.memory_keyring import install_memory_keyring

    yield install_memory_keyring(monkeypatch)
