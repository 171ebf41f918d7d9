"""Imports never duplicate, never half-happen, and survive hostile files."""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

import pytest

from softphone.contacts import (
    MAX_ENTRIES,
    Contact,
    ContactImportError,
    ContactNumber,
    ContactStore,
    import_contacts,
)
from softphone.contacts.store import Absorbed
from tests.unit.contacts.exports import (
    GOOGLE_HEADER,
    GOOGLE_VCARD_3,
    RFC_VCARD_4,
    write_csv,
    write_vcard,
)

BEFORE = [
    Contact("Ada Lovelace", numbers=(ContactNumber("(202) 555-0143", "mobile"),)),
    Contact("Charles Babbage", emails=("charles@example.com",), notes="Difference Engine"),
]


@pytest.fixture
def filled(store: ContactStore) -> ContactStore:
    for contact in BEFORE:
        store.add(contact)
    return store


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    store: ContactStore, tmp_path: Path
) -> None:
    path = write_vcard(tmp_path / "contacts.vcf", GOOGLE_VCARD_3, RFC_VCARD_4)
    import_contacts(store, path)
    first = store.all()

    report = import_contacts(store, path)

    assert (report.added, report.merged, report.unchanged) == (0, 0, 2)
    assert store.all() == first


def test_a_contact_with_a_known_number_gets_the_new_details_merged_in(
    filled: ContactStore, tmp_path: Path
) -> None:
    row = {
        "First Name": "Ada",
        "Last Name": "King",  # a different name, the same number: the same person
        "Organization Name": "Analytical Engines",
        "Phone 1 - Label": "Mobile",
        "Phone 1 - Value": "+1 202 555 0143",
        "Phone 2 - Label": "Work",
        "Phone 2 - Value": "+44 20 7946 0958",
        "E-mail 1 - Value": "ada@example.com",
    }

    report = import_contacts(filled, write_csv(tmp_path / "g.csv", GOOGLE_HEADER, [row]))

    assert (report.added, report.merged) == (0, 1)
    ada = filled.search("ada")[0]
    assert ada.name == "Ada Lovelace"  # what the user had is kept
    assert ada.organisation == "Analytical Engines"  # an empty field is filled
    assert [n.e164 for n in ada.numbers] == ["+12025550143", "+442079460958"]
    assert ada.emails == ("ada@example.com",)
    assert filled.count() == 2


def test_same_name_and_email_is_the_same_contact(filled: ContactStore) -> None:
    outcome = filled.absorb(
        Contact("charles  BABBAGE", emails=("Charles@Example.com",),
                numbers=(ContactNumber("+44 20 7946 0000"),))
    )

    assert outcome is Absorbed.MERGED
    (charles,) = filled.search("babbage")
    assert charles.notes == "Difference Engine"
    assert [n.e164 for n in charles.numbers] == ["+442079460000"]


def test_same_name_without_anything_in_common_is_another_person(filled: ContactStore) -> None:
    outcome = filled.absorb(Contact("Ada Lovelace", numbers=(ContactNumber("+1 202 555 0100"),)))

    assert outcome is Absorbed.ADDED
    assert filled.count() == 3


def test_duplicates_within_one_file_become_one_contact(
    store: ContactStore, tmp_path: Path
) -> None:
    rows = [
        {"First Name": "Ada", "Phone 1 - Value": "+1 202 555 0143"},
        {"First Name": "Ada L.", "Phone 1 - Value": "(202) 555-0143",
         "E-mail 1 - Value": "ada@example.com"},
    ]

    report = import_contacts(store, write_csv(tmp_path / "g.csv", GOOGLE_HEADER, rows))

    assert (report.added, report.merged) == (1, 1)
    assert store.count() == 1


def test_a_failure_half_way_keeps_nothing_of_the_import(
    filled: ContactStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"First Name": f"Person {n}", "Phone 1 - Value": f"+1 202 555 {n:04d}"}
            for n in range(200, 210)]
    path = write_csv(tmp_path / "g.csv", GOOGLE_HEADER, rows)
    before = filled.all()
    absorb = filled.absorb
    calls = 0

    def failing_absorb(contact: Contact) -> Absorbed:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise sqlite3.OperationalError("database or disk is full")
        return absorb(contact)

    monkeypatch.setattr(filled, "absorb", failing_absorb)

    with pytest.raises(ContactImportError, match=r"could not be written \(database or disk"):
        import_contacts(filled, path)

    assert filled.all() == before


def test_binary_junk_is_refused(filled: ContactStore, tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(random.Random(7).randbytes(200_000))
    before = filled.all()

    with pytest.raises(ContactImportError, match="binary data"):
        import_contacts(filled, path)

    assert filled.all() == before


def test_a_50_mb_file_is_refused_before_it_is_read(filled: ContactStore, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    with path.open("wb") as big:
        big.truncate(50_000_000)

    with pytest.raises(ContactImportError, match=r"it is 50\.0 MB, and files over 20 MB"):
        import_contacts(filled, path)

    assert filled.count() == len(BEFORE)


def test_a_file_with_100k_contacts_is_refused_and_nothing_is_added(
    filled: ContactStore, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["First Name", "Last Name", "Mobile Phone"])
        writer.writerows([f"First{n}", f"Last{n}", f"+1 202 555 {n % 10000:04d}"]
                         for n in range(100_000))

    with pytest.raises(ContactImportError, match=f"more than {MAX_ENTRIES:,} entries"):
        import_contacts(filled, path)

    assert filled.count() == len(BEFORE)


def test_thousands_of_broken_lines_are_counted_but_not_all_listed(
    store: ContactStore, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Mobile Phone\r\n" + "just one field\r\n" * 5000)

    report = import_contacts(store, path)

    assert (report.added, report.skipped) == (0, 5000)
    assert len(report.skips) == 200
    assert report.summary == "contacts.csv: 0 added, 0 merged into existing contacts, 5000 skipped."


def test_a_missing_file_is_reported_by_name(store: ContactStore, tmp_path: Path) -> None:
    with pytest.raises(ContactImportError, match=r"missing\.vcf can't be read"):
        import_contacts(store, tmp_path / "missing.vcf")


def test_on_entry_is_called_for_every_entry_read_in_both_passes(
    store: ContactStore, tmp_path: Path
) -> None:
    nameless = "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n"
    path = write_vcard(tmp_path / "contacts.vcf", GOOGLE_VCARD_3, nameless, RFC_VCARD_4)
    read: list[int] = []

    report = import_contacts(store, path, on_entry=lambda: read.append(store.count()))

    assert (report.added, report.skipped) == (2, 1)
    assert read == [0, 0, 0, 0, 1, 1]  # counted first, then imported one by one
