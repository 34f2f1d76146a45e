"""The Dialer tab: type or paste a number, pick the caller ID, press Enter; the provider rings
your phone first, then bridges the call."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QValidator
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
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.dialer.entry import reformat, tidy
from telephony_desktop.ui.widgets.banner import Banner

RECENT_KEY = "dialer/recent"
RECENT_MAX = 20
_PAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
_PAD_LETTERS = ("", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ", "", "", "")
_OK = "color: #2f9e5b;"  # readable on light and dark palettes
_BAD = "color: #d64541;"
_CALL_STYLE = (
    "QPushButton#dialer-call:enabled { background: #2f9e5b; color: white;"
    " border: 1px solid #247a47; border-radius: 5px; }"
    " QPushButton#dialer-call:enabled:hover { background: #35ad65; }"
    " QPushButton#dialer-call:enabled:pressed { background: #247a47; }"
    " QPushButton#dialer-call:focus { border: 2px solid #1b5e37; }"
)
_QUIET = "color: palette(placeholder-text);"


def _e164(number: str, region: str) -> str:
    try:
        return normalise(number, region).e164
    except InputError:
        return ""


class AsYouTypeValidator(QValidator):
    """Formats the number field as it is edited (see ``entry.reformat``). A validator, because
    Qt lets it change the text *and* the caret in the same step as the keystroke or paste; it
    never refuses input (the reason a number cannot be dialed is shown under the field)."""

    def __init__(self, region: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self._formatter = AsYouType(region)
        self._previous = ""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # type: ignore[override]
        edit = reformat(text, pos, self._previous, self._formatter, self.region)
        self._previous = edit.text
        return QValidator.State.Acceptable, edit.text, edit.cursor


class DialerTab(Tab):
    title = "Dialer"
    key = "dialer"
    call_placed = Signal(object)  # DispatchResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._in_flight = False
        self._recent: list[str] = []

        self.number = QLineEdit(self)
        self.number.setObjectName("dialer-number")
        self.number.setPlaceholderText("Type or paste a number")
        self.number.setAccessibleName("Number to call")
        self.number.setToolTip(
            "Local numbers as you would dial them, e.g. (514) 555-0199; numbers abroad with + "
            "and the country code, e.g. +33 1 23 45 67 89. Press Enter to call."
        )
        self.number.setClearButtonEnabled(True)
        big = QFont(self.number.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        self.number.setFont(big)
        self.number.setMinimumHeight(52)
        self._as_you_type = AsYouTypeValidator(ctx.region, self.number)
        self.number.setValidator(self._as_you_type)
        self.number.textChanged.connect(lambda _t: self._validate())
        self.number.returnPressed.connect(self.dial)

        self.verdict = QLabel(" ", self)
        self.verdict.setObjectName("dialer-verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.call_status = Banner(self)  # the call's progress and outcome, under the field

        self.caller_id = QComboBox(self)
        self.caller_id.setAccessibleName("Caller ID")
        self.caller_id.setToolTip("The number the person you call will see")
        self.caller_id.setMinimumWidth(280)
        self.caller_id_note = QLabel("", self)
        self.caller_id_note.setStyleSheet(_QUIET)
        self.caller_id_note.setWordWrap(True)
        self.caller_id_note.hide()
        self.ring_first = QLineEdit(self)
        self.ring_first.setAccessibleName("Phone to ring first")
        self.ring_first.setPlaceholderText(
            "Your phone: a number, or peer:USERNAME for a SIP device"
        )
        self.ring_first.setToolTip(
            "The provider rings this phone first; when you answer, it calls the number. "
            "Changing it here applies to the next call only; the account's setting is in "
            "Settings."
        )
        self.ring_first.returnPressed.connect(self.dial)
        if ctx.session is not None:
            self.ring_first.setText(str(ctx.session.account.settings.get("ring_first", "")))

        self.call_button = QPushButton("Call", self)
        self.call_button.setObjectName("dialer-call")
        self.call_button.setDefault(True)
        self.call_button.setMinimumHeight(52)
        self.call_button.setMinimumWidth(150)
        bold = QFont(self.call_button.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.call_button.setFont(bold)
        self.call_button.setStyleSheet(_CALL_STYLE)
        self.call_button.setEnabled(False)
        self.call_button.clicked.connect(self.dial)

        self.recent = QListWidget(self)
        self.recent.setObjectName("dialer-recent")
        self.recent.setAccessibleName("Recent numbers")
        self.recent.setToolTip("Double-click a number to put it back in the dialer")
        self.recent.setAlternatingRowColors(True)
        self.recent.setStyleSheet("QListWidget#dialer-recent::item { padding: 6px 4px; }")
        recent_font = QFont(self.recent.font())
        recent_font.setPointSizeF(recent_font.pointSizeF() * 1.15)
        self.recent.setFont(recent_font)
        self.recent.itemActivated.connect(self._recent_chosen)
        self.recent.itemDoubleClicked.connect(self._recent_chosen)

        self.body.addLayout(self._layout(), 1)
        self._fill_caller_ids([])
        self._show_recent()
        self._validate()

    def _layout(self) -> QHBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(8)
        heading = QLabel("<b>Number to call</b>", self)
        heading.setBuddy(self.number)
        left.addWidget(heading)
        row = QHBoxLayout()
        row.addWidget(self.number, 1)
        row.addWidget(self.call_button)
        left.addLayout(row)
        left.addWidget(self.verdict)
        left.addWidget(self.call_status)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        caller = QVBoxLayout()
        caller.setSpacing(2)
        caller.addWidget(self.caller_id)
        caller.addWidget(self.caller_id_note)
        form.addRow("Caller ID:", caller)
        form.addRow("Ring first:", self.ring_first)
        left.addSpacing(4)
        left.addLayout(form)
        left.addSpacing(4)
        pad_box = QGroupBox("Keypad", self)
        pad = QGridLayout(pad_box)
        pad.setSpacing(6)
        for i, key in enumerate(_PAD):
            letters = _PAD_LETTERS[i]
            button = QPushButton(f"{key}\n{letters}" if letters else key, pad_box)
            button.setObjectName(f"dialer-key-{key}")
            button.setMinimumSize(76, 48)
            button.setAccessibleName(f"Key {key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            pad.addWidget(button, i // 3, i % 3)
        left.addWidget(pad_box, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)

        right = QVBoxLayout()
        right.setSpacing(6)
        recent_heading = QLabel("<b>Recent numbers</b>", self)
        recent_heading.setBuddy(self.recent)
        right.addWidget(recent_heading)
        right.addWidget(self.recent, 1)
        hint = QLabel("Double-click a number to put it back in the dialer.", self)
        hint.setStyleSheet(_QUIET)
        hint.setWordWrap(True)
        right.addWidget(hint)
        outer = QHBoxLayout()
        outer.setSpacing(24)
        outer.addLayout(left, 3)
        outer.addLayout(right, 2)
        return outer

    # --- life cycle ----------------------------------------------------------------------------

    def first_shown(self) -> None:
        session = self.ctx.session
        self.number.setFocus()
        if session is None:
            self.banner.info("Add an account in the Settings tab to place calls.")
            return
        service = DidService(session)
        self.run(service.cached(), self._cached_caller_ids)
        self.run(service.listing(), self._fresh_caller_ids, on_error=self._caller_ids_failed)

    def _recent_key(self) -> str:
        session = self.ctx.session
        return f"{RECENT_KEY}/{session.account.name.lower()}" if session else RECENT_KEY

    def save_state(self, state: UiState) -> None:
        state.set_str(self._recent_key(), json.dumps(self._recent))

    def restore_state(self, state: UiState) -> None:
        try:
            stored = json.loads(state.get_str(self._recent_key(), "[]"))
        except ValueError:
            stored = []
        if not isinstance(stored, list):
            stored = []
        self._recent = [n for n in stored if isinstance(n, str) and n.startswith("+")]
        del self._recent[RECENT_MAX:]
        self._show_recent()

    # --- number entry ----------------------------------------------------------------------------

    def set_number(self, text: str, dial: bool = False) -> None:
        """Put a number in the dialer (history call-back, tel: links); dial it if asked."""
        shown = tidy(text, self.ctx.region) or text.strip()
        self.number.setText(shown)
        self.number.setFocus()
        if dial:
            self.dial()

    def _press(self, key: str) -> None:
        self.number.insert(key)  # emits textEdited like a key press
        self.number.setFocus()

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
            self.verdict.setStyleSheet(_QUIET)
            self.call_button.setEnabled(False)
            return False
        try:
            number = normalise(text, self.ctx.region)
        except InputError as exc:
            self.verdict.setText(exc.user_message(self.ctx.lang))
            self.verdict.setStyleSheet(_BAD)
            self.call_button.setEnabled(False)
            return False
        extra = f" · then dial extension {number.extension}" if number.extension else ""
        self.verdict.setText(f"✓ {display(number.e164, self.ctx.region)}  ({number.e164}){extra}")
        self.verdict.setStyleSheet(_OK)
        self.call_button.setEnabled(not self._in_flight and self.ctx.session is not None)
        return True

    # --- caller IDs ------------------------------------------------------------------------------

    def _cached_caller_ids(self, dids: list[Did]) -> None:
        if dids:
            self._fill_caller_ids(dids)

    def _fresh_caller_ids(self, fresh: Fresh[list[Did]]) -> None:
        self._fill_caller_ids(fresh.value)
        if fresh.error is not None:
            self._caller_ids_failed(fresh.error)
        else:
            self.caller_id_note.hide()

    def _caller_ids_failed(self, exc: TelephonyError) -> None:
        self.caller_id_note.setText(
            "Your numbers could not be refreshed; the list may be incomplete. "
            + describe(exc, self.ctx.lang)
        )
        self.caller_id_note.show()

    def _fill_caller_ids(self, dids: list[Did]) -> None:
        """The account's numbers; selected: what was chosen, else the account's caller ID."""
        region = self.ctx.region
        session = self.ctx.session
        current = self.caller_id.currentData()
        default = session.account.caller_id if session else ""
        wanted = str(current) if current is not None else default
        entries: list[tuple[str, str]] = []
        for did in dids:
            e164 = _e164(did.phone_number, region)
            if not e164 or any(e164 == data for _, data in entries):
                continue
            label = display(e164, region)
            if did.friendly_name:
                label += f" — {did.friendly_name}"
            entries.append((label, e164))
        if default and not any(default == data for _, data in entries):
            entries.insert(0, (f"{display(default, region)} — account setting", default))
        entries.append(("Provider default (no caller ID sent)", ""))
        self.caller_id.blockSignals(True)
        self.caller_id.clear()
        for label, data in entries:
            self.caller_id.addItem(label, data)
        index = self.caller_id.findData(wanted)
        self.caller_id.setCurrentIndex(index if index >= 0 else 0)
        self.caller_id.blockSignals(False)

    # --- recent numbers --------------------------------------------------------------------------

    def _remember(self, e164: str) -> None:
        self._recent = [e164] + [n for n in self._recent if n != e164]
        del self._recent[RECENT_MAX:]
        self._show_recent()
        self.save_state(self.ctx.ui_state)  # in memory; written to disk with the window's state

    def _show_recent(self) -> None:
        self.recent.clear()
        if not self._recent:
            hint = QListWidgetItem("Numbers you call appear here.")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)
        for e164 in self._recent:
            item = QListWidgetItem(display(e164, self.ctx.region))
            item.setData(Qt.ItemDataRole.UserRole, e164)
            item.setToolTip(f"{e164} — double-click to put it back in the dialer")
            self.recent.addItem(item)

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        e164 = item.data(Qt.ItemDataRole.UserRole)
        if e164 is None:
            return  # the empty-list hint
        self.set_number(str(e164))

    # --- dialing ---------------------------------------------------------------------------------

    def dial(self) -> None:
        """Place the call once. Nothing is sent while the input is invalid or a call is pending."""
        session = self.ctx.session
        if session is None or self._in_flight or not self._validate():
            return
        try:
            prepared = self._prepare()
        except InputError as exc:
            self.call_status.error(exc.user_message(self.ctx.lang))
            if exc.field == "ring_first":
                self.ring_first.setFocus()
            return
        self._in_flight = True
        self.call_button.setEnabled(False)
        self.call_button.setText("Calling…")
        where = prepared.describe(self.ctx.region)
        self.call_status.info(
            f"Calling {where}… your phone rings first; answer it to be connected."
        )
        self.run(
            place_call(session.client, prepared),
            lambda result: self._placed(prepared, result),
            on_error=self._failed,
            on_finally=self._settled,
        )

    def _placed(self, prepared: PreparedCall, result: DispatchResult) -> None:
        where = prepared.describe(self.ctx.region)
        call_id = f" — call id {result.call_hash}" if result.call_hash else ""
        parts = [f"Call placed to {where}{call_id}."]
        parts.extend(prepared.notes)
        warnings = [w.message(self.ctx.lang) for w in result.warnings]
        text = " ".join(parts + warnings)
        if warnings:
            self.call_status.warning(text)
        else:
            self.call_status.success(text)
        self._remember(prepared.destination.e164)
        self.call_placed.emit(result)

    def _failed(self, exc: TelephonyError) -> None:
        if isinstance(exc, OutcomeUnknown):
            self.call_status.warning(
                f"Outcome unknown — {describe(exc, self.ctx.lang)} The History tab shows the "
                "call if it went through: look there before calling again."
            )
        else:
            self.call_status.error(describe(exc, self.ctx.lang))

    def _settled(self) -> None:
        self._in_flight = False
        self.call_button.setText("Call")
        self._validate()
