"""What every tab shares: the app context, a banner for in-place messages, lazy first load."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.widgets.banner import Banner

T = TypeVar("T")


class Tab(QWidget):
    """A page of the main window. Subclasses put their content in ``self.body`` (a layout under
    the banner) and load data in ``first_shown`` (called once, when the tab is first opened).

    ``banner_below_controls()`` moves the banner under what the body holds so far (the search
    and filter rows): a message then never moves the controls the user is working with.
    ``input_problem(text)`` shows a message about what the user typed or chose, which
    ``input_changed()`` takes away again (while the banner still shows it)."""

    title = "Tab"  # subclasses mark theirs with N_(); the window names tabs from its TABS list
    key = "tab"  # stable id: persisted as the last tab, used in object names and tests

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"tab-{self.key}")
        self.banner = Banner(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        layout.addLayout(self.body, 1)
        self._shown_once = False
        self._input_messages: set[str] = set()

    def banner_below_controls(self) -> None:
        """Show messages under the rows built so far instead of above them."""
        outer = self.layout()
        if outer is not None and self.banner.parentWidget() is self:
            outer.removeWidget(self.banner)
            self.body.addWidget(self.banner)

    def input_problem(self, text: str) -> None:
        """An error about the current input (a search, a file chosen): gone when it changes."""
        self._input_messages.add(text)
        self.banner.error(text)

    def input_changed(self) -> None:
        """The input changed: a message about the previous one no longer applies."""
        if not self.banner.isHidden() and self.banner.text in self._input_messages:
            self.banner.hide()
        self._input_messages.clear()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.first_shown()

    def first_shown(self) -> None:
        """Load what the tab shows. Default: nothing."""

    def save_state(self, state: UiState) -> None:
        """Persist column layouts and the like. Default: nothing."""

    def restore_state(self, state: UiState) -> None:
        """Restore what ``save_state`` wrote. Default: nothing."""

    def show_error(self, exc: BaseException) -> None:
        self.banner.error(describe(exc))

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        on_done: Callable[[T], None] | None = None,
        *,
        on_error: Callable[[TelephonyError], None] | None = None,
        on_finally: Callable[[], None] | None = None,
    ) -> None:
        """Run ``coro`` on the loop; expected errors land in this tab's banner by default."""
        self.ctx.tasks.start(
            coro,
            on_done=on_done,
            on_error=on_error or self.show_error,
            on_finally=on_finally,
            name=f"{self.key}",
        )
