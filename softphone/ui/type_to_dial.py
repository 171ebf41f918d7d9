"""Typing a number anywhere in the window dials it, as on a desk phone: a digit pressed while a
list, a tab or a button has the focus goes to the keypad instead of that widget's own type-ahead.

Lists and buttons take digits for themselves (jump to a row, press a mnemonic), so the keys are
caught before them, by an application-wide filter that only acts for widgets of one window and
never where text is being written (the number field itself, a search box, an editor).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

DIAL_KEYS = frozenset("0123456789+*#")
TEXT_ENTRIES = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
# Shift is how + * # are typed on most layouts, and keypad digits carry KeypadModifier.
TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def writes_text(widget: QWidget) -> bool:
    """Where a typed digit belongs to the widget: a text entry or an editable combo box."""
    return isinstance(widget, TEXT_ENTRIES) or (isinstance(widget, QComboBox)
                                                and widget.isEditable())


class TypeToDial(QObject):
    """Hands dial keys typed in `window` (outside any text entry) to `press`."""

    def __init__(self, window: QWidget, press: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window = window
        self.press = press
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() is not QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.text()
        if (key not in DIAL_KEYS or event.modifiers() & ~TYPING_MODIFIERS
                or watched.window() is not self.window or writes_text(watched)):
            return False
        self.press(key)
        return True
