"""vCards in (2.1, 3.0, 4.0) and out (3.0, 4.0).

vobject reads the lines: unfolding, parameters, groups and quoted-printable. The values are
decoded here rather than by vobject's vCard behaviours, which keep only the text before the
first comma of a value ("Zola, Émile" becomes "Zola") and would lose names and notes.

The file is read one logical line at a time and one card at a time, so a damaged card costs
that card only. Photos, logos, sounds and keys are dropped unread: the phone has no use for
them, and they make up most of a large export.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import vobject
from vobject.base import ContentLine, VObjectError, getLogicalLines, textLineToContentLine

from softphone.contacts.model import (
    FAX,
    HOME,
    MOBILE,
    PAGER,
    STARRED,
    WORK,
    Contact,
    ContactNumber,
)
from softphone.contacts.model import normalise_label as label_from
from softphone.contacts.report import Skipped

VERSIONS = ("3.0", "4.0")
MAX_CARD_LINES = 5000

_BOUNDARY = re.compile(r"\s*(BEGIN|END)\s*:\s*VCARD\s*", re.IGNORECASE)
_PROPERTY_NAME = re.compile(r"\s*(?:[\w-]+\.)?([\w-]+)")
_UNREAD = {"PHOTO", "LOGO", "SOUND", "KEY"}
_SIP_SCHEMES = ("sip:", "sips:")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_CATEGORY = re.compile(r"(?<!\\),")
_COMPONENT = re.compile(r"\\.|[^\\;]+|;|\\", re.DOTALL)
# Apple and Google write a custom label as item1.TEL plus item1.X-ABLabel, and wrap the
# standard ones as _$!<Mobile>!$_.
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_TEL_TYPES = {MOBILE: "cell", WORK: "work", HOME: "home", FAX: "fax", PAGER: "pager"}


def read_vcards(stream: TextIO) -> Iterator[Contact | Skipped]:
    """Every card in `stream` as a Contact, or as Skipped when it can't be read."""
    card: list[ContentLine] = []
    start: int | None = None
    problem: str | None = None
    for text, vobject_line in getLogicalLines(stream, True):
        line_number = max(vobject_line, 1)  # vobject numbers the first line 0, the others from 1
        boundary = _BOUNDARY.fullmatch(text)
        if boundary and boundary.group(1).upper() == "BEGIN":
            if start is not None:
                yield Skipped(_where(start), "this vCard has no END:VCARD (the file is damaged)")
            card, start, problem = [], line_number, None
        elif start is None:
            continue  # text between cards belongs to no contact
        elif boundary:
            yield Skipped(_where(start), problem) if problem else _contact(card, start)
            start = None
        elif problem is None:
            problem = _add_line(card, text, line_number)
    if start is not None:
        yield Skipped(_where(start), "the file ends in the middle of this vCard (truncated)")


def write_vcards(contacts: Iterable[Contact], stream: TextIO, version: str = "3.0") -> int:
    """Write each contact as a vCard of `version`; returns how many were written."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version must be one of {', '.join(VERSIONS)} (got {version!r})")
    written = 0
    for contact in contacts:
        stream.write(_card(contact, version).serialize())
        written += 1
    return written


def export_vcard(contacts: Iterable[Contact], path: Path, version: str = "3.0") -> int:
    """Write a .vcf file; an existing file at `path` is replaced only once the new one is
    complete, so a failed export never leaves half a file where a good one was."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            written = write_vcards(contacts, stream, version)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


def _where(line_number: int) -> str:
    return f"vCard at line {line_number}"


def _add_line(card: list[ContentLine], text: str, line_number: int) -> str | None:
    """Parse one line into `card`; the reason the card is unreadable, or None."""
    name = _PROPERTY_NAME.match(text)
    if name and name.group(1).upper() in _UNREAD:
        return None
    if len(card) >= MAX_CARD_LINES:
        return f"more than {MAX_CARD_LINES} lines in one vCard"
    try:
        card.append(textLineToContentLine(text, line_number))
    except (VObjectError, ValueError, LookupError) as error:
        return f"unreadable line {line_number}: {_first_line(error)}"
    return None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _contact(card: list[ContentLine], start: int) -> Contact | Skipped:
    labels = {
        line.group: _label_text(line.value)
        for line in card
        if line.name == "X-ABLABEL" and line.group
    }
    numbers = tuple(
        _number(line, labels.get(line.group))
        for line in card
        if line.name == "TEL" and not _is_sip(line.value)
    )
    contact = Contact(
        name=_text(_first(card, "FN")) or _structured_name(_first(card, "N")),
        organisation=_components(_first(card, "ORG"))[0],
        numbers=tuple(number for number in numbers if number.typed),
        sip_uris=tuple(
            _text(line.value)
            for line in card
            if line.name in ("IMPP", "X-SIP", "TEL") and _is_sip(line.value)
        ),
        emails=tuple(_text(line.value) for line in card if line.name == "EMAIL"),
        notes=_text(_first(card, "NOTE")),
        favourite=any(
            category.strip().lower() == STARRED
            for line in card
            if line.name == "CATEGORIES"
            for category in _CATEGORY.split(line.value)
        ),
    )
    if not (contact.name or contact.organisation) and not contact.numbers:
        return Skipped(_where(start), "no name and no number")
    return contact


def _number(line: ContentLine, custom_label: str | None) -> ContactNumber:
    value = _text(line.value)
    if value[:4].lower() == "tel:":
        value = value[4:].split(";")[0]
    types = [kind for param in line.params.get("TYPE", []) for kind in param.split(",")]
    return ContactNumber(
        value.strip(), label_from(custom_label or " ".join([*types, *line.singletonparams]))
    )


def _first(card: list[ContentLine], name: str) -> str:
    return next((line.value for line in card if line.name == name), "")


def _is_sip(value: str) -> bool:
    return value.strip().lower().startswith(_SIP_SCHEMES)


def _structured_name(value: str) -> str:
    family, given, additional, *_ = [*_components(value), "", "", ""]
    return " ".join(part for part in (given, additional, family) if part)


def _label_text(value: str) -> str:
    text = _text(value)
    apple = _APPLE_LABEL.fullmatch(text)
    return apple.group(1) if apple else text


def _text(value: str) -> str:
    """Undo vCard escaping (\\n, \\, \\; \\\\)."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value).strip()


def _components(value: str) -> list[str]:
    """The ;-separated parts of a structured value (N, ORG), each unescaped."""
    parts, current = [], []
    for token in _COMPONENT.findall(value):
        if token == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(token)
    parts.append("".join(current))
    return [_text(part) for part in parts]


def _card(contact: Contact, version: str) -> vobject.base.Component:
    card = vobject.vCard()
    card.add("version").value = version
    card.add("fn").value = contact.display_name
    *given, family = contact.name.split() or [""]
    card.add("n").value = (
        vobject.vcard.Name(family=family, given=" ".join(given))
        if given
        else vobject.vcard.Name(given=family)
    )
    if contact.organisation:
        card.add("org").value = [contact.organisation]
    for index, number in enumerate(contact.numbers, start=1):
        _add_number(card, number, version, f"item{index}")
    for email in contact.emails:
        card.add("email").value = email
    for uri in contact.sip_uris:
        card.add("impp").value = uri
    if contact.notes:
        card.add("note").value = contact.notes
    if contact.favourite:
        card.add("categories").value = [STARRED]
    return card


def _add_number(card: vobject.base.Component, number: ContactNumber, version: str,
                group: str) -> None:
    """vCard 4 wants tel: URIs, which must be global: numbers without E.164 stay text."""
    kind = _TEL_TYPES.get(number.label)
    custom = kind is None and number.label != "other"
    line = card.add("tel", group=group) if custom else card.add("tel")
    if version == "4.0" and number.e164:
        line.value = f"tel:{number.e164}"
        line.params["VALUE"] = ["uri"]
    else:
        line.value = number.typed
    if kind:
        line.params["TYPE"] = [kind if version == "4.0" else kind.upper()]
    if custom:
        card.add("x-ablabel", group=group).value = number.label
