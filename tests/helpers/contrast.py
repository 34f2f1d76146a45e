"""WCAG 2.x contrast, measured on what Qt rendered: the widget's own pixels, not its palette."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

Rgb = tuple[int, int, int]


def luminance(rgb: Rgb) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: Rgb, b: Rgb) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def pixels(image: QImage, rect: QRect | None = None) -> list[Rgb]:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    area = rect.intersected(image.rect()) if rect is not None else image.rect()
    out: list[Rgb] = []
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            c = image.pixel(x, y)
            out.append(((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF))
    return out


def text_contrast(image: QImage, rect: QRect | None = None) -> tuple[float, Rgb, Rgb]:
    """(ratio, text colour, background colour) of text drawn in ``rect``: the background is the
    most common colour; the text is the colour that stands out most from it among the colours
    drawn at least ``MIN_PIXELS`` times (a glyph's solid strokes, not one anti-aliased speck)."""
    seen = Counter(pixels(image, rect))
    background = seen.most_common(1)[0][0]
    best = (1.0, background)
    for colour, count in seen.items():
        if count >= MIN_PIXELS and colour != background:
            best = max(best, (ratio(colour, background), colour))
    return best[0], best[1], background


MIN_PIXELS = 3


def focus_contrast(unfocused: QImage, focused: QImage) -> float:
    """How much the focus indicator stands out: the largest contrast between a pixel's colour
    with focus and the same pixel without it, over the pixels focus changed."""
    before, after = pixels(unfocused), pixels(focused)
    changed = [ratio(a, b) for a, b in zip(before, after, strict=False) if a != b]
    return max(changed, default=1.0)


def grab(widget: QWidget) -> QImage:
    return widget.grab().toImage()
