"""The Dialer tab: type or paste a number, pick the caller ID, press Enter; the provider rings
your phone first, then bridges the call."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import InputError, OutcomeUnknown, TelephonyError
from telephony_desktop.domain.models import Did, DispatchResult
from telephony_desktop.domain.numbers import AsYouType, display, normalise
from telephony_desktop.services.dialer import PreparedCall, place_call, prepare_call
from telephony_desktop.services.dids import DidService
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab

RECENT_KEY = "dialer/recent"
RECENT_MAX = 20
_PAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")


class DialerTab(Tab):
    title = "Dialer"
    key = "dialer"
    call_placed = Signal(object)  # DispatchResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._formatter = AsYouType(ctx.region)
        self._in_flight = False
        self._recent: list[str] = []

        self.number = QLineEdit(self)
        self.number.setObjectName("dialer-number")
        self.number.setPlaceholderText("Type or paste a number, e.g. (514) 555-0199")
        self.number.setAccessibleName("Number to call")
        self.number.setClearButtonEnabled(True)
        big = QFont(self.number.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        self.number.setFont(big)
        self.number.setMinimumHeight(48)
        self.number.textEdited.connect(self._edited)
        self.number.returnPressed.connect(self.dial)

        self.verdict = QLabel(" ", self)
        self.verdict.setObjectName("dialer-verdict")
        self.verdict.setWordWrap(True)

        self.caller_id = QComboBox(self)
        self.caller_id.setAccessibleName("Caller ID")
        self.caller_id.setToolTip("The number the person you call will see")
        self.caller_id.setMinimumWidth(280)
        self.ring_first = QLineEdit(self)
        self.ring_first.setAccessibleName("Phone to ring first")
        self.ring_first.setPlaceholderText(
            "Your phone: a number, or peer:USERNAME for a SIP device"
        )
        self.ring_first.setToolTip(
            "The provider rings this phone first; when you answer, it calls the number."
        )
        if ctx.session is not None:
            self.ring_first.setText(str(ctx.session.account.settings.get("ring_first", "")))

        self.call_button = QPushButton("Call", self)
        self.call_button.setObjectName("dialer-call")
        self.call_button.setDefault(True)
        self.call_button.setMinimumHeight(40)
        self.call_button.setMinimumWidth(140)
        self.call_button.setEnabled(False)
        self.call_button.clicked.connect(self.dial)

        self.recent = QListWidget(self)
        self.recent.setAccessibleName("Recent numbers")
        self.recent.setToolTip("Double-click to put a number back in the dialer")
        self.recent.itemActivated.connect(self._recent_chosen)
        self.recent.itemDoubleClicked.connect(self._recent_chosen)

        self.body.addLayout(self._layout())
        self._edited("")

    def _layout(self) -> QHBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(QLabel("<b>Number to call</b>", self))
        row = QHBoxLayout()
        row.addWidget(self.number, 1)
        row.addWidget(self.call_button)
        left.addLayout(row)
        left.addWidget(self.verdict)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Caller ID:", self.caller_id)
        form.addRow("Ring first:", self.ring_first)
        left.addLayout(form)
        pad_box = QGroupBox("Keypad", self)
        pad = QGridLayout(pad_box)
        for i, key in enumerate(_PAD):
            button = QPushButton(key, pad_box)
            button.setMinimumSize(64, 40)
            button.setAccessibleName(f"Key {key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            pad.addWidget(button, i // 3, i % 3)
        left.addWidget(pad_box, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Recent numbers</b>", self))
        right.addWidget(self.recent, 1)
        outer = QHBoxLayout()
        outer.setSpacing(24)
        outer.addLayout(left, 3)
        outer.addLayout(right, 2)
        return outer

    # --- life cycle ----------------------------------------------------------------------------

    def first_shown(self) -> None:
        session = self.ctx.session
        if session is None:
            self.banner.info("Add an account in Settings to place calls.")
            return
        service = DidService(session)
        self.run(service.cached(), self._fill_caller_ids)
        self.run(service.listing(), lambda fresh: self._fill_caller_ids(fresh.value))
        self.number.setFocus()

    def save_state(self, state: UiState) -> None:
        state.set_str(RECENT_KEY, json.dumps(self._recent))

    def restore_state(self, state: UiState) -> None:
        try:
            stored = json.loads(state.get_str(RECENT_KEY, "[]"))
        except ValueError:
            stored = []
        self._recent = [str(n) for n in stored if isinstance(n, str)][:RECENT_MAX]
        self._show_recent()

    # --- number entry ----------------------------------------------------------------------------

    def set_number(self, text: str, dial: bool = False) -> None:
        """Put a number in the dialer (history call-back, tel: links); dial it if asked."""
        self.number.setText(text)
        self._edited(text)
        self.number.setFocus()
        if dial:
            self.dial()

    def _press(self, key: str) -> None:
        self.number.insert(key)
        self._edited(self.number.text())

    def _edited(self, text: str) -> None:
        formatted = self._as_you_type(text)
        if formatted is not None and formatted != text:
            self.number.setText(formatted)
            self.number.setCursorPosition(len(formatted))
        self._validate()

    def _as_you_type(self, text: str) -> str | None:
        """Format plain digit entry; leave pasted text with words (ext, tel:) as typed."""
        stripped = text.strip()
        if not stripped or any(c.isalpha() for c in stripped):
            return None
        return self._formatter.format(stripped) or None

    def _prepare(self) -> PreparedCall:
        caller = self.caller_id.currentData()
        return prepare_call(
            self.number.text(),
            region=self.ctx.region,
            ring_first=self.ring_first.text(),
            caller_id=str(caller) if caller else None,
        )

    def _validate(self) -> bool:
        text = self.number.text().strip()
        if not text:
            self.verdict.setText(
                "Enter a number: local, or international with + and the country code."
            )
            self.verdict.setStyleSheet("color: palette(mid);")
            self.call_button.setEnabled(False)
            return False
        try:
            number = normalise(text, self.ctx.region)
        except InputError as exc:
            self.verdict.setText(exc.user_message(self.ctx.lang))
            self.verdict.setStyleSheet("color: #c0392b;")
            self.call_button.setEnabled(False)
            return False
        extra = f" · then dial extension {number.extension}" if number.extension else ""
        self.verdict.setText(f"✓ {display(number.e164, self.ctx.region)}  ({number.e164}){extra}")
        self.verdict.setStyleSheet("color: #2e8b57;")
        self.call_button.setEnabled(not self._in_flight and self.ctx.session is not None)
        return True

    # --- caller IDs and recent numbers ---------------------------------------------------------

    def _fill_caller_ids(self, dids: list[Did]) -> None:
        current = self.caller_id.currentData()
        default = self.ctx.session.account.caller_id if self.ctx.session else ""
        wanted = str(current) if current else default
        self.caller_id.blockSignals(True)
        self.caller_id.clear()
        self.caller_id.addItem("Account default", "")
        for did in dids:
            label = display(did.phone_number, self.ctx.region)
            if did.friendly_name:
                label += f" — {did.friendly_name}"
            self.caller_id.addItem(label, did.phone_number)
        for i in range(self.caller_id.count()):
            data = str(self.caller_id.itemData(i) or "")
            if data and wanted and wanted.endswith(data[-10:]):
                self.caller_id.setCurrentIndex(i)
                break
        self.caller_id.blockSignals(False)

    def _remember(self, e164: str) -> None:
        self._recent = [e164] + [n for n in self._recent if n != e164]
        del self._recent[RECENT_MAX:]
        self._show_recent()
        self.save_state(self.ctx.ui_state)

    def _show_recent(self) -> None:
        self.recent.clear()
        if not self._recent:
            hint = QListWidgetItem("Numbers you call appear here.")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)
        for e164 in self._recent:
            item = QListWidgetItem(display(e164, self.ctx.region))
            item.setData(Qt.ItemDataRole.UserRole, e164)
            self.recent.addItem(item)

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        if item.data(Qt.ItemDataRole.UserRole) is None:
            return  # the empty-list hint
        self.set_number(display(str(item.data(Qt.ItemDataRole.UserRole)), self.ctx.region))

    # --- dialing ---------------------------------------------------------------------------------

    def dial(self) -> None:
        """Place the call once. Nothing is sent while the input is invalid or a call is pending."""
        session = self.ctx.session
        if session is None or self._in_flight or not self._validate():
            return
        try:
            prepared = self._prepare()
        except InputError as exc:
            self.banner.error(exc.user_message(self.ctx.lang))
            return
        self._in_flight = True
        self.call_button.setEnabled(False)
        self.call_button.setText("Calling…")
        where = prepared.describe(self.ctx.region)
        self.banner.info(f"Calling {where}… your phone rings first; answer it to be connected.")
        self.run(
            place_call(session.client, prepared),
            lambda result: self._placed(prepared, result),
            on_error=self._failed,
            on_finally=self._settled,
        )

    def _placed(self, prepared: PreparedCall, result: DispatchResult) -> None:
        notes = " ".join(prepared.notes)
        warnings = " ".join(w.message(self.ctx.lang) for w in result.warnings)
        text = f"Call to {prepared.describe(self.ctx.region)} placed ({result.status}). {notes}"
        if warnings:
            self.banner.warning(f"{text} {warnings}".strip())
        else:
            self.banner.success(text.strip())
        self._remember(prepared.destination.e164)
        self.call_placed.emit(result)

    def _failed(self, exc: TelephonyError) -> None:
        if isinstance(exc, OutcomeUnknown):
            self.banner.warning(describe(exc, self.ctx.lang) + " See the History tab.")
        else:
            self.banner.error(describe(exc, self.ctx.lang))

    def _settled(self) -> None:
        self._in_flight = False
        self.call_button.setText("Call")
        self._validate()
