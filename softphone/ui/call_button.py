"""The Call button the Contacts and History lists put on each row that can be called."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


def row_call_button(target: str, call: Callable[[], None]) -> QPushButton:
    """One click calls, with no row to select first; the tooltip names what it calls."""
    button = QPushButton("Call")
    button.setToolTip(f"Call {target}")
    button.clicked.connect(lambda _checked=False: call())
    return button
