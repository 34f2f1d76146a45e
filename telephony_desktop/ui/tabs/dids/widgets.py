"""Small pieces the Numbers and E911 tabs share: an inline confirmation bar (never a modal box),
an error line shown under the field it is about (in a slot that keeps its place, so the form
does not jump when it appears), a label that keeps the height of its longest text, section
headings, and table columns at least as wide as their headings."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.i18n import _
from telephony_desktop.ui.theme import set_tone

# Translucent tints: they read on light and dark windows alike (the text keeps its own colour).
_TONES = {
    "danger": ("rgba(220, 53, 69, 0.10)", "rgba(220, 53, 69, 0.60)"),
    "caution": ("rgba(240, 173, 0, 0.16)", "rgba(240, 173, 0, 0.75)"),
    "info": ("rgba(52, 120, 246, 0.10)", "rgba(52, 120, 246, 0.55)"),
}


class ConfirmBar(QFrame):
    """An inline "are you sure?": the sentence, an action button and Cancel.

    ``ask(text, action)`` shows it; ``confirmed`` fires when the user accepts (the bar hides
    first), ``cancelled`` when they do not.
    """

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "confirm-bar") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName(f"{name}-confirm")
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self._accept)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName(f"{name}-cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._reject)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self._label)
        layout.addLayout(buttons)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def ask(self, text: str, action: str, tone: str = "danger") -> None:
        background, border = _TONES.get(tone, _TONES["danger"])
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {background};"
            f" border: 1px solid {border}; border-radius: 6px; }}"
        )
        self._label.setText(text)
        self.confirm_button.setText(action)
        self.show()
        self.confirm_button.setFocus()

    def dismiss(self) -> None:
        self.hide()

    def _accept(self) -> None:
        self.hide()
        self.confirmed.emit()

    def _reject(self) -> None:
        self.hide()
        self.cancelled.emit()


class FieldError(QLabel):
    """The sentence saying what is wrong with the field just above it; hidden when empty."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(f"error-{name}")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self, "error")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()


class ErrorSlot(QWidget):
    """Room for ``lines`` lines of error under a row of a form, kept whether or not an error
    shows: the fields below do not move when one appears (``lines``: what the longest usual
    message of the row takes at the form's narrowest). Holds the errors of the row's fields
    (each a :class:`FieldError`, shown one under the other)."""

    def __init__(self, parent: QWidget | None = None, *, lines: int = 1, indent: int = 0) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(indent, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setMinimumHeight(lines * self.fontMetrics().lineSpacing())

    def add(self, name: str) -> FieldError:
        error = FieldError(self, name=name)
        self._layout.addWidget(error)
        return error


class SteadyLabel(QLabel):
    """A wrapping label as tall as the longest of the texts it may show (``reserve``), even
    while it shows a shorter one or none: what is under it does not move when it changes."""

    def __init__(self, parent: QWidget | None = None, *, reserve: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._reserve = [t for t in reserve if t]
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        self.setSizePolicy(policy)

    def set_reserve(self, texts: Sequence[str]) -> None:
        self._reserve = [t for t in texts if t]
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = max(1, width - margins.left() - margins.right() - 2 * self.margin())
        metrics = self.fontMetrics()
        height = metrics.height()
        for text in (self.text(), *self._reserve):
            if text:
                box = metrics.boundingRect(
                    QRect(0, 0, inner, 100_000), int(Qt.TextFlag.TextWordWrap), text
                )
                height = max(height, box.height())
        return height + margins.top() + margins.bottom() + 2 * self.margin()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setHeight(self.heightForWidth(max(self.width(), hint.width())))
        return hint

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        hint.setHeight(self.heightForWidth(max(self.width(), hint.width())))
        return hint


def heading(text: str, parent: QWidget, scale: float = 1.15) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    """A greyed, wrapping explanation for first-time users."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setEnabled(False)
    return label


def heading_width(table: QTableView, column: int) -> int:
    """The width ``column``'s heading needs to show whole."""
    header = table.horizontalHeader()
    text = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    return header.fontMetrics().horizontalAdvance(text) + 4 * margin + 4


def fit_headings(
    table: QTableView, widths: dict[int, int], stretch: int, stretch_width: int = 0
) -> None:
    """Columns at ``widths`` (each at least as wide as its heading), ``stretch`` taking the rest
    (at least ``stretch_width``); the table no narrower than all of them together, so no heading
    is ever cut off."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    total = 0
    for column in range(table.model().columnCount()):
        need = heading_width(table, column)
        if column != stretch:
            width = max(widths.get(column, need), need)
            table.setColumnWidth(column, width)
            total += width
        else:
            total += max(need, stretch_width)
    scroll = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
    table.setMinimumWidth(total + scroll + 2 * table.frameWidth() + 2)


def fit_placeholder(edit: QLineEdit) -> None:
    """``edit`` never narrower than its greyed example, so the example is never cut off."""
    frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    text = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    edit.setMinimumWidth(text + 2 * frame + 12)


def steady_width(button: QPushButton, *texts: str) -> None:
    """``button`` as wide as the longest of the texts it takes (``Save`` / ``Saving…``): it does
    not shrink under the pointer, nor push its neighbours, when its text changes."""
    metrics = button.fontMetrics()
    widest = max(metrics.horizontalAdvance(t.replace("&", "")) for t in (button.text(), *texts))
    button.setMinimumWidth(max(button.minimumWidth(), widest + 32))


def form_scroll(parent: QWidget, form: QWidget, name: str) -> QScrollArea:
    """``form`` in a vertical scroll area that never scrolls sideways: it is never narrower than
    the form needs (so nothing is cut off on the right), the form wraps to its width, and its
    scroll bar stays (the form's width does not change when it grows or shrinks)."""
    scroll = QScrollArea(parent)
    scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # Always there: a scroll bar coming and going as messages appear would shift the form.
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    scroll.setWidget(form)
    bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, scroll)
    scroll.setMinimumWidth(form.minimumSizeHint().width() + bar + 2)
    return scroll
