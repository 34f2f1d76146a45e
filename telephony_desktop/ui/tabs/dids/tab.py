"""The Numbers tab: the account's numbers (DIDs), where their calls go, and new numbers.

The list shows the cache at once, then the provider's; when the provider cannot be reached the
cached list stays and the banner says why. Selecting a number fills the edit form beside it. Save
checks the form against the vendor's table first (the error goes under the field, nothing is
sent), then sends the change once and shows the list as the provider now has it. What the user
typed is kept per number until it is saved or reverted, whatever goes wrong. Save and Revert sit
under the form, always in view, with the one message area about the form above them; an error
under a field has its room kept, and a message about what the user has since changed goes.

"Get a new number" searches the provider's inventory; ordering is confirmed inline (it may be
billed) and sent once.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QByteArray, QModelIndex, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import (
    InputError,
    OutcomeUnknown,
    ProviderRejected,
    TelephonyError,
)
from telephony_desktop.domain.models import Did, InventoryDid, Mailbox, Peer, WriteResult
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats, ngettext, pgettext
from telephony_desktop.services import did_form
from telephony_desktop.services.did_form import DidDraft
from telephony_desktop.services.dids import DidService
from telephony_desktop.services.directory_cache import DirectoryCache, mailbox_label, peer_label
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.dids.model import (
    COL_NAME,
    COL_NUMBER,
    COL_ROUTING,
    COL_STATUS,
    DidModel,
)
from telephony_desktop.ui.tabs.dids.widgets import (
    ConfirmBar,
    ErrorSlot,
    FieldError,
    SteadyLabel,
    fit_headings,
    fit_placeholder,
    form_scroll,
    heading,
    hint,
    steady_width,
)
from telephony_desktop.ui.tabs.refresh import RefreshProblem, refresh_row, show_refreshing
from telephony_desktop.ui.widgets.banner import Banner
from telephony_desktop.ui.widgets.tables import record_table

_NOTHING, _FORM = 0, 1
_PEER_ROLE = Qt.ItemDataRole.UserRole + 1
Listing = tuple[Fresh[list[Did]], Fresh[list[Peer]], Fresh[list[Mailbox]]]
# Between the facts of a summary line ("8 numbers · 1 disabled"), each translated on its own.
_LIST_SEPARATOR = " · "
_NPA_TIP = N_("Area code (NPA): 3 digits. Leave empty for any.")


class DidsTab(Tab):
    title = N_("Numbers")
    key = "dids"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        session = ctx.session
        self._service = DidService(session) if session is not None else None
        self._directory = DirectoryCache(session) if session is not None else None
        self._current_id: str | None = None
        self._drafts: dict[str, DidDraft] = {}  # what the user typed, per DID, until saved
        self._saving: set[str] = set()
        self._peers: list[Peer] = []
        self._mailboxes: list[Mailbox] = []
        self._results: list[InventoryDid] = []
        self._ordering = False
        self._searching = False
        self._search_failed_shown = False  # the inventory banner says why the search failed
        self._refreshing = False
        self._loaded = False
        self._filling = False
        self._build()
        self._problem = RefreshProblem(
            self,
            self.refresh,
            saved_copy=_(
                "Showing the numbers saved on this computer; your provider could not be reached."
            ),
        )

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary, self.refresh_button = refresh_row(
            self,
            self.refresh,
            loading=_("Loading your numbers…"),
            tooltip=_("Read your numbers again from the provider"),
        )

        self.model = DidModel(self.ctx.region, self)
        self.table = record_table(self, self.model, name="dids-list", accessible=_("Your numbers"))
        metrics = self.table.fontMetrics()
        fit_headings(
            self.table,
            {
                COL_NUMBER: metrics.horizontalAdvance("(514) 555-0100") + 24,
                COL_NAME: metrics.horizontalAdvance("Réception principale") + 24,
                COL_STATUS: metrics.horizontalAdvance(_("Disabled")) + 28,
            },
            stretch=COL_ROUTING,
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.setObjectName("dids-left-splitter")
        left.setChildrenCollapsible(False)
        left.addWidget(self.table)
        left.addWidget(self._build_inventory())
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setSizes([290, 340])
        self.left_splitter = left

        self.details = QStackedWidget(self)
        nothing = QLabel(_("Select a number to change its name and where its calls go."), self)
        nothing.setObjectName("dids-hint")
        nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        nothing.setWordWrap(True)
        nothing.setEnabled(False)
        self.details.addWidget(nothing)
        self.form_scroll = form_scroll(self, self._build_form(), "dids-form-scroll")
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self.form_scroll, 1)
        page_layout.addWidget(self.footer)
        self.details.addWidget(page)
        self.details.setCurrentIndex(_NOTHING)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("dids-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([660, 480])
        self.body.addWidget(self.splitter, 1)

    def _build_form(self) -> QWidget:
        pane = QWidget(self)
        pane.setObjectName("dids-form")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 0, 8, 8)
        layout.setSpacing(6)

        self.number_label = heading("", pane, 1.35)
        self.number_label.setObjectName("dids-form-number")
        self.routing_label = QLabel(pane)
        self.routing_label.setObjectName("dids-form-routing")
        self.routing_label.setWordWrap(True)
        self.routing_label.setEnabled(False)
        layout.addWidget(self.number_label)
        layout.addWidget(self.routing_label)
        layout.addSpacing(4)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.errors: dict[str, FieldError] = {}

        name_label = QLabel(_("&Name"), pane)
        self.name_edit = QLineEdit(pane)
        self.name_edit.setObjectName("dids-name")
        # Translators: an example of a name for a phone number, shown in the empty Name field.
        self.name_edit.setPlaceholderText(_("e.g. Front desk"))
        self.name_edit.setToolTip(
            _(
                "A name for this number (2 to 32 characters), shown here and in your provider's "
                "portal"
            )
        )
        self.name_edit.setMaxLength(40)
        name_label.setBuddy(self.name_edit)
        grid.addWidget(name_label, 0, 0)
        grid.addWidget(self.name_edit, 0, 1)
        grid.addWidget(self._error_slot(pane, "friendly_name", lines=2), 1, 0, 1, 2)

        self.status_combo = QComboBox(pane)
        self.status_combo.setObjectName("dids-status")
        self.status_combo.addItem(_("Enabled: takes calls"), "enabled")
        self.status_combo.addItem(_("Disabled: refuses calls"), "disabled")
        self.status_combo.setToolTip(
            _("A disabled number stays on your account but takes no calls.")
        )
        status_label = QLabel(_("S&tatus"), pane)
        status_label.setBuddy(self.status_combo)
        grid.addWidget(status_label, 2, 0)
        grid.addWidget(self.status_combo, 2, 1, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(grid)

        layout.addSpacing(10)
        layout.addWidget(heading(_("When someone calls this number"), pane, 1.0))
        layout.addWidget(hint(_("Tick what should happen; you can combine them."), pane))
        # Each option: its box on the left, what it needs on the right (on as many lines as it
        # takes to fit a narrow window), then room for an error that does not push the rest.
        options = QGridLayout()
        options.setHorizontalSpacing(10)
        options.setVerticalSpacing(4)
        options.setColumnStretch(1, 1)

        # Ring devices (peers)
        self.peers_check = QCheckBox(_("Ring devices"), pane)
        self.peers_check.setObjectName("dids-opt-peers")
        self.peers_check.setToolTip(
            _("Ring your phones and softphones (up to {max} at once)").format(
                max=formats.number(did_form.MAX_PEERS)
            )
        )
        self.peers_list = QListWidget(pane)
        self.peers_list.setObjectName("dids-peers")
        self.peers_list.setAccessibleName(_("Devices to ring"))
        self.peers_list.setToolTip(
            ngettext(
                "Tick up to {max} device to ring together",
                "Tick up to {max} devices to ring together",
                did_form.MAX_PEERS,
            ).format(max=formats.number(did_form.MAX_PEERS))
        )
        self.peers_list.setStyleSheet("QListWidget::item { padding: 1px 2px; }")
        self.peers_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.peers_count = QLabel(pane)
        self.peers_count.setObjectName("dids-peers-count")
        self.peers_count.setWordWrap(True)
        self.peers_count.setEnabled(False)
        self.peer_timeout = self._timeout_combo(pane, "dids-peer-timeout")
        self.peer_timeout.setToolTip(_("How long the devices ring before the next step"))
        ring_row = QHBoxLayout()
        ring_row.setSpacing(6)
        # Translators: before a choice of duration ("20 s"): ring the devices for that long.
        ring_for = QLabel(_("Ring for"), pane)
        ring_for.setBuddy(self.peer_timeout)
        ring_row.addWidget(ring_for)
        ring_row.addWidget(self.peer_timeout)
        ring_row.addStretch(1)
        # The box and how many are ticked, then the devices and the ring time across the form
        # (device names are long: the list gets the whole width).
        options.addWidget(self.peers_check, 0, 0)
        options.addWidget(self.peers_count, 0, 1)
        devices = QVBoxLayout()
        devices.setContentsMargins(self._indent(), 0, 0, 0)
        devices.setSpacing(4)
        devices.addWidget(self.peers_list)
        devices.addLayout(ring_row)
        devices.addWidget(self._error_slot(pane, "client_peer_ids", "peer_timeout", indent=0))
        options.addLayout(devices, 1, 0, 1, 2)

        # Forwarding: "Forward [x] to [number]", then "after [delay]" under it.
        self.forward_check = QCheckBox(_("Forward"), pane)
        self.forward_check.setObjectName("dids-opt-forwarding")
        self.forward_check.setToolTip(_("Send calls on to another phone number"))
        self.forward_edit = QLineEdit(pane)
        self.forward_edit.setObjectName("dids-forward-number")
        self.forward_edit.setPlaceholderText(_("Number, e.g. (514) 555-0142"))
        self.forward_edit.setToolTip(
            _("The phone number calls are forwarded to (10 digits or more)")
        )
        fit_placeholder(self.forward_edit)
        self.forward_timeout = self._timeout_combo(pane, "dids-forward-timeout")
        self.forward_timeout.setToolTip(
            _("How long to wait before forwarding; No delay forwards at once")
        )
        # Translators: the rows read "Forward [x] to [phone number]" / "after [delay]".
        forward_to = QLabel(pgettext("forward calls to a number", "to"), pane)
        forward_to.setBuddy(self.forward_edit)
        # Translators: the rows read "Forward [x] to [phone number]" / "after [delay]".
        forward_after = QLabel(pgettext("forward calls after a delay", "after"), pane)
        forward_after.setBuddy(self.forward_timeout)
        words = max(forward_to.sizeHint().width(), forward_after.sizeHint().width())
        forward_to.setMinimumWidth(words)
        forward_after.setMinimumWidth(words)
        fwd_row = QHBoxLayout()
        fwd_row.setSpacing(6)
        fwd_row.addWidget(forward_to)
        fwd_row.addWidget(self.forward_edit, 1)
        after_row = QHBoxLayout()
        after_row.setSpacing(6)
        after_row.addWidget(forward_after)
        after_row.addWidget(self.forward_timeout)
        after_row.addStretch(1)
        options.addWidget(self.forward_check, 2, 0)
        options.addLayout(fwd_row, 2, 1)
        options.addLayout(after_row, 3, 1)
        options.addWidget(
            self._error_slot(pane, "forward_number", "forward_timeout", lines=2), 4, 0, 1, 2
        )

        # Voicemail
        self.voicemail_check = QCheckBox(_("Voicemail"), pane)
        self.voicemail_check.setObjectName("dids-opt-voicemail")
        self.voicemail_check.setToolTip(_("Let callers leave a message"))
        self.mailbox_combo = QComboBox(pane)
        self.mailbox_combo.setObjectName("dids-mailbox")
        self.mailbox_combo.setToolTip(_("The voicemail box that takes the messages"))
        options.addWidget(self.voicemail_check, 5, 0)
        options.addWidget(self.mailbox_combo, 5, 1)
        options.addWidget(self._error_slot(pane, "client_mailbox_id"), 6, 0, 1, 2)

        # Recording, IVR, fax: plain boxes, two to a line.
        self.recording_check = QCheckBox(_("Record calls"), pane)
        self.recording_check.setObjectName("dids-opt-recording")
        self.recording_check.setToolTip(
            _(
                "Record every call to this number (listen in the Recordings tab). Callers may "
                "need to be told."
            )
        )
        self.ivr_check = QCheckBox(_("Auto attendant (IVR)"), pane)
        self.ivr_check.setObjectName("dids-opt-ivr")
        self.fax_check = QCheckBox(_("Fax"), pane)
        self.fax_check.setObjectName("dids-opt-fax")
        options.addWidget(self.recording_check, 7, 0)
        options.addWidget(self.ivr_check, 7, 1)
        options.addWidget(self.fax_check, 8, 0)
        layout.addLayout(options)
        layout.addStretch(1)

        # The footer (under the scrolling form, always in view): one message area (what saving
        # said; an error about the form as a whole), then whether the form is saved and the
        # buttons. The message takes its room from the form above, so the buttons never move.
        self.footer = QWidget(self)
        self.footer.setObjectName("dids-form-footer")
        footer = QVBoxLayout(self.footer)
        footer.setContentsMargins(12, 6, 8, 0)
        footer.setSpacing(4)
        self.form_banner = Banner(self.footer)
        self.form_banner.setAccessibleName(_("Result of saving the number"))
        footer.addWidget(self.form_banner)
        self.dirty_label = SteadyLabel(
            self.footer,
            reserve=(
                _("Sending your changes…"),
                _("Unsaved changes (kept until you save or revert)"),
            ),
        )
        self.dirty_label.setObjectName("dids-dirty")
        self.dirty_label.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.revert_button = QPushButton(_("Revert"), self.footer)
        self.revert_button.setObjectName("dids-revert")
        self.revert_button.setToolTip(_("Forget your changes and show the number as it is now"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(_("Save changes"), self.footer)
        self.save_button.setObjectName("dids-save")
        self.save_button.setToolTip(_("Check the form, then send the changes to your provider"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        steady_width(self.save_button, _("Saving…"))
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        footer.addWidget(self.dirty_label)
        footer.addLayout(buttons)

        # Every edit is kept as this number's draft.
        self.name_edit.textEdited.connect(partial(self._edited, "friendly_name"))
        self.forward_edit.textEdited.connect(partial(self._edited, "forward_number"))
        for box, field in (
            (self.peers_check, "client_peer_ids"),
            (self.forward_check, "forward_number"),
            (self.voicemail_check, "client_mailbox_id"),
            (self.recording_check, "options"),
            (self.ivr_check, "options"),
            (self.fax_check, "options"),
        ):
            box.toggled.connect(partial(self._edited, field))
        for combo, field in (
            (self.status_combo, "status"),
            (self.peer_timeout, "peer_timeout"),
            (self.forward_timeout, "forward_timeout"),
            (self.mailbox_combo, "client_mailbox_id"),
        ):
            combo.currentIndexChanged.connect(partial(self._edited, field))
        self.peers_list.itemChanged.connect(partial(self._edited, "client_peer_ids"))
        return pane

    def _indent(self) -> int:
        """How far what belongs to a check box sits in: under its text, past the box."""
        style = self.style()
        return style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + style.pixelMetric(
            QStyle.PixelMetric.PM_CheckBoxLabelSpacing
        )

    def _error_slot(
        self, parent: QWidget, *fields: str, lines: int = 1, indent: int | None = None
    ) -> ErrorSlot:
        """Room kept across the form under a row for the errors of its ``fields`` (``lines``:
        what the longest of them takes on a narrow form; the rare errors about the status or
        the options go to the message area under the buttons)."""
        slot = ErrorSlot(parent, lines=lines, indent=self._indent() if indent is None else indent)
        for field in fields:
            self.errors[field] = slot.add(f"dids-{field}")
        return slot

    @staticmethod
    def _timeout_combo(parent: QWidget, name: str) -> QComboBox:
        combo = QComboBox(parent)
        combo.setObjectName(name)
        for value in did_form.TIMEOUTS:
            combo.addItem(did_form.timeout_label(value), value)
        return combo

    def _build_inventory(self) -> QWidget:
        box = QGroupBox(_("Get a new number"), self)
        box.setObjectName("dids-inventory")
        layout = QVBoxLayout(box)
        layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.type_combo = QComboBox(box)
        self.type_combo.setObjectName("dids-inventory-type")
        self.type_combo.setToolTip(_("What kind of number to look for"))
        for value in did_form.INVENTORY_TYPES:
            # The labels are marked in did_form (N_).
            self.type_combo.addItem(_(did_form.INVENTORY_TYPE_LABELS[value]), value)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.npa_edit = QLineEdit(box)
        self.npa_edit.setObjectName("dids-inventory-npa")
        self.npa_edit.setPlaceholderText(_("Area code, e.g. 514"))
        self.npa_edit.setToolTip(_(_NPA_TIP))
        self.npa_edit.setMaxLength(3)
        fit_placeholder(self.npa_edit)
        self.nxx_edit = QLineEdit(box)
        self.nxx_edit.setObjectName("dids-inventory-nxx")
        self.nxx_edit.setPlaceholderText(_("Exchange, e.g. 555"))
        self.nxx_edit.setToolTip(
            _("Exchange (NXX): the 3 digits after the area code. Leave empty for any.")
        )
        self.nxx_edit.setMaxLength(3)
        fit_placeholder(self.nxx_edit)
        self.search_button = QPushButton(_("Search"), box)
        self.search_button.setObjectName("dids-inventory-search")
        self.search_button.setToolTip(_("Look for numbers you can order"))
        self.search_button.clicked.connect(self.search_inventory)
        steady_width(self.search_button, _("Searching…"))
        self.npa_edit.returnPressed.connect(self.search_inventory)
        self.nxx_edit.returnPressed.connect(self.search_inventory)
        self.npa_edit.textEdited.connect(self._criteria_edited)
        self.nxx_edit.textEdited.connect(self._criteria_edited)
        row.addWidget(self.type_combo)
        row.addWidget(self.npa_edit, 1)
        row.addWidget(self.nxx_edit, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        # A line kept for what is wrong with the search: the results do not move under it.
        slot = ErrorSlot(box)
        self.inventory_error = slot.add("dids-inventory")
        layout.addWidget(slot)

        self.results = QListWidget(box)
        self.results.setObjectName("dids-inventory-results")
        self.results.setAccessibleName(_("Numbers you can order"))
        self.results.setStyleSheet("QListWidget::item { padding: 3px 2px; }")
        self.results.currentRowChanged.connect(self._result_changed)
        self.results.itemDoubleClicked.connect(lambda _item: self.ask_order())
        self.results_hint = hint(_("Search to see numbers you can order."), box)
        self.results_hint.setObjectName("dids-inventory-hint")
        self.results_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results_stack = QStackedWidget(box)
        self.results_stack.addWidget(self.results_hint)
        self.results_stack.addWidget(self.results)
        layout.addWidget(self.results_stack, 1)

        self.inventory_banner = Banner(box)
        self.inventory_banner.setAccessibleName(_("Result of the number search or order"))
        layout.addWidget(self.inventory_banner)
        self.order_confirm = ConfirmBar(box, name="dids-order-confirm")
        self.order_confirm.confirmed.connect(self._order_confirmed)
        self.order_confirm.cancelled.connect(self._result_changed)
        layout.addWidget(self.order_confirm)
        # The status and Order…; the question before ordering takes their place (it has its own
        # button), so it has the room to be read whole in a short window.
        self.order_row = QWidget(box)
        actions = QHBoxLayout(self.order_row)
        actions.setContentsMargins(0, 0, 0, 0)
        self.inventory_status = QLabel(box)
        self.inventory_status.setObjectName("dids-inventory-status")
        self.inventory_status.setWordWrap(True)
        self.inventory_status.setEnabled(False)
        self.order_button = QPushButton(_("Order…"), box)
        self.order_button.setObjectName("dids-order")
        self.order_button.setToolTip(_("Add the selected number to your account (asks first)"))
        self.order_button.setEnabled(False)
        self.order_button.clicked.connect(self.ask_order)
        steady_width(self.order_button, _("Ordering…"))
        actions.addWidget(self.inventory_status, 1)
        actions.addWidget(self.order_button)
        layout.addWidget(self.order_row)
        return box

    # --- persistence ---------------------------------------------------------------------------

    def save_state(self, state: UiState) -> None:
        state.set_bytes("dids/splitter", QByteArray(self.splitter.saveState()))
        state.set_bytes("dids/left_splitter", QByteArray(self.left_splitter.saveState()))

    def restore_state(self, state: UiState) -> None:
        for key, splitter in (
            ("dids/splitter", self.splitter),
            ("dids/left_splitter", self.left_splitter),
        ):
            saved = state.get_bytes(key)
            if saved is not None:
                splitter.restoreState(saved)

    # --- loading -------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def refreshing(self) -> bool:
        return self._refreshing

    def first_shown(self) -> None:
        if self._service is None:
            self.summary.setText(_("No VoiceMeUp account is open."))
            self.refresh_button.setEnabled(False)
            self.search_button.setEnabled(False)
            return
        if not self._loaded and not self._refreshing:
            self._refreshing = True
            self.refresh_button.setEnabled(False)
            self.run(self._cached(), self._show_cached, on_finally=self._fetch)

    async def _cached(self) -> tuple[list[Did], list[Peer], list[Mailbox]]:
        assert self._service is not None and self._directory is not None
        return (
            await self._service.cached(),
            await self._directory.cached_peers(),
            await self._directory.cached_mailboxes(),
        )

    def _show_cached(self, cached: tuple[list[Did], list[Peer], list[Mailbox]]) -> None:
        dids, peers, mailboxes = cached
        self._set_choices(peers, mailboxes)
        if dids:
            self._set_dids(dids)
            self.summary.setText(
                _LIST_SEPARATOR.join((self._summary_text(dids), _("checking with your provider…")))
            )

    def refresh(self) -> None:
        """Read the numbers, devices and voicemail boxes again (the cache stays on screen)."""
        if self._service is None or self._refreshing:
            return
        self._refreshing = True
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
        assert self._service is not None and self._directory is not None
        dids = await self._service.listing()
        peers = await self._directory.peers()
        mailboxes = await self._directory.mailboxes()
        return dids, peers, mailboxes

    def _show_fresh(self, listing: Listing) -> None:
        dids, peers, mailboxes = listing
        self._loaded = True
        self._set_choices(peers.value, mailboxes.value)
        self._set_dids(dids.value)
        self._problem.answered(next((f.error for f in listing if f.error is not None), None))

    def _fetch_finished(self) -> None:
        self._refreshing = False
        self._loaded = True
        show_refreshing(self.refresh_button, False, can_refresh=self._service is not None)
        if self.model.rowCount() == 0:
            self.summary.setText(_("No numbers on this account yet. Order one below."))
        else:
            self.summary.setText(self._summary_text(self.model.dids()))

    @staticmethod
    def _summary_text(dids: list[Did]) -> str:
        off = sum(1 for d in dids if d.status == "disabled")
        parts = [
            ngettext("{count} number", "{count} numbers", len(dids)).format(
                count=formats.number(len(dids))
            )
        ]
        if off:
            # Translators: after "8 numbers · ": how many of them are disabled.
            parts.append(
                ngettext("{count} disabled", "{count} disabled", off).format(
                    count=formats.number(off)
                )
            )
        return _LIST_SEPARATOR.join(parts)

    def _set_dids(self, dids: list[Did]) -> None:
        keep = self._current_id
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_dids(dids)
        if keep is not None and self.model.row_of(keep) >= 0:
            self.select_did(keep)
        elif keep is not None:
            self._current_id = None
            self.details.setCurrentIndex(_NOTHING)
        self.summary.setText(self._summary_text(dids))

    def _set_choices(self, peers: list[Peer], mailboxes: list[Mailbox]) -> None:
        self._peers = list(peers)
        self._mailboxes = list(mailboxes)
        self.model.set_mailboxes(mailboxes)
        did = self.current_did()
        if did is not None:
            self._fill(did, self._draft_for(did))

    # --- selection and the form ----------------------------------------------------------------

    def current_did(self) -> Did | None:
        return self.model.find(self._current_id) if self._current_id is not None else None

    def select_did(self, did_id: str) -> bool:
        row = self.model.row_of(did_id)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, COL_NAME))
        if self._current_id == did_id:  # same row: the model was reset, the signal did not come
            did = self.model.did(row)
            if did is not None:
                self._fill(did, self._draft_for(did))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        did = self.model.did(current.row()) if current.isValid() else None
        self._current_id = did.did_id if did is not None else None
        self.form_banner.hide()
        if did is None:
            self.details.setCurrentIndex(_NOTHING)
            return
        self.details.setCurrentIndex(_FORM)
        self._fill(did, self._draft_for(did))

    def _draft_for(self, did: Did) -> DidDraft:
        return self._drafts.get(did.did_id) or did_form.draft_of(did, self.ctx.region)

    def has_draft(self, did_id: str) -> bool:
        return did_id in self._drafts

    def _fill(self, did: Did, draft: DidDraft) -> None:
        self._filling = True
        try:
            self.number_label.setText(
                f"{display(did.phone_number, self.ctx.region)}"
                + (f"  ·  {did.friendly_name}" if did.friendly_name else "")
            )
            # Translators: where the number's calls go now, e.g. "Now: Rings 2 devices for 20 s".
            self.routing_label.setText(
                _("Now: {routing}").format(routing=self.model.routing(did, names=True))
            )
            self.name_edit.setText(draft.friendly_name)
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(draft.status)))
            self.peers_check.setChecked(draft.peers)
            self._fill_peers(draft.peer_ids)
            self.peer_timeout.setCurrentIndex(
                max(0, self.peer_timeout.findData(draft.peer_timeout))
            )
            self.forward_check.setChecked(draft.forwarding)
            self.forward_edit.setText(draft.forward_number)
            self.forward_timeout.setCurrentIndex(
                max(0, self.forward_timeout.findData(draft.forward_timeout))
            )
            self.voicemail_check.setChecked(draft.voicemail)
            self._fill_mailboxes(draft.mailbox_id)
            self.recording_check.setChecked(draft.recording)
            self.ivr_check.setChecked(draft.ivr)
            self.fax_check.setChecked(draft.fax)
            # IVR and fax profiles are set up in the provider's portal, not through its API.
            for box, profile, uses, set_up in (
                (
                    self.ivr_check,
                    did.ivr_profile_id,
                    _("Uses auto attendant (IVR) profile {profile}"),
                    _("Set up an auto attendant (IVR) profile in your provider's portal first"),
                ),
                (
                    self.fax_check,
                    did.fax_profile_id,
                    _("Uses fax profile {profile}"),
                    _("Set up a fax profile in your provider's portal first"),
                ),
            ):
                box.setEnabled(bool(profile) or box.isChecked())
                box.setToolTip(uses.format(profile=profile) if profile else set_up)
        finally:
            self._filling = False
        for error in self.errors.values():
            error.clear_error()
        self._sync_form_state()

    def _fill_peers(self, chosen: tuple[str, ...]) -> None:
        with QSignalBlocker(self.peers_list):
            self.peers_list.clear()
            known = {p.peer_id for p in self._peers}
            for peer in self._peers:
                item = QListWidgetItem(peer_label(peer), self.peers_list)
                item.setData(_PEER_ROLE, peer.peer_id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                checked = peer.peer_id in chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            for peer_id in chosen:  # a device the list does not know (yet)
                if peer_id not in known:
                    # Translators: a device the list does not know yet, by its id at the provider.
                    item = QListWidgetItem(_("Device {id}").format(id=peer_id), self.peers_list)
                    item.setData(_PEER_ROLE, peer_id)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked)
        rows = max(1, min(self.peers_list.count(), 6))  # as tall as its devices, no taller
        row_height = self.peers_list.sizeHintForRow(0) if self.peers_list.count() else 22
        self.peers_list.setFixedHeight(rows * row_height + 2 * self.peers_list.frameWidth() + 2)

    def _fill_mailboxes(self, chosen: str) -> None:
        with QSignalBlocker(self.mailbox_combo):
            self.mailbox_combo.clear()
            self.mailbox_combo.addItem(_("Choose a voicemail box…"), "")
            for box in self._mailboxes:
                self.mailbox_combo.addItem(mailbox_label(box), box.mailbox_id)
            if chosen and self.mailbox_combo.findData(chosen) < 0:
                # Translators: a voicemail box the list does not know yet, by its number.
                self.mailbox_combo.addItem(_("Box {id}").format(id=chosen), chosen)
            self.mailbox_combo.setCurrentIndex(max(0, self.mailbox_combo.findData(chosen)))

    def chosen_peers(self) -> tuple[str, ...]:
        out: list[str] = []
        for i in range(self.peers_list.count()):
            item = self.peers_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(_PEER_ROLE)))
        return tuple(out)

    def read_form(self) -> DidDraft:
        return DidDraft(
            friendly_name=self.name_edit.text(),
            forwarding=self.forward_check.isChecked(),
            forward_number=self.forward_edit.text(),
            forward_timeout=str(self.forward_timeout.currentData() or "disabled"),
            voicemail=self.voicemail_check.isChecked(),
            mailbox_id=str(self.mailbox_combo.currentData() or ""),
            peers=self.peers_check.isChecked(),
            peer_ids=self.chosen_peers(),
            peer_timeout=str(self.peer_timeout.currentData() or "disabled"),
            recording=self.recording_check.isChecked(),
            ivr=self.ivr_check.isChecked(),
            fax=self.fax_check.isChecked(),
            status=str(self.status_combo.currentData() or "enabled"),
        )

    def _edited(self, field: str, *_args: object) -> None:
        if self._filling:
            return
        did = self.current_did()
        if did is None:
            return
        draft = self.read_form()
        if did_form.same_as(did, draft, self.ctx.region):
            self._drafts.pop(did.did_id, None)
        else:
            self._drafts[did.did_id] = draft
        error = self.errors.get(field)
        if error is not None:
            error.clear_error()
        # What saving said is about the form as it was: gone once the user changes it.
        self.form_banner.hide()
        self._sync_form_state()

    def _sync_form_state(self) -> None:
        did = self.current_did()
        self.peers_list.setEnabled(self.peers_check.isChecked())
        self.peer_timeout.setEnabled(self.peers_check.isChecked())
        self.forward_edit.setEnabled(self.forward_check.isChecked())
        self.forward_timeout.setEnabled(self.forward_check.isChecked())
        self.mailbox_combo.setEnabled(self.voicemail_check.isChecked())
        count = len(self.chosen_peers())
        self.peers_count.setText(
            # Translators: how many devices are ticked, out of the most the provider rings at once.
            ngettext(
                "{count} of at most {max} ticked", "{count} of at most {max} ticked", count
            ).format(count=formats.number(count), max=formats.number(did_form.MAX_PEERS))
        )
        saving = did is not None and did.did_id in self._saving
        dirty = did is not None and did.did_id in self._drafts
        self.save_button.setEnabled(dirty and not saving)
        self.save_button.setText(_("Saving…") if saving else _("Save changes"))
        self.revert_button.setEnabled(dirty and not saving)
        self.dirty_label.setText(
            _("Sending your changes…")
            if saving
            else _("Unsaved changes (kept until you save or revert)")
            if dirty
            else ""
        )

    def revert(self) -> None:
        did = self.current_did()
        if did is None:
            return
        self._drafts.pop(did.did_id, None)
        self.form_banner.hide()
        self._fill(did, did_form.draft_of(did, self.ctx.region))

    # --- saving --------------------------------------------------------------------------------

    def _field_widget(self, field: str) -> QWidget | None:
        return {
            "friendly_name": self.name_edit,
            "forward_number": self.forward_edit,
            "forward_timeout": self.forward_timeout,
            "client_mailbox_id": self.mailbox_combo,
            "client_peer_ids": self.peers_list,
            "peer_timeout": self.peer_timeout,
            "status": self.status_combo,
        }.get(field)

    def _show_field_error(self, field: str, text: str) -> bool:
        error = self.errors.get(field)
        if error is None:
            return False
        error.show_error(text)
        widget = self._field_widget(field)
        if widget is not None and widget.isEnabled():
            widget.setFocus()
        return True

    def save(self) -> None:
        """Check the form against the vendor's rules, then send it once."""
        did = self.current_did()
        if self._service is None or did is None or did.did_id in self._saving:
            return
        for error in self.errors.values():
            error.clear_error()
        self.form_banner.hide()
        try:
            update = did_form.check(did, self.read_form(), self.ctx.region)
        except InputError as exc:
            text = did_form.field_message(exc)
            if exc.field == "did":
                self.form_banner.info(text)
            elif not self._show_field_error(exc.field, text):
                self.form_banner.error(text)
            return
        self._saving.add(did.did_id)
        self._sync_form_state()
        self.run(
            self._service.apply(did.did_id, update),
            partial(self._saved, did.did_id),
            on_error=partial(self._save_failed, did.did_id),
            on_finally=partial(self._save_finished, did.did_id),
        )

    def _saved(self, did_id: str, outcome: tuple[Fresh[list[Did]], WriteResult]) -> None:
        fresh, result = outcome
        self._drafts.pop(did_id, None)
        self._set_dids(fresh.value)
        did = self.model.find(did_id)
        notes = [w.message() for w in result.warnings]
        if fresh.error is not None:
            notes.append(
                _("Saved, but the list could not be read again: {error}").format(
                    error=describe(fresh.error)
                )
            )
        if self._current_id == did_id:
            # One message under the buttons: the result, with what the provider added to it.
            saved = (
                _("Saved. {number} now works as shown.").format(
                    number=display(did.phone_number, self.ctx.region)
                )
                if did
                else _("Saved. The number now works as shown.")
            )
            if notes:
                self.form_banner.warning(" ".join((saved, *notes)))
            else:
                self.form_banner.success(saved)
        elif notes:
            self.banner.warning(" ".join(notes))

    def _save_failed(self, did_id: str, exc: TelephonyError) -> None:
        """In place, and the draft stays: nothing the user typed is lost, nothing is resent."""
        text = describe(exc)
        if self._current_id != did_id:
            did = self.model.find(did_id)
            number = display(did.phone_number, self.ctx.region) if did else did_id
            self.banner.error(
                # Translators: a number whose change failed while another number is shown.
                _("{number}: {error} Your changes are kept in its form.").format(
                    number=number, error=text
                )
            )
            return
        if isinstance(exc, InputError):
            text = did_form.field_message(exc)
            if not self._show_field_error(exc.field, text):
                self.form_banner.error(text)
            return
        if isinstance(exc, ProviderRejected) and self._show_field_error(
            did_form.field_for_rejection(exc), text
        ):
            return  # said once, under the field it is about
        if isinstance(exc, OutcomeUnknown):
            text = _("{error} Your changes are still in the form.").format(error=text)
        self.form_banner.error(text)

    def _save_finished(self, did_id: str) -> None:
        self._saving.discard(did_id)
        self._sync_form_state()

    def is_saving(self) -> bool:
        return bool(self._saving)

    # --- inventory -----------------------------------------------------------------------------

    def _type_changed(self) -> None:
        local = self.type_combo.currentData() == "local"
        for edit in (self.npa_edit, self.nxx_edit):
            edit.setEnabled(local)
        tip = "" if local else _("Area code and exchange only apply to local numbers.")
        self.npa_edit.setToolTip(tip or _(_NPA_TIP))
        self.nxx_edit.setToolTip(tip or _("Exchange (NXX): 3 digits. Leave empty for any."))
        self._criteria_edited()

    def _criteria_edited(self, *_args: object) -> None:
        """What the last search said no longer matches what is asked: its error and its "no
        numbers match" go (the results found stay, with their count)."""
        self.inventory_error.clear_error()
        if self._search_failed_shown:
            self.inventory_banner.hide()
            self._search_failed_shown = False
        if self.results_stack.currentIndex() == 0:
            self.results_hint.setText(_("Search to see numbers you can order."))

    def search_inventory(self) -> None:
        if self._service is None or self._searching:
            return
        kind = str(self.type_combo.currentData() or "")
        local = kind == "local"
        npa = self.npa_edit.text().strip() if local else ""
        nxx = self.nxx_edit.text().strip() if local else ""
        self.inventory_error.clear_error()
        self.inventory_banner.hide()
        self._search_failed_shown = False
        try:
            did_form.inventory_query(kind, npa, nxx)
        except InputError as exc:
            self.inventory_error.show_error(did_form.field_message(exc))
            target = {"npa": self.npa_edit, "nxx": self.nxx_edit}.get(exc.field)
            if target is not None:
                target.setFocus()
            return
        self._searching = True
        self.order_confirm.dismiss()
        self.search_button.setEnabled(False)
        self.search_button.setText(_("Searching…"))
        self.inventory_status.setText(_("Searching your provider's inventory…"))
        self.run(
            self._service.search_inventory(kind=kind or None, npa=npa or None, nxx=nxx or None),
            self._show_results,
            on_error=self._search_failed,
            on_finally=self._search_finished,
        )

    def _show_results(self, items: list[InventoryDid]) -> None:
        self._results = list(items)
        self.results.clear()
        for item in items:
            entry = QListWidgetItem(did_form.inventory_line(item, self.ctx.region), self.results)
            entry.setData(Qt.ItemDataRole.UserRole, item.did_id)
        self.results_stack.setCurrentIndex(1 if items else 0)
        if items:
            count = len(items)
            self.inventory_status.setText(
                ngettext(
                    "{count} number available. Select one, then Order…",
                    "{count} numbers available. Select one, then Order…",
                    count,
                ).format(count=formats.number(count))
            )
        else:
            self.results_hint.setText(
                _("No numbers match. Try another area code or exchange, or leave them empty.")
            )
            self.inventory_status.setText("")
        self._result_changed()

    def _search_failed(self, exc: TelephonyError) -> None:
        if isinstance(exc, InputError):
            self.inventory_error.show_error(did_form.field_message(exc))
        else:
            self.inventory_banner.error(describe(exc))
            self._search_failed_shown = True
        self.inventory_status.setText("")

    def _search_finished(self) -> None:
        self._searching = False
        self.search_button.setEnabled(self._service is not None)
        self.search_button.setText(_("Search"))

    @property
    def searching(self) -> bool:
        return self._searching

    def selected_result(self) -> InventoryDid | None:
        row = self.results.currentRow()
        return self._results[row] if 0 <= row < len(self._results) else None

    def _result_changed(self, *_args: object) -> None:
        self.order_confirm.dismiss()
        self.order_row.show()
        self.order_button.setEnabled(self.selected_result() is not None and not self._ordering)

    def ask_order(self) -> None:
        item = self.selected_result()
        if item is None or self._ordering:
            return
        self.inventory_banner.hide()
        self._search_failed_shown = False
        self.order_button.setEnabled(False)  # the bar's own button is the one that orders
        self.order_row.hide()
        self.order_confirm.ask(
            did_form.order_confirmation(item, self.ctx.region), _("Order this number"), "caution"
        )

    def _order_confirmed(self) -> None:
        self.order_row.show()
        item = self.selected_result()
        if self._service is None or item is None or self._ordering:
            return
        self._ordering = True
        self.order_button.setEnabled(False)
        self.order_button.setText(_("Ordering…"))
        self.inventory_status.setText(
            _("Ordering {number}…").format(number=display(item.phone_number, self.ctx.region))
        )
        self.run(
            self._service.order_item(item),
            partial(self._ordered, item),
            on_error=self._order_failed,
            on_finally=self._order_finished,
        )

    def _ordered(
        self, item: InventoryDid, outcome: tuple[Did | None, WriteResult, Fresh[list[Did]]]
    ) -> None:
        did, result, fresh = outcome
        number = display(item.phone_number, self.ctx.region)
        index = next((i for i, r in enumerate(self._results) if r.did_id == item.did_id), -1)
        if index >= 0:
            del self._results[index]
            self.results.takeItem(index)
        self._set_dids(fresh.value)
        new_id = did.did_id if did is not None else ""
        if not new_id or self.model.row_of(new_id) < 0:
            new_id = next(
                (d.did_id for d in fresh.value if d.phone_number.endswith(item.phone_number)), ""
            )
        if new_id:
            self.select_did(new_id)
        self.inventory_banner.success(
            _(
                "{number} is now on your account. Give it a name and choose where its calls go."
            ).format(number=number)
        )
        notes = [w.message() for w in result.warnings]
        if fresh.error is not None:
            notes.append(
                _("Ordered, but the list could not be read again: {error}").format(
                    error=describe(fresh.error)
                )
            )
        if notes:
            self.banner.warning(" ".join(notes))

    def _order_failed(self, exc: TelephonyError) -> None:
        self.inventory_banner.error(describe(exc))

    def _order_finished(self) -> None:
        self._ordering = False
        self.order_button.setText(_("Order…"))
        self.inventory_status.setText("")
        self._result_changed()

    @property
    def ordering(self) -> bool:
        return self._ordering
