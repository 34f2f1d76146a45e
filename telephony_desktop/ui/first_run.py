"""The first-run screen: shown when no account is configured (and not in ``--demo``).

Two ways forward, each one click: add your provider account (the same form as in Settings; the
secret goes to the keyring), or try the app on the built-in demo data. ``FirstRunWidget`` is the
screen; ``FirstRunWindow`` is it as a top-level window that also says when it is closed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import N_, _
from telephony_desktop.ui.accounts.form import AccountForm
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.widgets.banner import Banner

_WELCOME = N_(
    "Call from your computer through your phone provider, find any call in your history, "
    "listen to voicemail and recordings, and manage your numbers and their emergency "
    "addresses."
)
_ADD_TEXT = N_(
    "Connect your provider account. You need its account ID and API token; the token is kept "
    "in your system keyring, never in a file."
)
_DEMO_TEXT = N_(
    "Look around first with made-up calls, voicemail and numbers. Everything runs on this "
    "computer; nothing is sent to a provider and nothing is kept afterwards."
)


class FirstRunWidget(QWidget):
    """Welcome, then "Add account" (the account form) or "Try the demo"."""

    account_added = Signal(object)  # settings.Account, saved (config written, secret stored)
    demo_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("first-run")
        self.banner = Banner(self)
        self.pages = QStackedWidget(self)

        self.add_button = QPushButton(_("Add account"), self)
        self.add_button.setObjectName("first-run-add")
        self.add_button.setDefault(True)
        self.add_button.setAutoDefault(True)
        self.demo_button = QPushButton(_("Try the demo"), self)
        self.demo_button.setObjectName("first-run-demo")
        self.demo_button.setAutoDefault(True)
        for button in (self.add_button, self.demo_button):
            button.setMinimumSize(180, 44)
            font = QFont(button.font())
            font.setPointSizeF(font.pointSizeF() * 1.1)
            button.setFont(font)
        self.add_button.clicked.connect(self.show_form)
        self.demo_button.clicked.connect(self._demo)

        self.form = AccountForm(ctx, self)
        self.form.cancel_button.setText(_("Back"))
        self.form.saved.connect(self.account_added)
        self.form.cancelled.connect(self.show_welcome)

        self.welcome = self._welcome_page()
        self.pages.addWidget(self.welcome)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget(scroll)
        form_column = QVBoxLayout()
        form_column.setSpacing(10)
        lead = QLabel(
            _(
                "Your account with the phone provider. You can add more accounts, or change "
                "this one, later in Settings."
            ),
            holder,
        )
        lead.setWordWrap(True)
        form_column.addSpacing(8)
        form_column.addWidget(lead)
        form_column.addWidget(self.form)
        form_column.addStretch(1)
        column = QHBoxLayout(holder)
        column.addStretch(1)
        column.addLayout(form_column, 5)
        column.addStretch(1)
        scroll.setWidget(holder)
        self.form_page = scroll
        self.pages.addWidget(scroll)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.show_welcome()

    def _welcome_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel(_("Welcome to Telephony Desktop"), page)
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.9)
        title_font.setBold(True)
        title.setFont(title_font)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro = QLabel(_(_WELCOME), page)
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        intro_font = QFont(intro.font())
        intro_font.setPointSizeF(intro_font.pointSizeF() * 1.1)
        intro.setFont(intro_font)

        choices = QHBoxLayout()
        choices.setSpacing(20)
        choices.addWidget(self._choice(page, self.add_button, _(_ADD_TEXT)))
        choices.addWidget(self._choice(page, self.demo_button, _(_DEMO_TEXT)))

        column = QVBoxLayout()
        column.setSpacing(18)
        column.addStretch(2)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addLayout(choices)
        column.addStretch(3)
        outer = QHBoxLayout(page)
        outer.addStretch(1)
        outer.addLayout(column, 6)
        outer.addStretch(1)
        return page

    @staticmethod
    def _choice(parent: QWidget, button: QPushButton, text: str) -> QFrame:
        card = QFrame(parent)
        card.setObjectName("first-run-choice")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(button)
        label = QLabel(text, card)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(label, 1)
        return card

    # --- pages ---------------------------------------------------------------------------------

    def show_welcome(self) -> None:
        self.pages.setCurrentWidget(self.welcome)
        self.add_button.setFocus()

    def show_form(self) -> None:
        self.banner.hide()
        self.form.load(None)
        self.pages.setCurrentWidget(self.form_page)
        self.form.name.setFocus()

    def _demo(self) -> None:
        self.banner.hide()
        self.demo_requested.emit()

    # --- for whoever opens the account or the demo -----------------------------------------

    def set_busy(self, text: str) -> None:
        """Opening takes a moment: say so, and let nothing be clicked twice."""
        self.banner.info(text)
        for button in (self.add_button, self.demo_button, self.form.save_button):
            button.setEnabled(False)

    def show_error(self, exc: TelephonyError) -> None:
        """Opening failed: the sentence in place, the buttons usable again."""
        self.banner.error(describe(exc))
        for button in (self.add_button, self.demo_button, self.form.save_button):
            button.setEnabled(True)


class FirstRunWindow(FirstRunWidget):
    """The first-run screen as its own window: ``account_added`` once an account is saved
    (config written, secret in the keyring), ``demo_requested``, or ``closed``."""

    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(_("Welcome to Telephony Desktop"))
        self.setMinimumSize(640, 520)
        self.resize(900, 680)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()
