"""Who is on the other end of a call, as a person knows them: the one place the incoming
popup, the in-call screen, the call list and the history name a caller."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from softphone.contacts import Contact, ContactStore
from softphone.echo_line import ECHO_ACCOUNT
from softphone.history.party import dialable
from softphone.numbers import display_number
from softphone.storage import StorageError
from softphone.ui.session import CallInfo
from softphone.ui.wording import who

ECHO_CALLER_NAME = "Echo test"


@dataclass(frozen=True)
class Caller:
    """`name` is the contact's name, else the name the caller sent, else the number; `number`
    is the number formatted for reading, "" when it would only repeat `name`; `target` is what
    to dial (or file under a new contact), None when the number was withheld."""

    name: str
    number: str
    target: str | None
    contact: Contact | None

    @property
    def addable(self) -> bool:
        """Worth an "Add to contacts": a number, and nobody in the contacts has it."""
        return self.contact is None and self.target is not None


def contact_of(remote_uri: str, contacts: ContactStore | None) -> Contact | None:
    """The contact a caller ID belongs to. A name is a nicety: an address book another
    program holds locked (or any other database trouble) just leaves the number showing."""
    return _looked_up(remote_uri, contacts)[0]


def _looked_up(remote_uri: str, contacts: ContactStore | None) -> tuple[Contact | None, bool]:
    """(the contact or None, whether the address book could be asked at all)."""
    if contacts is None:
        return None, True
    try:
        return contacts.lookup_name(remote_uri), True
    except (StorageError, sqlite3.Error):
        return None, False


def identify(remote_uri: str, remote_name: str, contact: Contact | None,
             country: str | None, remote_number: str = "") -> Caller:
    """`remote_number` is the caller ID's user part, when the engine gave it apart."""
    target = dialable(remote_uri, country)
    number = display_number(remote_number or target or "")
    if "@" in number:
        number = ""  # a SIP address: the name line already shows it
    fallback = display_number(remote_number) if remote_number else who("", remote_uri)
    name = (contact.display_name if contact else "") or remote_name or fallback
    return Caller(name, "" if number == name else number, target, contact)


class Callers:
    """Callers named once per address and kept: the call screen redraws with every call event
    (stats every two seconds) and must not read the address book each time. `forget` after
    the contacts changed; a lookup that failed is not kept, so it is tried again."""

    def __init__(self, contacts: ContactStore | None) -> None:
        self.contacts = contacts
        self._known: dict[tuple[str, str], Caller] = {}

    def of(self, remote_uri: str, remote_name: str = "") -> Caller:
        key = (remote_uri, remote_name)
        if key in self._known:
            return self._known[key]
        found, asked = _looked_up(remote_uri, self.contacts)
        country = self.contacts.default_country if self.contacts is not None else None
        caller = identify(remote_uri, remote_name, found, country)
        if asked:
            self._known[key] = caller
        return caller

    def of_call(self, info: CallInfo) -> Caller:
        if info.state.account == ECHO_ACCOUNT:
            return Caller(ECHO_CALLER_NAME, "", None, None)
        return self.of(info.state.remote_uri, info.state.remote_name)

    def forget(self) -> None:
        self._known.clear()
