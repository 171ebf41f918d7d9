"""The twelve keys of a phone keypad."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

KEYS = (("1", ""), ("2", "ABC"), ("3", "DEF"),
        ("4", "GHI"), ("5", "JKL"), ("6", "MNO"),
        ("7", "PQRS"), ("8", "TUV"), ("9", "WXYZ"),
        ("*", ""), ("0", "+"), ("#", ""))


class DialPad(QWidget):
    """Says which key was pressed; the window decides whether that is typing or DTMF."""

    pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        for index, (digit, letters) in enumerate(KEYS):
            button = QPushButton(f"{digit}\n{letters}" if letters else digit)
            button.setObjectName(f"key_{digit}")
            button.setMinimumSize(64, 44)
            button.clicked.connect(lambda _checked=False, key=digit: self.pressed.emit(key))
            grid.addWidget(button, index // 3, index % 3)

    def button(self, digit: str) -> QPushButton:
        return self.findChild(QPushButton, f"key_{digit}")
