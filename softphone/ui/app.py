"""`softphone` with no arguments: the desktop app with its window and tray icon."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from softphone.audio import AudioDeviceError, list_devices
from softphone.config import Config, ConfigError, load_config
from softphone.contacts import ContactStore
from softphone.credentials import CredentialError
from softphone.engine import EngineError
from softphone.history import HistoryStore
from softphone.phone import Phone
from softphone.storage import StorageError
from softphone.ui.adapter import EngineBridge
from softphone.ui.icons import icon
from softphone.ui.links import LinkServer, hand_over
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from softphone.ui.tray import Tray
from softphone.ui.wording import sentence

Store = TypeVar("Store", ContactStore, HistoryStore)
SIGNAL_CHECK_MS = 250
NO_SOUND_DEVICE = "No microphone or speaker was found: calls go ahead without sound."


def run(argv: list[str] | None = None) -> int:
    """Start the app and return its exit status when the user quits."""
    args = _parse(argv)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Softphone")
    app.setWindowIcon(icon("softphone"))
    if hand_over(args.link):
        return 0  # the app already running takes the link (or just comes to the front)
    desktop = Desktop(_load(args.config))
    try:
        desktop.start()
    except EngineError as error:
        QMessageBox.critical(None, "Softphone cannot start", sentence(error))
        desktop.shutdown()
        return 1
    app.aboutToQuit.connect(desktop.shutdown)
    _quit_on_signals(app)
    links = LinkServer()
    links.received.connect(desktop.open_link)
    links.listen()
    if args.link:
        desktop.open_link(args.link)
    return app.exec()


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl-C and a session's SIGTERM quit cleanly (calls hung up, accounts unregistered).
    Python runs signal handlers only between bytecodes, so a timer wakes it now and then."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: QApplication.quit())
    waker = QTimer(app, interval=SIGNAL_CHECK_MS)
    waker.timeout.connect(lambda: None)
    waker.start()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="softphone", description="The desktop softphone.")
    parser.add_argument("--config", type=Path, help="config file (default: the user config dir)")
    parser.add_argument("link", nargs="?", metavar="LINK",
                        help="a tel:, sip: or callto: link (or any number) to call, as the "
                        "desktop entry passes a clicked link; shown and confirmed first")
    return parser.parse_args(argv)


def _load(path: Path | None) -> Config:
    """A broken file is reported (file, line, field) and the app starts with defaults; the file
    itself is left alone, so nothing the user wrote is lost."""
    try:
        return load_config(path)
    except ConfigError as error:
        QMessageBox.warning(None, "Problem in the config file",
                            f"{error}\n\nSoftphone starts with default settings until it is "
                            "fixed; the file has not been changed.")
        return Config(path=error.path)


def _country(config: Config) -> str | None:
    return config.accounts[0].default_country if config.accounts else None


def _open_store(opening: Callable[[], Store]) -> Store | None:
    """A file that cannot be opened at all leaves its tab out; the phone still works."""
    try:
        return opening()
    except StorageError as error:
        QMessageBox.warning(None, "Softphone", sentence(error))
        return None


class Desktop:
    """Everything one running app owns: the Phone, the bridge its events cross, the window and
    the tray icon (when the desktop has a tray)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.bridge = EngineBridge()
        self.session = Session(self.bridge)
        # The window's own connections to the address book and the history, opened once, here,
        # before the Phone starts its history writer: opening the history marks calls left "in
        # progress" as interrupted, so it must never happen while a call is being recorded.
        # Both stay open for the app's life; SQLite's locking lets the window read (and delete)
        # while the writer thread writes. The files are the default ones, as the writer's are
        # (the views themselves take any store: tests give them files of their own).
        self.contacts = _open_store(lambda: ContactStore.open(None, _country(config)))
        self.history = _open_store(lambda: HistoryStore.open())
        self.phone = Phone(config, self.bridge.deliver, record_history=True)
        self.window = MainWindow(self.phone, config, self.session,
                                 contacts=self.contacts, history=self.history)
        self.tray: Tray | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = Tray(self.window, self.session, QApplication.quit)

    def start(self) -> None:
        """Raises EngineError when the SIP stack cannot start (no free port, for one). The
        window shows before the sound devices are looked for, which takes a moment."""
        self.phone.start()
        self.window.hide_on_close = self.tray is not None
        QApplication.setQuitOnLastWindowClosed(self.tray is None)
        self.window.show()
        if self.tray is not None:
            self.tray.show()
        self._enable_accounts()
        self._open_sound()

    def open_link(self, link: str) -> None:
        """A link from this start or a later one ("" only asks for the window)."""
        if link:
            self.window.offer_link(link, self.config.calls.confirm_links)
        else:
            self.window.bring_up()

    def shutdown(self) -> None:
        """Hang up, unregister and stop the engine before Qt goes away."""
        self.phone.shutdown()
        for store in (self.contacts, self.history):
            if store is not None:
                store.close()

    def _enable_accounts(self) -> None:
        """A missing password is shown as that account's state; the others still work."""
        for account in self.config.accounts:
            self.session.account_starting(account.name, account.register)
            try:
                self.phone.enable_account(account.name)
            except (CredentialError, EngineError) as error:
                self.session.account_failed(account.name, error)

    def _open_sound(self) -> None:
        audio = self.config.audio
        try:
            if not (audio.input_device or audio.output_device or list_devices()):
                self.window.note(NO_SOUND_DEVICE)
                return
            self.phone.use_devices()
        except AudioDeviceError as error:
            self.window.note(sentence(error))
