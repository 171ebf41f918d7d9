"""The tray icon: how the phone stands at a glance, and the few things done from there."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QMenu, QSystemTrayIcon

from softphone.contacts import Contact, ContactStore
from softphone.engine import EngineError
from softphone.numbers import display_number
from softphone.storage import StorageError
from softphone.ui.do_not_disturb import DoNotDisturb
from softphone.ui.incoming import IncomingCalls
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from softphone.ui.tray_icon import state_icon_name, tray_icon
from softphone.ui.wording import sentence

FAVOURITES_SHOWN = 20
NOTIFICATION_MS = 15000  # about as long as a provider lets a call ring


def favourite_entries(favourites: list[Contact]) -> list[tuple[str, str]]:
    """(menu text, what to dial) for every number and SIP address of the favourites: the name
    and the number formatted, with the number's label when the contact has several."""
    entries = []
    for contact in favourites:
        targets = [(number.label, number.e164 or number.typed.strip())
                   for number in contact.numbers]
        targets += [("SIP", uri) for uri in contact.sip_uris]
        for label, target in targets:
            name = f"{contact.display_name} ({label})" if len(targets) > 1 else (
                contact.display_name)
            entries.append((f"{name}: {display_number(target)}", target))
    return entries[:FAVOURITES_SHOWN]


def missed_words(count: int) -> str:
    return f"{count} missed call" + ("" if count == 1 else "s")


class Tray(QSystemTrayIcon):
    """Left click shows or hides the window. The menu: favourites and recent numbers (one click
    dials), a quick-dial box, Do Not Disturb, hang up, show/hide, quit. A red badge counts the
    missed calls not yet seen in the History tab; an incoming call also comes as a notification,
    whose click brings its popup to the front."""

    def __init__(self, window: MainWindow, session: Session, quit_app: Callable[[], None], *,
                 contacts: ContactStore | None = None,
                 do_not_disturb: DoNotDisturb | None = None,
                 incoming: IncomingCalls | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.contacts = contacts
        self.dnd = do_not_disturb
        self.shown_icon: tuple[str, int] | None = None
        self.menu = QMenu()
        self.favourites = self.menu.addMenu("Favourites")
        self.recent = self.menu.addMenu("Recent numbers")
        self.menu.addAction("Dial number…", self.quick_dial)
        self.menu.addSeparator()
        self.do_not_disturb = self.menu.addAction("Do Not Disturb")
        self.do_not_disturb.setCheckable(True)
        self.do_not_disturb.setVisible(do_not_disturb is not None)
        self.do_not_disturb.toggled.connect(self._switch_do_not_disturb)
        self.hang_up = self.menu.addAction("Hang up", window.hang_up)
        self.show_window = self.menu.addAction("Show window", self.toggle_window)
        self.menu.addAction("Settings…", window.settings_requested.emit)
        self.menu.addSeparator()
        self.menu.addAction("Quit", quit_app)
        self.setContextMenu(self.menu)
        self.menu.aboutToShow.connect(self._before_menu)
        self.activated.connect(self._activated)
        session.changed.connect(self.refresh)
        if window.history_view is not None:
            window.history_view.changed.connect(self.refresh)
        if do_not_disturb is not None:
            do_not_disturb.changed.connect(lambda _on: self.refresh())
        if incoming is not None:
            incoming.arrived.connect(self.notify_incoming)
            self.messageClicked.connect(incoming.present)
        self._fill_favourites()
        self.refresh()

    @property
    def missed(self) -> int:
        view = self.window.history_view
        return view.unseen if view is not None else 0

    def refresh(self) -> None:
        """Icon, tooltip and the menu's call-dependent entries, from the session."""
        in_call = bool(self.session.calls)
        dnd = self.dnd is not None and self.dnd.on
        missed = self.missed
        shown = (state_icon_name(in_call, self.session.any_registered, dnd), missed)
        if shown != self.shown_icon:  # the session changes every 2 s in a call (its stats)
            self.shown_icon = shown
            self.setIcon(tray_icon(*shown))
        lines = ["Softphone: " + ("in a call" if in_call else "registered"
                                  if self.session.any_registered else "not registered")]
        if dnd:
            lines.append("Do Not Disturb is on")
        if missed:
            lines.append(missed_words(missed))
        self.setToolTip("\n".join(lines))
        self.do_not_disturb.blockSignals(True)
        self.do_not_disturb.setChecked(dnd)
        self.do_not_disturb.blockSignals(False)
        self.hang_up.setVisible(in_call)

    def quick_dial(self) -> None:
        """A small box that takes a number in any format, without opening the window."""
        text, ok = QInputDialog.getText(None, "Dial number", "Number or SIP address:")
        if ok and text.strip():
            self.window.dial_text(text)

    def toggle_window(self) -> None:
        if self.window.isVisible():
            self.window.hide()
        else:
            self.window.bring_up()

    def notify_incoming(self, caller: str) -> None:
        self.showMessage("Incoming call", caller, QSystemTrayIcon.MessageIcon.Information,
                         NOTIFICATION_MS)

    def _before_menu(self) -> None:
        """Contacts may have changed since (an import, the Contacts tab): read them now, and
        the recent numbers here too rather than on every session change (stats, every 2 s)."""
        self._fill_favourites()
        self._fill_recent()
        self.show_window.setText("Hide window" if self.window.isVisible() else "Show window")

    def _fill_favourites(self) -> None:
        """An address book that can't be read is said inside the submenu, in place of the
        favourites."""
        self.favourites.clear()
        try:
            favourites = (self.contacts.favourites(FAVOURITES_SHOWN)
                          if self.contacts is not None else [])
        except (StorageError, sqlite3.Error) as error:
            self.favourites.addAction(sentence(error)).setEnabled(False)
            self.favourites.setEnabled(True)
            return
        for text, target in favourite_entries(favourites):
            self.favourites.addAction(text, lambda target=target: self.window.dial_text(target))
        self.favourites.setEnabled(bool(self.favourites.actions()))

    def _fill_recent(self) -> None:
        self.recent.clear()
        for number in self.session.recent:
            self.recent.addAction(number, lambda number=number: self.window.dial_text(number))
        self.recent.setEnabled(bool(self.session.recent))

    def _switch_do_not_disturb(self, on: bool) -> None:
        if self.dnd is None:
            return
        try:
            problem = self.dnd.set(on)
        except EngineError as error:
            problem = sentence(error)
        if problem:
            self.showMessage("Do Not Disturb", problem, QSystemTrayIcon.MessageIcon.Warning)
        self.refresh()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()
