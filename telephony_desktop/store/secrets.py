"""Account secrets in the OS keyring, through ``keyring`` only.

Service ``telephony-desktop``, username ``<account>/<field>`` (account lower-cased: names are
case-insensitive). ``TELEPHONY_DESKTOP_SECRET_<ACCOUNT>_<FIELD>`` overrides the keyring on read
(headless automation) and is never written anywhere.

There is never a silent plaintext fallback: the ``fail``/``null`` backends, an empty chainer, and
any file or plaintext backend (``keyrings.alt`` & co.) are refused with a sentence naming the fix.
No message, log line or repr here ever holds a secret value.

Keyring calls block on D-Bus (an unlock prompt can wait forever), so the async wrappers run each
call in a *daemon* thread with a deadline rather than in the loop's default executor: a stuck call
then neither blocks the event loop nor hangs shutdown (``loop.shutdown_default_executor`` would
wait for it; see qasync #115).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Final, Literal, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from telephony_desktop.domain.errors import InputError, SecretMissing, SecretStoreError
from telephony_desktop.i18n import N_, _, formats
from telephony_desktop.redaction import normalise_secret
from telephony_desktop.store.settings import NAME_RE

log = logging.getLogger(__name__)
T = TypeVar("T")

SERVICE: Final = "telephony-desktop"
ENV_PREFIX: Final = "TELEPHONY_DESKTOP_SECRET_"
DEFAULT_TIMEOUT_S: Final = 60.0
GENERIC_ENV_VAR: Final = "TELEPHONY_DESKTOP_SECRET_<ACCOUNT>_<FIELD>"

_FIELD_RE: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Modules whose backends keep secrets in files (plain or self-encrypted) rather than an OS vault.
_FILE_BACKEND_MODULES: Final = ("keyrings.alt", "keyrings.cryptfile", "keyring.backends.null")

Source = Literal["environment", "keyring"]


class Secret(str):
    """A secret value: a plain ``str`` to use, ``Secret('***')`` when printed with ``repr``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


def secret_env_var(account: str, field: str) -> str:
    """``TELEPHONY_DESKTOP_SECRET_<ACCOUNT>_<FIELD>``: upper-case, ``-`` mapped to ``_``."""
    return f"{ENV_PREFIX}{account.upper().replace('-', '_')}_{field.upper().replace('-', '_')}"


def set_secret_hint(account: str, field: str) -> str:
    return f"telephony-desktop account set-secret {account} {field}"


# --- backend policy ----------------------------------------------------------------------


def refusal_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold secrets (None: it is an OS keyring we accept)."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no keyring backend is available"
    if isinstance(backend, chainer.ChainerBackend):
        return None if usable_backend(backend) is not None else "no keyring backend is available"
    for klass in type(backend).__mro__:
        module = getattr(klass, "__module__", "") or ""
        if module.startswith(_FILE_BACKEND_MODULES) or "plaintext" in klass.__name__.lower():
            return f"{_describe(backend)} would keep secrets in a file, not an OS keyring"
    if "file_path" in dir(type(backend)) or "file_path" in getattr(backend, "__dict__", {}):
        return f"{_describe(backend)} would keep secrets in a file, not an OS keyring"
    return None


def usable_backend(backend: KeyringBackend) -> KeyringBackend | None:
    """The backend to use: ``backend`` itself, or for a chainer its best acceptable member."""
    if isinstance(backend, chainer.ChainerBackend):
        members: Iterable[KeyringBackend] = backend.backends
        return next((b for b in members if refusal_reason(b) is None), None)
    return backend if refusal_reason(backend) is None else None


def _describe(backend: KeyringBackend) -> str:
    klass = type(backend)
    return f"{klass.__module__}.{klass.__qualname__}"


# --- messages ----------------------------------------------------------------------------


def _no_keyring(var: str, reason: str | None = None) -> SecretStoreError:
    if reason and "no keyring" not in reason:
        # Translators: {reason} says in English why the keyring backend was refused.
        message = _(
            "No usable system keyring was found. Install and unlock a Secret Service provider "
            "(GNOME Keyring or KWallet) — on Debian: apt install gnome-keyring — or set "
            "{var} for headless use. (Refused: {reason}.)"
        )
    else:
        message = _(
            "No usable system keyring was found. Install and unlock a Secret Service provider "
            "(GNOME Keyring or KWallet) — on Debian: apt install gnome-keyring — or set "
            "{var} for headless use."
        )
    return SecretStoreError(message.format(var=var, reason=reason))


def _locked(var: str) -> SecretStoreError:
    return SecretStoreError(
        _(
            "The system keyring is locked. Unlock it (log in to your desktop session, or unlock "
            "the login keyring in your keyring manager) and try again, or set {var} for headless "
            "use."
        ).format(var=var)
    )


# One sentence per action (never a verb slotted into a sentence).
_REFUSED: Final = {
    # Translators: {field} is a secret field name such as auth_token; {account} an account name.
    "set": N_(
        "The system keyring refused to store the {field} of account {account} (access denied, "
        "or the keyring is locked). Unlock the keyring, allow access, and try again."
    ),
    # Translators: {field} is a secret field name such as auth_token; {account} an account name.
    "delete": N_(
        "The system keyring refused to delete the {field} of account {account} (access denied, "
        "or the keyring is locked). Unlock the keyring, allow access, and try again."
    ),
    # Translators: {field} is a secret field name such as auth_token; {account} an account name.
    "get": N_(
        "The system keyring refused to give the {field} of account {account} (access denied, "
        "or the keyring is locked). Unlock the keyring, allow access, and try again."
    ),
}


def _refused(op: Literal["get", "set", "delete"], account: str, field: str) -> SecretStoreError:
    return SecretStoreError(_(_REFUSED[op]).format(field=field, account=account))


def _unreachable(var: str, exc: BaseException) -> SecretStoreError:
    kind = type(exc).__name__  # never str(exc): a backend could echo what it was given
    return SecretStoreError(
        # Translators: {kind} is the name of the technical error, e.g. DBusErrorResponse.
        _(
            "The system keyring could not be used ({kind}). Make sure GNOME Keyring or KWallet "
            "is running and unlocked, or set {var} for headless use."
        ).format(kind=kind, var=var)
    )


def _translate(
    exc: Exception, var: str, account: str, field: str, op: Literal["get", "set", "delete"]
) -> SecretStoreError:
    if isinstance(exc, SecretStoreError):
        return exc
    if isinstance(exc, keyring.errors.NoKeyringError):
        return _no_keyring(var)
    if isinstance(exc, keyring.errors.KeyringLocked) or "locked" in type(exc).__name__.lower():
        return _locked(var)  # also secretstorage's LockedException
    if isinstance(exc, keyring.errors.PasswordSetError) or (op == "set" and _is_denied(exc)):
        return _refused("set", account, field)
    if isinstance(exc, keyring.errors.PasswordDeleteError) or (op == "delete" and _is_denied(exc)):
        return _refused("delete", account, field)
    if op == "get" and _is_denied(exc):
        return _refused("get", account, field)
    return _unreachable(var, exc)


def _is_denied(exc: Exception) -> bool:
    """PermissionError, or a D-Bus error reply named ...AccessDenied (jeepney's ``.name``)."""
    dbus_name = getattr(exc, "name", None)
    dbus_name = dbus_name.lower() if isinstance(dbus_name, str) else ""
    return (
        isinstance(exc, PermissionError)
        or "denied" in type(exc).__name__.lower()
        or "accessdenied" in dbus_name
    )


# --- the store ---------------------------------------------------------------------------


class SecretStore:
    """Read and write account secrets. ``backend`` pins a keyring backend instance (tests, or
    a specific vault); by default ``keyring.get_keyring()`` is asked at each call."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        service: str = SERVICE,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._backend = backend
        self._service = service
        self._timeout_s = timeout_s

    def __repr__(self) -> str:
        pinned = _describe(self._backend) if self._backend is not None else "default"
        return f"SecretStore(service={self._service!r}, backend={pinned})"

    # --- sync (CLI, worker threads) --------------------------------------------------------

    def get(self, account: str, field: str) -> Secret:
        """The secret: from the environment override if set, else from the keyring.

        ``SecretMissing`` names the command that sets it; ``SecretStoreError`` names the fix.
        """
        var = self._check(account, field)
        from_env = normalise_secret(os.environ.get(var) or "")
        if from_env:
            log.debug("secret %s/%s read from the environment", account, field)
            return Secret(from_env)
        value = normalise_secret(self._keyring_get(account, field, var) or "")
        if not value:
            raise SecretMissing(
                # Translators: {field} is a secret field name such as auth_token; {command} the
                # command that stores it; {var} an environment variable.
                _(
                    "No {field} is stored for account {account}. Set it with: {command} (or set "
                    "{var} for headless use)."
                ).format(
                    field=field, account=account, command=set_secret_hint(account, field), var=var
                )
            )
        return Secret(value)

    def source(self, account: str, field: str) -> Source | None:
        """Where ``get`` would find the secret: ``"environment"``, ``"keyring"`` or None."""
        var = self._check(account, field)
        if os.environ.get(var, "").strip():
            return "environment"
        return "keyring" if self._keyring_get(account, field, var) else None

    def set(self, account: str, field: str, value: str) -> None:
        """Store ``value`` in the keyring (never in the environment or a file)."""
        var = self._check(account, field)
        if not isinstance(value, str) or not value.strip():
            raise InputError(_("The secret is empty."), field=field)
        value = normalise_secret(value)  # "TOKEN\n" from echo or a paste is "TOKEN"
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
            raise InputError(
                _("The secret contains a line break or control character; paste it on one line."),
                field=field,
            )
        backend = self._usable(var)
        try:
            backend.set_password(self._service, self._username(account, field), str(value))
        except Exception as exc:
            raise _translate(exc, var, account, field, "set") from None
        log.info("secret %s/%s stored in the keyring", account, field)

    def delete(self, account: str, field: str) -> bool:
        """Remove the secret from the keyring; False if there was none. The environment
        override, if any, is not touched (and still wins on ``get``)."""
        var = self._check(account, field)
        backend = self._usable(var)
        username = self._username(account, field)
        try:
            if backend.get_password(self._service, username) is None:
                return False
            backend.delete_password(self._service, username)
        except Exception as exc:
            raise _translate(exc, var, account, field, "delete") from None
        log.info("secret %s/%s deleted from the keyring", account, field)
        return True

    def delete_all(self, account: str, fields: Iterable[str]) -> None:
        """Delete each of the account's secret ``fields`` (missing ones are fine)."""
        for field in fields:
            self.delete(account, field)

    def check(self) -> str:
        """Name the keyring backend that would be used, or raise ``SecretStoreError``."""
        return _describe(self._usable(GENERIC_ENV_VAR))

    # --- async (GUI): the same calls, off the event loop -----------------------------------

    async def aget(self, account: str, field: str) -> Secret:
        return await self._off_loop(self.get, account, field)

    async def aset(self, account: str, field: str, value: str) -> None:
        await self._off_loop(self.set, account, field, value)

    async def adelete(self, account: str, field: str) -> bool:
        return await self._off_loop(self.delete, account, field)

    async def adelete_all(self, account: str, fields: Iterable[str]) -> None:
        await self._off_loop(self.delete_all, account, tuple(fields))

    async def asource(self, account: str, field: str) -> Source | None:
        return await self._off_loop(self.source, account, field)

    # --- internals -------------------------------------------------------------------------

    def _check(self, account: str, field: str) -> str:
        if not isinstance(account, str) or not NAME_RE.fullmatch(account):
            raise InputError(
                _("An account name uses 1 to 32 letters, digits, - or _ (no spaces)."),
                field="name",
            )
        if not isinstance(field, str) or not _FIELD_RE.fullmatch(field):
            raise InputError(
                _("A secret field name is lower-case letters, digits and _, e.g. auth_token."),
                field="field",
            )
        return secret_env_var(account, field)

    @staticmethod
    def _username(account: str, field: str) -> str:
        return f"{account.lower()}/{field}"

    def _usable(self, var: str) -> KeyringBackend:
        try:
            backend = self._backend if self._backend is not None else keyring.get_keyring()
            chosen = usable_backend(backend)
            reason = refusal_reason(backend) if chosen is None else None
        except Exception as exc:
            raise _unreachable(var, exc) from None
        if chosen is None:
            raise _no_keyring(var, reason)
        return chosen

    def _keyring_get(self, account: str, field: str, var: str) -> str | None:
        backend = self._usable(var)
        try:
            return backend.get_password(self._service, self._username(account, field))
        except Exception as exc:
            raise _translate(exc, var, account, field, "get") from None

    async def _off_loop(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(outcome: Callable[[], None]) -> None:
            if not future.done():
                outcome()

        def work() -> None:
            try:
                result = fn(*args)
            except BaseException as exc:
                error = exc
                deliver: Callable[[], None] = lambda: future.set_exception(error)  # noqa: E731
            else:
                deliver = lambda: future.set_result(result)  # noqa: E731
            # RuntimeError: the loop closed while we were blocked, so nobody is waiting.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, deliver)

        threading.Thread(target=work, name="keyring-call", daemon=True).start()
        try:
            return await asyncio.wait_for(future, self._timeout_s)
        except TimeoutError:
            raise SecretStoreError(
                _(
                    "The system keyring did not answer within {seconds} s; an unlock prompt may "
                    "be waiting. Unlock the keyring and try again."
                ).format(seconds=formats.number(self._timeout_s))
            ) from None
