"""Suite-wide fixtures: isolation from the user's real config, data, logs and keyring; a sandbox."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402



@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config file, data dir and log dir; nothing touches $HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("TELEPHONY_DESKTOP_CONFIG", str(home / "config" / "config.toml"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TELEPHONY_DESKTOP_LOG_DIR", str(home / "logs"))
    for name in list(os.environ):
        if name.startswith("TELEPHONY_DESKTOP_SECRET_"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[object | None]:
    """Unless a test asks for the real Secret Service, secrets go to an in-memory keyring."""
    if request.node.get_closest_marker("secret_service"):
        yield None
        return
    import keyring

    try:
        from tests.helpers.memory_keyring import MemoryKeyring
    except ImportError:  # pragma: no cover - during bootstrap only
        yield None
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
