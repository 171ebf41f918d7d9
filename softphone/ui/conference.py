"""The local conference: who is in it, how each stands, and how to take one out or leave."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from softphone.ui.session import CallInfo

SPLIT_COLUMN, HANG_UP_COLUMN = 2, 3
CALL = Qt.ItemDataRole.UserRole  # the call id of a row


class ConferencePanel(QWidget):
    """One row per participant (who, state) with Split and Hang up; Leave asks whether to
    hang up everyone or, with two others, connect them to each other."""

    split = Signal(int)
    hang_up = Signal(int)
    leave = Signal(bool)  # join_others

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.members: list[CallInfo] = []
        self.question: QMessageBox | None = None
        self.title = QLabel()
        self.title.setObjectName("conference_title")
        self.participants = QTreeWidget()
        self.participants.setObjectName("participants")
        self.participants.setHeaderLabels(["Who", "State", "", ""])
        self.participants.setRootIsDecorated(False)
        header = self.participants.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, SPLIT_COLUMN, HANG_UP_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.leave_button = QPushButton("Leave")
        self.leave_button.setObjectName("leave_conference")
        self.leave_button.clicked.connect(self.ask_leave)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.leave_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.participants)

    def show_members(self, members: list[CallInfo]) -> None:
        """Rows are rebuilt only when who is in it or how they stand changed: a rebuild under
        the pointer would swallow a click."""
        self.setVisible(bool(members))
        if [(m.call_id, m.who, m.status) for m in members] == self.rows_shown():
            return
        self.members = members
        people = "1 other person" if len(members) == 1 else f"{len(members)} others"
        self.title.setText(f"Conference with {people}")
        self.participants.clear()
        for info in members:
            item = QTreeWidgetItem(self.participants, [info.who, info.status])
            item.setData(0, CALL, info.call_id)
            self._row_button(item, SPLIT_COLUMN, "Split", self.split, info.call_id,
                             f"Take {info.who} out of the conference; the call stays up")
            self._row_button(item, HANG_UP_COLUMN, "Hang up", self.hang_up, info.call_id,
                             f"Hang up on {info.who}; the others stay")
        self._fit_rows()

    def rows_shown(self) -> list[tuple[int, str, str]]:
        return [(item.data(0, CALL), item.text(0), item.text(1)) for item in
                (self.participants.topLevelItem(i)
                 for i in range(self.participants.topLevelItemCount()))]

    def button(self, row: int, column: int) -> QToolButton:
        widget = self.participants.itemWidget(self.participants.topLevelItem(row), column)
        assert isinstance(widget, QToolButton)
        return widget

    def ask_leave(self) -> None:
        """Non-blocking, as the window's other questions are; with exactly two others the
        default is to connect them, as a desk phone's "transfer on leave" does."""
        question = QMessageBox(QMessageBox.Icon.Question, "Leave the conference",
                               "Leave the conference?", parent=self)
        join = None
        if len(self.members) == 2:
            first, second = (info.who for info in self.members)
            question.setInformativeText(f"You can hang up on both, or connect {first} and "
                                        f"{second} to each other and leave them talking.")
            join = question.addButton("Connect them", QMessageBox.ButtonRole.AcceptRole)
        hang_up = question.addButton("Hang up all", QMessageBox.ButtonRole.DestructiveRole)
        question.addButton(QMessageBox.StandardButton.Cancel)
        question.setDefaultButton(join or hang_up)
        question.finished.connect(lambda _: self._answered(question, join, hang_up))
        question.open()
        self.question = question

    def _answered(self, question: QMessageBox, join: QPushButton | None,
                  hang_up: QPushButton) -> None:
        clicked = question.clickedButton()
        if clicked is not None and clicked in (join, hang_up):
            self.leave.emit(clicked is join)

    def _fit_rows(self) -> None:
        """As tall as its rows, so no participant hides behind a scroll bar."""
        tree = self.participants
        rows = sum(tree.sizeHintForRow(i) for i in range(tree.topLevelItemCount()))
        tree.setFixedHeight(tree.header().sizeHint().height() + rows + 2 * tree.frameWidth())

    def _row_button(self, item: QTreeWidgetItem, column: int, text: str, signal: Signal,
                    call_id: int, tip: str) -> None:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda: signal.emit(call_id))
        self.participants.setItemWidget(item, column, button)
