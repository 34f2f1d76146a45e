"""Pieces every provider simulator shares: the request log, redaction, the host protocol.

A *simulator* (VoiceMeUp today; TeleCMI, Simotel, TrueCNAM and Verba later) mounts its routes on
the sandbox's aiohttp application through :meth:`Simulator.mount`, and reaches the server's fault
registry, request log and settings through the :class:`SandboxHost` protocol, so simulators never
import the server module and each other.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, overload

if TYPE_CHECKING:
    from aiohttp import web

    from telephony_desktop.sandbox.faults import FaultRegistry
    from telephony_desktop.sandbox.variants import Variants

REDACTED = "***"
_perf_counter = time.perf_counter  # the field ``time`` hides the module in the class body

# Query names whose values are secrets at some provider; the log never keeps their values.
SENSITIVE_PARAMS = frozenset(
    {"auth_token", "password", "secret", "api_key", "apikey", "token", "x-apikey", "authorization"}
)


def redact_params(params: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``params`` with every secret value replaced by ``***``."""
    return {k: (REDACTED if k.lower() in SENSITIVE_PARAMS else v) for k, v in params.items()}


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class RequestLogEntry:
    """One request the sandbox received. ``params`` never holds a secret value."""

    provider: str
    request_type: str
    method: str
    path: str
    params: dict[str, str]
    time: float = field(default_factory=time.time)
    fault: str | None = None  # the fault kind delivered instead of / around the answer
    status: int | None = None  # the HTTP status sent, once known (None for a reset)
    # time.perf_counter() when the handler logged the request (its first step, once the
    # headers, and for a JSON API the body, are read): monotonic and precise, for latency
    # figures taken in the same process as the sandbox (bench/dial.py); ``time`` is wall time.
    perf_time: float = field(default_factory=_perf_counter)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog(Sequence[RequestLogEntry]):
    """A thread-safe, append-only (until :meth:`clear`) list of :class:`RequestLogEntry`."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._entries: list[RequestLogEntry] = []
        self._max = max_entries

    def append(self, entry: RequestLogEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > self._max:
                del self._entries[: len(self._entries) - self._max]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def snapshot(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._entries)

    def of_type(self, request_type: str) -> list[RequestLogEntry]:
        """Entries whose ``request_type`` is ``request_type``."""
        return [e for e in self.snapshot() if e.request_type == request_type]

    def to_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.snapshot()]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> RequestLogEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[RequestLogEntry]: ...

    def __getitem__(self, index: int | slice) -> RequestLogEntry | list[RequestLogEntry]:
        with self._lock:
            return self._entries[index]

    def __iter__(self) -> Iterator[RequestLogEntry]:
        return iter(self.snapshot())


class SandboxHost(Protocol):
    """What a simulator may use of the server that hosts it."""

    @property
    def faults(self) -> FaultRegistry: ...

    @property
    def request_log(self) -> RequestLog: ...

    @property
    def variants(self) -> Variants:
        """The real-world shapes to serve instead of the documented ones, per account."""
        ...

    @property
    def failure_http_status(self) -> int:
        """HTTP status of failure envelopes (200 like the real engine, or e.g. 400)."""
        ...


class HostedSimulator:
    """What every simulator shares: the server it is mounted on (``mount`` sets ``_host``)."""

    _host: SandboxHost | None = None

    @property
    def host(self) -> SandboxHost:
        if self._host is None:
            raise RuntimeError("the simulator is not mounted")
        return self._host


class Simulator(Protocol):
    """A provider simulator that can be mounted beside others on one sandbox server."""

    name: str

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        """Add this provider's routes (and its ``/_sandbox/...`` control routes) to ``app``."""
        ...
