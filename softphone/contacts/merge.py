"""Combining a contact that arrives again (a re-import, a second export) with the one stored.

What the user already has always wins: new numbers, addresses and e-mails are added, empty
fields are filled, and nothing that is there is overwritten or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import TypeVar

from softphone.contacts.matching import national_digits, sip_address
from softphone.contacts.model import Contact, ContactNumber

Item = TypeVar("Item")


def merged(existing: Contact, incoming: Contact) -> Contact:
    """`existing` with what `incoming` adds to it; equal to `existing` when it adds nothing.

    Both must have been normalised by the store, so numbers compare by what they dial.
    """
    return replace(
        existing,
        name=existing.name or incoming.name,
        organisation=existing.organisation or incoming.organisation,
        notes=existing.notes or incoming.notes,
        favourite=existing.favourite or incoming.favourite,
        numbers=_union(existing.numbers, incoming.numbers, number_key),
        sip_uris=_union(existing.sip_uris, incoming.sip_uris, sip_address),
        emails=_union(existing.emails, incoming.emails, str.casefold),
    )


def number_key(number: ContactNumber) -> str:
    """Two entries are the same number when they dial the same line."""
    return number.e164 or national_digits(number)


def _union(
    kept: tuple[Item, ...], added: Iterable[Item], key: Callable[[Item], Hashable]
) -> tuple[Item, ...]:
    seen = {key(item) for item in kept}
    extra = []
    for item in added:
        if key(item) not in seen:
            seen.add(key(item))
            extra.append(item)
    return (*kept, *extra)
