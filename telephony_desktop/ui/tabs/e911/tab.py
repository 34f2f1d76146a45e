"""The E911 tab: where emergency services go when someone dials 911 from each number.

A mistake here can send an ambulance to the wrong door, so: the list says plainly which numbers
have no address; the form checks the address with the provider and offers its suggestions as
choices (choosing one is the only thing that replaces what was typed); saving states where help
will be sent and asks first, and says so plainly when the provider refused that very address a
moment ago; deleting the account's last address warns about the fee before and after. What the
user typed is kept in memory per number, whatever fails, until it is saved or reverted. Writes
are sent once and never retried.

Each part of the form (the address, its devices, deleting it) has one message area under its
buttons, which a new message replaces; a message that mentions the provider's suggestions shows
only with them. Nothing appears above the buttons the user is working with, so they never move.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QByteArray, QModelIndex, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import (
    E911AddressRejected,
    InputError,
    OutcomeUnknown,
    ProviderRejected,
    TelephonyError,
)
from telephony_desktop.domain.models import (
    AlternateAddress,
    Did,
    E911Address,
    E911Endpoint,
    E911Validation,
    Peer,
    WriteResult,
)
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats, ngettext, pgettext
from telephony_desktop.services import e911_form
from telephony_desktop.services.dids import DidService
from telephony_desktop.services.directory_cache import DirectoryCache, peer_label
from telephony_desktop.services.e911 import DeletePreview, E911Service
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.dids.widgets import (
    ConfirmBar,
    ErrorSlot,
    FieldError,
    SteadyLabel,
    fit_headings,
    form_scroll,
    heading,
    hint,
    steady_width,
)
from telephony_desktop.ui.tabs.e911.model import (
    COL_ADDRESS,
    COL_NAME,
    COL_NUMBER,
    NO_ADDRESS,
    E911Model,
    E911Row,
    build_rows,
)
from telephony_desktop.ui.tabs.refresh import RefreshProblem, refresh_row, show_refreshing
from telephony_desktop.ui.theme import set_tone
from telephony_desktop.ui.widgets.banner import Banner, Level
from telephony_desktop.ui.widgets.tables import record_table

_NOTHING, _FORM = 0, 1
Listing = tuple[Fresh[list[Did]], Fresh[list[E911Endpoint]], Fresh[list[Peer]]]
_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "civic_number",
    "street",
    "address_type_number",
    "city",
    "state_code",
    "postal_code",
)
# Fields the provider's check does not look at: changing them leaves its answer standing.
_NOT_CHECKED = frozenset({"first_name", "last_name", "language"})
# The provider's code for "no exact match, here are suggestions": its sentence points at them.
_SUGGESTIONS_CODE = "alternate_address_provided"
# Between the facts of a summary line ("8 numbers · 2 without an emergency address").
_LIST_SEPARATOR = " · "
# Under a field of the address the provider's check did not recognise.
_NOT_KNOWN = {
    "first_name": N_("Your provider does not know this first name."),
    "last_name": N_("Your provider does not know this last name."),
    "civic_number": N_("Your provider does not know this civic number."),
    "street": N_("Your provider does not know this street."),
    "city": N_("Your provider does not know this city."),
    "state_code": N_("Your provider does not know this province / state."),
    "country_code": N_("Your provider does not know this country."),
    "postal_code": N_("Your provider does not know this postal code."),
}
_NOT_KNOWN_PART = N_("Your provider does not know this part of the address.")


def _unit_type(value: str) -> str:
    """A unit type (the provider's word, sent as it is) as the unit choice shows it."""
    labels = {
        "apartment": pgettext("unit type of an address", "Apartment"),
        "basement": pgettext("unit type of an address", "Basement"),
        "building": pgettext("unit type of an address", "Building"),
        "department": pgettext("unit type of an address", "Department"),
        "floor": pgettext("unit type of an address", "Floor"),
        "front": pgettext("unit type of an address", "Front"),
        # Translators: an aircraft hangar (the provider spells its value "hanger").
        "hanger": pgettext("unit type of an address", "Hanger"),
        "key": pgettext("unit type of an address", "Key"),
        "lobby": pgettext("unit type of an address", "Lobby"),
        "lot": pgettext("unit type of an address", "Lot"),
        "lower": pgettext("unit type of an address", "Lower"),
        "office": pgettext("unit type of an address", "Office"),
        "penthouse": pgettext("unit type of an address", "Penthouse"),
        "pier": pgettext("unit type of an address", "Pier"),
        "rear": pgettext("unit type of an address", "Rear"),
        "room": pgettext("unit type of an address", "Room"),
        "side": pgettext("unit type of an address", "Side"),
        "slip": pgettext("unit type of an address", "Slip"),
        "space": pgettext("unit type of an address", "Space"),
        "stop": pgettext("unit type of an address", "Stop"),
        "suite": pgettext("unit type of an address", "Suite"),
        "trailer": pgettext("unit type of an address", "Trailer"),
        "unit": pgettext("unit type of an address", "Unit"),
        "upper": pgettext("unit type of an address", "Upper"),
    }
    return labels.get(value) or value.capitalize()


def _place(address: E911Address) -> E911Address:
    """The part of an address the provider's check looks at (not who is there, nor the
    language of the record)."""
    return replace(address, first_name="", last_name="", language="")


class _Suggestion(QLabel):
    """A suggested address beside its radio button: wraps on a narrow form (a radio button's
    own text would be cut off), and a click on it chooses it, as on the button's text."""

    def __init__(self, text: str, button: QRadioButton, parent: QWidget) -> None:
        super().__init__(text, parent)
        self._button = button
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._button.click()
        super().mousePressEvent(event)


class E911Tab(Tab):
    title = N_("E911")
    key = "e911"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        session = ctx.session
        self._service = E911Service(session) if session is not None else None
        self._dids = DidService(session) if session is not None else None
        self._directory = DirectoryCache(session) if session is not None else None
        self._did_list: list[Did] = []
        self._endpoints: list[E911Endpoint] = []
        self._peers: list[Peer] = []
        self._current: str | None = None  # the selected number's 10 digits
        self._drafts: dict[str, E911Address] = {}  # what the user typed, per number
        self._before_alternate: dict[str, E911Address] = {}  # for "Undo" after a suggestion
        # Per number: the provider's answer to the last check or save it refused (the message,
        # its level and the suggestions), shown again when the number is selected again.
        self._suggestions: dict[str, tuple[str, Level, tuple[AlternateAddress, ...]]] = {}
        # Per number: the address the provider refused a moment ago and its reason, in its own
        # sentences (all of them; and less any pointing at suggestions): saving that same
        # address again says so before asking.
        self._refused: dict[str, tuple[E911Address, str, str]] = {}
        self._pending_save: tuple[str, E911Address] | None = None
        self._busy: dict[str, str] = {}  # number -> what is under way (check/save/delete/...)
        # What the address form's message area says: "check" (the provider's answer about the
        # address on screen, which stays while only names change), "suggestions" (one that
        # points at the suggestions), "filled" (a suggestion was used: Undo), "save" or None.
        self._message_kind: str | None = None
        self._refreshing = False
        self._loaded = False
        self._filling = False
        self._build()
        self._problem = RefreshProblem(
            self,
            self.refresh,
            saved_copy=_(
                "Showing the emergency addresses saved on this computer; your provider could not "
                "be reached."
            ),
        )

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary, self.refresh_button = refresh_row(
            self,
            self.refresh,
            loading=_("Loading emergency addresses…"),
            tooltip=_("Read the emergency addresses again"),
        )

        self.model = E911Model(self.ctx.region, self)
        self.table = record_table(
            self,
            self.model,
            name="e911-list",
            accessible=_("Numbers and their emergency addresses"),
        )
        metrics = self.table.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        warning_width = QFontMetrics(bold).horizontalAdvance(_(NO_ADDRESS)) + 16
        fit_headings(
            self.table,
            {
                COL_NUMBER: metrics.horizontalAdvance("(514) 555-0100") + 24,
                COL_NAME: metrics.horizontalAdvance("Bureau de Québec") + 24,
            },
            stretch=COL_ADDRESS,
            stretch_width=warning_width,  # "⚠ No emergency address" is never cut off
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.details = QStackedWidget(self)
        nothing = QLabel(_("Select a number to see and change its emergency address."), self)
        nothing.setObjectName("e911-hint")
        nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        nothing.setWordWrap(True)
        nothing.setEnabled(False)
        self.details.addWidget(nothing)
        self.form_scroll = form_scroll(self, self._build_details(), "e911-form-scroll")
        self.details.addWidget(self.form_scroll)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("e911-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([480, 680])
        self.body.addWidget(self.splitter, 1)

    def _build_details(self) -> QWidget:
        pane = QWidget(self)
        pane.setObjectName("e911-details")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 0, 8, 8)
        layout.setSpacing(6)

        self.number_label = heading("", pane, 1.35)
        self.number_label.setObjectName("e911-number")
        self.on_file = QLabel(pane)
        self.on_file.setObjectName("e911-on-file")
        self.on_file.setWordWrap(True)
        self.on_file.setTextFormat(Qt.TextFormat.PlainText)
        self.on_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.number_label)
        layout.addWidget(self.on_file)
        layout.addSpacing(4)

        layout.addWidget(heading(_("Emergency address"), pane, 1.0))
        layout.addWidget(
            hint(
                _(
                    "Where help goes when someone calls 911 from this number: the exact civic "
                    "address, with the unit if there is one."
                ),
                pane,
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        self.unit_type = QComboBox(pane)
        self.unit_type.setObjectName("e911-address_type")
        self.unit_type.addItem(_("No unit"), "")
        for value in e911_form.ADDRESS_TYPES:
            self.unit_type.addItem(_unit_type(value), value)
        self.unit_type.setToolTip(_("Apartment, suite, floor… when the address has a unit"))
        # Sized for a usual unit type, not the longest: the street beside it gets the room.
        self.unit_type.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.unit_type.setMinimumContentsLength(11)
        self.country = QComboBox(pane)
        self.country.setObjectName("e911-country_code")
        for code, name in e911_form.COUNTRIES.items():
            self.country.addItem(_(name), code)  # marked in e911_form (N_)
        self.language = QComboBox(pane)
        self.language.setObjectName("e911-language")
        for code, name in e911_form.LANGUAGES.items():
            self.language.addItem(_(name), code)  # marked in e911_form (N_)
        self.language.setToolTip(
            _("The language emergency services are told the caller speaks (Canada only)")
        )
        who = _("Who is at this address")
        spec = (
            ("first_name", _("First name"), "Hélène", who),
            # Translators: the label of the last name field, beside "First name" (short: the
            # form is narrow; "Nom" beside "Prénom").
            ("last_name", pgettext("address form, beside First name", "Last name"), "Gagnon", who),
            ("civic_number", _("Civic no."), "1200", _("The building number: digits only")),
            ("street", _("Street"), "Rue Saint-Denis", _("Street name, spelled out")),
            ("address_type_number", _("Unit no."), "200", _("The apartment or suite number")),
            ("city", _("City"), "Montréal", _("City or town")),
            ("state_code", _("Prov./state"), "QC", _("2-letter province or state code")),
            ("postal_code", _("Postal code"), "H3B 1K9", _("Postal code (CA) or ZIP code (US)")),
        )
        # Translators: the greyed example in an empty field of the address ("e.g. Montréal").
        example = _("e.g. {example}")
        for field, _label, sample, tip in spec:
            edit = QLineEdit(pane)
            edit.setObjectName(f"e911-{field}")
            edit.setPlaceholderText(example.format(example=sample))
            edit.setToolTip(tip)
            edit.setMaxLength(100)
            edit.textEdited.connect(partial(self._edited, field))
            self.edits[field] = edit
        self.edits["state_code"].setMaxLength(2)
        self.edits["civic_number"].setMaxLength(8)
        self.edits["postal_code"].setMaxLength(10)
        labels = {field: label for field, label, _p, _t in spec}
        labels.update(
            address_type=_("Unit type"), country_code=_("Country"), language=_("Language")
        )
        widgets: dict[str, QWidget] = {
            **self.edits,
            "address_type": self.unit_type,
            "country_code": self.country,
            "language": self.language,
        }
        pairs: tuple[tuple[str, str | None], ...] = (
            ("first_name", "last_name"),
            ("civic_number", "street"),
            ("address_type", "address_type_number"),
            ("city", "state_code"),
            ("country_code", "postal_code"),
            ("language", None),
        )
        row = 0
        for left, right in pairs:
            cells: list[tuple[int, str]] = [(0, left)] + ([(2, right)] if right else [])
            for col, name in cells:
                label = QLabel(labels[name], pane)
                label.setBuddy(widgets[name])
                grid.addWidget(label, row, col)
                if right is None:  # alone on its line: as wide as it needs, no wider
                    grid.addWidget(widgets[name], row, col + 1, 1, 3, Qt.AlignmentFlag.AlignLeft)
                else:
                    grid.addWidget(widgets[name], row, col + 1)
            if right is None:
                row += 1
                continue
            # Room kept under the pair for what is wrong with either field (the language's rare
            # error goes to the message area under the buttons).
            # Two lines where a usual message runs that long on a narrow form (the civic number,
            # the unit, the province), one elsewhere.
            long = left in ("civic_number", "address_type", "city")
            slot = ErrorSlot(pane, lines=2 if long else 1)
            for name in (left, right):
                self.errors[name] = slot.add(f"e911-{name}")
            grid.addWidget(slot, row + 1, 1, 1, 3)
            row += 2
        layout.addLayout(grid)
        self.unit_type.currentIndexChanged.connect(partial(self._edited, "address_type"))
        self.country.currentIndexChanged.connect(partial(self._edited, "country_code"))
        self.language.currentIndexChanged.connect(partial(self._edited, "language"))

        # Whether it is saved: a line that keeps its height, so the buttons under it stay put.
        self.dirty_label = SteadyLabel(
            pane,
            reserve=(
                _("Sending the address to your provider…"),
                _("Not saved yet: what you typed is kept here until you save it or revert."),
            ),
        )
        self.dirty_label.setObjectName("e911-dirty")
        self.dirty_label.setEnabled(False)
        layout.addWidget(self.dirty_label)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.check_button = QPushButton(_("Check address"), pane)
        self.check_button.setObjectName("e911-check")
        self.check_button.setToolTip(
            _("Ask the provider whether it knows this exact address (nothing is saved)")
        )
        self.check_button.clicked.connect(self.check_address)
        steady_width(self.check_button, _("Checking…"))
        self.revert_button = QPushButton(_("Revert"), pane)
        self.revert_button.setObjectName("e911-revert")
        self.revert_button.setToolTip(_("Forget what you typed and show the address on file"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(_("Save address…"), pane)
        self.save_button.setObjectName("e911-save")
        self.save_button.setToolTip(
            _("Make this the emergency address of this number (asks first)")
        )
        self.save_button.clicked.connect(self.ask_save)
        steady_width(self.save_button, _("Saving…"))
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

        # The address's message area, under its buttons: what the check or the save said, or
        # the question before saving; one at a time, each replacing the last.
        self.form_banner = Banner(pane)
        self.form_banner.setAccessibleName(_("What your provider said about the address"))
        self.form_banner.action_clicked.connect(self.undo_alternate)
        layout.addWidget(self.form_banner)
        self.save_confirm = ConfirmBar(pane, name="e911-save-confirm")
        self.save_confirm.confirmed.connect(self._save_confirmed)
        self.save_confirm.cancelled.connect(self._save_cancelled)
        layout.addWidget(self.save_confirm)

        # The provider's suggestions, under the message that points at them.
        self.alternates_box = QFrame(pane)
        self.alternates_box.setObjectName("e911-alternates")
        self.alternates_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.alternates_box.setAccessibleName(_("Addresses your provider suggests"))
        alt_layout = QVBoxLayout(self.alternates_box)
        alt_layout.setContentsMargins(10, 8, 10, 8)
        alt_layout.setSpacing(4)
        self.alternates_list = QVBoxLayout()
        self.alternates_list.setSpacing(2)
        alt_layout.addLayout(self.alternates_list)
        self.alternate_group = QButtonGroup(self.alternates_box)
        self.alternate_group.setExclusive(True)
        self.alternate_group.idToggled.connect(self._alternate_picked)
        self.alternate_buttons: list[QRadioButton] = []
        self.alternate_labels: list[QLabel] = []
        self._alternate_rows: list[QWidget] = []
        self._alternates: tuple[AlternateAddress, ...] = ()
        alt_actions = QHBoxLayout()
        alt_actions.addWidget(
            hint(_("Names, unit and language stay as you typed them."), self.alternates_box), 1
        )
        self.use_alternate_button = QPushButton(_("Use this address"), self.alternates_box)
        self.use_alternate_button.setObjectName("e911-use-alternate")
        self.use_alternate_button.setToolTip(
            _("Fill the address fields with the chosen suggestion")
        )
        self.use_alternate_button.setEnabled(False)
        self.use_alternate_button.clicked.connect(self.use_alternate)
        alt_actions.addWidget(self.use_alternate_button)
        alt_layout.addLayout(alt_actions)
        self.alternates_box.hide()
        layout.addWidget(self.alternates_box)

        # Devices that use this address.
        layout.addSpacing(8)
        layout.addWidget(heading(_("Devices at this address"), pane, 1.0))
        self.devices_label = QLabel(pane)
        self.devices_label.setObjectName("e911-devices")
        self.devices_label.setWordWrap(True)
        self.devices_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.devices_label)
        assoc = QHBoxLayout()
        assoc.setSpacing(8)
        self.peer_combo = QComboBox(pane)
        self.peer_combo.setObjectName("e911-peer")
        self.peer_combo.setToolTip(
            _("A phone or softphone whose 911 calls should use this number's address")
        )
        self.peer_combo.currentIndexChanged.connect(self._peer_changed)
        self.associate_button = QPushButton(_("Associate"), pane)
        self.associate_button.setObjectName("e911-associate")
        self.associate_button.clicked.connect(self.associate)
        steady_width(self.associate_button, _("Associating…"))
        assoc.addWidget(self.peer_combo, 1)
        assoc.addWidget(self.associate_button)
        layout.addLayout(assoc)
        self.devices_banner = Banner(pane)
        self.devices_banner.setAccessibleName(_("Result of associating a device"))
        layout.addWidget(self.devices_banner)

        # Deleting.
        layout.addSpacing(8)
        delete_row = QHBoxLayout()
        delete_row.addWidget(
            hint(_("Deleting leaves 911 calls from this number without a location."), pane), 1
        )
        self.delete_button = QPushButton(_("Delete address…"), pane)
        self.delete_button.setObjectName("e911-delete")
        self.delete_button.setToolTip(_("Remove this number's emergency address (asks first)"))
        self.delete_button.clicked.connect(self.ask_delete)
        steady_width(self.delete_button, _("Deleting…"), _("Checking…"))
        delete_row.addWidget(self.delete_button)
        layout.addLayout(delete_row)
        self.delete_confirm = ConfirmBar(pane, name="e911-delete-confirm")
        self.delete_confirm.confirmed.connect(self._delete_confirmed)
        self.delete_confirm.cancelled.connect(self._sync_buttons)
        layout.addWidget(self.delete_confirm)
        self.delete_banner = Banner(pane)
        self.delete_banner.setAccessibleName(_("Result of deleting the address"))
        layout.addWidget(self.delete_banner)
        layout.addStretch(1)
        return pane

    # --- persistence ---------------------------------------------------------------------------

    def save_state(self, state: UiState) -> None:
        state.set_bytes("e911/splitter", QByteArray(self.splitter.saveState()))

    def restore_state(self, state: UiState) -> None:
        saved = state.get_bytes("e911/splitter")
        if saved is not None:
            self.splitter.restoreState(saved)

    # --- loading -------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def refreshing(self) -> bool:
        return self._refreshing

    def busy(self, what: str | None = None) -> bool:
        """Whether something (``check``, ``save``, ``delete``, ``associate``) is under way."""
        return bool(self._busy) if what is None else what in self._busy.values()

    def first_shown(self) -> None:
        if self._service is None:
            self.summary.setText(_("No VoiceMeUp account is open."))
            self.refresh_button.setEnabled(False)
            return
        if not self._loaded and not self._refreshing:
            self._refreshing = True
            self.refresh_button.setEnabled(False)
            self.run(self._cached(), self._show_cached, on_finally=self._fetch)

    async def _cached(self) -> tuple[list[Did], list[E911Endpoint], list[Peer]]:
        assert self._service and self._dids and self._directory
        return (
            await self._dids.cached(),
            await self._service.cached(),
            await self._directory.cached_peers(),
        )

    def _show_cached(self, cached: tuple[list[Did], list[E911Endpoint], list[Peer]]) -> None:
        dids, endpoints, peers = cached
        self._peers = list(peers)
        if dids or endpoints:
            self._set_data(dids, endpoints)
            self.summary.setText(
                _LIST_SEPARATOR.join((self._summary_text(), _("checking with your provider…")))
            )

    def refresh(self) -> None:
        if self._service is None or self._refreshing:
            return
        self._fetch()

    def _fetch(self) -> None:
        self._refreshing = True
        show_refreshing(self.refresh_button, True)
        self.run(
            self._fresh(),
            self._show_fresh,
            on_error=self._problem.refused,
            on_finally=self._fetch_finished,
        )

    async def _fresh(self) -> Listing:
        assert self._service and self._dids and self._directory
        dids = await self._dids.listing()
        endpoints = await self._service.listing()
        peers = await self._directory.peers()
        return dids, endpoints, peers

    def _show_fresh(self, listing: Listing) -> None:
        dids, endpoints, peers = listing
        self._peers = list(peers.value)
        self._set_data(dids.value, endpoints.value)
        self._problem.answered(next((f.error for f in listing if f.error is not None), None))

    def _fetch_finished(self) -> None:
        self._refreshing = False
        self._loaded = True
        show_refreshing(self.refresh_button, False, can_refresh=self._service is not None)
        self.summary.setText(self._summary_text())

    def _summary_text(self) -> str:
        total, missing = self.model.rowCount(), self.model.missing()
        if total == 0:
            return _("No numbers on this account yet.")
        numbers = ngettext("{count} number", "{count} numbers", total).format(
            count=formats.number(total)
        )
        if missing:
            # Translators: after "8 numbers · ": how many of them have no emergency address.
            state = ngettext(
                "{count} without an emergency address",
                "{count} without an emergency address",
                missing,
            ).format(count=formats.number(missing))
        else:
            # Translators: after "8 numbers · ": each of the numbers has an emergency address.
            state = _("every one has an emergency address")
        return _LIST_SEPARATOR.join((numbers, state))

    def _set_data(
        self, dids: list[Did] | None = None, endpoints: list[E911Endpoint] | None = None
    ) -> None:
        if dids is not None:
            self._did_list = list(dids)
        if endpoints is not None:
            self._endpoints = list(endpoints)
        keep = self._current
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_rows(build_rows(self._did_list, self._endpoints))
        if keep is not None and self.model.row_of(keep) >= 0:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.setCurrentIndex(self.model.index(self.model.row_of(keep), COL_NAME))
            self._show_row(keep, reset_messages=False)
        elif keep is not None:
            self._current = None
            self.details.setCurrentIndex(_NOTHING)
        self.summary.setText(self._summary_text())

    # --- selection and the form ----------------------------------------------------------------

    def current_row(self) -> E911Row | None:
        return self.model.find(self._current) if self._current is not None else None

    def select_number(self, number: str) -> bool:
        key = e911_form.number_key(number)
        row = self.model.row_of(key)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, COL_NAME))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row(current.row()) if current.isValid() else None
        self._current = row.key if row is not None else None
        self._pending_save = None
        for bar in (self.save_confirm, self.delete_confirm):
            bar.dismiss()
        if row is None:
            self.details.setCurrentIndex(_NOTHING)
            return
        self.details.setCurrentIndex(_FORM)
        self._show_row(row.key, reset_messages=True)

    def _on_file(self, key: str) -> E911Address | None:
        row = self.model.find(key)
        return row.endpoint.address if row is not None and row.endpoint is not None else None

    def draft(self, number: str) -> E911Address | None:
        """What the user typed for ``number`` and has not saved (``None``: nothing)."""
        return self._drafts.get(e911_form.number_key(number))

    def _show_row(self, key: str, *, reset_messages: bool) -> None:
        row = self.model.find(key)
        if row is None:
            return
        self.number_label.setText(
            display(row.phone_number, self.ctx.region)
            + (f"  ·  {row.friendly_name}" if row.friendly_name else "")
        )
        font = self.on_file.font()
        if row.endpoint is None:
            self.on_file.setText(
                _(
                    "⚠ No emergency address is on file for this number. A 911 call from it "
                    "reaches help without a location. Fill in the address below and save it."
                )
            )
            set_tone(self.on_file, "warning")
            font.setBold(True)
        else:
            self.on_file.setText(
                # Translators: the emergency address the provider has now: who, then where.
                _("On file: {address}").format(
                    address=e911_form.person_and_place(row.endpoint.address)
                )
            )
            set_tone(self.on_file, None)
            font.setBold(False)
        self.on_file.setFont(font)
        address = self._drafts.get(key) or self._on_file(key) or e911_form.blank()
        self._fill(address)
        if reset_messages:
            self._clear_message()
            self.devices_banner.hide()
            self.delete_banner.hide()
            answer = self._suggestions.get(key)
            if answer is not None:
                self._show_answer(*answer)
            else:
                self._hide_alternates()
        self._fill_devices(row)
        self._sync_buttons()

    def _fill(self, address: E911Address) -> None:
        self._filling = True
        try:
            for field in _TEXT_FIELDS:
                self.edits[field].setText(str(getattr(address, field)))
            self.unit_type.setCurrentIndex(
                max(0, self.unit_type.findData(address.address_type.lower()))
            )
            self.country.setCurrentIndex(max(0, self.country.findData(address.country_code)))
            self.language.setCurrentIndex(max(0, self.language.findData(address.language)))
        finally:
            self._filling = False
        for error in self.errors.values():
            error.clear_error()

    def read_form(self) -> E911Address:
        text = {field: self.edits[field].text() for field in _TEXT_FIELDS}
        return E911Address(
            first_name=text["first_name"],
            last_name=text["last_name"],
            civic_number=text["civic_number"],
            street=text["street"],
            city=text["city"],
            state_code=text["state_code"],
            country_code=str(self.country.currentData() or "CA"),
            postal_code=text["postal_code"],
            address_type=str(self.unit_type.currentData() or ""),
            address_type_number=text["address_type_number"],
            language=str(self.language.currentData() or ""),
        )

    def _remember(self, key: str, address: E911Address) -> None:
        on_file = self._on_file(key)
        if address == (on_file or e911_form.blank()):
            self._drafts.pop(key, None)
        else:
            self._drafts[key] = address

    def _edited(self, field: str, *_args: object) -> None:
        if self._filling or self._current is None:
            return
        key = self._current
        address = self.read_form()
        self._remember(key, address)
        error = self.errors.get(field)
        if error is not None:
            error.clear_error()
        if self._pending_save is not None:  # the address confirmed is no longer the one typed
            self._pending_save = None
            self.save_confirm.dismiss()
        answer = self._message_kind in ("check", "suggestions")
        if answer and field not in _NOT_CHECKED:
            # The provider answered about an address that is no longer the one typed: its
            # answer and its suggestions go (what it refused is still remembered for saving).
            self._suggestions.pop(key, None)
            self._hide_alternates()
            self._clear_message()
        elif not answer:
            self._clear_message()  # "Saved", "Filled in…", a failure: about the form as it was
        # (A name or the language changed: the answer about the place still stands.)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        key = self._current
        row = self.current_row()
        busy = self._busy.get(key or "", "")
        dirty = key is not None and key in self._drafts
        confirming = self.save_confirm.isVisible() or self.delete_confirm.isVisible()
        self.check_button.setEnabled(row is not None and not busy)
        self.check_button.setText(_("Checking…") if busy == "check" else _("Check address"))
        self.save_button.setEnabled(row is not None and not busy and not confirming)
        self.save_button.setText(_("Saving…") if busy == "save" else _("Save address…"))
        self.revert_button.setEnabled(dirty and not busy)
        has_address = row is not None and row.endpoint is not None
        self.delete_button.setEnabled(has_address and not busy and not confirming)
        self.delete_button.setText(
            _("Deleting…")
            if busy == "delete"
            else _("Checking…")
            if busy == "preview"
            else _("Delete address…")
        )
        self.associate_button.setEnabled(has_address and not busy and self.peer_combo.count() > 0)
        self.associate_button.setText(_("Associating…") if busy == "associate" else _("Associate"))
        self.associate_button.setToolTip(
            _("Use this number's emergency address for 911 calls from the chosen device")
            if has_address
            else _("Save an emergency address for this number first")
        )
        if busy == "save":
            self.dirty_label.setText(_("Sending the address to your provider…"))
        elif dirty:
            self.dirty_label.setText(
                _("Not saved yet: what you typed is kept here until you save it or revert.")
            )
        else:
            self.dirty_label.setText("")

    def revert(self) -> None:
        key = self._current
        if key is None:
            return
        self._drafts.pop(key, None)
        self._before_alternate.pop(key, None)
        self._suggestions.pop(key, None)
        self._pending_save = None
        self._clear_message()
        self._hide_alternates()
        self._fill(self._on_file(key) or e911_form.blank())
        self._sync_buttons()

    def _show_field_error(self, field: str, text: str) -> bool:
        error = self.errors.get(field)
        if error is None:
            return False
        error.show_error(text)
        widget = self.edits.get(field)
        if widget is not None:
            widget.setFocus()
        return True

    def _input_error(self, exc: InputError) -> None:
        text = e911_form.field_message(exc)
        if not self._show_field_error(exc.field, text):
            self._say(text, Level.ERROR, "save")

    def _start(self, key: str, what: str) -> None:
        self._busy[key] = what
        self._sync_buttons()

    def _finish(self, key: str) -> None:
        self._busy.pop(key, None)
        self._sync_buttons()

    # --- the address's message area ------------------------------------------------------------

    @property
    def message_kind(self) -> str | None:
        """What the address's message area says now (``check``, ``suggestions``, ``filled``,
        ``save``), ``None`` when it is empty or shows the question before saving."""
        return self._message_kind if not self.form_banner.isHidden() else None

    def _say(self, text: str, level: Level, kind: str, action: str = "") -> None:
        """Put ``text`` in the address's message area, in place of whatever it said."""
        self.save_confirm.dismiss()
        self._message_kind = kind
        self.form_banner.show_message(text, level, action)
        self._reveal(self.form_banner)

    def _reveal(self, *widgets: QWidget) -> None:
        """Scroll the form, if need be, so that a message just shown under the buttons is in
        view (once the layout has made room for it)."""

        def scroll() -> None:
            for widget in reversed(widgets):  # the last one, then the first: both if they fit
                if widget.isVisible():
                    self.form_scroll.ensureWidgetVisible(widget, 0, 8)

        QTimer.singleShot(0, self, scroll)

    def _clear_message(self) -> None:
        self.save_confirm.dismiss()
        self.form_banner.hide()
        self._message_kind = None

    # --- checking with the provider ------------------------------------------------------------

    def check_address(self) -> None:
        row = self.current_row()
        if self._service is None or row is None or row.key in self._busy:
            return
        address = self.read_form()
        for error in self.errors.values():
            error.clear_error()
        self._pending_save = None
        self._clear_message()
        self._hide_alternates()
        try:
            e911_form.check_for_validation(row.phone_number, address)
        except InputError as exc:
            self._input_error(exc)
            return
        self._start(row.key, "check")
        self.run(
            self._service.validate(row.phone_number, address),
            partial(self._checked, row.key, address),
            on_error=partial(self._check_failed, row.key),
            on_finally=partial(self._finish, row.key),
        )

    def _checked(self, key: str, address: E911Address, result: E911Validation) -> None:
        if result.valid:
            self._suggestions.pop(key, None)
            refused = self._refused.get(key)
            if refused is not None and _place(refused[0]) == _place(address):
                del self._refused[key]  # the provider knows it now
            if key == self._current:
                self._hide_alternates()
                self._say(
                    _(
                        "✓ Exact match: your provider knows this address. Save it to make it "
                        "this number's emergency address."
                    ),
                    Level.SUCCESS,
                    "check",
                )
            return
        said = " ".join(p.message() for p in result.problems)
        codes = [p.code for p in result.problems]
        plain = self._plain_reason(codes, {p.code: p.message() for p in result.problems})
        self._refused[key] = (address, said, plain)
        self._offer(key, plain, codes, result.alternates, saving=False)

    @staticmethod
    def _plain_reason(codes: list[str], sentences: dict[str, str]) -> str:
        """Why the provider refused an address, in sentences that point at no suggestion: for
        a part of the address it did not know, ours ("Your provider does not know this
        street."), as its own may invite to pick a suggestion where it gave none."""
        out: list[str] = []
        for code in codes:
            if code == _SUGGESTIONS_CODE:
                continue
            field = e911_form.field_for_code(code)
            text = _(_NOT_KNOWN.get(field, _NOT_KNOWN_PART)) if field else sentences.get(code, "")
            if text and text not in out:
                out.append(text)
        return " ".join(out)

    def _offer(
        self,
        key: str,
        plain: str,
        codes: list[str],
        alternates: tuple[AlternateAddress, ...],
        *,
        saving: bool,
    ) -> None:
        """The provider did not match the address (``plain``: what it said, less any sentence
        pointing at suggestions): say why in the message area, with its suggestions (as
        choices) under it when it has some, and under each field it did not know."""
        level = Level.ERROR if saving else Level.WARNING
        if alternates:
            text = (
                _(
                    "Not saved: your provider has no exact match for this address. Did you mean "
                    "one of these? Choose one and click Use this address, or correct the fields "
                    "yourself."
                )
                if saving
                else _(
                    "Your provider has no exact match for this address. Did you mean one of "
                    "these? Choose one and click Use this address, or correct the fields "
                    "yourself."
                )
            )
        else:
            said = plain or _("Your provider could not match this address.")
            # Translators: {problems} is what the provider said was wrong (whole sentences).
            text = (
                _(
                    "Not saved: {problems} Check the spelling of the street and city, and the "
                    "postal code."
                )
                if saving
                else _("{problems} Check the spelling of the street and city, and the postal code.")
            ).format(problems=said)
        self._suggestions[key] = (text, level, tuple(alternates))
        if key != self._current:
            return
        self._show_answer(text, level, tuple(alternates))
        for code in codes:
            field = e911_form.field_for_code(code)
            if field:
                self._show_field_error(field, _(_NOT_KNOWN.get(field, _NOT_KNOWN_PART)))

    def _check_failed(self, key: str, exc: TelephonyError) -> None:
        if key != self._current:
            self.banner.error(describe(exc))
            return
        if isinstance(exc, InputError):
            self._input_error(exc)
        else:
            self._say(describe(exc), Level.ERROR, "save")

    def _show_answer(
        self, text: str, level: Level, alternates: tuple[AlternateAddress, ...]
    ) -> None:
        """The provider's refusal in the message area, its suggestions (if any) under it."""
        self._hide_alternates()
        self._say(text, level, "suggestions" if alternates else "check")
        if not alternates:
            return
        self._alternates = alternates
        for index, alternate in enumerate(alternates):
            line = QWidget(self.alternates_box)
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            button = QRadioButton(line)
            button.setObjectName(f"e911-alternate-{index}")
            button.setAccessibleName(alternate.one_line())
            label = _Suggestion(alternate.one_line(), button, line)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(label, 1)
            self.alternate_group.addButton(button, index)
            self.alternates_list.addWidget(line)
            self.alternate_buttons.append(button)
            self.alternate_labels.append(label)
            self._alternate_rows.append(line)
        self.use_alternate_button.setEnabled(False)
        self.alternates_box.show()
        self._reveal(self.form_banner, self.alternates_box)

    def _hide_alternates(self) -> None:
        for button in self.alternate_buttons:
            self.alternate_group.removeButton(button)
        for line in self._alternate_rows:
            self.alternates_list.removeWidget(line)
            line.hide()
            line.deleteLater()
        self.alternate_buttons = []
        self.alternate_labels = []
        self._alternate_rows = []
        self._alternates = ()
        self.alternates_box.hide()
        if self._message_kind == "suggestions":
            self._clear_message()  # it points at suggestions that are no longer there

    def _alternate_picked(self, _index: int, checked: bool) -> None:
        if checked:
            self.use_alternate_button.setEnabled(True)

    def use_alternate(self) -> None:
        """Fill the address fields with the chosen suggestion (the user's choice, undoable)."""
        key = self._current
        index = self.alternate_group.checkedId()
        if key is None or not 0 <= index < len(self._alternates):
            return
        typed = self.read_form()
        chosen = e911_form.apply_alternate(typed, self._alternates[index])
        self._before_alternate[key] = typed
        self._suggestions.pop(key, None)
        self._hide_alternates()
        self._fill(chosen)
        self._remember(key, chosen)
        self._say(
            # Translators: "Save address" is the button "Save address…" of this form.
            _("Filled in: {address}. Check it, then Save address.").format(
                address=chosen.one_line()
            ),
            Level.INFO,
            "filled",
            action=_("Undo"),
        )
        self._sync_buttons()

    def undo_alternate(self) -> None:
        key = self._current
        if key is None or key not in self._before_alternate:
            return
        typed = self._before_alternate.pop(key)
        self._fill(typed)
        self._remember(key, typed)
        self._clear_message()
        self._sync_buttons()

    # --- saving --------------------------------------------------------------------------------

    def refused_on_screen(self) -> str | None:
        """The reason the provider gave when it refused the address now typed, a moment ago
        (``None``: it did not, or it was about another address)."""
        key = self._current
        refused = self._refused.get(key) if key is not None else None
        if refused is None or _place(refused[0]) != _place(self.read_form()):
            return None
        _address, said, plain = refused
        # Its sentence pointing at suggestions only while they are on screen ("": it said
        # nothing else).
        return said if self._alternates else plain

    def ask_save(self) -> None:
        row = self.current_row()
        if self._service is None or row is None or row.key in self._busy:
            return
        address = self.read_form()
        for error in self.errors.values():
            error.clear_error()
        try:
            normal = e911_form.check_for_save(row.phone_number, address)
        except InputError as exc:
            self._clear_message()
            self._input_error(exc)
            return
        self._remember(row.key, address)
        self._pending_save = (row.key, address)
        confirmation = e911_form.save_confirmation(row.phone_number, normal, self.ctx.region)
        reason = self.refused_on_screen()
        self.form_banner.hide()  # the question takes the message area's place
        if reason is None:
            self.save_confirm.ask(confirmation, _("Yes, save this address"), "caution")
            self._reveal(self.save_confirm)
        else:
            warning = (
                # Translators: {reason} is why the provider refused it (whole sentences).
                _(
                    "⚠ Your provider refused this address a moment ago. {reason} Saving it "
                    "anyway may send help to the wrong door."
                ).format(reason=reason)
                if reason
                else _(
                    "⚠ Your provider refused this address a moment ago: it found no exact match "
                    "for it. Saving it anyway may send help to the wrong door."
                )
            )
            self.save_confirm.ask(
                f"{warning}\n\n{confirmation}",
                _("Save it anyway"),
                "danger",
            )
            self._reveal(self.save_confirm)
        self._sync_buttons()

    def _save_cancelled(self) -> None:
        """Back to what the provider said about the address, if it still stands."""
        self._pending_save = None
        answer = self._suggestions.get(self._current or "")
        if answer is not None and self._message_kind in ("check", "suggestions"):
            text, level, _alternates = answer
            self._say(text, level, self._message_kind)
        self._sync_buttons()

    def _save_confirmed(self) -> None:
        pending, self._pending_save = self._pending_save, None
        row = self.current_row()
        if self._service is None or pending is None or row is None or pending[0] != row.key:
            self._sync_buttons()
            return
        key, address = pending
        self._start(key, "save")
        self.run(
            self._service.save(row.phone_number, address),
            partial(self._saved, key),
            on_error=partial(self._save_failed, key, address),
            on_finally=partial(self._finish, key),
        )

    def _saved(
        self,
        key: str,
        outcome: tuple[E911Endpoint | None, WriteResult, Fresh[list[E911Endpoint]]],
    ) -> None:
        endpoint, result, fresh = outcome
        self._drafts.pop(key, None)
        self._before_alternate.pop(key, None)
        self._suggestions.pop(key, None)
        self._refused.pop(key, None)
        self._set_data(endpoints=fresh.value)
        row = self.model.find(key)
        saved = row.endpoint if row is not None and row.endpoint is not None else endpoint
        notes = [w.message() for w in result.warnings]
        if fresh.error is not None:
            notes.append(
                _("Saved, but the list could not be read again: {error}").format(
                    error=describe(fresh.error)
                )
            )
        if key != self._current:
            if notes:
                self.banner.warning(" ".join(notes))
            self._sync_buttons()
            return
        if saved is not None:
            self._fill(saved.address)
        self._hide_alternates()
        text = (
            # Translators: {where} is who is at the address, then the address.
            _("Saved. Emergency services will be sent to: {where}.").format(
                where=e911_form.person_and_place(saved.address)
            )
            if saved
            else _("Saved. Emergency services will be sent to the address you saved.")
        )
        self._say(" ".join((text, *notes)), Level.WARNING if notes else Level.SUCCESS, "save")
        self._sync_buttons()

    def _save_failed(self, key: str, address: E911Address, exc: TelephonyError) -> None:
        """In place; what the user typed stays (in the form and as this number's draft)."""
        self._remember(key, address)
        if isinstance(exc, E911AddressRejected):
            plain = self._plain_reason(list(exc.codes), {c: describe(exc) for c in exc.codes})
            self._refused[key] = (address, describe(exc), plain)
            self._offer(key, plain, list(exc.codes), exc.alternates, saving=True)
            if key != self._current:  # its suggestions show when the number is selected again
                error = plain or _("Your provider could not match this address.")
                self.banner.error(
                    _("{error} What you typed for that number is kept.").format(error=error)
                )
            return
        if key != self._current:
            self.banner.error(
                _("{error} What you typed for that number is kept.").format(error=describe(exc))
            )
            return
        if isinstance(exc, InputError):
            self._input_error(exc)
            return
        text = describe(exc)
        if isinstance(exc, OutcomeUnknown):
            text = _("{error} What you typed is still here.").format(error=text)
        elif isinstance(exc, ProviderRejected):
            fields = {e911_form.field_for_code(code) for code in exc.codes} - {""}
            shown = [f for f in fields if self._show_field_error(f, text)]
            if shown:
                return  # said once, under the field it is about
        self._say(text, Level.ERROR, "save")

    # --- deleting ------------------------------------------------------------------------------

    def ask_delete(self) -> None:
        row = self.current_row()
        if self._service is None or row is None or row.key in self._busy:
            return
        self.delete_banner.hide()
        self._start(row.key, "preview")
        self.run(
            self._preview(row.phone_number),
            partial(self._preview_ready, row.key, row.phone_number),
            on_error=self._delete_error,
            on_finally=partial(self._finish, row.key),
        )

    async def _preview(self, number: str) -> tuple[DeletePreview, list[E911Endpoint]]:
        assert self._service is not None
        preview = await self._service.preview_delete(number)
        return preview, await self._service.cached()

    def _preview_ready(
        self, key: str, number: str, outcome: tuple[DeletePreview, list[E911Endpoint]]
    ) -> None:
        preview, endpoints = outcome
        self._set_data(endpoints=endpoints)
        if key != self._current:
            return
        if preview.endpoint is None:
            self.delete_banner.info(_("No emergency address is on file for this number any more."))
            self._reveal(self.delete_banner)
            return
        self.delete_banner.hide()  # the question takes the message area's place
        self.delete_confirm.ask(
            e911_form.delete_confirmation(
                preview.endpoint, number, preview.fee_warning, self.ctx.region
            ),
            _("Delete the address anyway") if preview.is_last else _("Delete address"),
            "danger",
        )
        self._reveal(self.delete_confirm)
        self._sync_buttons()

    def _delete_confirmed(self) -> None:
        row = self.current_row()
        if self._service is None or row is None or row.key in self._busy:
            return
        self._start(row.key, "delete")
        self.run(
            self._service.remove(row.phone_number),
            partial(self._deleted, row.key, row.phone_number),
            on_error=self._delete_error,
            on_finally=partial(self._finish, row.key),
        )

    def _deleted(
        self, key: str, number: str, outcome: tuple[WriteResult, Fresh[list[E911Endpoint]]]
    ) -> None:
        result, fresh = outcome
        on_file_before = self._on_file(key)
        self._drafts.pop(key, None)
        self._suggestions.pop(key, None)
        self._set_data(endpoints=fresh.value)
        if key == self._current:
            self._fill(e911_form.blank(on_file_before))
            self._hide_alternates()
        fee = e911_form.fee_warning_after(result.warnings)
        others = [w.message() for w in result.warnings if w is not fee]
        shown = display(number, self.ctx.region)
        if fresh.error is not None:
            others.append(
                _("Deleted, but the list could not be read again: {error}").format(
                    error=describe(fresh.error)
                )
            )
        if key != self._current:  # the user moved on: the tab's banner says it
            notes = (
                [
                    # Translators: {warning} is the provider's sentence about the 911 call fee.
                    _("⚠ {warning} Add an emergency address to a number to stop it.").format(
                        warning=fee.message()
                    )
                ]
                if fee is not None
                else []
            )
            if notes or others:
                self.banner.warning(" ".join((*notes, *others)))
            self._sync_buttons()
            return
        # One message, under the Delete button: what was done, the fee first if it applies.
        if fee is not None:
            text = " ".join(
                (
                    # Translators: {warning} is the provider's sentence about the 911 call fee.
                    _("Deleted the emergency address of {number}. ⚠ {warning}").format(
                        number=shown, warning=fee.message()
                    ),
                    _("Add an emergency address to a number to stop it."),
                    *others,
                )
            )
            self.delete_banner.warning(text)
        else:
            done = _("Deleted the emergency address of {number}.").format(number=shown)
            if others:
                self.delete_banner.warning(" ".join((done, *others)))
            else:
                self.delete_banner.success(done)
        self._reveal(self.delete_banner)
        self._sync_buttons()

    def _delete_error(self, exc: TelephonyError) -> None:
        self.delete_banner.error(describe(exc))
        self._reveal(self.delete_banner)

    # --- devices -------------------------------------------------------------------------------

    def _fill_devices(self, row: E911Row) -> None:
        names = {p.peer_id: peer_label(p) for p in self._peers}
        attached = row.endpoint.peer_ids if row.endpoint is not None else ()
        if attached:
            # Translators: in a list of devices, one the app does not know, by its id.
            unknown = _("device {id}")
            self.devices_label.setText(
                # Translators: {devices} is a comma-separated list of device names.
                _("Used for 911 calls from: {devices}").format(
                    devices=", ".join(names.get(i, unknown.format(id=i)) for i in attached)
                )
            )
        elif row.endpoint is not None:
            self.devices_label.setText(_("No device is associated with this address yet."))
        else:
            self.devices_label.setText(
                _("Save an address first, then choose the devices it covers.")
            )
        chosen = self.peer_combo.currentData()
        with QSignalBlocker(self.peer_combo):
            self.peer_combo.clear()
            for peer in self._peers:
                label = peer_label(peer)
                if peer.peer_id in attached:
                    # Translators: a device that already uses this emergency address.
                    label = _("{device} — already here").format(device=label)
                self.peer_combo.addItem(label, peer.peer_id)
            index = self.peer_combo.findData(chosen) if chosen not in attached else -1
            if index < 0:
                index = next((i for i, p in enumerate(self._peers) if p.peer_id not in attached), 0)
            self.peer_combo.setCurrentIndex(index)

    def associate(self) -> None:
        row = self.current_row()
        peer_id = self.peer_combo.currentData()
        if self._service is None or row is None or not peer_id or row.key in self._busy:
            return
        self.devices_banner.hide()
        self._start(row.key, "associate")
        self.run(
            self._service.attach_peer(row.phone_number, str(peer_id)),
            partial(self._associated, row.key, str(peer_id)),
            on_error=self.devices_banner_error,
            on_finally=partial(self._finish, row.key),
        )

    def _associated(
        self, key: str, peer_id: str, outcome: tuple[WriteResult, Fresh[list[E911Endpoint]]]
    ) -> None:
        result, fresh = outcome
        self._set_data(endpoints=fresh.value)
        peer = next((p for p in self._peers if p.peer_id == peer_id), None)
        name = peer_label(peer) if peer is not None else _("Device {id}").format(id=peer_id)
        notes = [w.message() for w in result.warnings]
        if fresh.error is not None:
            notes.append(describe(fresh.error))
        if key != self._current:
            if notes:
                self.banner.warning(" ".join(notes))
            return
        done = _("{device} now uses this emergency address.").format(device=name)
        if notes:
            self.devices_banner.warning(" ".join((done, *notes)))
        else:
            self.devices_banner.success(done)
        self._reveal(self.devices_banner)

    def _peer_changed(self, _index: int) -> None:
        """An error about associating the device chosen before is not about this one."""
        if self.devices_banner.level is Level.ERROR:
            self.devices_banner.hide()

    def devices_banner_error(self, exc: TelephonyError) -> None:
        self.devices_banner.error(describe(exc))
        self._reveal(self.devices_banner)
