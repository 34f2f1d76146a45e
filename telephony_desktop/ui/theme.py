"""Light and dark, and the few colours the app adds to them, chosen to be readable on both.

Every colour here meets WCAG AA against the backgrounds it is drawn on (4.5:1 for text, 3:1 for
focus indicators and control borders); ``tests/gui/test_contrast.py`` measures it on rendered
screenshots. Widgets never hard-code a colour: a label takes a *tone* (``set_tone(label,
"error")``) and the application style sheet colours it for the theme in force, so a theme switch
while the app runs restyles every widget at once (popups, completers and lists included).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

TONES: Final = ("error", "warning", "success", "accent", "hint")

# (light, dark): each is >= 4.5:1 on its theme's window and base colours.
_TONE_COLOURS: Final[dict[str, tuple[str, str]]] = {
    "error": ("#b3261e", "#ff8a80"),
    "warning": ("#8a4b00", "#ffb74d"),
    "success": ("#1b6e3e", "#6fcf97"),
    "accent": ("#1a5fb4", "#8ab4f8"),
    "hint": ("#5f6368", "#a4a8ae"),
}
# Filled buttons: white text on these is >= 4.5:1 (with a darker border for 3:1 on the window).
_DANGER: Final = ("#b3261e", "#8c1d18")
_CALL: Final = ("#1b6e3e", "#145230")
_FOCUS: Final = ("#0b57d0", "#8ab4f8")


def is_dark(app: QGuiApplication | None = None) -> bool:
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if app is None:
        return False
    window = app.palette().color(QPalette.ColorRole.Window)  # type: ignore[union-attr]
    return window.lightness() < 128


def tone_colour(tone: str, dark: bool | None = None) -> QColor:
    """The colour of ``tone`` for the theme in force (or the one asked for): for item models'
    ForegroundRole, read at paint time so a theme switch repaints with the new one."""
    light_hex, dark_hex = _TONE_COLOURS[tone]
    return QColor(dark_hex if (is_dark() if dark is None else dark) else light_hex)


def focus_colour(dark: bool | None = None) -> str:
    """The focus ring's colour: >= 3:1 against the window and base colours of the theme."""
    return _FOCUS[1] if (is_dark() if dark is None else dark) else _FOCUS[0]


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour ``widget``'s text by meaning (``None``: the normal text colour). Kept through theme
    switches: ``apply_palette`` recolours every toned widget."""
    widget.setProperty("tone", tone)
    _paint_tone(widget, tone, is_dark())


def set_role(button: QWidget, role: str | None) -> None:
    """A filled button: ``danger`` (delete) or ``call`` (the Dialer's Call)."""
    button.setProperty("role", role)
    button.setStyleSheet(_role_sheet(role, is_dark()))


def _paint_tone(widget: QWidget, tone: str | None, dark: bool) -> None:
    palette = widget.palette()
    if tone is None:
        app_palette = QGuiApplication.palette()
        colour = app_palette.color(QPalette.ColorRole.WindowText)
    else:
        colour = tone_colour(tone, dark)
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    palette.setColor(
        QPalette.ColorRole.Text, colour if tone else palette.color(QPalette.ColorRole.Text)
    )
    widget.setPalette(palette)


def _role_sheet(role: str | None, dark: bool) -> str:
    i = 1 if dark else 0
    if role == "danger":
        fill, edge = _DANGER
        return (
            f"QPushButton {{ background: {fill}; color: white; border: 1px solid {edge};"
            f" border-radius: 4px; padding: 4px 12px; }}"
            f" QPushButton:focus {{ border: 2px solid {_FOCUS[i]}; }}"
        )
    if role == "call":
        fill, edge = _CALL
        return (
            f"QPushButton:enabled {{ background: {fill}; color: white; border: 1px solid {edge};"
            f" border-radius: 5px; }}"
            f" QPushButton:enabled:hover {{ background: {edge}; }}"
            f" QPushButton:focus {{ border: 2px solid {_FOCUS[i]}; }}"
        )
    return ""


def light_palette(base: QPalette) -> QPalette:
    """Fusion's light palette with a placeholder text that is readable (Fusion's half-transparent
    one is about 3.5:1 on the window colour)."""
    p = QPalette(base)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(_TONE_COLOURS["hint"][0]))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#0b57d0"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.Link, QColor(_TONE_COLOURS["accent"][0]))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 49), QColor(225, 227, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor(37, 39, 42)),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor(_TONE_COLOURS["hint"][1])),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, QColor(53, 56, 61)),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor(255, 138, 128)),
        (QPalette.ColorRole.Light, QColor(70, 74, 80)),
        (QPalette.ColorRole.Midlight, QColor(60, 63, 68)),
        (QPalette.ColorRole.Dark, QColor(20, 21, 23)),
        (QPalette.ColorRole.Mid, QColor(110, 114, 120)),
        (QPalette.ColorRole.Shadow, QColor(0, 0, 0)),
        (QPalette.ColorRole.Highlight, QColor(30, 100, 200)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.Link, QColor(_TONE_COLOURS["accent"][1])),
    ):
        p.setColor(role, colour)
    disabled = QColor(120, 124, 130)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_palette(app: QApplication, dark: bool) -> None:
    """Switch every widget to the theme: the application palette, then what widgets add to it
    (tones and filled buttons), which a palette change alone would leave as they were."""
    app.setPalette(dark_palette() if dark else light_palette(app.style().standardPalette()))
    for widget in app.allWidgets():
        tone = widget.property("tone")
        if tone in TONES:
            _paint_tone(widget, str(tone), dark)
        role = widget.property("role")
        if role:
            widget.setStyleSheet(_role_sheet(str(role), dark))
