"""Another program holding the contacts or history file locked (a real second SQLite
connection in BEGIN EXCLUSIVE): every change the window tries says so in the storage layer's own
sentence, where the user looks, and nothing typed or listed is lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from softphone import storage
from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import Direction
from softphone.history import HistoryStore, Outcome
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from softphone.ui.tray import Tray
from tests.gui.books import open_window
from tests.gui.conftest import Recorder
from tests.gui.test_contacts_view import answer, select
from tests.gui.test_history_view import record

LOCKED = "is locked by another program (a second Softphone, or a database tool that has it open)."
ADA = Contact("Ada Lovelace", (ContactNumber("(202) 555-0143", "mobile"),), favourite=True)


@contextmanager
def held(path: Path) -> Iterator[None]:
    """What a second Softphone or `sqlite3 contacts.sqlite3` in a terminal does."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[tuple[ContactStore, HistoryStore]]:
    """SQLite's wait for the lock shortened from seconds, so that the tests stay quick."""
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.1)
    with ContactStore.open(tmp_path / "contacts.sqlite3", "US") as contacts, \
            HistoryStore.open(tmp_path / "history.sqlite3") as history:
        contacts.add(ADA)
        record(history, Direction.INCOMING, Outcome.MISSED, "+442079460018", "Front desk")
        yield contacts, history


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 stores: tuple[ContactStore, HistoryStore]) -> MainWindow:
    return open_window(qtbot, engine, bridge, session, *stores)


def test_a_contact_saved_while_the_file_is_locked_stays_typed_in_the_editor(
        books_window: MainWindow, stores: tuple[ContactStore, HistoryStore]) -> None:
    contacts, _ = stores
    view = books_window.contacts_view
    assert view is not None
    view.new_contact()
    editor = view.editor
    assert editor is not None
    editor.name.setText("Grace Hopper")
    editor.numbers.rows[0].field.setText("+44 20 7946 0018")
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    with held(contacts.path):
        save.click()
        assert editor.isVisible()
        assert editor.error.text() == (
            f"The contact was not saved: {contacts.path} {LOCKED} Everything you typed is "
            "still here; press Save again once that program lets go of it.")
        assert (editor.name.text(), editor.numbers.rows[0].value) == ("Grace Hopper",
                                                                      "+44 20 7946 0018")
    save.click()
    assert not editor.isVisible()
    assert [contact.name for contact in contacts.all()] == ["Ada Lovelace", "Grace Hopper"]


def test_starring_and_deleting_while_locked_say_why_and_change_nothing(
        books_window: MainWindow, stores: tuple[ContactStore, HistoryStore]) -> None:
    contacts, _ = stores
    view = books_window.contacts_view
    assert view is not None
    with held(contacts.path):
        view.star_button(0).click()
        assert view.status.text() == (f"The address book could not be changed: "
                                      f"{contacts.path} {LOCKED}")
        select(view, 0)
        view.delete_selected()
        answer(view.question, "Delete")
        assert view.status.text().endswith(LOCKED)
        assert view.rows() == [("Ada Lovelace", "mobile  (202) 555-0143")]
    assert [contact.favourite for contact in contacts.all()] == [True]


def test_history_changes_while_locked_say_why_and_keep_the_list(
        qtbot: QtBot, books_window: MainWindow,
        stores: tuple[ContactStore, HistoryStore], monkeypatch: pytest.MonkeyPatch) -> None:
    _, history = stores
    view = books_window.history_view
    assert view is not None
    view.list.setCurrentItem(view.list.topLevelItem(0))
    monkeypatch.setattr(view, "confirm", lambda _question: True)
    with held(history.path):
        view.delete.click()
        assert view.status.text() == f"{history.path} {LOCKED} The call was not deleted."
        assert view.status.isVisibleTo(view)
        view.clear_all.click()
        assert view.status.text() == f"{history.path} {LOCKED} Nothing was forgotten."
        books_window.tabs.setCurrentWidget(view)  # opening the tab marks missed calls seen
        assert view.status.text() == f"{history.path} {LOCKED}"
        assert view.list.topLevelItem(0).text(1) == "Front desk"
        assert history.unseen_missed() == 1
    view.reload()
    assert view.status.isHidden()
    assert history.unseen_missed() == 0
    assert len(history.calls()) == 1


def test_tray_favourites_are_listed_while_another_program_writes(
        books_window: MainWindow, stores: tuple[ContactStore, HistoryStore]) -> None:
    contacts, _ = stores
    tray = Tray(books_window, books_window.session, QApplication.quit, contacts=contacts)
    with held(contacts.path):
        tray.menu.aboutToShow.emit()
        assert [action.text() for action in tray.favourites.actions()] == [
            "Ada Lovelace: +1 202-555-0143"]


def test_tray_favourites_that_cannot_be_read_say_why_in_the_menu(
        books_window: MainWindow, stores: tuple[ContactStore, HistoryStore]) -> None:
    contacts, _ = stores
    tray = Tray(books_window, books_window.session, QApplication.quit, contacts=contacts)
    contacts.close()
    tray.menu.aboutToShow.emit()
    [said] = tray.favourites.actions()
    assert said.text() == "Cannot operate on a closed database."
    assert not said.isEnabled() and tray.favourites.isEnabled()
