"""What the list tabs (Voicemail, Recordings, Numbers, E911) share about refreshing: the top row
(a summary, the Refresh button, F5), the button's state while a refresh runs, and the banner
message a failed or stale refresh leaves."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from telephony_desktop.i18n import _
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab


def refresh_row(
    tab: Tab,
    refresh: Callable[[], None],
    *,
    loading: str,
    tooltip: str,
    extra: Sequence[QWidget] = (),
) -> tuple[QLabel, QPushButton]:
    """Add the tab's top row to its body: a summary (``<key>-summary``, saying ``loading`` at
    first), then ``extra`` widgets, then Refresh (``<key>-refresh``, also on F5)."""
    top = QHBoxLayout()
    top.setSpacing(8)
    summary = QLabel(loading, tab)
    summary.setObjectName(f"{tab.key}-summary")
    button = QPushButton(_("Refresh"), tab)
    button.setObjectName(f"{tab.key}-refresh")
    # Translators: the Refresh button's tooltip: what it does (a translated sentence), then its key.
    button.setToolTip(_("{tooltip} (F5)").format(tooltip=tooltip))
    button.clicked.connect(refresh)
    QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), tab, refresh)
    top.addWidget(summary, 1)
    for widget in extra:
        top.addWidget(widget)
    top.addWidget(button)
    tab.body.addLayout(top)
    return summary, button


def show_refreshing(button: QPushButton, running: bool, *, can_refresh: bool = True) -> None:
    """Refresh is greyed out and says so while a refresh runs."""
    button.setText(_("Refreshing…") if running else _("Refresh"))
    button.setEnabled(not running and can_refresh)


class RefreshProblem:
    """The banner message of a tab's last refresh problem: a refusal (an error, e.g. the
    credentials) or the saved copy shown because the provider could not be reached (a warning,
    with Retry). The rows stay either way. The message goes when the provider answers again,
    but not a message the banner has shown since about something else.

    ``saved_copy``: the sentence that says the saved copy is shown, translated ("Showing the
    voicemail saved on this computer; your provider could not be reached.")."""

    def __init__(self, tab: Tab, retry: Callable[[], None], *, saved_copy: str) -> None:
        self._tab = tab
        self._saved_copy = saved_copy
        self._message: str | None = None
        tab.banner.action_clicked.connect(retry)

    @property
    def showing(self) -> bool:
        """The banner still carries this message (also while the tab is hidden: the voicemail
        watcher refreshes a tab nobody is looking at)."""
        banner = self._tab.banner
        return self._message is not None and not banner.isHidden() and banner.text == self._message

    def refused(self, exc: BaseException) -> None:
        self._message = describe(exc)
        self._tab.banner.error(self._message)

    def answered(self, stale: BaseException | None) -> None:
        """The listing came back: fresh (``stale`` None) or the saved copy, because of ``stale``."""
        if stale is not None:
            self._message = f"{self._saved_copy} {describe(stale)}"  # two sentences
            self._tab.banner.warning(self._message, action=_("Retry"))
        elif self._message is not None:
            if self.showing:
                self._tab.banner.hide()
            self._message = None
