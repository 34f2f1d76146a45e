"""Fault injection: make the next matching request(s) slow, broken, hostile or refused.

``server.faults.add(request_type, kind, count=..., ...)`` arms a fault; each matching request
consumes one use (``count=None``: until :meth:`FaultRegistry.clear`). Targets: a ``request_type``
name (``"get_calls"``), ``"*"`` for any engine request, ``"media"`` for audio downloads. When
several faults match, the oldest wins.

Kinds and how they are delivered:

``latency``
    sleep ``delay`` seconds, then the normal answer.
``drip``
    the normal answer with its real ``Content-Length``, written ``chunk_size`` bytes at a time
    (at least two pieces) with ``delay`` seconds between pieces.
``http_error``
    HTTP ``status`` with a short HTML page (5xx and other non-4xx) or the provider's failure
    envelope for ``code`` (4xx); ``Retry-After`` when ``retry_after`` is set.
``reset``
    the TCP connection is aborted with an RST (``SO_LINGER`` 0) before any byte of the answer:
    httpx raises ``RemoteProtocolError`` ("Server disconnected") or ``ReadError``.
``truncated``
    HTTP 200, ``Content-Length`` equal to what is sent, and a body cut in the middle of an
    element (the root is never closed), then the connection is closed: a complete HTTP exchange
    whose document cannot be parsed.
``incomplete``
    headers announce the full ``Content-Length``, half the body is sent, then the connection is
    closed: httpx raises ``RemoteProtocolError`` (peer closed before the complete body).
``malformed``
    HTTP 200, ``text/xml``, a PHP warning followed by broken XML.
``error``
    the provider's failure envelope for ``code`` with the sandbox's failure HTTP status.
``xxe``
    HTTP 200, a document whose DTD declares an external entity on ``file:///etc/passwd``.
``billion_laughs``
    HTTP 200, the classic nested entity-expansion bomb.
``stuck_pages``
    a paged listing (VoiceMeUp ``get_calls``, ``get_voicemails``) ignores ``result_offset``:
    every page is the first one again (a cursor given with ``unique_id`` does not move either).
``endless_pages``
    a paged listing answers every page full, of records it never sent before (fresh ids).

``apply_effect`` (default True): the normal handler runs first (for a write, the state change
happens: "the provider did it but the answer was lost"), then the fault replaces the answer.
With False the fault is delivered before, and instead of, any effect. ``latency`` and ``drip``
always deliver the normal answer (with ``apply_effect=False`` latency sleeps *before* the
effect, with True after it).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Protocol

from aiohttp import web

from telephony_desktop.sandbox.core import RequestLogEntry

FAULT_KINDS: Final = (
    "latency",
    "drip",
    "http_error",
    "reset",
    "truncated",
    "incomplete",
    "malformed",
    "error",
    "xxe",
    "billion_laughs",
    "stuck_pages",
    "endless_pages",
)
# Kinds that change what a listing handler selects rather than how the answer is delivered.
PAGING_FAULTS: Final = frozenset({"stuck_pages", "endless_pages"})
ANY: Final = "*"
MEDIA: Final = "media"


@dataclass(slots=True)
class Fault:
    """One armed fault. ``remaining`` is None for "until cleared"."""

    kind: str
    request_type: str = ANY
    count: int | None = 1
    delay: float = 0.0
    status: int = 503
    code: str = "authentication_failed"
    retry_after: float | None = None
    apply_effect: bool = True
    chunk_size: int = 64
    id: int = 0
    remaining: int | None = None
    hits: int = 0

    def matches(self, request_type: str) -> bool:
        if self.request_type == request_type:
            return True
        is_media = request_type == MEDIA or request_type.endswith(":" + MEDIA)
        return self.request_type == ANY and not is_media

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultRegistry:
    """Thread-safe set of armed faults (tests arm them from another thread than the server's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(
        self,
        request_type: str = ANY,
        kind: str | None = None,
        *,
        count: int | None = 1,
        delay: float = 0.0,
        status: int = 503,
        code: str = "authentication_failed",
        retry_after: float | None = None,
        apply_effect: bool = True,
        chunk_size: int = 64,
    ) -> Fault:
        """Arm a fault. ``add("reset")`` (a kind given as the only argument) targets ``"*"``."""
        if kind is None and request_type in FAULT_KINDS:
            request_type, kind = ANY, request_type
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if count is not None and count < 1:
            raise ValueError("count must be >= 1 or None")
        if delay < 0 or chunk_size < 1:
            raise ValueError("delay must be >= 0 and chunk_size >= 1")
        if not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        fault = Fault(
            kind=kind,
            request_type=request_type or ANY,
            count=count,
            delay=float(delay),
            status=int(status),
            code=code,
            retry_after=retry_after,
            apply_effect=apply_effect,
            chunk_size=int(chunk_size),
            id=next(self._ids),
            remaining=count,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_from_json(self, data: Mapping[str, Any]) -> Fault:
        """``add`` from a JSON object with the same field names (the HTTP control API)."""
        allowed = {
            "request_type",
            "kind",
            "count",
            "delay",
            "status",
            "code",
            "retry_after",
            "apply_effect",
            "chunk_size",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        kwargs = {k: v for k, v in data.items() if k not in ("request_type", "kind")}
        return self.add(str(data.get("request_type", ANY)), data.get("kind"), **kwargs)

    def take(self, request_type: str) -> Fault | None:
        """Consume one use of the oldest fault matching ``request_type``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(request_type):
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            for fault in self._faults:
                if fault.id == fault_id:
                    self._faults.remove(fault)
                    return True
        return False

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)


@dataclass(slots=True)
class Answer:
    """A complete answer before it is written (so a fault can replace, cut or drip it)."""

    body: bytes
    status: int = 200
    content_type: str = "text/xml"
    charset: str | None = "utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def to_response(self) -> web.Response:
        return web.Response(
            body=self.body,
            status=self.status,
            content_type=self.content_type,
            charset=self.charset,
            headers=self.headers,
        )


class FaultBodies(Protocol):
    """The provider-specific bodies a fault needs (XML for VoiceMeUp, JSON elsewhere)."""

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        """The provider's failure answer for ``code`` (``status`` overrides the default)."""
        ...

    def malformed_body(self) -> bytes: ...

    def xxe_body(self) -> bytes: ...

    def billion_laughs_body(self) -> bytes: ...

    def placeholder_body(self, request_type: str) -> bytes:
        """A plausible success body, for ``truncated`` when the handler must not run."""
        ...


HTML_ERROR = (
    "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>"
    "<body><h1>{status} {reason}</h1><p>nginx</p></body></html>\n"
)


def html_error(status: int) -> bytes:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    return HTML_ERROR.format(status=status, reason=reason).encode()


def _reset_transport(request: web.Request) -> None:
    """Abort the connection so the peer sees a TCP RST, not a clean FIN."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def _cut_point(body: bytes) -> int:
    """A position in the middle of the document, inside an element's tag name."""
    if len(body) < 8:
        return max(1, len(body) // 2)
    half = len(body) // 2
    lt = body.find(b"<", half)
    if lt == -1 or lt + 3 >= len(body):
        lt = body.rfind(b"<", 0, half)
    return max(1, min(len(body) - 1, lt + 3))


async def deliver(
    request: web.Request,
    fault: Fault | None,
    produce: Callable[[], Answer],
    bodies: FaultBodies,
    entry: RequestLogEntry,
    *,
    failure_status: int = 200,
) -> web.StreamResponse:
    """Answer ``request`` with ``produce()``, or with ``fault`` applied around or instead of it."""
    if fault is not None and fault.kind in PAGING_FAULTS:  # the handler applied it
        entry.fault = fault.kind
        fault = None
    if fault is None:
        answer = produce()
        entry.status = answer.status
        return answer.to_response()
    entry.fault = fault.kind
    kind = fault.kind

    if kind == "latency":
        if fault.apply_effect:
            answer = produce()
            await asyncio.sleep(fault.delay)
        else:
            await asyncio.sleep(fault.delay)
            answer = produce()
        entry.status = answer.status
        return answer.to_response()

    if kind == "drip":
        answer = produce()
        entry.status = answer.status
        return await _drip(request, answer, fault)

    # Every other kind replaces the answer; the normal handler runs first only with apply_effect.
    normal = produce() if fault.apply_effect else None

    if kind == "reset":
        entry.status = None
        _reset_transport(request)
        return web.Response(status=200)  # never written: the transport is gone

    if kind in ("truncated", "incomplete"):
        full = normal.body if normal is not None else bodies.placeholder_body(entry.request_type)
        ctype = normal.content_type if normal is not None else "text/xml"
        cut = full[: _cut_point(full)]
        entry.status = 200
        if kind == "truncated":
            resp = web.Response(body=cut, status=200, content_type=ctype)
            resp.force_close()
            return resp
        stream = web.StreamResponse(status=200)
        stream.content_type = ctype
        stream.content_length = len(full)
        try:
            await stream.prepare(request)
            await stream.write(cut)
        except ConnectionError:
            return stream
        if request.transport is not None:
            request.transport.close()  # a clean FIN, after the partial body is flushed
        return stream

    if kind == "http_error":
        entry.status = fault.status
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        if 400 <= fault.status < 500:
            answer = bodies.error_answer(fault.code, fault.status)
            answer.headers.update(headers)
            return answer.to_response()
        return web.Response(
            body=html_error(fault.status),
            status=fault.status,
            content_type="text/html",
            charset="utf-8",
            headers=headers,
        )

    if kind == "error":
        answer = bodies.error_answer(fault.code, failure_status)
        entry.status = answer.status
        return answer.to_response()

    hostile = {
        "malformed": bodies.malformed_body,
        "xxe": bodies.xxe_body,
        "billion_laughs": bodies.billion_laughs_body,
    }[kind]()
    entry.status = 200
    return web.Response(body=hostile, status=200, content_type="text/xml", charset="utf-8")


async def _drip(request: web.Request, answer: Answer, fault: Fault) -> web.StreamResponse:
    body = answer.body
    size = max(1, min(fault.chunk_size, (len(body) + 1) // 2))
    stream = web.StreamResponse(status=answer.status, headers=answer.headers)
    stream.content_type = answer.content_type
    if answer.charset:
        stream.charset = answer.charset
    stream.content_length = len(body)
    try:
        await stream.prepare(request)
        for i in range(0, len(body), size):
            if i:
                await asyncio.sleep(fault.delay)
            await stream.write(body[i : i + size])
        await stream.write_eof()
    except ConnectionError:
        pass
    return stream
