"""What a contact is, as the rest of the phone sees it: plain frozen values, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

MOBILE = "mobile"
WORK = "work"
HOME = "home"
OTHER = "other"
FAX = "fax"
PAGER = "pager"

# Google's mark for a favourite, in its CSV and vCard exports alike; ours too.
STARRED = "starred"

# Address books spell the same kind of number many ways ("CELL", "Mobile", "iPhone",
# "Business"); these are folded into the few a person picks from. Anything else is kept as the
# free text it was ("Main", "Assistant"). Google marks the primary value with "* ".
_LABEL_WORDS = (
    (FAX, {"fax"}),
    (PAGER, {"pager"}),
    (MOBILE, {"cell", "mobile", "iphone", "cellular", "handy"}),
    (WORK, {"work", "business", "office"}),
    (HOME, {"home", "private"}),
    (OTHER, {"other", "voice", "pref"}),
)
_LABEL_SPLIT = re.compile(r"[\s,;/_\-*]+")


@dataclass(frozen=True)
class ContactNumber:
    """A phone number as the user typed it, and what the store made of it.

    The store fills `e164` when the text is a phone number it could read, and `problem` (the
    reason, in words) when it could not; a PBX extension or a SIP address has neither. Values
    given for these two are ignored on saving: they always follow from `typed`.
    """

    typed: str
    label: str = OTHER
    e164: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Contact:
    """A person or organisation. `id` is None until the contact is stored."""

    name: str
    numbers: tuple[ContactNumber, ...] = ()
    sip_uris: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    organisation: str = ""
    favourite: bool = False
    notes: str = ""
    id: int | None = None

    @property
    def display_name(self) -> str:
        """What to show for a contact that may have been imported without a name."""
        for candidate in (self.name, self.organisation, *self.emails, *self.sip_uris):
            if candidate.strip():
                return candidate.strip()
        return self.numbers[0].typed if self.numbers else ""


def normalise_label(text: str) -> str:
    """The label a person would pick for `text` from any address book's spelling of it."""
    words = {word for word in _LABEL_SPLIT.split(text.lower()) if word}
    if not words:
        return OTHER
    for label, synonyms in _LABEL_WORDS:
        if words & synonyms:
            return label
    return text.strip(" *")
