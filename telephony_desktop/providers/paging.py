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
from telephony_desktop.i18n import _, formats, ngettext


class PageGuard:
    """Check each page of one paged read, in order; ``check`` raises ``PagingStalled``.

    ``what`` names the pages, translated, in the plural: ``_("call history pages")``."""

    def __init__(self, *, provider: str, what: str, max_pages: int) -> None:
        if max_pages < 1:
            raise ValueError("max_pages must be >= 1")
        self._provider = provider
        self._what = what
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
        fields = {"what": self._what, "provider": self._provider}
        if self._last_offset is not None and offset <= self._last_offset:
            # Translators: what: the pages read, in the plural ("call history pages" / "pages
            # de l'historique d'appels"); provider: the provider's name; previous and offset:
            # positions in the listing.
            text = _(
                "The {what} from {provider} never came to an end (the page after offset "
                "{previous} was asked at offset {offset}), so the app stopped asking. What was "
                "received before is kept. Try again later; if it keeps happening, tell "
                "{provider}'s support."
            )
            self._stalled(
                text.format(
                    previous=formats.number(self._last_offset),
                    offset=formats.number(offset),
                    **fields,
                )
            )
        self._last_offset = offset
        page = frozenset(keys)
        if page:
            digest = hashlib.blake2b("\x00".join(sorted(page)).encode(), digest_size=16).digest()
            if digest in self._digests or page <= self._previous:
                # Translators: what: the pages read, in the plural ("call history pages" /
                # "pages de l'historique d'appels"); provider: the provider's name; page: the
                # page's number.
                text = _(
                    "The {what} from {provider} never came to an end (page {page} repeated "
                    "records already received), so the app stopped asking. What was received "
                    "before is kept. Try again later; if it keeps happening, tell {provider}'s "
                    "support."
                )
                self._stalled(text.format(page=formats.number(self._pages), **fields))
            self._digests.add(digest)
        self._previous = page
        if self._pages > self._max_pages:
            # Translators: what: the pages read, in the plural ("call history pages" / "pages de
            # l'historique d'appels"); provider: the provider's name; pages: how many pages were
            # read at most.
            text = ngettext(
                "The {what} from {provider} never came to an end (it kept sending full pages "
                "past {pages} page), so the app stopped asking. What was received before is "
                "kept. Try again later; if it keeps happening, tell {provider}'s support.",
                "The {what} from {provider} never came to an end (it kept sending full pages "
                "past {pages} pages), so the app stopped asking. What was received before is "
                "kept. Try again later; if it keeps happening, tell {provider}'s support.",
                self._max_pages,
            )
            self._stalled(
                text.format(pages=formats.number(self._max_pages), **fields), code="page_cap"
            )

    def _stalled(self, sentence: str, *, code: str = "page_repeated") -> None:
        raise PagingStalled(sentence, provider=self._provider, code=code)
