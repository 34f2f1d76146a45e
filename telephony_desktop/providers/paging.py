"""Proof that a paged read advances: every loop over a provider's pages goes through a guard.

A provider that ignores ``result_offset`` (or a cursor that does not move) keeps answering full
pages; trusting "a full page means there is more" would then request pages forever and, for a
listing held in memory, grow without bound. The guard stops such a loop with ``PagingStalled``
when a page brings nothing new (every record was on the page before it, or the same page came
back), when the offset asked for does not move forward, or past a page cap. It holds the previous
page's keys and one short digest per page, so its own memory stays small for any number of pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from telephony_desktop.domain.errors import PagingStalled


class PageGuard:
    """Check each page of one paged read, in order; ``check`` raises ``PagingStalled``."""

    def __init__(
        self, *, provider: str, what_en: str, what_fr: str, max_pages: int
    ) -> None:  # fmt: skip
        if max_pages < 1:
            raise ValueError("max_pages must be >= 1")
        self._provider = provider
        self._what_en = what_en
        self._what_fr = what_fr
        self._max_pages = max_pages
        self._pages = 0
        self._last_offset: int | None = None
        self._previous: frozenset[str] = frozenset()
        self._digests: set[bytes] = set()

    @property
    def pages(self) -> int:
        return self._pages

    def check(self, offset: int, keys: Iterable[str]) -> None:
        """The page asked at ``offset`` brought records with these ``keys`` (its ids)."""
        self._pages += 1
        if self._last_offset is not None and offset <= self._last_offset:
            self._stalled(
                f"the page after offset {self._last_offset} was asked at offset {offset}",
                f"la page après le décalage {self._last_offset} a été demandée au décalage "
                f"{offset}",
            )
        self._last_offset = offset
        page = frozenset(keys)
        if page:
            digest = hashlib.blake2b("\x00".join(sorted(page)).encode(), digest_size=16).digest()
            if digest in self._digests or page <= self._previous:
                self._stalled(
                    f"page {self._pages} repeated records already received",
                    f"la page {self._pages} répétait des éléments déjà reçus",
                )
            self._digests.add(digest)
        self._previous = page
        if self._pages > self._max_pages:
            self._stalled(
                f"it kept sending full pages past {self._max_pages} pages",
                f"il a continué d'envoyer des pages pleines au-delà de {self._max_pages} pages",
                code="page_cap",
            )

    def _stalled(self, why_en: str, why_fr: str, *, code: str = "page_repeated") -> None:
        raise PagingStalled(
            f"The {self._what_en} from {self._provider} never came to an end ({why_en}), so the "
            "app stopped asking. What was received before is kept. Try again later; if it keeps "
            f"happening, tell {self._provider}'s support.",
            f"Les {self._what_fr} de {self._provider} ne finissaient jamais ({why_fr}); "
            "l'application a donc cessé de les demander. Ce qui a été reçu avant est conservé. "
            f"Réessayez plus tard; si cela se reproduit, avisez le soutien de {self._provider}.",
            provider=self._provider,
            code=code,
        )
