"""Where the app keeps its files: config, data (the cache) and logs.

Each location comes from, in order: an explicit path (``--config``), an environment variable, then
``platformdirs`` (``appauthor=False``). Nothing is ever relative to the working directory unless the
user typed a relative path, which is made absolute at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "telephony-desktop"
CONFIG_FILENAME = "config.toml"
# The language and theme chosen in ``--demo`` (whose config is thrown away), beside the config.
DEMO_PREFERENCES_FILENAME = "demo-preferences.toml"

ENV_CONFIG = "TELEPHONY_DESKTOP_CONFIG"
ENV_DATA_DIR = "TELEPHONY_DESKTOP_DATA_DIR"
ENV_LOG_DIR = "TELEPHONY_DESKTOP_LOG_DIR"


def _from_env(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return _absolute(Path(value)) if value else None


def _absolute(path: Path) -> Path:
    return path.expanduser().absolute()


def config_path(explicit: Path | None = None) -> Path:
    """The config file: ``explicit`` (``--config``), else ``$TELEPHONY_DESKTOP_CONFIG``, else the
    platform's user config dir / ``config.toml``."""
    if explicit is not None:
        return _absolute(Path(explicit))
    return _from_env(ENV_CONFIG) or (
        platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILENAME
    )


def demo_preferences_path(explicit_config: Path | None = None) -> Path:
    """Where ``--demo`` keeps the language and theme chosen in it: beside the user's real config
    file (``config_path(explicit_config)``). Ask before the demo starts: the demo points
    ``$TELEPHONY_DESKTOP_CONFIG`` at its throw-away config while it runs."""
    return config_path(explicit_config).parent / DEMO_PREFERENCES_FILENAME


def data_dir(explicit: Path | None = None) -> Path:
    """The data dir (the SQLite cache lives here); ``$TELEPHONY_DESKTOP_DATA_DIR`` overrides."""
    if explicit is not None:
        return _absolute(Path(explicit))
    return _from_env(ENV_DATA_DIR) or platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_dir(explicit: Path | None = None) -> Path:
    """The log dir; ``$TELEPHONY_DESKTOP_LOG_DIR`` overrides."""
    if explicit is not None:
        return _absolute(Path(explicit))
    return _from_env(ENV_LOG_DIR) or platformdirs.user_log_path(APP_NAME, appauthor=False)


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the user only if missing; return it.

    Raises ``StorageError`` (a ``ConfigError``) naming the fix if it cannot be created.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        from telephony_desktop.store.storage import storage_error

        raise storage_error(path, exc, is_folder=True) from exc
    return path
