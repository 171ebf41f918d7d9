"""A horizontal loudness bar for a microphone or a speaker, in dBFS.

Self-contained on purpose: the call view shows two of them, and the audio settings page shows
the same widget for its device test.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DBFS = -60.0
# Speech sits around -20 dBFS; close to 0 dBFS it starts to clip.
LOUD_DBFS = -12.0
CLIPPING_DBFS = -3.0
COLOURS = ((CLIPPING_DBFS, "#c0392b"), (LOUD_DBFS, "#d4ac0d"), (FLOOR_DBFS, "#1f7a4d"))
TROUGH = "#d5d8dc"


class LevelMeter(QWidget):
    """Shows the last `set_level`: -60 dBFS (or less, or silence) is empty, 0 dBFS full.

    The tooltip says the figure, for anyone who wants the number rather than the bar.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = FLOOR_DBFS
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleDescription("Sound level")
        self.set_level(FLOOR_DBFS)

    def set_level(self, dbfs: float) -> None:
        """Anything below the floor (including -inf for digital silence) shows as empty; NaN
        (no measurement) too, and anything above 0 as full."""
        clamped = FLOOR_DBFS if math.isnan(dbfs) else min(max(dbfs, FLOOR_DBFS), 0.0)
        self.level = clamped
        self.setToolTip("Silent" if clamped <= FLOOR_DBFS else f"{clamped:.0f} dBFS")
        self.update()

    @property
    def fraction(self) -> float:
        """How much of the bar is filled, 0 to 1."""
        return (self.level - FLOOR_DBFS) / -FLOOR_DBFS

    @property
    def colour(self) -> str:
        return next(colour for floor, colour in COLOURS if self.level >= floor)

    def sizeHint(self) -> QSize:
        return QSize(120, 10)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(Qt.PenStyle.NoPen)
        area = QRectF(self.rect())
        painter.setBrush(QColor(TROUGH))
        painter.drawRoundedRect(area, 3, 3)
        if self.fraction > 0:
            painter.setBrush(QColor(self.colour))
            painter.drawRoundedRect(QRectF(area.x(), area.y(), area.width() * self.fraction,
                                           area.height()), 3, 3)
        painter.end()
