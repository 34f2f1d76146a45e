"""A history sync in a child process, for the kill-and-resume test.

``python -m tests.helpers.sync_child DB COUNT PAGE_SIZE DELAY TODAY START`` syncs ``COUNT`` calls
made by ``make_calls(COUNT, start=START)`` from a slow fake source into ``DB``.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime
from pathlib import Path

from telephony_desktop.services.sync import HistorySync
from telephony_desktop.store.db import Database
from tests.helpers.fake_sources import FakeCallHistory, make_calls


async def main(argv: list[str]) -> None:
    db_path, count, page_size, delay, today, start = argv
    source = FakeCallHistory(
        make_calls(int(count), start=datetime.fromisoformat(start)), delay=float(delay)
    )
    db = await Database.open(Path(db_path))
    try:
        sync = HistorySync(
            db, source, page_size=int(page_size), today=lambda: date.fromisoformat(today)
        )
        await sync.run()
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
