"""Render every tab of the demo to docs/screenshots/<tab>.png (offscreen, real widgets).

    uv run python docs/render_screenshots.py [--out docs/screenshots] [--dark]

The window runs against the in-process sandbox with its seeded data, exactly like
``uv run telephony-desktop --demo``; each tab is opened, given time to load, and grabbed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync

from telephony_desktop.demo import demo_environment
from telephony_desktop.store import paths
from telephony_desktop.ui.app import apply_theme, build_context, make_application
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.base import Tab

SIZE = (1180, 760)


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)


def _select_first_row(page: Tab) -> None:
    """Select the first row of the tab's main view, so detail panes and players show."""
    from PySide6.QtWidgets import QAbstractItemView

    for view in page.findChildren(QAbstractItemView):
        model = view.model()
        if view.isVisible() and model is not None and model.rowCount() > 0:
            view.setCurrentIndex(model.index(0, 0))
            return


def _recordings(page: Tab) -> None:
    """The first recording selected, and a Verba lookup for extension 8856's last call."""
    from telephony_desktop.ui.tabs.recordings import RecordingsTab

    _select_first_row(page)
    if isinstance(page, RecordingsTab) and page.verba is not None:
        page.verba.extension.setText("8856")
        page.verba.find_recording()


PREPARE: dict[str, Callable[[Tab], None]] = {
    "voicemail": _select_first_row,
    "recordings": _recordings,
    "dids": _select_first_row,
    "e911": _select_first_row,
}


async def render(out: Path, dark: bool) -> list[Path]:
    app = make_application()
    ctx = await build_context(config_path=paths.config_path(), account=None, lang="en", demo=True)
    apply_theme(app, "dark" if dark else "light")
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    written: list[Path] = []
    try:
        for key, page in window.pages.items():
            window.show_tab(key)
            await settle(1.5)
            prepare = PREPARE.get(key)
            if prepare is not None:
                prepare(page)
                await settle(1.0)
            target = out / (f"{key}-dark.png" if dark else f"{key}.png")
            window.grab().save(str(target))
            written.append(target)
    finally:
        window.close()
        await ctx.tasks.cancel_all()
        await ctx.aclose()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "screenshots")
    parser.add_argument("--dark", action="store_true", help="render with the dark scheme")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with demo_environment(live_interval_s=0), loop:
        written = loop.run_until_complete(render(args.out, args.dark))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
