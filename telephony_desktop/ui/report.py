"""Help → "Report a problem…": save the redacted diagnostic bundle where the user chooses.

The save dialog is opened with ``open()`` (never ``exec()``: a nested event loop would stall the
running tasks under qasync); the bundle is written off the Qt thread (``asyncio.to_thread``) and a
banner then says where it is, with an "Open folder" action.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from telephony_desktop.diagnostics import asecret_sources, default_bundle_name, write_bundle
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import N_, _
from telephony_desktop.store import paths
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.widgets.banner import Banner, Level

log = logging.getLogger(__name__)

OPEN_FOLDER = N_("Open folder")


def _default_folder() -> Path:
    for location in (
        QStandardPaths.StandardLocation.DesktopLocation,
        QStandardPaths.StandardLocation.DocumentsLocation,
    ):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def open_folder(folder: Path, opener: Callable[[QUrl], bool] = QDesktopServices.openUrl) -> bool:
    """Show ``folder`` in the desktop's file manager (created first if missing)."""
    with contextlib.suppress(OSError):  # else the file manager says it is missing: the truth
        folder.mkdir(parents=True, exist_ok=True)
    return bool(opener(QUrl.fromLocalFile(str(folder))))


class ProblemReporter(QObject):
    """Runs the "Report a problem…" flow for a window: dialog, bundle, banner."""

    def __init__(
        self,
        parent: QWidget,
        ctx: AppContext,
        banner: Banner,
        *,
        log_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self.ctx = ctx
        self.banner = banner
        self.log_dir = log_dir if log_dir is not None else paths.log_dir()
        self.dialog: QFileDialog | None = None
        self.last_bundle: Path | None = None
        self._banner_text = ""
        self.opener: Callable[[QUrl], bool] = QDesktopServices.openUrl  # tests replace it
        banner.action_clicked.connect(self._banner_action)

    # --- the flow ------------------------------------------------------------------------------

    def start(self) -> None:
        """Ask where to save the report (a window-modal dialog, no nested event loop)."""
        if self.dialog is not None:  # already asking (it is window-modal: rarely reached)
            return
        suggested = _default_folder() / default_bundle_name()
        dialog = QFileDialog(self._parent, _("Save a problem report"), str(suggested))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([_("Zip archives (*.zip)"), _("All files (*)")])
        dialog.setDefaultSuffix("zip")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.save_to)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None

    def save_to(self, chosen: str | Path) -> None:
        """Write the bundle to ``chosen`` (the dialog's ``fileSelected``) as a task."""
        target = Path(chosen)
        self.banner.info(_("Writing the problem report…"))
        self.ctx.tasks.start(
            self.write(target),
            on_done=self._written,
            on_error=self._failed,
            name="report-problem",
        )

    async def write(self, target: Path) -> Path:
        """The bundle, its keyring look-ups and disk work all off the Qt thread."""
        sources = await asecret_sources(self.ctx.config, self.ctx.secrets)
        return await asyncio.to_thread(
            write_bundle,
            target,
            config_path=self.ctx.config_path,
            log_dir=self.log_dir,
            extra=self.qt_details(),
            sources=sources,
            store=self.ctx.secrets,
        )

    @staticmethod
    def qt_details() -> dict[str, str]:
        """What only the window knows: the running Qt and its platform plugin and screens (for
        support, in the bundle: not translated)."""
        details = {"Qt runtime": qVersion(), "Platform plugin": QGuiApplication.platformName()}
        screens = QGuiApplication.screens()
        if screens:
            details["Screens"] = ", ".join(
                f"{s.size().width()}x{s.size().height()}@{s.devicePixelRatio():g}" for s in screens
            )
        return details

    def _written(self, path: Path) -> None:
        self.last_bundle = path
        self._banner_text = _(
            "Saved the problem report to {path}. It holds no passwords or tokens; attach it "
            "to your message to support."
        ).format(path=path)
        self.banner.show_message(self._banner_text, Level.SUCCESS, _(OPEN_FOLDER))

    def _failed(self, exc: TelephonyError) -> None:
        self._banner_text = ""
        self.banner.error(describe(exc))

    def _banner_action(self) -> None:
        # The banner is shared: act only while it still shows this report's message.
        if self.last_bundle is not None and self.banner.text == self._banner_text:
            self.open_report_folder()

    # --- folders -------------------------------------------------------------------------------

    def open_report_folder(self) -> bool:
        if self.last_bundle is None:
            return False
        return open_folder(self.last_bundle.parent, self.opener)

    def open_log_folder(self) -> bool:
        """Help → "Open log folder": the rotating log and any crash reports."""
        return open_folder(self.log_dir, self.opener)
