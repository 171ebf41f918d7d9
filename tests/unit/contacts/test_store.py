"""The address book: storing, finding by name or digits, and naming callers."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.contacts import (
    Contact,
    ContactNumber,
    ContactStore,
    StorageError,
    UnknownContact,
)
from softphone.contacts.store import MIGRATIONS
from softphone.storage import open_database

ADA = Contact(
    "Ada Lovelace",
    numbers=(
        ContactNumber("(202) 555-0143", "mobile"),
        ContactNumber("+44 20 7946 0958", "work"),
    ),
    organisation="Analytical Engines",
    emails=("ada@example.com",),
)
BJORN = Contact(
    "Bjørn Ødegård",
    numbers=(ContactNumber("+47 412 34 567", "mobile"), ContactNumber("1001", "work")),
    sip_uris=("sip:Bjorn@Fjord.Example",),
    favourite=True,
)
EMILE = Contact("Émile Zola", numbers=(ContactNumber("+33 6 12 34 56 78"),))


@pytest.fixture
def book(store: ContactStore) -> ContactStore:
    for contact in (ADA, BJORN, EMILE):
        store.add(contact)
    return store


def names(contacts: list[Contact]) -> list[str]:
    return [contact.name for contact in contacts]


def test_add_stores_e164_next_to_what_was_typed(store: ContactStore) -> None:
    ada = store.add(ADA)

    assert ada.id is not None
    assert [(n.typed, n.e164, n.problem) for n in ada.numbers] == [
        ("(202) 555-0143", "+12025550143", None),
        ("+44 20 7946 0958", "+442079460958", None),
    ]
    assert store.get(ada.id) == ada


def test_a_number_that_cannot_be_normalised_is_kept_and_flagged(store: ContactStore) -> None:
    contact = store.add(Contact("Local", numbers=(ContactNumber("555-0143"),)))

    (number,) = store.get(contact.id or 0).numbers
    assert (number.typed, number.e164) == ("555-0143", None)
    assert number.problem is not None and "area code" in number.problem


def test_update_and_delete(store: ContactStore) -> None:
    ada = store.add(ADA)

    changed = store.update(replace(ada, name="Ada King", numbers=ada.numbers[:1], favourite=True))

    assert store.get(ada.id or 0) == changed
    assert changed.favourite and len(changed.numbers) == 1
    store.delete(ada.id or 0)
    with pytest.raises(UnknownContact):
        store.get(ada.id or 0)
    with pytest.raises(UnknownContact):
        store.update(changed)
    with pytest.raises(UnknownContact):
        store.update(ADA)  # never stored


def test_all_lists_favourites_first_then_by_name_ignoring_accents(book: ContactStore) -> None:
    assert names(book.all()) == ["Bjørn Ødegård", "Ada Lovelace", "Émile Zola"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ada", ["Ada Lovelace"]),
        ("LOVE", ["Ada Lovelace"]),
        ("lovelace ada", ["Ada Lovelace"]),
        ("bjorn", ["Bjørn Ødegård"]),
        ("ODEGARD", ["Bjørn Ødegård"]),
        ("emile", ["Émile Zola"]),
        ("Émile", ["Émile Zola"]),
        ("analytical", ["Ada Lovelace"]),
        ("5550143", ["Ada Lovelace"]),
        ("202 555", ["Ada Lovelace"]),
        ("(202) 555-01", ["Ada Lovelace"]),
        ("+1 202", ["Ada Lovelace"]),
        ("020 7946", ["Ada Lovelace"]),  # the UK national form of a number stored as +44
        ("1001", ["Bjørn Ødegård"]),
        ("ada 202", ["Ada Lovelace"]),  # a name and a number together narrow each other
        ("202 lovelace", ["Ada Lovelace"]),
        ("ada 1001", []),
        ("bjorn 1001", ["Bjørn Ødegård"]),
        ("e", ["Bjørn Ødegård", "Ada Lovelace", "Émile Zola"]),
        ("", ["Bjørn Ødegård", "Ada Lovelace", "Émile Zola"]),
        ("+", ["Bjørn Ødegård", "Ada Lovelace", "Émile Zola"]),  # a number being typed
        ("a_a", []),  # LIKE wildcards are taken literally
        ("a%e", []),
        ("zz", []),
    ],
)
def test_search(book: ContactStore, query: str, expected: list[str]) -> None:
    assert names(book.search(query)) == expected


def test_favourites_are_only_the_starred_contacts_by_name_up_to_the_limit(
        book: ContactStore) -> None:
    assert names(book.favourites()) == ["Bjørn Ødegård"]
    book.add(replace(EMILE, name="Ælfred", favourite=True))
    book.add(replace(ADA, favourite=True))
    assert names(book.favourites()) == ["Ada Lovelace", "Ælfred", "Bjørn Ødegård"]
    assert names(book.favourites(limit=2)) == ["Ada Lovelace", "Ælfred"]
    assert book.favourites()[0].numbers[1].e164 == "+442079460958", "whole contacts"


def test_a_number_in_a_name_is_found_as_written(book: ContactStore) -> None:
    book.add(Contact("Room 101", organisation="Ministry of Love"))

    assert names(book.search("room 101")) == ["Room 101"]
    assert names(book.search("101 love")) == ["Room 101"]
    assert names(book.search("ada 101")) == []


def test_search_puts_favourites_first(book: ContactStore) -> None:
    book.add(Contact("Aaron Ødegård", favourite=False))

    assert names(book.search("odegard")) == ["Bjørn Ødegård", "Aaron Ødegård"]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("+12025550143", "Ada Lovelace"),
        ("sip:+12025550143@provider.example;user=phone", "Ada Lovelace"),
        ("sip:+12025550143;npdi@provider.example", "Ada Lovelace"),
        ("tel:+1-202-555-0143", "Ada Lovelace"),
        ("2025550143", "Ada Lovelace"),  # national format
        ("12025550143", "Ada Lovelace"),  # country code without +
        ("5550143", "Ada Lovelace"),  # local: the last seven digits
        ("02079460958", "Ada Lovelace"),  # UK national format, read in the US
        ("00442079460958", "Ada Lovelace"),
        ("sip:1001@pbx.example", "Bjørn Ødegård"),  # an extension
        ("sip:Bjorn@fjord.example;transport=tcp", "Bjørn Ødegård"),
        ("+12125550143", None),  # the same last seven digits in another area
        ("2125550143", None),
        ("+442025550143", None),  # another country with the same national digits
        ("0143", None),  # too short to match by its ending
        ("anonymous", None),
        ("sip:anonymous@anonymous.invalid", None),
        ("", None),
    ],
)
def test_lookup_name(book: ContactStore, caller: str, expected: str | None) -> None:
    found = book.lookup_name(caller)

    assert (found.name if found else None) == expected


def test_lookup_gives_no_name_when_two_contacts_match_equally(book: ContactStore) -> None:
    book.add(Contact("Other Ada", numbers=(ContactNumber("+1 303 555 0143"),)))

    assert book.lookup_name("5550143") is None
    assert book.lookup_name("2025550143") == book.search("ada")[0]


def test_files_are_readable_by_the_user_only(book: ContactStore, store_path: Path) -> None:
    files = sorted(store_path.parent.iterdir())

    assert [file.name for file in files] == [
        "contacts.sqlite3", "contacts.sqlite3-shm", "contacts.sqlite3-wal",
    ]
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700


def test_schema_version_and_wal_mode(book: ContactStore, store_path: Path) -> None:
    with closing(sqlite3.connect(store_path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_later_schema_migrates_and_keeps_the_contacts(store_path: Path) -> None:
    with ContactStore.open(store_path, "US") as first:
        first.add(ADA)

    def add_birthday(connection: sqlite3.Connection) -> None:
        connection.execute("ALTER TABLE contact ADD COLUMN birthday TEXT")

    database = open_database(store_path, (*MIGRATIONS, add_birthday))
    with ContactStore(database, "US") as upgraded:
        assert names(upgraded.all()) == ["Ada Lovelace"]
    with closing(sqlite3.connect(store_path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (2,)
        assert "birthday" in [row[1] for row in raw.execute("PRAGMA table_info(contact)")]


def test_a_file_from_a_newer_version_is_left_alone(store_path: Path) -> None:
    with ContactStore.open(store_path, "US") as first:
        first.add(ADA)
    with closing(sqlite3.connect(store_path)) as raw:
        raw.execute("PRAGMA user_version = 99")
    before = store_path.read_bytes()

    with pytest.raises(StorageError, match=r"newer version of Softphone \(schema 99"):
        ContactStore.open(store_path, "US")

    assert store_path.read_bytes() == before


def test_a_damaged_contacts_file_is_set_aside(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"\x00garbage" * 1000)

    with ContactStore.open(store_path, "US") as store:
        assert store.recovery is not None
        assert store.recovery.kept_as.read_bytes() == b"\x00garbage" * 1000
        assert store.all() == []
        store.add(ADA)


def test_reads_never_wait_for_a_long_write_on_another_connection(
        book: ContactStore, store_path: Path) -> None:
    """An import writes in one long transaction on a connection of its own; meanwhile the
    window searches and the history writer looks callers up, and neither may be kept waiting
    (SQLite would give up after its busy timeout, and the incoming call would go unrecorded)."""
    with ContactStore.open(store_path, default_country="US") as importer, importer.batch():
        importer.add(Contact("Carol Not Yet", (ContactNumber("+1 202 555 0177", "mobile"),)))
        assert book.lookup_name("+12025550143") == book.search("ada")[0]
        assert book.search("carol") == []
        assert book.get(book.search("ada")[0].id).name == "Ada Lovelace"
    assert [contact.name for contact in book.search("carol")] == ["Carol Not Yet"]
