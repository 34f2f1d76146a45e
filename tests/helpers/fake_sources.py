"""In-memory fakes of the provider Protocols (``providers.base``) for unit tests.

``FakeCallHistory`` keeps calls in the order the provider logged them and answers ``get_calls`` the
way the contract describes: a date window (newest first here, to show the sync does not rely on
order) or ``unique_id=<cursor>`` (calls logged after the cursor, oldest first), paged by
``result_limit``/``result_offset``. An unknown cursor raises ``InvalidRequest`` with code
``unique_id_invalid``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from telephony_desktop.domain.errors import InvalidRequest
from telephony_desktop.domain.models import Call

# Inbound calls (i % 3 != 0) take names 1, 2, 4 and 5.
NAMES = ("", "JEAN CÔTÉ", "MARIE TREMBLAY", "WIRELESS CALLER", "ÉLISE BÉLANGER", "FRANÇOIS GAGNÉ")


def uid(seed: str) -> str:
    """A 32-character hex id, like VoiceMeUp's ``unique_id``."""
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()


def make_calls(
    count: int,
    *,
    start: datetime,
    step: timedelta = timedelta(minutes=10),
    prefix: str = "call",
) -> list[Call]:
    """``count`` deterministic calls, one every ``step`` from ``start``, in log order."""
    calls = []
    for i in range(count):
        inbound = i % 3 != 0
        other = f"514555{i % 10000:04d}"
        mine = "4385550199"
        calls.append(
            Call(
                unique_id=uid(f"{prefix}-{i}"),
                started_at=start + step * i,
                direction="inbound" if inbound else "outbound",
                source=other if inbound else mine,
                destination=mine if inbound else other,
                callerid_name=NAMES[i % len(NAMES)] if inbound else "",
                callerid_number=other if inbound else mine,
                duration_s=i % 300,
                status="answered" if i % 5 else "noanswer",
                billed_amount=Decimal("0.0241"),
                current_rate=Decimal("0.0100"),
                call_hash=uid(f"{prefix}-hash-{i}"),
                country="CA",
                state="QC",
            )
        )
    return calls


@dataclass(frozen=True)
class CallsRequest:
    date_from: date | None
    date_to: date | None
    unique_id: str | None
    direction: str | None
    result_limit: int
    result_offset: int


class FakeCallHistory:
    """A ``CallHistorySource`` over a list of calls; records every request it gets."""

    def __init__(self, calls: Iterable[Call] = (), *, delay: float = 0.0) -> None:
        self.log: list[Call] = list(calls)
        self.delay = delay
        self.requests: list[CallsRequest] = []
        self.failures: dict[int, BaseException] = {}  # request index -> raised instead of answering
        self.forgotten: set[str] = set()  # cursors the provider no longer knows

    def add(self, calls: Iterable[Call]) -> None:
        self.log.extend(calls)

    def fail_request(self, index: int, exc: BaseException) -> None:
        """Make the ``index``-th request (0-based, counting all so far) raise ``exc``."""
        self.failures[index] = exc

    @property
    def offsets(self) -> list[int]:
        return [r.result_offset for r in self.requests]

    async def get_calls(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        unique_id: str | None = None,
        direction: str | None = None,
        result_limit: int = 1000,
        result_offset: int = 0,
    ) -> Sequence[Call]:
        index = len(self.requests)
        self.requests.append(
            CallsRequest(date_from, date_to, unique_id, direction, result_limit, result_offset)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        failure = self.failures.pop(index, None)
        if failure is not None:
            raise failure
        if unique_id is not None:
            positions = {c.unique_id: i for i, c in enumerate(self.log)}
            if unique_id not in positions or unique_id in self.forgotten:
                raise InvalidRequest(
                    "The unique_id is invalid.",
                    provider="fake",
                    code="unique_id_invalid",
                )
            selected = self.log[positions[unique_id] + 1 :]
        elif date_from is not None and date_to is not None:
            selected = [
                c
                for c in self.log
                if c.started_at is not None and date_from <= c.started_at.date() <= date_to
            ]
            selected.sort(key=lambda c: c.started_at or datetime.min, reverse=True)
        else:
            raise InvalidRequest(
                "A required parameter is missing.", provider="fake", code="required_parameter"
            )
        if direction:
            selected = [c for c in selected if c.direction == direction]
        return selected[result_offset : result_offset + result_limit]
