"""The system tray: the app's icon with the unread voicemail count, its menu, and notifications.

``Tray`` is a ``QObject`` that works whether or not the desktop has a system tray
(``QSystemTrayIcon.isSystemTrayAvailable()``; never under the offscreen platform, not on some
Linux desktops): without one the icon is simply not shown, while the menu, actions, tooltip,
badge and notification state keep working (tests drive them), and :attr:`Tray.notified` still
carries every notification so the window can show it in place. **Nothing may depend on the tray
to quit or to bring the window back**: when :attr:`Tray.available` is False, closing the window
must quit (ignore ``close_to_tray``).

Signals: ``show_requested`` (menu Show, or a click on the icon), ``dial_requested(str)`` (the
clipboard's number, normalised for the region: ``+15145550123`` or ``+15145550123 ext 5``),
``dial_refused(str)`` (why the clipboard could not be dialed; also shown as a tray message),
``paused_changed(bool)``, ``quit_requested``, ``open_voicemail(str)`` (a voicemail notification
was clicked: the id of the last one shown; for a summary, the newest message) and
``notified(str, str)`` (title, text of each notification shown).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QImage,
    QPainter,
    QPainterPath,
    QPixmap,
)
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import normalise
from telephony_desktop.i18n import _, formats, ngettext
from telephony_desktop.resources import APP_ICON_PNG, APP_ICON_SVG, resource_path
from telephony_desktop.services.voicemail_watch import (
    NewVoicemail,
    UnreadChanged,
    VoicemailSummary,
    WatchEvent,
)

log = logging.getLogger(__name__)

APP_NAME = "Telephony Desktop"  # the product's name: not translated
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
BADGE_COLOR = QColor("#d93025")
NOTIFY_MS = 10_000


# --- text --------------------------------------------------------------------------------------


def length_text(seconds: int) -> str:
    """``0:42``, ``8:59``, ``1:02:03``."""
    return formats.length(seconds)


def unread_text(count: int) -> str:
    if count <= 0:
        return APP_NAME
    # Translators: the tray icon's tooltip; {app} is the product's name, Telephony Desktop.
    return ngettext(
        "{app} — {count} new voicemail", "{app} — {count} new voicemails", count
    ).format(app=APP_NAME, count=formats.number(count))


def badge_text(count: int) -> str:
    """What the icon's badge says: nothing for 0, ``9+`` past nine."""
    if count <= 0:
        return ""
    return "9+" if count > 9 else str(count)


def notification_text(event: NewVoicemail | VoicemailSummary) -> str:
    """``New voicemail from Jean Côté, (514) 555-0123 · 0:42`` / ``5 new voicemails``."""
    if isinstance(event, VoicemailSummary):
        return ngettext("{count} new voicemail", "{count} new voicemails", event.count).format(
            count=formats.number(event.count)
        )
    who = ", ".join(p for p in (event.caller_name, event.caller_number_display) if p)
    length = length_text(event.duration_s)
    if not who:
        return _("New voicemail from an unknown caller · {length}").format(length=length)
    # Translators: {caller} is the caller's name and number, {length} the message's length (0:42).
    return _("New voicemail from {caller} · {length}").format(caller=who, length=length)


# --- icons -------------------------------------------------------------------------------------


def render_svg(path: Path, size: int) -> QImage | None:
    """The SVG drawn at ``size`` px square (transparent around), or None without QtSvg."""
    try:
        from PySide6.QtSvg import QSvgRenderer
    except ImportError:  # pragma: no cover - a bundle that left QtSvg out
        return None
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        return None
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _fallback_pixmap(size: int) -> QPixmap:
    """A plain disc: the tray needs *some* icon when the resources are missing."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1d7f5f"))
    painter.drawEllipse(QRectF(0, 0, size, size).adjusted(1, 1, -1, -1))
    painter.end()
    return pixmap


def app_icon() -> QIcon:
    """The application icon (window, tray): the SVG at every usual size, else the PNG, else a
    plain disc."""
    icon = QIcon()
    svg = resource_path(APP_ICON_SVG)
    if svg.is_file():
        for size in ICON_SIZES:
            image = render_svg(svg, size)
            if image is not None:
                icon.addPixmap(QPixmap.fromImage(image))
    if icon.isNull():
        png = resource_path(APP_ICON_PNG)
        if png.is_file():
            icon.addFile(str(png))
    if icon.isNull():
        log.warning("application icon not found under %s", svg.parent)
        icon.addPixmap(_fallback_pixmap(64))
    return icon


def badged_pixmap(base: QIcon, text: str, size: int = 64) -> QPixmap:
    """``base`` at ``size`` px with a red badge holding ``text`` in its top-right corner."""
    pixmap = base.pixmap(QSize(size, size))
    if pixmap.size() != QSize(size, size):
        pixmap = pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio)
    if not text:
        return pixmap
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = size * 0.56
    width = diameter if len(text) == 1 else diameter * 1.3
    rect = QRectF(size - width, 0, width, diameter)
    path = QPainterPath()
    path.addRoundedRect(rect, diameter / 2, diameter / 2)
    painter.fillPath(path, BADGE_COLOR)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, int(diameter * 0.68)))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


# --- the tray ----------------------------------------------------------------------------------


class Tray(QObject):
    """The tray icon and its menu (see the module doc for the signals)."""

    show_requested = Signal()
    dial_requested = Signal(str)
    dial_refused = Signal(str)
    paused_changed = Signal(bool)
    quit_requested = Signal()
    open_voicemail = Signal(str)
    notified = Signal(str, str)

    def __init__(
        self,
        region: str = "CA",
        *,
        paused: bool = False,
        icon: QIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.region = region
        self._base_icon = icon if icon is not None else app_icon()
        self._unread = 0
        self._last_voicemail_id: str | None = None
        self.last_message: tuple[str, str] | None = None  # (title, text) last notified

        self.menu = QMenu()
        self.show_action = QAction(_("Show Telephony Desktop"), self)
        self.dial_action = QAction(_("Dial number from clipboard"), self)
        self.pause_action = QAction(_("Pause notifications"), self)
        self.pause_action.setCheckable(True)
        self.pause_action.setChecked(paused)
        self.quit_action = QAction(_("Quit"), self)
        self.menu.addAction(self.show_action)
        self.menu.addAction(self.dial_action)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.show_action.triggered.connect(self.show_requested)
        self.dial_action.triggered.connect(self.dial_from_clipboard)
        self.pause_action.toggled.connect(self.paused_changed)
        self.quit_action.triggered.connect(self.quit_requested)

        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        self._refresh()
        if self.available:
            self.icon.show()
        else:
            log.info("no system tray on this desktop: the tray icon is not shown")

    # --- state ---------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.pause_action.isChecked()

    def set_paused(self, paused: bool) -> None:
        self.pause_action.setChecked(paused)  # emits paused_changed when it changes

    @property
    def unread(self) -> int:
        return self._unread

    @property
    def tooltip(self) -> str:
        return self.icon.toolTip()

    @property
    def badge(self) -> str:
        return badge_text(self._unread)

    def set_unread(self, count: int) -> None:
        count = max(0, int(count))
        if count != self._unread:
            self._unread = count
            self._refresh()

    def current_pixmap(self, size: int = 64) -> QPixmap:
        """The icon as the tray shows it (with its badge)."""
        return badged_pixmap(self._base_icon, self.badge, size)

    def _refresh(self) -> None:
        self.icon.setToolTip(unread_text(self._unread))
        if self._unread:
            icon = QIcon()
            for size in (16, 22, 24, 32, 48, 64):
                icon.addPixmap(self.current_pixmap(size))
            self.icon.setIcon(icon)
        else:
            self.icon.setIcon(self._base_icon)

    # --- events from the watcher ---------------------------------------------------------------

    def handle_event(self, event: WatchEvent) -> None:
        """Everything the watcher reports: notifications and the unread count (errors are the
        window's business)."""
        if isinstance(event, NewVoicemail | VoicemailSummary):
            self.notify(event)
        elif isinstance(event, UnreadChanged):
            self.set_unread(event.count)

    def notify(self, event: NewVoicemail | VoicemailSummary) -> bool:
        """Show the notification unless paused; True when shown."""
        if self.paused:
            return False
        vm_id = event.newest_id if isinstance(event, VoicemailSummary) else event.voicemail_id
        self._show(APP_NAME, notification_text(event), vm_id)
        return True

    def _show(
        self,
        title: str,
        text: str,
        voicemail_id: str | None,
        kind: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> None:
        self._last_voicemail_id = voicemail_id
        self.last_message = (title, text)
        if self.available:
            self.icon.showMessage(title, text, kind, NOTIFY_MS)
        self.notified.emit(title, text)

    def _message_clicked(self) -> None:
        # QSystemTrayIcon.messageClicked carries nothing: the last message shown is the one.
        if self._last_voicemail_id is not None:
            self.open_voicemail.emit(self._last_voicemail_id)
        else:
            self.show_requested.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    # --- clipboard -----------------------------------------------------------------------------

    def dial_from_clipboard(self, text: str | None = None) -> str | None:
        """Emit ``dial_requested`` with the clipboard's number (``text`` stands in for the
        clipboard); when it holds no number, say why (``dial_refused``) and emit nothing."""
        if not isinstance(text, str):  # QAction.triggered passes a bool
            text = QGuiApplication.clipboard().text()
        text = text.strip()
        if not text:
            self._refuse(_("The clipboard is empty: copy a phone number, then try again."))
            return None
        try:
            number = normalise(text, self.region)
        except InputError as exc:
            shown = text if len(text) <= 40 else text[:39] + "…"
            # Translators: {text} is what the clipboard holds.
            why = _("Nothing to dial: “{text}” is not a phone number.").format(text=shown)
            self._refuse(f"{why} {exc.user_message()}")
            return None
        dialable = f"{number.e164} ext {number.extension}" if number.extension else number.e164
        self.dial_requested.emit(dialable)
        return dialable

    def _refuse(self, why: str) -> None:
        self._show(APP_NAME, why, None, QSystemTrayIcon.MessageIcon.Warning)
        self.dial_refused.emit(why)

    # --- teardown ------------------------------------------------------------------------------

    def hide(self) -> None:
        """Take the icon off the tray (call before quitting; some desktops leave ghosts)."""
        self.icon.hide()


def _write_png(size: int = 256) -> int:
    """``python -m telephony_desktop.ui.tray``: (re)render resources/icons/telephony-desktop.png
    from the SVG."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    image = render_svg(resource_path(APP_ICON_SVG), size)
    if image is None:
        print("cannot render the SVG (QtSvg missing or the file invalid)", file=sys.stderr)
        return 1
    target = resource_path(APP_ICON_PNG)
    ok = image.save(str(target), b"PNG")
    print(f"{'wrote' if ok else 'could not write'} {target}")
    del app
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(_write_png())
