"""The tray icon's picture: the phone's state, with a red badge counting unseen missed calls.

The badge is painted onto each size of the state icon rather than drawn as more SVG files, so
any count shows and the state icons stay the only artwork.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from softphone.ui.icons import icon

BADGE_COLOUR = QColor("#d32f2f")
BADGE_TEXT = QColor("#ffffff")
SIZES = (16, 22, 24, 32, 48, 64)  # what tray hosts ask for, from classic panels to HiDPI
BADGE_SHARE = 0.6  # of the icon's width: readable at 16 px, the phone still shows beside it
MOST_SHOWN = 9  # more than this shows as "9+"


def state_icon_name(in_call: bool, registered: bool, do_not_disturb: bool) -> str:
    """In a call beats everything; an account that is not registered is worth noticing even
    with Do Not Disturb on, since calls could not reach the phone anyway."""
    if in_call:
        return "tray-in-call"
    if not registered:
        return "tray-not-registered"
    return "tray-dnd" if do_not_disturb else "tray-registered"


def tray_icon(name: str, missed: int) -> QIcon:
    """The state icon `name`, badged with `missed` when there are any."""
    base = icon(name)
    if missed <= 0:
        return base
    badged = QIcon()
    for size in SIZES:
        badged.addPixmap(badge(base.pixmap(size, size), missed))
    return badged


def badge(pixmap: QPixmap, count: int) -> QPixmap:
    """`pixmap` with a red disc in its top right corner holding `count`."""
    size = pixmap.width() / pixmap.devicePixelRatio()
    diameter = size * BADGE_SHARE
    disc = QRectF(size - diameter, 0, diameter, diameter)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(BADGE_TEXT, max(1.0, size / 32)))
    painter.setBrush(BADGE_COLOUR)
    painter.drawEllipse(disc.adjusted(0.5, 0.5, -0.5, -0.5))
    text = str(count) if count <= MOST_SHOWN else f"{MOST_SHOWN}+"
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(7, round(diameter * (0.72 if len(text) == 1 else 0.55))))
    painter.setFont(font)
    painter.setPen(BADGE_TEXT)
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap
