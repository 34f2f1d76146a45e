"""The Dialer tab: type or paste a number, pick the caller ID and the route, press Enter; the
provider rings your phone first, then bridges the call. A TrueCNAM account, when configured, is
told about each call beside it (never holding it up)."""

from __future__ import annotations

import json
from html import escape

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
from telephony_desktop.domain.models import Did, PlacedCall
from telephony_desktop.domain.numbers import AsYouType, display, normalise
from telephony_desktop.i18n import N_, _, pgettext
from telephony_desktop.services.call_routes import (
    ROUTE_FIELDS,
    Route,
    RoutedCall,
    call_routes,
    describe_legs,
    place_routed_call,
    prepare_routed_call,
    read_call_status,
)
from telephony_desktop.services.caller_name import (
    Announcement,
    announce,
    caller_name_account,
)
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


def _bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def _e164(number: str, region: str) -> str:
    try:
        return normalise(number, region).e164
    except InputError:
        return ""


_ROUTE_NOTES = {
    "voicemeup": N_("VoiceMeUp rings your phone (or SIP device) first, then the number."),
    "telecmi": N_("TeleCMI rings your own number first, then bridges the call."),
    "simotel": N_("Your PBX rings your extension first, then the number."),
}


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
    title = N_("Dialer")
    key = "dialer"
    call_placed = Signal(object)  # PlacedCall

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._in_flight = False
        self._recent: list[str] = []

        self.number = QLineEdit(self)
        self.number.setObjectName("dialer-number")
        self.number.setPlaceholderText(_("Type or paste a number"))
        self.number.setAccessibleName(_("Number to call"))
        self.number.setToolTip(
            _(
                "Local numbers as you would dial them, e.g. (514) 555-0199; numbers abroad with "
                "+ and the country code, e.g. +33 1 23 45 67 89. Press Enter to call."
            )
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
        self.caller_id.setAccessibleName(_("Caller ID"))
        self.caller_id.setToolTip(_("The number the person you call will see"))
        self.caller_id.setMinimumWidth(280)
        self.caller_id_note = QLabel("", self)
        self.caller_id_note.setStyleSheet(_QUIET)
        self.caller_id_note.setWordWrap(True)
        self.caller_id_note.hide()
        self.route = QComboBox(self)
        self.route.setObjectName("dialer-route")
        self.route.setAccessibleName(_("Route"))
        self.route.setToolTip(
            _(
                "Which account places the call. The choice applies to this call; the default "
                "account is chosen in Settings."
            )
        )
        self.route_note = QLabel("", self)
        self.route_note.setStyleSheet(_QUIET)
        self.route_note.setWordWrap(True)
        self.route_fields: dict[str, QLineEdit] = {}
        for key, label, hint in dict.fromkeys(f for fs in ROUTE_FIELDS.values() for f in fs):
            # ROUTE_FIELDS' labels and hints are marked where they are defined (services).
            edit = QLineEdit(self)
            edit.setObjectName(f"dialer-{key}")
            edit.setAccessibleName(_(label))
            edit.setPlaceholderText(_(hint))
            edit.setToolTip(
                # Translators: {hint} says what the field holds ("Your own number — it rings
                # first, then the call").
                _(
                    "{hint}. Changing it here applies to the next call only; the account's "
                    "setting is in Settings."
                ).format(hint=_(hint))
            )
            edit.returnPressed.connect(self.dial)
            self.route_fields[key] = edit
        self.ring_first = self.route_fields["ring_first"]
        self.status_button = QPushButton(_("Check call status"), self)
        self.status_button.setObjectName("dialer-call-status")
        self.status_button.setToolTip(_("Ask TeleCMI what became of this call's two legs"))
        self.status_button.clicked.connect(self.check_call_status)
        self.status_button.hide()
        self.call_detail = QLabel("", self)
        self.call_detail.setObjectName("dialer-call-detail")
        self.call_detail.setWordWrap(True)
        self.call_detail.setStyleSheet(_QUIET)
        self.call_detail.hide()
        self._last_placed: tuple[RoutedCall, PlacedCall] | None = None
        self.caller_name_status = QLabel("", self)
        self.caller_name_status.setObjectName("dialer-caller-name")
        self.caller_name_status.setWordWrap(True)
        self.caller_name_status.hide()

        self.call_button = QPushButton(pgettext("verb", "Call"), self)
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
        self.recent.setAccessibleName(_("Recent numbers"))
        self.recent.setToolTip(_("Double-click a number to put it back in the dialer"))
        self.recent.setAlternatingRowColors(True)
        self.recent.setStyleSheet("QListWidget#dialer-recent::item { padding: 6px 4px; }")
        recent_font = QFont(self.recent.font())
        recent_font.setPointSizeF(recent_font.pointSizeF() * 1.15)
        self.recent.setFont(recent_font)
        self.recent.itemActivated.connect(self._recent_chosen)
        self.recent.itemDoubleClicked.connect(self._recent_chosen)

        self.body.addLayout(self._layout(), 1)
        self._dids: list[Did] = []
        self._preferred_route: str | None = None
        self._fill_routes()
        self.route.currentIndexChanged.connect(lambda _i: self._route_changed())
        self._route_changed()
        self._show_recent()
        self._validate()

    def _layout(self) -> QHBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(8)
        heading = QLabel(_bold(_("Number to call")), self)
        heading.setBuddy(self.number)
        left.addWidget(heading)
        row = QHBoxLayout()
        row.addWidget(self.number, 1)
        row.addWidget(self.call_button)
        left.addLayout(row)
        left.addWidget(self.verdict)
        left.addWidget(self.call_status)
        detail = QHBoxLayout()
        detail.addWidget(self.call_detail, 1)
        detail.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignTop)
        left.addLayout(detail)
        left.addWidget(self.caller_name_status)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        caller = QVBoxLayout()
        caller.setSpacing(2)
        caller.addWidget(self.caller_id)
        caller.addWidget(self.caller_id_note)
        route = QVBoxLayout()
        route.setSpacing(2)
        route.addWidget(self.route)
        route.addWidget(self.route_note)
        form.addRow(_("Call through:"), route)
        form.addRow(_("Caller ID:"), caller)
        for key, label, _hint in dict.fromkeys(f for fs in ROUTE_FIELDS.values() for f in fs):
            # Translators: a form label: the field's name ("Your phone") and a colon.
            form.addRow(_("{label}:").format(label=_(label)), self.route_fields[key])
        self._route_form = form
        left.addSpacing(4)
        left.addLayout(form)
        left.addSpacing(4)
        pad_box = QGroupBox(_("Keypad"), self)
        pad = QGridLayout(pad_box)
        pad.setSpacing(6)
        for i, key in enumerate(_PAD):
            letters = _PAD_LETTERS[i]
            button = QPushButton(f"{key}\n{letters}" if letters else key, pad_box)
            button.setObjectName(f"dialer-key-{key}")
            button.setMinimumSize(76, 48)
            button.setAccessibleName(_("Key {key}").format(key=key))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            pad.addWidget(button, i // 3, i % 3)
        left.addWidget(pad_box, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)

        right = QVBoxLayout()
        right.setSpacing(6)
        recent_heading = QLabel(_bold(_("Recent numbers")), self)
        recent_heading.setBuddy(self.recent)
        right.addWidget(recent_heading)
        right.addWidget(self.recent, 1)
        hint = QLabel(_("Double-click a number to put it back in the dialer."), self)
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
        if not call_routes(self.ctx.config):
            self.banner.info(
                _(
                    "Add an account that can place calls (VoiceMeUp, TeleCMI or Simotel) in the "
                    "Settings tab."
                )
            )
        if session is None:
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

    # --- routes ---------------------------------------------------------------------------------

    def current_route(self) -> Route | None:
        data = self.route.currentData()
        return data if isinstance(data, Route) else None

    def _fill_routes(self) -> None:
        """The routes, the preferred one (Settings) first; a per-call choice is kept unless
        the preference itself changed."""
        routes = call_routes(self.ctx.config)
        preferred = routes[0].name if routes else None
        wanted = self.current_route() if preferred == self._preferred_route else None
        self._preferred_route = preferred
        self.route.blockSignals(True)
        self.route.clear()
        for route in routes:
            self.route.addItem(route.label, route)
        index = max(0, self.route.findText(wanted.label)) if wanted else 0
        self.route.setCurrentIndex(index)
        self.route.setEnabled(self.route.count() > 1)
        self.route.blockSignals(False)

    def set_route(self, name: str) -> None:
        for i in range(self.route.count()):
            data = self.route.itemData(i)
            if isinstance(data, Route) and data.name.lower() == name.lower():
                self.route.setCurrentIndex(i)
                return

    def refresh_routes(self) -> None:
        """The accounts changed (Settings): list the routes again, keeping the choice."""
        self._fill_routes()
        self._route_changed()

    def _route_changed(self) -> None:
        route = self.current_route()
        keys = {key for key, _l, _h in route.fields} if route else set()
        for key, edit in self.route_fields.items():
            self._route_form.setRowVisible(edit, key in keys)
        if route is not None:
            for key, value in route.defaults().items():
                self.route_fields[key].setText(value)
            self.route_note.setText(_(_ROUTE_NOTES[route.provider]))
        else:
            self.route_note.setText("")
        self._fill_caller_ids(self._dids)
        self._validate()

    def _region(self) -> str:
        route = self.current_route()
        return route.account.region if route else self.ctx.region

    def _prepare(self) -> RoutedCall:
        route = self.current_route()
        if route is None:
            raise InputError(
                _("No account can place calls yet: add one in the Settings tab."), field="route"
            )
        caller = self.caller_id.currentData()
        return prepare_routed_call(
            route,
            self.number.text(),
            region=self._region(),
            caller_id=str(caller) if caller else "",
            fields={key: edit.text() for key, edit in self.route_fields.items()},
        )

    def _validate(self) -> bool:
        text = self.number.text().strip()
        if not text:
            self.verdict.setText(
                _("Enter a number: local, or international with + and the country code.")
            )
            self.verdict.setStyleSheet(_QUIET)
            self.call_button.setEnabled(False)
            return False
        try:
            number = normalise(text, self.ctx.region)
        except InputError as exc:
            self.verdict.setText(exc.user_message())
            self.verdict.setStyleSheet(_BAD)
            self.call_button.setEnabled(False)
            return False
        verdict = f"✓ {display(number.e164, self.ctx.region)}  ({number.e164})"
        if number.extension:
            # Translators: after the number to call, when it carries an extension ("ext 5").
            then = _("then dial extension {extension}").format(extension=number.extension)
            verdict += f" · {then}"
        self.verdict.setText(verdict)
        self.verdict.setStyleSheet(_OK)
        self.call_button.setEnabled(not self._in_flight and self.current_route() is not None)
        return True

    # --- caller IDs ------------------------------------------------------------------------------

    def _cached_caller_ids(self, dids: list[Did]) -> None:
        if dids:
            self._dids = list(dids)
            self._fill_caller_ids(dids)

    def _fresh_caller_ids(self, fresh: Fresh[list[Did]]) -> None:
        self._dids = list(fresh.value)
        self._fill_caller_ids(fresh.value)
        if fresh.error is not None:
            self._caller_ids_failed(fresh.error)
        else:
            self.caller_id_note.hide()

    def _caller_ids_failed(self, exc: TelephonyError) -> None:
        self.caller_id_note.setText(
            _("Your numbers could not be refreshed; the list may be incomplete.")
            + " "
            + describe(exc)
        )
        self.caller_id_note.show()

    def _fill_caller_ids(self, dids: list[Did]) -> None:
        """The route account's numbers (the main account's DIDs when it is the route); selected:
        what was chosen, else the route account's caller ID."""
        region = self._region()
        session = self.ctx.session
        route = self.current_route()
        account = route.account if route else (session.account if session else None)
        own_dids = session is not None and account is not None and account == session.account
        current = self.caller_id.currentData()
        default = account.caller_id if account else ""
        wanted = str(current) if current else default
        entries: list[tuple[str, str]] = []
        for did in dids if own_dids else []:
            e164 = _e164(did.phone_number, region)
            if not e164 or any(e164 == data for _label, data in entries):
                continue
            label = display(e164, region)
            if did.friendly_name:
                label += f" — {did.friendly_name}"
            entries.append((label, e164))
        if default and not any(default == data for _label, data in entries):
            # Translators: a caller ID choice: the number, and where it comes from.
            label = _("{number} — account setting").format(number=display(default, region))
            entries.insert(0, (label, default))
        if account is None or account.provider != "telecmi":  # TeleCMI requires one
            entries.append((_("Provider default (no caller ID sent)"), ""))
        elif not entries:
            entries.append((_("Set a caller ID for this account in Settings"), ""))
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
            hint = QListWidgetItem(_("Numbers you call appear here."))
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)
        for e164 in self._recent:
            item = QListWidgetItem(display(e164, self.ctx.region))
            item.setData(Qt.ItemDataRole.UserRole, e164)
            item.setToolTip(
                _("{number} — double-click to put it back in the dialer").format(number=e164)
            )
            self.recent.addItem(item)

    def _recent_chosen(self, item: QListWidgetItem) -> None:
        e164 = item.data(Qt.ItemDataRole.UserRole)
        if e164 is None:
            return  # the empty-list hint
        self.set_number(str(e164))

    # --- dialing ---------------------------------------------------------------------------------

    def dial(self) -> None:
        """Place the call once. Nothing is sent while the input is invalid or a call is pending."""
        if self._in_flight or not self._validate():
            return
        try:
            prepared = self._prepare()
        except InputError as exc:
            self.call_status.error(exc.user_message())
            target = self.route_fields.get(exc.field) if exc.field else None
            if exc.field == "caller_id":
                self.caller_id.setFocus()
            elif target is not None:
                target.setFocus()
            return
        self._in_flight = True
        self.call_button.setEnabled(False)
        self.call_button.setText(_("Calling…"))
        where = prepared.describe(self._region())
        self.call_status.info(
            # Translators: {number} is the number called, as shown: "(514) 555-0199".
            _("Calling {number}… your phone rings first; answer it to be connected.").format(
                number=where
            )
        )
        self.caller_name_status.hide()
        self.status_button.hide()
        self.call_detail.hide()
        account = prepared.route.account
        clients = self.ctx.clients

        async def place() -> PlacedCall:
            client = await clients.get(account)
            return await place_routed_call(client, prepared)

        self.run(
            place(),
            lambda result: self._placed(prepared, result),
            on_error=lambda exc: self._failed(exc, prepared),
            on_finally=self._settled,
        )

    def _announce(self, prepared: RoutedCall) -> None:
        """TrueCLID call start for a call the provider took (or may have taken): its own task,
        after the call is placed, so it never delays or stops it; a refused call is not
        announced."""
        cnam = caller_name_account(self.ctx.config)
        if cnam is None:
            return
        announcement = announce(
            self.ctx.clients,
            cnam,
            calling=prepared.caller_id,
            called=prepared.destination.e164,
        )
        self.run(announcement, self._announced)

    def _announced(self, outcome: Announcement) -> None:
        style = {"sent": _QUIET, "skipped": _QUIET}.get(outcome.state, "color: #b36b00;")
        prefix = "" if outcome.state == "sent" else "⚠ "
        self.caller_name_status.setStyleSheet(style)
        self.caller_name_status.setText(prefix + outcome.message)
        self.caller_name_status.show()

    def _placed(self, prepared: RoutedCall, result: PlacedCall) -> None:
        parts = [self._placed_sentence(prepared, result)]
        parts.extend(prepared.notes)
        warnings = [w.message() for w in result.warnings]
        text = " ".join(parts + warnings)
        if warnings:
            self.call_status.warning(text)
        else:
            self.call_status.success(text)
        self._remember(prepared.destination.e164)
        self._last_placed = (prepared, result)
        self.status_button.setVisible(result.provider == "telecmi" and bool(result.reference))
        self.call_placed.emit(result)
        self._announce(prepared)

    def _placed_sentence(self, prepared: RoutedCall, result: PlacedCall) -> str:
        """``Call placed to (514) 555-0199 through office — call id 42.``"""
        number = prepared.describe(self._region())
        via = self.route.count() > 1
        account = prepared.route.name
        reference = result.reference
        if via and reference:
            # Translators: {number} is the number called; {account} the account that placed it;
            # {reference} the provider's id of the call.
            text = _("Call placed to {number} through {account} — call id {reference}.")
        elif via:
            text = _("Call placed to {number} through {account}.")
        elif reference:
            text = _("Call placed to {number} — call id {reference}.")
        else:
            text = _("Call placed to {number}.")
        return text.format(number=number, account=account, reference=reference)

    def check_call_status(self) -> None:
        """Read back a TeleCMI bridge's legs by its request id."""
        placed = self._last_placed
        if placed is None:
            return
        prepared, result = placed
        clients = self.ctx.clients
        self.status_button.setEnabled(False)
        self.call_detail.setText(_("Asking TeleCMI…"))
        self.call_detail.show()

        async def read() -> str:
            client = await clients.get(prepared.route.account)
            legs = await read_call_status(client, result)
            return describe_legs(legs, self._region())

        def failed(exc: TelephonyError) -> None:
            self.call_detail.setText(describe(exc))

        self.run(
            read(),
            self.call_detail.setText,
            on_error=failed,
            on_finally=lambda: self.status_button.setEnabled(True),
        )

    def _failed(self, exc: TelephonyError, prepared: RoutedCall) -> None:
        if isinstance(exc, OutcomeUnknown):
            self._announce(prepared)  # the call may be ringing: the callee should see the name
            if prepared.route.provider == "voicemeup":
                check = _(
                    "Your phone rings first if it went through, and the History tab will show the "
                    "call: check before calling again."
                )
            else:
                # Translators: {provider} is the provider's name (TeleCMI, Simotel).
                check = _(
                    "Your phone rings first if it went through, and {provider}'s call log will "
                    "show it: check before calling again."
                ).format(provider=prepared.route.account.spec.label)
            self.call_status.warning(
                # Translators: {reason} is a sentence saying why the outcome is unknown.
                _("Outcome unknown — {reason}").format(reason=describe(exc)) + " " + check
            )
        else:
            self.call_status.error(describe(exc))

    def _settled(self) -> None:
        self._in_flight = False
        self.call_button.setText(pgettext("verb", "Call"))
        self._validate()
