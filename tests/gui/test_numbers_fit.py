"""The Numbers and E911 tabs at 1024×640, in English and in French: no text cut off.

Every visible label, button, check box, radio button, drop-down and greyed example must show its
whole text (a wrapping label: no word wider than it, and the height its lines need), every column
heading must fit its column, and nothing may stick out past the edge of what holds it (a form
wider than its pane). Checked with the forms in the states that show the most text: errors under
fields, the provider's suggestions, the questions before saving, ordering and deleting.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.seed import (
    E911_ADDRESS_STREET_NOT_FOUND,
    E911_ADDRESS_WITH_ALTERNATES,
)
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dids import DidsTab
from telephony_desktop.ui.tabs.e911 import E911Tab
from tests.gui.conftest import Runner
from tests.gui.test_dids import run, select, type_into

__all__ = ["run"]  # the steady runner (see tests/gui/test_dids.py)

WIDTH, HEIGHT = 1024, 640


def _plain(text: str, mnemonic: bool) -> str:
    if mnemonic:  # "&Name" shows "Name"; "&&" shows "&"
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text


def _cut_off_by_container(widget: QWidget, root: QWidget) -> str:
    left = widget.mapTo(root, QPoint(0, 0)).x()
    right = left + widget.width()
    clip_left, clip_right = 0, root.width()
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        x = parent.mapTo(root, QPoint(0, 0)).x()
        clip_left, clip_right = max(clip_left, x), min(clip_right, x + parent.width())
        parent = parent.parentWidget()
    if left < clip_left - 1 or right > clip_right + 1:
        return f"spans {left}-{right}, its container shows {clip_left}-{clip_right}"
    return ""


def _label(label: QLabel) -> str:
    if not label.text() or label.textFormat() == Qt.TextFormat.RichText:
        return ""
    metrics = label.fontMetrics()
    text = _plain(label.text(), label.buddy() is not None)
    room = label.contentsRect().width() - 2 * label.margin() - max(0, label.indent())
    if label.wordWrap():
        widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        if widest > room:
            return f"a word needs {widest}, the label has {room}"
        if label.height() + 1 < label.heightForWidth(label.width()):
            return f"{label.height()} high, its lines need {label.heightForWidth(label.width())}"
        return ""
    need = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return f"needs {need}, has {room}" if need > room else ""


def _button(button: QAbstractButton) -> str:
    if not button.text():
        return ""
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    element = (
        QStyle.SubElement.SE_CheckBoxContents
        if isinstance(button, QCheckBox)
        else QStyle.SubElement.SE_RadioButtonContents
        if isinstance(button, QRadioButton)
        else QStyle.SubElement.SE_PushButtonContents
    )
    room = button.style().subElementRect(element, option, button).width()
    need = button.fontMetrics().horizontalAdvance(_plain(button.text(), True))
    if isinstance(button, QPushButton) and not button.icon().isNull():
        need += button.iconSize().width() + 4
    return f"needs {need}, has {room}" if need > room else ""


def _combo(combo: QComboBox) -> str:
    if not combo.currentText():
        return ""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = (
        combo.style()
        .subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            combo,
        )
        .width()
    )
    need = combo.fontMetrics().horizontalAdvance(combo.currentText())
    return f"needs {need}, has {room}" if need > room else ""


def _placeholder(edit: QLineEdit) -> str:
    if edit.text() or not edit.placeholderText():
        return ""
    frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    room = edit.contentsRect().width() - 2 * frame - 2
    need = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    return f"example needs {need}, has {room}" if need > room else ""


def _headings(table: QTableView) -> list[str]:
    header = table.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    out = []
    for column in range(table.model().columnCount()):
        text = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
        need = header.fontMetrics().horizontalAdvance(text) + 2 * margin
        if need > header.sectionSize(column):
            out.append(f"heading {text!r} needs {need}, has {header.sectionSize(column)}")
    return out


def cut_off(root: QWidget) -> list[str]:
    """Every text under ``root`` that is not shown whole, said as a readable line."""
    problems: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() <= 0:
            continue
        name = f"{type(widget).__name__}#{widget.objectName()}"
        text = getattr(widget, "text", None)
        shown = text() if callable(text) else ""
        if isinstance(widget, (QLabel, QAbstractButton, QComboBox, QLineEdit)):
            overflow = _cut_off_by_container(widget, root)
            if overflow:
                problems.append(f"{name} {shown!r}: {overflow}")
                continue
        problem = ""
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
            shown = widget.currentText()
        elif isinstance(widget, QLineEdit):
            problem = _placeholder(widget)
            shown = widget.placeholderText()
        elif isinstance(widget, QTableView):
            problems += [f"{name} {p}" for p in _headings(widget)]
        if problem:
            problems.append(f"{name} {shown!r}: {problem}")
    return problems


@pytest.fixture(params=["en", "fr"])
def small_window(
    request: pytest.FixtureRequest, qtbot: QtBot, ctx: AppContext, run: Runner
) -> Iterator[MainWindow]:
    if request.param == "fr":
        request.getfixturevalue("french")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(WIDTH, HEIGHT)
    win.show()
    run.until(lambda: not ctx.tasks.busy)
    yield win
    run.until(lambda: not ctx.tasks.busy)


def assert_whole(window: MainWindow, run: Runner, state: str) -> None:
    run.pump(0.1)  # let the layouts settle
    assert (window.width(), window.height()) == (WIDTH, HEIGHT), "the window must fit 1024×640"
    problems = cut_off(window)
    assert not problems, f"{state}: " + "; ".join(problems)


def test_numbers_tab_shows_every_text_whole(
    qtbot: QtBot, small_window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    window = small_window
    tab = window.show_tab("dids")
    assert isinstance(tab, DidsTab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    assert_whole(window, run, "the list")

    select(tab, "4505550104")  # forwards, with a name
    assert_whole(window, run, "a number's form")
    type_into(qtbot, tab.name_edit, "x")
    type_into(qtbot, tab.forward_edit, "12")
    tab.save_button.click()
    assert tab.errors["friendly_name"].isVisible()
    assert_whole(window, run, "an error under the name")
    type_into(qtbot, tab.name_edit, "Ventes")
    tab.save_button.click()
    assert tab.errors["forward_number"].isVisible()
    assert_whole(window, run, "an error under the forwarding number")
    type_into(qtbot, tab.forward_edit, "(514) 555-0177")
    sandbox.faults.add("set_did", "reset", apply_effect=False)
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.isVisible()
    assert_whole(window, run, "a failed save")

    tab.npa_edit.setText("514")
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    tab.results.setCurrentRow(0)
    tab.order_button.click()
    assert tab.order_confirm.isVisible()
    assert_whole(window, run, "the question before ordering")
    tab.order_confirm.cancel_button.click()
    tab.nxx_edit.setText("999")
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    assert_whole(window, run, "a search with no match")
    run.until(lambda: not ctx.tasks.busy)


def test_e911_tab_shows_every_text_whole(
    qtbot: QtBot, small_window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    from tests.gui.test_e911 import fill

    window = small_window
    tab = window.show_tab("e911")
    assert isinstance(tab, E911Tab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    assert_whole(window, run, "the list")

    tab.select_number("5145550100")  # an address on file
    assert_whole(window, run, "an address on file")
    tab.associate_button.click()
    run.until(lambda: not tab.busy())
    assert tab.devices_banner.isVisible()
    assert_whole(window, run, "a device associated")
    tab.delete_button.click()
    run.until(lambda: tab.delete_confirm.isVisible())
    assert_whole(window, run, "the question before deleting")
    tab.delete_confirm.cancel_button.click()

    tab.select_number(E911_ADDRESS_WITH_ALTERNATES["phone_number"])  # none on file
    assert_whole(window, run, "no address on file")
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert tab.alternates_box.isVisible()
    assert_whole(window, run, "the provider's suggestions")
    tab.save_button.click()
    assert tab.save_confirm.isVisible()
    assert_whole(window, run, "saving an address just refused")
    tab.save_confirm.cancel_button.click()

    fill(qtbot, tab, {**E911_ADDRESS_STREET_NOT_FOUND, "civic_number": "12B"})
    tab.save_button.click()
    assert tab.errors["civic_number"].isVisible()
    assert_whole(window, run, "an error under the civic number")
    fill(qtbot, tab, E911_ADDRESS_STREET_NOT_FOUND)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert tab.errors["street"].isVisible()
    assert_whole(window, run, "a street the provider does not know")
    run.until(lambda: not ctx.tasks.busy)
