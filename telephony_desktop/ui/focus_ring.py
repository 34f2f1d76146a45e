"""A focus ring any keyboard user can see, in both themes.

Fusion marks the focused button, check box or combo box with a faint tint (about 1.5:1 against
the unfocused control, measured): below WCAG AA's 3:1 for focus indicators. One ``QFocusFrame``
follows the focus through the whole app and draws a 2-pixel ring in the theme's focus colour
around the focused control, outside its own paint area, so no widget's look has to change.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QFocusFrame, QWidget

from telephony_desktop.ui.theme import focus_colour

RING_PX = 2


class FocusRing(QFocusFrame):
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(focus_colour()), RING_PX)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = RING_PX / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 3, 3)


class FocusRingFollower:
    """Moves the ring to whichever control takes the keyboard focus."""

    def __init__(self, app: QApplication) -> None:
        self.ring: FocusRing | None = None
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.ring is not None and not _alive(self.ring):
            self.ring = None  # it went with the window it was in
        if new is None or not _shows_ring(new):
            if self.ring is not None:
                self.ring.setWidget(None)  # type: ignore[arg-type]  # Qt accepts nullptr
                self.ring.hide()
            return
        if self.ring is None:
            self.ring = FocusRing()
            self.ring.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.ring.setWidget(new)
        self.ring.show()
        self.ring.raise_()


def _shows_ring(widget: QWidget) -> bool:
    if widget.isWindow():
        return False
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # its C++ object went with a window that closed
        return False
    return True


_follower: FocusRingFollower | None = None


def install_focus_ring(app: QApplication) -> FocusRingFollower:
    """One ring for the whole application (idempotent)."""
    global _follower
    if _follower is None:
        _follower = FocusRingFollower(app)
    return _follower
