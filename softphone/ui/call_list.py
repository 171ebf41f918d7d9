"""The calls in progress, one line each, to pick which one the call view shows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from softphone.ui.caller import Caller, Callers
from softphone.ui.session import CallInfo

CALL = Qt.ItemDataRole.UserRole  # the call id of a line


def call_line(info: CallInfo, caller: Caller) -> str:
    """"Ada Lovelace — On hold · recording", and "+1 202-555-0143" under it: who, how it
    stands, what else is on, and the number (unless the name already is the number)."""
    extras = [word for word, on in (("in conference", info.flags and info.flags.conference),
                                    ("recording", info.flags and info.flags.recording))
              if on]
    line = " · ".join([f"{caller.name} — {info.status}", *extras])
    return f"{line}\n{caller.number}" if caller.number else line


class CallList(QListWidget):
    """Only shown with two or more calls; `picked` says which one the user chose."""

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call_list")
        self.setMaximumHeight(90)
        self.currentItemChanged.connect(self._picked)

    def show_calls(self, calls: list[CallInfo], current_id: int | None,
                   callers: Callers) -> None:
        self.blockSignals(True)
        self.clear()
        for info in calls:
            item = QListWidgetItem(call_line(info, callers.of_call(info)))
            item.setData(CALL, info.call_id)
            self.addItem(item)
            if info.call_id == current_id:
                self.setCurrentItem(item)
        self.blockSignals(False)
        self.setVisible(len(calls) > 1)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.picked.emit(item.data(CALL))
