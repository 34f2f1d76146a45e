"""The first-run screen: with no account configured, add one or try the demo."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from telephony_desktop.domain.errors import InputError
from telephony_desktop.store import settings
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.settings.tab import AccountForm
from telephony_desktop.ui.widgets.banner import Banner


class FirstRunWindow(QWidget):
    """Emits ``account_added`` once an account is saved (config + keyring), ``demo_requested``
    for the demo, ``closed`` if the person closes the window instead."""

    account_added = Signal(object)
    demo_requested = Signal()
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("first-run")
        self.setWindowTitle("Welcome to Telephony Desktop")
        self.resize(720, 560)
        title = QLabel("Welcome to Telephony Desktop", self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Place calls from your desktop, search your call history, listen to voicemail and "
            "keep your numbers and emergency addresses right.\n\nConnect your provider account "
            "to begin, or look around with demo data first.",
            self,
        )
        intro.setWordWrap(True)
        self.banner = Banner(self)
        self.add_button = QPushButton("Add account", self)
        self.add_button.setDefault(True)
        self.add_button.setMinimumHeight(40)
        self.demo_button = QPushButton("Try the demo", self)
        self.demo_button.setMinimumHeight(40)
        for button in (self.add_button, self.demo_button):
            button.setMinimumWidth(170)
        self.form = AccountForm(self)
        self.form.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.add_button.clicked.connect(lambda: self.form.load(None))
        self.demo_button.clicked.connect(self.demo_requested)
        self.form.cancel_button.clicked.connect(self.form.hide)
        self.form.save_button.clicked.connect(self.save)
        self._task: asyncio.Task[None] | None = None

    def save(self) -> None:
        try:
            account = self.form.account()
        except InputError as exc:
            self.form.error.setText(exc.user_message(self.ctx.lang))
            return
        secret = self.form.secret.text()
        if not secret:
            self.form.error.setText("Enter the auth token; it is stored in the system keyring.")
            return
        config = settings.add_account(self.ctx.config, account, make_default=True)

        async def store() -> None:
            await self.ctx.secrets.aset(account.name, account.secret_fields[0], secret)
            await asyncio.to_thread(settings.save_config, self.ctx.config_path, config)
            self.ctx.config = config

        self.form.save_button.setEnabled(False)
        self.ctx.tasks.start(
            store(),
            on_done=lambda _r: self.account_added.emit(account),
            on_error=lambda exc: self.banner.error(describe(exc, self.ctx.lang)),
            on_finally=lambda: self.form.save_button.setEnabled(True),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()
