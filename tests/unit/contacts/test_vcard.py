"""vCards from Google, Apple, Android and RFC 6350 in; vCard 3.0 and 4.0 out and back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from softphone.contacts import (
    Contact,
    ContactImportError,
    ContactNumber,
    ContactStore,
    Skipped,
    export_vcard,
    import_contacts,
    read_vcards,
)
from softphone.contacts.vcard import MAX_CARD_LINES
from tests.unit.contacts.exports import (
    ANDROID_VCARD_21,
    APPLE_VCARD_3,
    GOOGLE_VCARD_3,
    RFC_VCARD_4,
    crlf,
    write_vcard,
)


def only_contact(store: ContactStore) -> Contact:
    (contact,) = store.all()
    return contact


def test_google_vcard_3_with_types_custom_labels_escapes_and_folded_lines(
    store: ContactStore, tmp_path: Path
) -> None:
    report = import_contacts(store, write_vcard(tmp_path / "contacts.vcf", GOOGLE_VCARD_3))

    assert (report.added, report.skipped) == (1, 0)
    ada = only_contact(store)
    assert ada.name == "Ada Lovelace"
    assert ada.organisation == "Analytical Engines, Ltd"
    assert [(n.typed, n.label, n.e164) for n in ada.numbers] == [
        ("+1 202-555-0143", "mobile", "+12025550143"),
        ("(202) 555-0199", "work", "+12025550199"),
        ("+44 20 7946 0958", "Royal Society", "+442079460958"),
    ]
    assert ada.emails == ("ada@example.com",)
    assert ada.notes == (
        "Met Charles Babbage in June 1833, and wrote to him for years about the "
        "Analytical Engine.\nFirst programmer."
    )
    assert ada.favourite  # CATEGORIES:starred


def test_apple_vcard_3_labels_sip_address_and_photo_dropped(
    store: ContactStore, tmp_path: Path
) -> None:
    import_contacts(store, write_vcard(tmp_path / "iCloud.vcf", APPLE_VCARD_3))

    bjorn = only_contact(store)
    assert bjorn.name == "Bjørn Ødegård"
    assert bjorn.organisation == "Fjord AS"
    assert [(n.label, n.e164) for n in bjorn.numbers] == [
        ("mobile", "+4741234567"),
        ("home", "+4722123456"),
        ("other", "+4781500000"),
        ("Desk extension", None),
    ]
    assert bjorn.numbers[3].problem is None  # an extension is fine as it is
    assert bjorn.sip_uris == ("sip:bjorn@fjord.example",)


def test_android_vcard_21_quoted_printable(store: ContactStore, tmp_path: Path) -> None:
    import_contacts(store, write_vcard(tmp_path / "00001.vcf", ANDROID_VCARD_21))

    emile = only_contact(store)
    assert emile.name == "Émile Zola"
    assert emile.notes == (
        "Café crème, two sugars, and a very long line that Android breaks with a soft line break."
    )
    mobile, home = emile.numbers
    assert (mobile.label, mobile.e164) == ("mobile", "+33612345678")
    # Too short for a number in the default country (US): kept as typed, and flagged.
    assert (home.typed, home.e164) == ("42 00 00 00", None)
    assert home.problem


def test_vcard_4_tel_uris_with_quoted_type_lists(store: ContactStore, tmp_path: Path) -> None:
    import_contacts(store, write_vcard(tmp_path / "simon.vcf", RFC_VCARD_4))

    simon = only_contact(store)
    assert simon.name == "Simon Perreault"
    assert [(n.label, n.e164) for n in simon.numbers] == [
        ("work", "+14186569254"),
        ("mobile", "+15555555555"),
    ]
    assert simon.sip_uris == ("sip:simon@viagenie.ca",)
    assert simon.emails == ("simon.perreault@viagenie.ca",)


def test_several_cards_in_one_file(store: ContactStore, tmp_path: Path) -> None:
    path = write_vcard(tmp_path / "all.vcf", GOOGLE_VCARD_3, APPLE_VCARD_3, RFC_VCARD_4)

    report = import_contacts(store, path)

    assert report.added == 3
    assert [contact.name for contact in store.all()] == [
        "Ada Lovelace",  # starred
        "Bjørn Ødegård",
        "Simon Perreault",
    ]


def test_a_truncated_file_imports_the_cards_before_the_break(
    store: ContactStore, tmp_path: Path
) -> None:
    whole = crlf(GOOGLE_VCARD_3 + RFC_VCARD_4)
    path = tmp_path / "cut.vcf"
    path.write_text(whole[: whole.index("EMAIL;TYPE=work")], encoding="utf-8", newline="")

    report = import_contacts(store, path)

    assert (report.added, report.skipped) == (1, 1)
    assert "truncated" in report.skips[0].reason
    assert only_contact(store).name == "Ada Lovelace"


def test_a_card_with_an_unreadable_line_is_skipped_alone(
    store: ContactStore, tmp_path: Path
) -> None:
    broken = RFC_VCARD_4.replace("ORG:Viagenie", "this line has no colon at all")
    path = write_vcard(tmp_path / "mixed.vcf", GOOGLE_VCARD_3, broken, APPLE_VCARD_3)

    report = import_contacts(store, path)

    assert (report.added, report.skipped) == (2, 1)
    assert report.skips[0].where == "vCard at line 15"
    assert "unreadable line" in report.skips[0].reason


def test_a_card_without_end_is_reported_when_the_next_begins() -> None:
    text = crlf(GOOGLE_VCARD_3.replace("END:VCARD\n", "") + RFC_VCARD_4)

    entries = list(read_vcards(io.StringIO(text, newline="")))

    assert isinstance(entries[0], Skipped)
    assert "END:VCARD" in entries[0].reason
    assert isinstance(entries[1], Contact)


def test_a_card_of_endless_lines_is_skipped_without_keeping_them() -> None:
    endless = "BEGIN:VCARD\r\nFN:Spam\r\n" + "NOTE:spam\r\n" * (MAX_CARD_LINES + 10)
    text = endless + "END:VCARD\r\n" + crlf(RFC_VCARD_4)

    skipped, simon = read_vcards(io.StringIO(text, newline=""))

    assert skipped == Skipped("vCard at line 1", f"more than {MAX_CARD_LINES} lines in one vCard")
    assert isinstance(simon, Contact) and simon.name == "Simon Perreault"


def test_a_card_with_no_name_and_no_number_is_skipped() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:someone@example.com\r\nEND:VCARD\r\n"

    (entry,) = read_vcards(io.StringIO(text, newline=""))

    assert entry == Skipped("vCard at line 1", "no name and no number")


def test_a_vcf_file_with_no_card_is_refused(store: ContactStore, tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf"
    path.write_text("These are not the contacts you are looking for.\n")

    with pytest.raises(ContactImportError, match="no contacts in it"):
        import_contacts(store, path)


CONTACTS = [
    Contact(
        "Ada King, Countess; of Lovelace",
        numbers=(
            ContactNumber("(202) 555-0143", "mobile"),
            ContactNumber("+44 20 7946 0958", "Royal Society"),
            ContactNumber("1001", "work"),
        ),
        emails=("ada@example.com",),
        sip_uris=("sip:ada@example.com",),
        organisation="Analytical Engines",
        favourite=True,
        notes="First line\nsecond line, with a comma; and a semicolon \\ and a backslash",
    ),
    Contact("Bjørn", numbers=(ContactNumber("+47 412 34 567", "home"),)),
]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_then_import_gives_back_the_same_contacts(
    store: ContactStore, tmp_path: Path, version: str
) -> None:
    for contact in CONTACTS:
        store.add(contact)
    path = tmp_path / "export.vcf"

    assert export_vcard(store.all(), path, version) == 2
    text = path.read_text(encoding="utf-8")
    assert f"VERSION:{version}" in text

    with ContactStore.open(tmp_path / "other.sqlite3", "US") as other:
        report = import_contacts(other, path)
        assert report.added == 2
        assert _comparable(other.all()) == _comparable(store.all())


def test_vcard_4_export_writes_global_tel_uris(store: ContactStore, tmp_path: Path) -> None:
    store.add(CONTACTS[0])
    path = tmp_path / "export.vcf"

    export_vcard(store.all(), path, "4.0")

    text = path.read_text(encoding="utf-8")
    assert "TEL;TYPE=cell;VALUE=uri:tel:+12025550143" in text
    assert "TEL;TYPE=work:1001" in text  # no E.164: stays text


def test_export_refuses_an_unknown_version(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"3\.0, 4\.0"):
        export_vcard(CONTACTS, tmp_path / "export.vcf", "2.1")
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind


def _comparable(contacts: list[Contact]) -> list[tuple[object, ...]]:
    """What must survive a round trip; how a number was typed may become E.164 in vCard 4."""
    return [
        (
            contact.name,
            contact.organisation,
            contact.favourite,
            contact.notes,
            contact.emails,
            contact.sip_uris,
            [(number.label, number.e164 or number.typed) for number in contact.numbers],
        )
        for contact in contacts
    ]
