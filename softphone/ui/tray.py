"""The tray icon: how the phone stands at a glance, and the few things done from there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QMenu, QSystemTrayIcon

from softphone.ui.icons import icon
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session


class Tray(QSystemTrayIcon):
    """Left click shows or hides the window; the menu dials, redials, hangs up and quits."""

    def __init__(self, window: MainWindow, session: Session, quit_app: Callable[[], None]) -> None:
        super().__init__(icon("tray-not-registered"), window)
        self.window = window
        self.session = session
        self.menu = QMenu()
        self.menu.addAction("Dial number…", self.quick_dial)
        self.recent = self.menu.addMenu("Recent numbers")
        self.hang_up = self.menu.addAction("Hang up", window.hang_up)
        self.menu.addSeparator()
        self.menu.addAction("Quit", quit_app)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        session.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Icon, tooltip and menu from the session."""
        if self.session.calls:
            name, tip = "tray-in-call", "Softphone: in a call"
        elif self.session.any_registered:
            name, tip = "tray-registered", "Softphone: registered"
        else:
            name, tip = "tray-not-registered", "Softphone: not registered"
        self.setIcon(icon(name))
        self.setToolTip(tip)
        self.hang_up.setVisible(bool(self.session.calls))
        self.recent.clear()
        for number in self.session.recent:
            self.recent.addAction(number, lambda number=number: self.window.dial_text(number))
        self.recent.setEnabled(bool(self.session.recent))

    def quick_dial(self) -> None:
        """A small box that takes a number in any format, without opening the window."""
        text, ok = QInputDialog.getText(None, "Dial number", "Number or SIP address:")
        if ok and text.strip():
            self.window.dial_text(text)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.window.setVisible(not self.window.isVisible())
            if self.window.isVisible():
                self.window.activateWindow()
