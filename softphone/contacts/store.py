"""The address book: contacts in a private SQLite file, found by name, by digits or by caller ID.

Besides what the user typed, each number is stored in the forms it is searched and matched by
(E.164, its digit strings, its national digits reversed), computed once on saving so that
typing in the search box and an incoming call never parse every number in the book.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from enum import Enum
from pathlib import Path

import platformdirs

from softphone.contacts.matching import (
    MIN_SUFFIX_DIGITS,
    CallerKey,
    caller_key,
    digits_of,
    fold,
    national_digits,
    normalised,
    searchable_digits,
    sip_address,
    suffix_match,
)
from softphone.contacts.merge import merged
from softphone.contacts.model import Contact, ContactNumber
from softphone.storage import Database, Store, contains, open_database

_SCHEMA_V1 = (
    """CREATE TABLE contact (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        organisation TEXT NOT NULL,
        favourite INTEGER NOT NULL,
        notes TEXT NOT NULL,
        name_key TEXT NOT NULL,     -- folded name: duplicates on import
        search_text TEXT NOT NULL,  -- folded name and organisation: search
        sort_key TEXT NOT NULL      -- folded display name: order
    )""",
    "CREATE INDEX contact_order ON contact(favourite DESC, sort_key)",
    """CREATE TABLE contact_number (
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        typed TEXT NOT NULL,
        label TEXT NOT NULL,
        e164 TEXT,
        problem TEXT,
        digits TEXT NOT NULL,  -- every digit form someone may search by
        tail TEXT NOT NULL,    -- national digits reversed: caller ID endings through an index
        PRIMARY KEY (contact_id, position)
    )""",
    "CREATE INDEX contact_number_e164 ON contact_number(e164)",
    "CREATE INDEX contact_number_tail ON contact_number(tail)",
    """CREATE TABLE contact_sip (
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        uri TEXT NOT NULL,
        address TEXT NOT NULL,  -- user@host, what a caller's URI is matched on
        PRIMARY KEY (contact_id, position)
    )""",
    "CREATE INDEX contact_sip_address ON contact_sip(address)",
    """CREATE TABLE contact_email (
        contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        address TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (contact_id, position)
    )""",
    "CREATE INDEX contact_email_address ON contact_email(address)",
)


def _create_v1(connection: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V1:
        connection.execute(statement)


MIGRATIONS = (_create_v1,)

_ORDER = "ORDER BY favourite DESC, sort_key, id"
_IN_IDS = "contact_id IN (SELECT value FROM json_each(?))"


class UnknownContact(LookupError):
    """The contact is not (or no longer) in the address book."""


class Absorbed(Enum):
    """What happened to a contact handed to `ContactStore.absorb`."""

    ADDED = "added"
    MERGED = "merged"
    UNCHANGED = "unchanged"


def default_contacts_path() -> Path:
    return platformdirs.user_data_path("softphone") / "contacts.sqlite3"


class ContactStore(Store):
    """CRUD, search and caller lookup over one contacts file.

    `default_country` (the account's) is how numbers typed in national format are read.
    """

    def __init__(self, database: Database, default_country: str | None = None) -> None:
        super().__init__(database)
        self.default_country = default_country

    @classmethod
    def open(cls, path: Path | None = None, default_country: str | None = None) -> ContactStore:
        return cls(open_database(path or default_contacts_path(), MIGRATIONS), default_country)

    def batch(self) -> AbstractContextManager[sqlite3.Connection]:
        """One transaction around many changes: all of them are kept, or none."""
        return self._db.transaction()

    def add(self, contact: Contact) -> Contact:
        """Store a new contact; returns it with its id and its numbers normalised."""
        with self._db.transaction() as connection:
            return self._insert(connection, self._normalised(contact))

    def update(self, contact: Contact) -> Contact:
        """Replace the stored contact with the same id by `contact`."""
        contact = self._normalised(contact)
        with self._db.transaction() as connection:
            _replace(connection, contact)
        return contact

    def delete(self, contact_id: int) -> None:
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM contact WHERE id = ?", (contact_id,))

    def get(self, contact_id: int) -> Contact:
        found = self._select("id = ?", (contact_id,))
        if not found:
            raise UnknownContact(f"contact {contact_id} is not in the address book")
        return found[0]

    def all(self) -> list[Contact]:
        """Every contact, favourites first, then by name."""
        return self._select("1")

    def favourites(self, limit: int = -1) -> list[Contact]:
        """The starred contacts, by name: the tray reads them each time its menu opens, through
        the index that already puts favourites first rather than the whole book."""
        return self._select("favourite = 1", (), limit)

    def count(self) -> int:
        return self._db.query("SELECT count(*) FROM contact")[0][0]

    def search(self, text: str, limit: int = 50) -> list[Contact]:
        """Contacts whose name or organisation contains every word of `text` (any case, any
        accents) and, when `text` also holds a number, one of whose numbers contains its digits
        (or whose name holds it as written: "Room 101"). "ada 202" narrows a long list of Adas
        to the one in Washington. Favourites come first."""
        words, number = _words_and_number(text)
        conditions = ["search_text LIKE ? ESCAPE '\\'"] * len(words)
        parameters = [contains(word) for word in words]
        digits = digits_of(number)
        if digits:
            conditions.append("(search_text LIKE ? ESCAPE '\\' OR id IN "
                              "(SELECT contact_id FROM contact_number WHERE digits LIKE ?))")
            parameters += [contains(fold(number)), contains(digits)]
        return self._select(" AND ".join(conditions) or "1", parameters, limit)

    def lookup_name(self, number_or_uri: str) -> Contact | None:
        """The contact a caller ID or dialled number belongs to, or None.

        An exact SIP address or E.164 match wins (a favourite first, should several contacts
        share it). Failing that, national digits are matched
        by their ending (caller IDs often arrive as 2025550143 or 02079460958), but never
        against a different E.164 number when the caller ID named its own country, and only
        when a single contact matches best: a wrong name is worse than none.
        """
        key = caller_key(number_or_uri, self.default_country)
        for column, table, value in (
            ("address", "contact_sip", key.address),
            ("e164", "contact_number", key.e164),
        ):
            if value is not None:
                rows = self._db.query(
                    f"SELECT contact_id FROM {table} WHERE {column} = ?", (value,)
                )
                found = self._first_of([row[0] for row in rows])
                if found is not None:
                    return found
        return self._first_of(self._ending_matches(key))

    def absorb(self, contact: Contact) -> Absorbed:
        """Add `contact`, or merge it into the stored contact it duplicates: one with the same
        number or SIP address, or the same name and one same e-mail (or, having neither,
        the same name and organisation)."""
        contact = self._normalised(contact)
        with self._db.transaction() as connection:
            existing = self._duplicate_of(connection, contact)
            if existing is None:
                self._insert(connection, contact)
                return Absorbed.ADDED
            combined = merged(existing, contact)
            if combined == existing:
                return Absorbed.UNCHANGED
            _replace(connection, combined)
            return Absorbed.MERGED

    def _normalised(self, contact: Contact) -> Contact:
        return replace(
            contact,
            name=contact.name.strip(),
            organisation=contact.organisation.strip(),
            numbers=tuple(normalised(number, self.default_country) for number in contact.numbers),
            sip_uris=tuple(uri.strip() for uri in contact.sip_uris),
            emails=tuple(email.strip() for email in contact.emails),
        )

    def _insert(self, connection: sqlite3.Connection, contact: Contact) -> Contact:
        cursor = connection.execute(
            "INSERT INTO contact (name, organisation, favourite, notes, name_key, search_text, "
            "sort_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            _contact_columns(contact),
        )
        contact = replace(contact, id=cursor.lastrowid)
        _insert_details(connection, contact)
        return contact

    def _select(
        self, condition: str, parameters: Sequence[object] = (), limit: int = -1
    ) -> list[Contact]:
        """Plain reads, outside any write transaction: in WAL mode they never wait for a writer
        on another connection (an import holds one for seconds), where BEGIN IMMEDIATE would
        wait and then fail. A contact changed between the reads shows as it now is when the
        list is next read."""
        rows = self._db.query(
            f"SELECT * FROM contact WHERE {condition} {_ORDER} LIMIT ?", (*parameters, limit)
        )
        ids = json.dumps([row["id"] for row in rows])
        numbers = _grouped(self._db, "contact_number", ids)
        sips = _grouped(self._db, "contact_sip", ids)
        emails = _grouped(self._db, "contact_email", ids)
        return [
            Contact(
                id=row["id"],
                name=row["name"],
                organisation=row["organisation"],
                favourite=bool(row["favourite"]),
                notes=row["notes"],
                numbers=tuple(
                    ContactNumber(n["typed"], n["label"], n["e164"], n["problem"])
                    for n in numbers[row["id"]]
                ),
                sip_uris=tuple(sip["uri"] for sip in sips[row["id"]]),
                emails=tuple(email["address"] for email in emails[row["id"]]),
            )
            for row in rows
        ]

    def _first_of(self, ids: Sequence[int]) -> Contact | None:
        if not ids:
            return None
        found = self._select("id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),), 1)
        return found[0] if found else None

    def _ending_matches(self, key: CallerKey) -> list[int]:
        """The contact whose number ends like the caller's, when exactly one matches best.
        Extensions and short codes match only whole."""
        national = key.national
        if len(national) < MIN_SUFFIX_DIGITS:
            rows = self._db.query(
                "SELECT contact_id FROM contact_number WHERE e164 IS NULL AND tail = ?",
                (national[::-1],),
            )
            candidates = {row[0] for row in rows} if national else set()
        else:
            ending = national[::-1][:MIN_SUFFIX_DIGITS]
            rows = self._db.query(
                "SELECT contact_id, tail FROM contact_number WHERE tail >= ? AND tail < ? "
                "AND (e164 IS NULL OR NOT ?)",  # ':' sorts right after '9': a prefix range
                (ending, ending + ":", key.has_country),
            )
            scores = [(suffix_match(national, row["tail"][::-1]), row[0]) for row in rows]
            best = max((score for score, _ in scores), default=0)
            candidates = {contact_id for score, contact_id in scores if score == best and best}
        return list(candidates) if len(candidates) == 1 else []

    def _duplicate_of(self, connection: sqlite3.Connection, contact: Contact) -> Contact | None:
        for sql, value in _duplicate_queries(contact):
            row = connection.execute(sql, value).fetchone()
            if row is not None:
                return self.get(row[0])
        return None


def _duplicate_queries(contact: Contact) -> Iterator[tuple[str, tuple[object, ...]]]:
    name_key = fold(contact.name)
    for number in contact.numbers:
        if number.e164:
            yield "SELECT contact_id FROM contact_number WHERE e164 = ?", (number.e164,)
        elif name_key:
            yield (
                "SELECT contact_id FROM contact_number JOIN contact ON id = contact_id "
                "WHERE e164 IS NULL AND tail = ? AND name_key = ?",
                (national_digits(number)[::-1], name_key),
            )
    for uri in contact.sip_uris:
        yield "SELECT contact_id FROM contact_sip WHERE address = ?", (sip_address(uri),)
    if not name_key:
        return
    for email in contact.emails:
        yield (
            "SELECT contact_id FROM contact_email JOIN contact ON id = contact_id "
            "WHERE address = ? AND name_key = ?",
            (email, name_key),
        )
    if not (contact.numbers or contact.emails or contact.sip_uris):
        yield (
            "SELECT id FROM contact WHERE name_key = ? AND search_text = ?",
            (name_key, _search_text(contact)),
        )


def _replace(connection: sqlite3.Connection, contact: Contact) -> None:
    if contact.id is None:
        raise UnknownContact("this contact was never stored; add it instead")
    cursor = connection.execute(
        "UPDATE contact SET name = ?, organisation = ?, favourite = ?, notes = ?, name_key = ?, "
        "search_text = ?, sort_key = ? WHERE id = ?",
        (*_contact_columns(contact), contact.id),
    )
    if cursor.rowcount == 0:
        raise UnknownContact(f"contact {contact.id} is not in the address book")
    for table in ("contact_number", "contact_sip", "contact_email"):
        connection.execute(f"DELETE FROM {table} WHERE contact_id = ?", (contact.id,))
    _insert_details(connection, contact)


def _words_and_number(text: str) -> tuple[list[str], str]:
    """The folded words of a search and the rest of it, the number ("+1 202 555" stays one)."""
    words, number = [], []
    for token in text.split():
        (words if any(char.isalpha() for char in token) else number).append(token)
    return [fold(word) for word in words], " ".join(number)


def _contact_columns(contact: Contact) -> tuple[object, ...]:
    return (
        contact.name,
        contact.organisation,
        int(contact.favourite),
        contact.notes,
        fold(contact.name),
        _search_text(contact),
        fold(contact.display_name),
    )


def _search_text(contact: Contact) -> str:
    return fold(f"{contact.name} {contact.organisation}")


def _insert_details(connection: sqlite3.Connection, contact: Contact) -> None:
    connection.executemany(
        "INSERT INTO contact_number (contact_id, position, typed, label, e164, problem, digits, "
        "tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (contact.id, position, number.typed, number.label, number.e164, number.problem,
             searchable_digits(number), national_digits(number)[::-1])
            for position, number in enumerate(contact.numbers)
        ],
    )
    connection.executemany(
        "INSERT INTO contact_sip (contact_id, position, uri, address) VALUES (?, ?, ?, ?)",
        [
            (contact.id, position, uri, sip_address(uri))
            for position, uri in enumerate(contact.sip_uris)
        ],
    )
    connection.executemany(
        "INSERT INTO contact_email (contact_id, position, address) VALUES (?, ?, ?)",
        [(contact.id, position, email) for position, email in enumerate(contact.emails)],
    )


def _grouped(database: Database, table: str, ids: str) -> defaultdict[int, list[sqlite3.Row]]:
    groups: defaultdict[int, list[sqlite3.Row]] = defaultdict(list)
    for row in database.query(
        f"SELECT * FROM {table} WHERE {_IN_IDS} ORDER BY contact_id, position", (ids,)
    ):
        groups[row["contact_id"]].append(row)
    return groups

