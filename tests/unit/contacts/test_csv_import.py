"""CSV exports of Google Contacts (both layouts) and Outlook, in the encodings they use."""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.contacts import Contact, ContactImportError, ContactStore, import_contacts
from tests.unit.contacts.exports import (
    GOOGLE_HEADER,
    GOOGLE_LEGACY_HEADER,
    OUTLOOK_HEADER,
    csv_text,
    write_csv,
)

ADA_GOOGLE_LEGACY = {
    "Name": "Ada Lovelace",
    "Given Name": "Ada",
    "Family Name": "Lovelace",
    "Notes": "Met at the Royal Society,\nJune 1833",
    "Group Membership": "* myContacts ::: * starred",
    "E-mail 1 - Type": "* Home",
    "E-mail 1 - Value": "ada@example.com",
    "Phone 1 - Type": "Mobile",
    "Phone 1 - Value": "+1 202-555-0143 ::: (202) 555-0100",
    "Phone 2 - Type": "Work",
    "Phone 2 - Value": "+44 20 7946 0958",
    "Phone 3 - Type": "Main",
    "Phone 3 - Value": "1001",
    "Organization 1 - Type": "Other",
    "Organization 1 - Name": "Analytical Engines",
}

BJORN_GOOGLE = {
    "First Name": "Bjørn",
    "Last Name": "Ødegård",
    "Organization Name": "Fjord AS",
    "Labels": "* myContacts ::: * starred",
    "E-mail 1 - Label": "* Work",
    "E-mail 1 - Value": "bjorn@fjord.example",
    "Phone 1 - Label": "Mobile",
    "Phone 1 - Value": "+47 412 34 567",
    "Phone 2 - Label": "Home",
    "Phone 2 - Value": "+47 22 12 34 56",
}

EMILE_OUTLOOK = {
    "Title": "M.",
    "First Name": "Émile",
    "Last Name": "Zola",
    "Company": "Éditions Charpentier",
    "Job Title": "Writer",
    "Business Phone": "+33 1 42 00 00 00",
    "Mobile Phone": "+33 6 12 34 56 78",
    "Home Phone": "(202) 555-0123",
    "Business Fax": "+33 1 42 00 00 01",
    "E-mail Address": "emile@example.fr",
    "E-mail Type": "SMTP",
    "E-mail Display Name": "Émile Zola (emile@example.fr)",
    "Notes": "J'accuse…!",
    "Categories": "Writers",
}


def numbers(contact: Contact) -> list[tuple[str, str | None]]:
    return [(number.label, number.e164 or number.typed) for number in contact.numbers]


def test_google_legacy_export(store: ContactStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "google.csv", GOOGLE_LEGACY_HEADER, [ADA_GOOGLE_LEGACY])

    report = import_contacts(store, path)

    assert (report.added, report.skipped) == (1, 0)
    (ada,) = store.all()
    assert (ada.name, ada.organisation, ada.favourite) == (
        "Ada Lovelace", "Analytical Engines", True,
    )
    assert ada.notes == "Met at the Royal Society,\nJune 1833"
    assert ada.emails == ("ada@example.com",)
    assert numbers(ada) == [
        ("mobile", "+12025550143"),
        ("mobile", "+12025550100"),
        ("work", "+442079460958"),
        ("Main", "1001"),
    ]


def test_google_current_export(store: ContactStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "contacts.csv", GOOGLE_HEADER, [BJORN_GOOGLE])

    import_contacts(store, path)

    (bjorn,) = store.all()
    assert (bjorn.name, bjorn.organisation, bjorn.favourite) == ("Bjørn Ødegård", "Fjord AS", True)
    assert bjorn.emails == ("bjorn@fjord.example",)
    assert numbers(bjorn) == [("mobile", "+4741234567"), ("home", "+4722123456")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_outlook_export_in_the_encodings_outlook_writes(
    store: ContactStore, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(
        tmp_path / "outlook.csv", OUTLOOK_HEADER, [EMILE_OUTLOOK], encoding, quote_all=True
    )

    import_contacts(store, path)

    (emile,) = store.all()
    assert (emile.name, emile.organisation) == ("Émile Zola", "Éditions Charpentier")
    assert emile.emails == ("emile@example.fr",)
    assert emile.notes == "J'accuse…!"
    assert numbers(emile) == [
        ("fax", "+33142000001"),
        ("work", "+33142000000"),
        ("home", "+12025550123"),
        ("mobile", "+33612345678"),
    ]


def test_malformed_lines_are_skipped_with_their_line_number(
    store: ContactStore, tmp_path: Path
) -> None:
    good = csv_text(GOOGLE_HEADER, [BJORN_GOOGLE])
    path = tmp_path / "contacts.csv"
    path.write_text(
        good
        + "Too,few,fields\r\n"
        + ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\r\n"  # every field empty: nobody
        + '"Bjørn, never closed' + good.splitlines()[1].removeprefix("Bjørn") + "\r\n",
        encoding="utf-8",
        newline="",
    )

    report = import_contacts(store, path)

    assert (report.added, report.skipped) == (1, 3)
    assert [(skip.where, skip.reason.split(":")[0]) for skip in report.skips] == [
        ("line 3", "malformed line"),
        ("line 4", "no name and no number"),
        ("line 5", "malformed CSV (unexpected end of data)"),
    ]


def test_an_oversized_field_costs_its_line_only(store: ContactStore, tmp_path: Path) -> None:
    huge = dict(BJORN_GOOGLE, **{"First Name": "B" * 200_000})
    path = write_csv(tmp_path / "contacts.csv", GOOGLE_HEADER, [huge, BJORN_GOOGLE])

    report = import_contacts(store, path)

    assert report.added == 1
    assert report.skipped >= 1
    assert "field larger than field limit" in report.skips[0].reason


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "it is empty"),
        ("Date,Amount,Payee\r\n2024-01-02,12.50,Bakery\r\n", "neither a vCard nor"),
        ("First Name,Last Name\r\n", "no contacts in it"),
    ],
)
def test_files_that_are_no_contacts_export_are_refused(
    store: ContactStore, tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_text(content)

    with pytest.raises(ContactImportError, match=problem) as refused:
        import_contacts(store, path)

    assert str(path) in str(refused.value)
