"""Import… and Export… on the Contacts tab: real files in, a report out; vCards out and back in
without duplicates; a big import that leaves the window working."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, Contact, ContactNumber, ContactStore, read_vcards
from softphone.ui.adapter import EngineBridge
from softphone.ui.contacts_view import ContactsView
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder
from tests.unit.contacts.exports import (
    APPLE_VCARD_3,
    GOOGLE_HEADER,
    GOOGLE_VCARD_3,
    OUTLOOK_HEADER,
    RFC_VCARD_4,
    csv_text,
    write_csv,
    write_vcard,
)

IMPORT_TIMEOUT_MS = 120_000  # a 10,000-contact file on a busy test machine

KNOWN = (
    Contact("Alice Smith", (ContactNumber("(202) 555-0143", MOBILE),), emails=("a@x.example",)),
    Contact("Simon Perreault", emails=("simon.perreault@viagenie.ca",)),
    Contact("Bob Jones", (ContactNumber("(202) 555-0199"),)),
)


@pytest.fixture
def view(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
         contacts: ContactStore, history: object) -> ContactsView:  # noqa: F811
    for contact in KNOWN:
        contacts.add(contact)
    window: MainWindow = open_window(qtbot, engine, bridge, session, contacts,
                                     history)  # type: ignore[arg-type]
    window.tabs.setCurrentIndex(1)
    assert window.contacts_view is not None
    return window.contacts_view


def import_through_the_dialog(qtbot: QtBot, view: ContactsView, path: Path) -> None:
    """Import…, pick the file, Open: as the user does."""
    view.import_button.click()
    assert view.file_dialog is not None and view.file_dialog.isVisible()
    view.file_dialog.selectFile(str(path))
    view.file_dialog.accept()
    wait_for_import(qtbot, view)


def wait_for_import(qtbot: QtBot, view: ContactsView) -> None:
    qtbot.waitUntil(lambda: not view.importing, timeout=IMPORT_TIMEOUT_MS)


def report_of(view: ContactsView) -> tuple[str, list[str]]:
    assert view.report is not None and view.report.isVisible()
    return view.report.summary.text(), view.report.reasons()


def names(store: ContactStore) -> list[str]:
    return [contact.name for contact in store.all()]


def test_a_vcard_3_file_with_type_parameters_is_imported_and_reported(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    path = write_vcard(tmp_path / "google.vcf", GOOGLE_VCARD_3, APPLE_VCARD_3)
    import_through_the_dialog(qtbot, view, path)
    assert report_of(view) == ("google.vcf: 1 added, 1 merged into existing contacts.", [])
    assert view.status.text() == "google.vcf: 1 added, 1 merged into existing contacts."
    alice = contacts.lookup_name("+12025550143")  # Ada's mobile was Alice's number: merged
    assert alice is not None and alice.name == "Alice Smith"
    assert alice.emails == ("a@x.example", "ada@example.com")
    bjorn = contacts.lookup_name("+4741234567")
    assert bjorn is not None
    assert [(n.label, n.typed) for n in bjorn.numbers] == [
        (MOBILE, "+47 412 34 567"), ("home", "+47 22 12 34 56"), ("other", "+47 815 00 000"),
        ("Desk extension", "1001")]
    assert ("Bjørn Ødegård", "mobile  +47 412 34 567") in view.rows()
    assert view.star_button(0).text() == "★"  # Google's "starred": Alice is a favourite now


def test_a_vcard_4_file_with_tel_uris_merges_into_the_contact_it_matches(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    path = write_vcard(tmp_path / "rfc.vcf", RFC_VCARD_4)
    import_through_the_dialog(qtbot, view, path)
    assert report_of(view)[0] == "rfc.vcf: 0 added, 1 merged into existing contacts."
    [simon] = [contact for contact in contacts.all() if contact.name == "Simon Perreault"]
    assert [number.e164 for number in simon.numbers] == ["+14186569254", "+15555555555"]
    assert simon.sip_uris == ("sip:simon@viagenie.ca",)


def test_google_and_outlook_csv_exports_are_imported_with_each_skip_explained(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    google = tmp_path / "google.csv"
    good = csv_text(GOOGLE_HEADER, [
        {"First Name": "Grace", "Last Name": "Hopper", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "+1 202 555 0177", "Labels": "* starred"},
        {"Notes": "a row with no name and no number"},
    ])
    google.write_text(good + "Too,few,fields\r\n", encoding="utf-8", newline="")
    import_through_the_dialog(qtbot, view, google)
    assert report_of(view) == (
        "google.csv: 1 added, 0 merged into existing contacts, 2 skipped.",
        ["line 3: no name and no number",
         f"line 4: malformed line: 3 fields where the first line names {len(GOOGLE_HEADER)}"])

    outlook = write_csv(tmp_path / "outlook.csv", OUTLOOK_HEADER, [
        {"First Name": "Émile", "Last Name": "Zola", "Mobile Phone": "+33 6 12 34 56 78",
         "E-mail Address": "emile@example.fr"},
        {"First Name": "Bob", "Last Name": "Jones", "Business Phone": "202-555-0199"},
    ], encoding="utf-16", quote_all=True)
    import_through_the_dialog(qtbot, view, outlook)
    assert report_of(view) == (
        "outlook.csv: 1 added, 0 merged into existing contacts, 1 already there.", [])
    assert names(contacts) == ["Grace Hopper",  # starred in Google: a favourite
                               "Alice Smith", "Bob Jones", "Émile Zola", "Simon Perreault"]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("photo.vcf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it holds binary data, not text."),
    ("notes.csv", b"Title,Body\r\nshopping,milk\r\n",
     "it is neither a vCard nor a Google or Outlook CSV export (its first line names no name "
     "or phone columns)."),
    ("empty.vcf", b"", "there are no contacts in it."),
])
def test_a_file_that_is_no_address_book_is_refused_in_a_sentence(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore, tmp_path: Path,  # noqa: F811
        name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    import_through_the_dialog(qtbot, view, path)
    message = f"Nothing was imported from {path}: {reason}"
    assert isinstance(view.notice, QMessageBox) and view.notice.isVisible()
    assert (view.notice.text(), view.status.text()) == (message, message)
    assert view.report is None
    assert names(contacts) == ["Alice Smith", "Bob Jones", "Simon Perreault"]
    assert view.import_button.isEnabled() and view.new_button.isEnabled()


def test_a_damaged_vcard_file_keeps_the_good_cards_and_lists_the_others(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    truncated = "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\nTEL:+1 202 555 0188\n"
    path = write_vcard(tmp_path / "broken.vcf", RFC_VCARD_4, "BEGIN:VCARD\nVERSION:3.0\n"
                       "END:VCARD\n", truncated)
    import_through_the_dialog(qtbot, view, path)
    assert report_of(view) == (
        "broken.vcf: 0 added, 1 merged into existing contacts, 2 skipped.",
        ["vCard at line 11: no name and no number",
         "vCard at line 14: the file ends in the middle of this vCard (truncated)"])


def test_an_unreadable_file_is_said_by_name(
        qtbot: QtBot, view: ContactsView, tmp_path: Path) -> None:
    view.import_file(tmp_path / "gone.vcf")
    wait_for_import(qtbot, view)
    assert view.notice is not None
    assert view.notice.text().startswith(f"Nothing was imported: {tmp_path / 'gone.vcf'} "
                                         "can't be read (No such file or directory")


def test_exported_contacts_imported_again_add_nothing(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    assert view.export_button.text() == "Export all…"
    view.export_button.click()
    assert view.file_dialog is not None
    assert view.file_dialog.windowTitle() == "Export all contacts"
    view.file_dialog.selectFile(str(tmp_path / "mine"))
    view.file_dialog.accept()
    exported = tmp_path / "mine.vcf"
    assert view.status.text() == f"Exported 3 contacts to {exported}."
    before = contacts.all()
    import_through_the_dialog(qtbot, view, exported)
    assert report_of(view)[0] == ("mine.vcf: 0 added, 0 merged into existing contacts, "
                                  "3 already there.")
    assert contacts.all() == before


def test_export_selected_writes_only_the_selected_contacts(
        view: ContactsView, tmp_path: Path) -> None:
    view.list.topLevelItem(1).setSelected(True)  # Bob
    assert view.export_button.text() == "Export selected…"
    view.export_button.click()
    assert view.file_dialog is not None
    assert view.file_dialog.windowTitle() == "Export 1 contact"
    view.file_dialog.selectFile(str(tmp_path / "bob.vcf"))
    view.file_dialog.accept()
    with (tmp_path / "bob.vcf").open(encoding="utf-8", newline="") as stream:
        assert [contact.name for contact in read_vcards(stream)] == ["Bob Jones"]


def test_an_export_that_cannot_be_written_says_so(view: ContactsView, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "contacts.vcf"
    view.export_to(target)
    assert view.notice is not None and view.notice.isVisible()
    assert view.notice.text() == (f"The contacts could not be exported to {target}: No such "
                                  "file or directory. Nothing was written there.")
    assert not target.parent.exists()


def write_big_vcard(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        for i in range(count):
            out.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i:05d}\r\n"
                      f"TEL;TYPE=CELL:+1 202 555 {i % 10_000:04d}\r\n"
                      f"TEL;TYPE=WORK:+44 20 7946 {i % 10_000:04d}\r\n"
                      f"EMAIL:p{i}@example.com\r\nEND:VCARD\r\n")
    return path


def test_a_big_import_leaves_the_window_working_and_the_list_readable(
        qtbot: QtBot, view: ContactsView, contacts: ContactStore,  # noqa: F811
        tmp_path: Path) -> None:
    path = write_big_vcard(tmp_path / "big.vcf", 10_000)
    ticks: list[bool] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(view.importing))
    timer.start()
    view.import_file(path)
    assert view.importing  # returned at once: the import goes on elsewhere
    assert view.status.text() == ("Importing big.vcf… The new contacts are listed once it has "
                                  "finished.")
    assert not (view.new_button.isEnabled() or view.import_button.isEnabled()
                or view.star_button(0).isEnabled())
    view.search.setText("bob")  # reading never waits for the import's transaction
    assert view.rows() == [("Bob Jones", "other  (202) 555-0199")]
    view.add_to_contacts("+12025550111")  # changing has to wait: said, not frozen
    assert view.editor is None and view.notice is not None
    assert view.notice.text().startswith("Contacts are being imported")
    wait_for_import(qtbot, view)
    timer.stop()
    assert ticks.count(True) > 1  # the event loop kept running while the import did
    # Persons 143 and 199 have Alice's and Bob's numbers: merged into them, not repeated.
    assert report_of(view)[0] == "big.vcf: 9998 added, 2 merged into existing contacts."
    assert contacts.count() == 3 + 9998
    assert view.new_button.isEnabled() and view.star_button(0).isEnabled()
