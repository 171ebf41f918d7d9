"""A form row whose problem is shown right under its field, in the config file's words: the
Settings forms check what is typed by the file's own rules, and a problem shown at the field
it belongs to is found at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget


def add_checked_row(form: QFormLayout, label: str, widget: QWidget, name: str) -> QLabel:
    """Adds `widget` (named `name`) with its problem label, hidden until there is a problem;
    returns that label, named `name`_error."""
    widget.setObjectName(name)
    error = QLabel()
    error.setObjectName(f"{name}_error")
    error.setStyleSheet("color: #c62828;")
    error.setWordWrap(True)
    error.hide()
    cell = QVBoxLayout()
    cell.setContentsMargins(0, 0, 0, 0)
    cell.setSpacing(2)
    cell.addWidget(widget)
    cell.addWidget(error)
    holder = QWidget()
    holder.setLayout(cell)
    form.addRow(label, holder)
    return error


def show_problem(error: QLabel, problem: str) -> None:
    """`problem` under its field, or nothing there when it is ""."""
    error.setText(problem)
    error.setVisible(bool(problem))


class FieldsToCorrect(Exception):
    """A Settings page's fields have problems, each shown under its field; the argument is the
    page's title, so the dialog can say where to look."""
