"""A form row whose problem is shown right under its field, in the config file's words: the
Settings forms check what is typed by the file's own rules, and a problem shown at the field
it belongs to is found at a glance."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from softphone.config import ConfigError
from softphone.ui.wording import sentence

Field = TypeVar("Field", bound=QWidget)


def add_checked_row(form: QFormLayout, label: str, widget: QWidget, name: str,
                    beside: QWidget | None = None) -> QLabel:
    """Adds `widget` (named `name`, with `beside` to its right) with its problem label, hidden
    until there is a problem; returns that label, named `name`_error."""
    widget.setObjectName(name)
    error = QLabel()
    error.setObjectName(f"{name}_error")
    error.setStyleSheet("color: #c62828;")
    error.setWordWrap(True)
    error.hide()
    cell = QVBoxLayout()
    cell.setContentsMargins(0, 0, 0, 0)
    cell.setSpacing(2)
    if beside is None:
        cell.addWidget(widget)
    else:
        row = QHBoxLayout()
        row.addWidget(widget, 1)
        row.addWidget(beside)
        cell.addLayout(row)
    cell.addWidget(error)
    holder = QWidget()
    holder.setLayout(cell)
    form.addRow(label, holder)
    return error


def show_problem(error: QLabel, problem: str) -> None:
    """`problem` under its field, or nothing there when it is ""."""
    error.setText(problem)
    error.setVisible(bool(problem))


def read_fields(fields: Mapping[str, Field], errors: Mapping[str, QLabel],
                read: Callable[[str, Field], Any],
                problem_of: Callable[[str, Any], str] = lambda key, value: "",
                ) -> dict[str, Any] | None:
    """Every field's value by `read` (which raises ConfigError, in the file's words, for a
    wrong one) and `problem_of` (a form's own rules), each problem shown under its field
    and the others' cleared; None when there was any."""
    values: dict[str, Any] = {}
    for key, widget in fields.items():
        try:
            values[key] = read(key, widget)
            problem = problem_of(key, values[key])
        except ConfigError as error:
            problem = sentence(error.message)
        show_problem(errors[key], problem)
    return None if any(label.text() for label in errors.values()) else values


class FieldsToCorrect(Exception):
    """A Settings page's fields have problems, each shown under its field; the argument is the
    page's title, so the dialog can say where to look."""
