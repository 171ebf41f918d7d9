"""Contacts from the CSV files Google Contacts and Outlook export.

Google has two layouts (the older one with "Name", "Given Name", "Phone 1 - Type"; the current
one with "First Name", "Phone 1 - Label", "Organization Name") and Outlook a third ("First Name",
"Mobile Phone", "E-mail Address"). They never use one column name for two different things, so
one set of names reads all three, and a file that mixes them still reads sensibly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

from softphone.contacts.model import (
    FAX,
    HOME,
    MOBILE,
    OTHER,
    PAGER,
    STARRED,
    WORK,
    Contact,
    ContactNumber,
)
from softphone.contacts.model import normalise_label as label_from
from softphone.contacts.report import Skipped

_FULL_NAME = ("Name",)
_NAME_PARTS = (
    ("First Name", "Given Name"),
    ("Middle Name", "Additional Name"),
    ("Last Name", "Family Name"),
)
_NICKNAME = ("Nickname",)
_ORGANISATION = ("Organization 1 - Name", "Organization Name", "Company")
_NOTES = ("Notes",)
_GROUPS = ("Group Membership", "Labels")  # where Google marks starred contacts
_OUTLOOK_PHONES = {
    "Mobile Phone": MOBILE,
    "Business Phone": WORK,
    "Business Phone 2": WORK,
    "Company Main Phone": WORK,
    "Home Phone": HOME,
    "Home Phone 2": HOME,
    "Primary Phone": OTHER,
    "Other Phone": OTHER,
    "Car Phone": "car",
    "Assistant's Phone": "assistant",
    "Callback": "callback",
    "Radio Phone": "radio",
    "ISDN": "ISDN",
    "TTY/TDD Phone": "TTY/TDD",
    "Pager": PAGER,
    "Business Fax": FAX,
    "Home Fax": FAX,
    "Other Fax": FAX,
}
_OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_GOOGLE_VALUE = re.compile(r"(Phone|E-mail) \d+ - Value")
# Google puts several values of one kind in one cell.
_MULTIPLE = ":::"


class UnknownLayout(ValueError):
    """The file is no contacts export this module knows; the message says why."""


@dataclass(frozen=True)
class _Column:
    """A column holding numbers or e-mails, and where their label comes from."""

    value: str
    label: str = OTHER
    label_column: str | None = None

    def entries(self, row: Mapping[str, str]) -> Iterator[tuple[str, str]]:
        label = label_from(row.get(self.label_column, "")) if self.label_column else self.label
        for value in row.get(self.value, "").split(_MULTIPLE):
            if value.strip():
                yield value.strip(), label


def read_csv(stream: TextIO) -> Iterator[Contact | Skipped]:
    """Every row of a Google or Outlook export as a Contact, or as Skipped when it can't be."""
    reader = csv.reader(stream, strict=True)
    header = _header(reader)
    phones = _columns(header, "Phone", _OUTLOOK_PHONES)
    emails = _columns(header, "E-mail", dict.fromkeys(_OUTLOOK_EMAILS, OTHER))
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Skipped(f"line {reader.line_num}", f"malformed CSV ({error})")
            continue
        if not values:
            continue
        if len(values) != len(header):
            yield Skipped(
                f"line {reader.line_num}",
                f"malformed line: {len(values)} fields where the first line names {len(header)}",
            )
            continue
        row = dict(zip(header, values, strict=True))
        yield _contact(row, phones, emails) or Skipped(
            f"line {reader.line_num}", "no name and no number"
        )


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise UnknownLayout("it is empty") from None
    except csv.Error as error:
        raise UnknownLayout(f"its first line is not CSV ({error})") from None
    known = {*_FULL_NAME, *_ORGANISATION, *_OUTLOOK_PHONES, *(n for p in _NAME_PARTS for n in p)}
    if not (known & set(header) or any(_GOOGLE_VALUE.fullmatch(name) for name in header)):
        raise UnknownLayout(
            "it is neither a vCard nor a Google or Outlook CSV export (its first line names "
            "no name or phone columns)"
        )
    return header


def _columns(header: list[str], kind: str, outlook: Mapping[str, str]) -> list[_Column]:
    """Google's numbered "<kind> N - Value" columns (labelled by "- Type" in the older
    layout, "- Label" in the newer) and Outlook's fixed ones."""
    columns = []
    for name in header:
        if name in outlook:
            columns.append(_Column(name, outlook[name]))
        elif name.startswith(f"{kind} ") and _GOOGLE_VALUE.fullmatch(name):
            prefix = name.removesuffix(" - Value")
            labels = [f"{prefix} - Type", f"{prefix} - Label"]
            label_column = next((label for label in labels if label in header), None)
            columns.append(_Column(name, label_column=label_column))
    return columns


def _contact(
    row: Mapping[str, str], phones: list[_Column], emails: list[_Column]
) -> Contact | None:
    contact = Contact(
        name=_first(row, _FULL_NAME) or _joined_name(row) or _first(row, _NICKNAME),
        organisation=_first(row, _ORGANISATION),
        numbers=tuple(
            ContactNumber(value, label) for column in phones for value, label in column.entries(row)
        ),
        emails=tuple(value for column in emails for value, _ in column.entries(row)),
        notes=_first(row, _NOTES),
        favourite=any(
            group.strip(" *").lower() == STARRED
            for column in _GROUPS
            for group in row.get(column, "").split(_MULTIPLE)
        ),
    )
    return contact if contact.name or contact.organisation or contact.numbers else None


def _first(row: Mapping[str, str], columns: tuple[str, ...]) -> str:
    return next((row[name].strip() for name in columns if row.get(name, "").strip()), "")


def _joined_name(row: Mapping[str, str]) -> str:
    return " ".join(part for part in (_first(row, names) for names in _NAME_PARTS) if part)
