"""Diagnostics: the rotating log, crash reports and the "Report a problem" bundle.

- Logging: a rotating file in the platformdirs log dir (``--debug`` for verbose), secrets
  redacted on every record.
- Crash reports: an unexpected exception writes ``crash-YYYYmmdd-HHMMSS.txt`` beside the log,
  redacted.
- The diagnostic bundle (``write_bundle``): a zip with versions, the settings without secrets,
  where each secret lives (never its value), the recent log and crash reports, redaction
  re-applied to every file.

Qt-free: the command line imports this module. Qt details are read only if Qt is already loaded.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import logging
import logging.handlers
import os
import platform
import re
import sys
import traceback
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from telephony_desktop import __version__
from telephony_desktop.redaction import (
    RedactingFilter,
    install_redaction,
    redact_text,
    redact_url,
)
from telephony_desktop.store.audio import write_atomic

if TYPE_CHECKING:
    from telephony_desktop.store.secrets import SecretStore
    from telephony_desktop.store.settings import Config

log = logging.getLogger(__name__)

LOG_FILE_NAME = "telephony-desktop.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, debug: bool = False, console_level: int | None = None) -> Path:
    """Log to ``log_dir/telephony-desktop.log`` (rotating, 1 MB x 5). Returns the file path.

    ``--debug`` lowers the file level to DEBUG. The console gets warnings only unless asked;
    a CLI prints its own one-line errors.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_telephony_desktop", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    path = log_dir / LOG_FILE_NAME
    handlers: list[logging.Handler] = []
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setLevel(logging.DEBUG if debug else logging.INFO)
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only home must not stop the app; the console still gets warnings
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level if console_level is not None else logging.CRITICAL + 1)
    handlers.append(console)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(RedactingFilter())
        handler._telephony_desktop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # httpx logs every request URL at INFO; those URLs carry secrets in the query string.
    logging.getLogger("httpx").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO if debug else logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.DEBUG if debug else logging.WARNING)
    install_redaction()
    return path


# --- crash reports -------------------------------------------------------------------------

CRASH_PREFIX = "crash-"
CRASH_KEEP = 20  # older crash reports are removed when a new one is written
BUNDLE_LOG_BYTES = 1_000_000  # the newest ~1 MB of the rotating logs goes into a bundle
BUNDLE_CRASH_REPORTS = 5

# Settings that are not secrets by the config's rules but still travel beside one: TrueCNAM's
# API key user name is half of the key and is sent in the URL with the password.
MASK: Final = "***"
SENSITIVE_SETTINGS: Final[dict[str, frozenset[str]]] = {"truecnam": frozenset({"username"})}


def _now() -> datetime:
    return datetime.now().astimezone()


_CRASH_NAME: Final = re.compile(r"crash-(\d{8}-\d{6})(?:-(\d+))?\.txt")


def _crash_key(path: Path) -> tuple[str, int]:
    found = _CRASH_NAME.fullmatch(path.name)
    return (found.group(1), int(found.group(2) or 1)) if found else ("", 0)


def crash_reports(log_dir: Path) -> list[Path]:
    """The crash reports in ``log_dir``, oldest first (by the time and number in the name)."""
    try:
        found = [p for p in log_dir.glob(f"{CRASH_PREFIX}*.txt") if _CRASH_NAME.fullmatch(p.name)]
    except OSError:
        return []
    return sorted(found, key=_crash_key)


def format_crash_report(
    exc: BaseException, *, context: str = "", when: datetime | None = None
) -> str:
    """The text of a crash report: versions, what was running, the traceback (causes and
    contexts included), every line redacted."""
    when = when or _now()
    lines = [
        "Telephony Desktop crash report",
        f"Time: {when.isoformat(timespec='seconds')}",
        f"Version: {__version__}",
        f"Python: {platform.python_version()} ({sys.platform})",
        f"OS: {platform.platform()}",
    ]
    if context:
        lines.append(f"Context: {context}")
    lines.append("")
    try:
        lines.append("".join(traceback.format_exception(exc)).rstrip("\n"))
    except Exception:  # a hostile __str__ must not stop the report
        lines.append(f"{type(exc).__name__} (its text could not be formatted)")
    return redact_text("\n".join(lines) + "\n")


def write_crash_report(
    exc: BaseException, *, log_dir: Path | None = None, context: str = ""
) -> Path | None:
    """Write ``crash-YYYYmmdd-HHMMSS.txt`` (redacted) in the log dir; None if it could not be
    written (a read-only home must not turn one failure into two). Keeps the newest
    ``CRASH_KEEP`` reports."""
    from telephony_desktop.store import paths

    folder = log_dir if log_dir is not None else paths.log_dir()
    when = _now()
    text = format_crash_report(exc, context=context, when=when)
    stamp = f"{when:%Y%m%d-%H%M%S}"
    stem = f"{CRASH_PREFIX}{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # After the last one of this second (a pruned name is never reused: order is kept).
        first = 1 + max(
            (n for t, n in map(_crash_key, crash_reports(folder)) if t == stamp), default=0
        )
        for n in range(first, first + 1000):
            target = folder / (f"{stem}.txt" if n == 1 else f"{stem}-{n}.txt")
            try:
                with open(target, "x", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - a thousand crashes in one second
            return None
    except OSError as exc_io:
        log.warning("could not write a crash report in %s (%s)", folder, type(exc_io).__name__)
        return None
    for old in crash_reports(folder)[:-CRASH_KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    log.info("crash report written: %s", target)
    return target


# --- the diagnostic bundle ----------------------------------------------------------------

SecretSources = Sequence[tuple[str, str, str]]  # (account, field, where)


def _secret_where(store: SecretStore, account: str, field: str) -> str:
    from telephony_desktop.domain.errors import SecretMissing, SecretStoreError
    from telephony_desktop.store.secrets import secret_env_var

    try:
        # Read, not just located: the value is registered for redaction (and then dropped).
        store.get(account, field)
    except SecretMissing:
        return "missing"
    except SecretStoreError:
        return "unavailable (the keyring could not be read)"
    return "environment" if os.environ.get(secret_env_var(account, field)) else "keyring"


def secret_sources(config: Config, store: SecretStore | None = None) -> list[tuple[str, str, str]]:
    """Where each account's secrets live: ``keyring``, ``environment``, ``missing`` or
    ``unavailable``. Blocks on the keyring: call it off the UI thread (or use
    :func:`asecret_sources`)."""
    from telephony_desktop.store.secrets import SecretStore as _Store

    store = store or _Store()
    return [
        (account.name, field, _secret_where(store, account.name, field))
        for account in config.accounts
        for field in account.secret_fields
    ]


async def asecret_sources(config: Config, store: SecretStore) -> list[tuple[str, str, str]]:
    """:func:`secret_sources` through the store's async calls (a keyring that never answers
    times out instead of hanging a thread)."""
    from telephony_desktop.domain.errors import SecretMissing, SecretStoreError
    from telephony_desktop.store.secrets import secret_env_var

    found: list[tuple[str, str, str]] = []
    for account in config.accounts:
        for field in account.secret_fields:
            try:
                await store.aget(account.name, field)
            except SecretMissing:
                where = "missing"
            except SecretStoreError:
                where = "unavailable (the keyring could not be read)"
            else:
                env = os.environ.get(secret_env_var(account.name, field))
                where = "environment" if env else "keyring"
            found.append((account.name, field, where))
    return found


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _qt_lines() -> list[tuple[str, str]]:
    """Qt details without starting Qt: the runtime version once PySide6 is loaded, the
    platform plugin once an application exists."""
    rows = [("PySide6", _package_version("PySide6"))]
    core = sys.modules.get("PySide6.QtCore")
    if core is not None:
        rows.append(("Qt runtime", str(core.qVersion())))
    gui = sys.modules.get("PySide6.QtGui")
    app = gui.QGuiApplication.instance() if gui is not None else None
    if app is not None and gui is not None:
        rows.append(("Platform plugin", str(gui.QGuiApplication.platformName())))
    else:
        plugin = os.environ.get("QT_QPA_PLATFORM", "")
        rows.append(("Platform plugin", f"{plugin or 'default'} (no window in this process)"))
    return rows


def _keyring_backend(store: SecretStore) -> str:
    from telephony_desktop.domain.errors import SecretStoreError

    try:
        return store.check()
    except SecretStoreError as exc:
        return f"none usable: {exc.user_message()}"
    except Exception as exc:  # a broken backend is itself a finding
        return f"error ({type(exc).__name__})"


def about_text(
    *, store: SecretStore, config_path: Path, log_dir: Path, extra: Mapping[str, str] | None = None
) -> str:
    rows: list[tuple[str, str]] = [
        ("Telephony Desktop", __version__),
        ("Packaged build", "yes" if getattr(sys, "frozen", False) else "no"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        *_qt_lines(),
        *((name, _package_version(name)) for name in ("qasync", "httpx", "keyring", "aiohttp")),
        ("OS", platform.platform()),
        ("Machine", platform.machine() or "unknown"),
        ("Keyring backend", _keyring_backend(store)),
        ("Config file", str(config_path)),
        ("Log folder", str(log_dir)),
        ("Written", _now().isoformat(timespec="seconds")),
    ]
    rows.extend((str(k), str(v)) for k, v in (extra or {}).items())
    width = max(len(k) for k, _ in rows) + 1
    body = "\n".join(f"{k + ':':<{width}} {v}" for k, v in rows)
    return (
        "Telephony Desktop diagnostic report\n"
        "Secrets (tokens, passwords, API keys) were removed from every file in this archive.\n\n"
        f"{body}\n"
    )


def _clean_value(value: object) -> object:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return _clean_table(value)
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    return value


def _clean_table(table: Mapping[str, Any]) -> dict[str, Any]:
    from telephony_desktop.store.settings import looks_secret

    return {str(k): _clean_value(v) for k, v in table.items() if not looks_secret(str(k))}


def clean_config_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """The config document with every secret-looking key dropped, every string redacted and
    the settings that travel beside a secret (TrueCNAM's user name) masked."""
    clean = _clean_table(data)
    accounts = clean.get("accounts")
    if isinstance(accounts, dict):
        for table in accounts.values():
            if not isinstance(table, dict):
                continue
            masked = SENSITIVE_SETTINGS.get(str(table.get("provider", "")), frozenset())
            extra = table.get("settings")
            if isinstance(extra, dict):
                for key in masked & set(extra):
                    extra[key] = MASK
            if isinstance(table.get("base_url"), str):
                table["base_url"] = redact_url(table["base_url"])
    return clean


def settings_text(config_path: Path) -> str:
    """``settings.toml`` of the bundle: the config re-serialised, cleaned (see
    :func:`clean_config_dict`)."""
    import tomllib

    import tomli_w

    from telephony_desktop.domain.errors import TelephonyError
    from telephony_desktop.store import settings

    header = (
        "# The configuration, re-serialised for this report: no secrets, and TrueCNAM's API "
        "user name masked.\n"
    )
    note = ""
    try:
        data: Mapping[str, Any] = settings.config_to_dict(settings.load_config(config_path))
    except TelephonyError as exc:
        note = f"# It could not be loaded: {exc.user_message()}\n"
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, tomllib.TOMLDecodeError, ValueError):
            return header + note + "# Its content is not included (not readable as TOML).\n"
    if not config_path.exists():
        note = "# There is no configuration file yet.\n"
    return redact_text(header + note + "\n" + tomli_w.dumps(clean_config_dict(data)))


def secrets_text(sources: SecretSources) -> str:
    lines = [
        "# Where each account's secrets are read from: keyring, environment, missing or",
        "# unavailable. The values themselves are never included.",
    ]
    lines.extend(f"{account}/{field}: {where}" for account, field, where in sources)
    if not sources:
        lines.append("(no account is configured)")
    return "\n".join(lines) + "\n"


def _tail(path: Path, budget: int) -> bytes:
    """The last ``budget`` bytes of ``path``, starting at a line boundary."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size <= budget:
            return fh.read()
        fh.seek(size - budget)
        data = fh.read()
    cut = data.find(b"\n")
    return data[cut + 1 :] if cut >= 0 else data


def _log_files(log_dir: Path) -> list[Path]:
    """The rotating log files, newest first: ``x.log``, ``x.log.1``, ``x.log.2``, ..."""

    def order(p: Path) -> int:
        suffix = p.name[len(LOG_FILE_NAME) :].lstrip(".")
        return int(suffix) if suffix.isdigit() else (0 if not suffix else 10_000)

    try:
        found = [p for p in log_dir.glob(LOG_FILE_NAME + "*") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=order)


def _recent_logs(log_dir: Path, budget: int = BUNDLE_LOG_BYTES) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in _log_files(log_dir):
        if budget <= 0:
            break
        try:
            whole = path.stat().st_size <= budget
            data = _tail(path, budget)
        except OSError:
            continue
        out.append((path.name, data.decode("utf-8", errors="replace")))
        if not whole:
            break  # the budget ran out inside this file: older ones would be cut off anyway
        budget -= len(data)
    return out


def write_bundle(
    path: Path,
    *,
    config_path: Path,
    log_dir: Path,
    extra: Mapping[str, str] | None = None,
    sources: SecretSources | None = None,
    store: SecretStore | None = None,
) -> Path:
    """Write the diagnostic bundle (a zip) to ``path``, atomically; return its path.

    Inside: ``about.txt`` (versions, OS, Qt platform plugin, keyring backend), ``settings.toml``
    (the config without secrets), ``secrets.txt`` (where each secret lives, never its value),
    ``log/`` (the newest ~1 MB of the rotating logs) and ``crash/`` (recent crash reports).
    Every text is redacted once more on the way in. ``sources``: :func:`secret_sources`,
    computed here (blocking on the keyring) when not given. Blocks on disk: from async code,
    call it through ``asyncio.to_thread``. Raises ``TelephonyError`` when it cannot be written.
    """
    from telephony_desktop.domain.errors import TelephonyError
    from telephony_desktop.store import settings
    from telephony_desktop.store.secrets import SecretStore as _Store

    path = Path(path).expanduser().absolute()
    store = store or _Store()
    if sources is None:
        try:
            config = settings.load_config(config_path)
        except TelephonyError:
            config = settings.Config()
        sources = secret_sources(config, store)
    files: list[tuple[str, str]] = [
        (
            "about.txt",
            about_text(store=store, config_path=config_path, log_dir=log_dir, extra=extra),
        ),
        ("settings.toml", settings_text(config_path)),
        ("secrets.txt", secrets_text(sources)),
    ]
    files.extend((f"log/{name}", text) for name, text in _recent_logs(log_dir))
    for report in crash_reports(log_dir)[-BUNDLE_CRASH_REPORTS:]:
        with contextlib.suppress(OSError):
            files.append((f"crash/{report.name}", report.read_text("utf-8", errors="replace")))
    buffer = io.BytesIO()
    stamp = _now().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, redact_text(text).encode("utf-8"))
    write_atomic(path, buffer.getvalue())  # a full disk: a StorageError naming the fix
    log.info("diagnostic bundle written: %s (%d files)", path, len(files))
    return path


def default_bundle_name(when: datetime | None = None) -> str:
    return f"telephony-desktop-report-{(when or _now()):%Y%m%d-%H%M%S}.zip"
