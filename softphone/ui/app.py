"""`softphone` with no arguments: the desktop app with its window and tray icon."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from softphone.audio import AudioDeviceError, list_devices
from softphone.config import Config, ConfigError, load_config
from softphone.config_file import ConfigSaveError, keep_backup
from softphone.contacts import ContactStore
from softphone.credentials import TURN_CREDENTIAL, CredentialError
from softphone.desktop import set_autostart
from softphone.engine import EngineError
from softphone.history import HistoryStore
from softphone.phone import Phone
from softphone.storage import StorageError
from softphone.ui.adapter import EngineBridge
from softphone.ui.do_not_disturb import DoNotDisturb
from softphone.ui.first_run import FirstRunWizard, is_first_run
from softphone.ui.icons import icon
from softphone.ui.incoming import IncomingCalls
from softphone.ui.links import LinkServer, hand_over
from softphone.ui.main_window import MainWindow
from softphone.ui.restart import Restart, relaunch
from softphone.ui.session import Session
from softphone.ui.settings.dialog import SettingsDialog
from softphone.ui.tray import Tray
from softphone.ui.wording import sentence

Store = TypeVar("Store", ContactStore, HistoryStore)
SIGNAL_CHECK_MS = 250
METER_HZ = 10  # the in-call level meters' refresh rate
NO_SOUND_DEVICE = "No microphone or speaker was found: calls go ahead without sound."


def run(argv: list[str] | None = None) -> int:
    """Start the app and return its exit status when the user quits."""
    args = _parse(argv)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Softphone")
    app.setWindowIcon(icon("softphone"))
    # Listening before the slow part of starting: a link clicked meanwhile waits in the socket
    # for the event loop, instead of starting a second app.
    links = LinkServer()
    if not links.listen():
        hand_over(args.link)  # the app already running takes the link (or comes to the front)
        return 0
    desktop = Desktop(_load(args.config))
    try:
        desktop.start()
    except EngineError as error:
        QMessageBox.critical(None, "Softphone cannot start", sentence(error))
        desktop.shutdown()
        return 1
    app.aboutToQuit.connect(desktop.shutdown)
    _quit_on_signals(app)
    links.received.connect(desktop.open_link)
    if args.link:
        desktop.open_link(args.link)
    status = app.exec()  # shutdown has run (aboutToQuit): calls ended, engine gone
    if desktop.restart.requested:
        links.close()
        relaunch(args.config)
    return status


def quit_app() -> None:
    """QApplication.quit() first asks every window to close and gives up if one refuses, as
    the main window does while it closes to the tray (it hides instead), so with a tray the app
    would never quit. exit() ends the event loop without asking; aboutToQuit still comes, and
    with it the shutdown that hangs up."""
    QApplication.exit(0)


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl-C and a session's SIGTERM quit cleanly (calls hung up, accounts unregistered).
    Python runs signal handlers only between bytecodes, so a timer wakes it now and then."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: quit_app())
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
    """A broken file is reported (file, line, field), a copy of it kept as config.toml.bak,
    and the app starts with defaults; the file is replaced only when settings are saved."""
    try:
        return load_config(path)
    except ConfigError as error:
        QMessageBox.warning(None, "Problem in the config file",
                            f"{error}\n\n{_kept_copy(error.path)}")
        return Config(path=error.path)


def _kept_copy(path: Path | None) -> str:
    try:
        backup = keep_backup(path) if path is not None else None
    except ConfigSaveError as problem:
        return (f"Softphone starts with default settings. {problem} Settings will not be saved "
                "over the file until it can be copied.")
    if backup is None:
        return "Softphone starts with default settings."
    return (f"Softphone starts with default settings. A copy of the file is kept as {backup}; "
            "saving Settings replaces the file, or fix it and restart Softphone.")


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
        self.incoming = IncomingCalls(self.phone, self.session, self.contacts,
                                      config.calls.auto_answer)
        self.incoming.answered.connect(self.window.show)  # the call's controls are there
        self.do_not_disturb = DoNotDisturb(self.phone, config.path)
        self.restart = Restart(lambda: bool(self.session.calls), quit_app)
        self.settings: SettingsDialog | None = None
        self.first_run: FirstRunWizard | None = None
        self.window.settings_requested.connect(self.open_settings)
        self.tray: Tray | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = Tray(self.window, self.session, quit_app,
                             contacts=self.contacts, do_not_disturb=self.do_not_disturb,
                             incoming=self.incoming)

    def start(self) -> None:
        """Raises EngineError when the SIP stack cannot start (no free port, for one). The
        window shows before the sound devices are looked for, which takes a moment."""
        self.phone.start()
        self._show()
        self._enable_accounts()
        self._open_sound()
        if is_first_run(self.config):
            self.first_run = FirstRunWizard(self.config, self.phone, self.bridge,
                                            self.apply_settings, parent=self.window)
            self.first_run.open()

    def open_settings(self) -> None:
        """Settings… from the window (Ctrl+,) or the tray; Do Not Disturb as the tray set it."""
        calls = replace(self.config.calls, do_not_disturb=self.phone.do_not_disturb)
        self.settings = SettingsDialog(replace(self.config, calls=calls), self.phone,
                                       self.bridge, self.apply_settings, self.restart,
                                       parent=self.window)
        self.settings.open()

    def apply_settings(self, config: Config, renewed: set[str]) -> list[str]:
        """A saved config put into effect in the running app; returns sentences for the user:
        what could not be done, and what waits for the next start."""
        old, self.config = self.config, config
        notes: list[str] = []
        quiet = self.phone.do_not_disturb
        for name, error in self.phone.apply_config(config, renewed).items():
            self.session.accounts.pop(name, None)
            account = next((a for a in config.accounts if a.name == name), None)
            if error is not None:
                notes.append(sentence(error))
                if account is not None:
                    self.session.account_failed(name, error)
            elif account is not None:
                self.session.account_starting(name, account.register)
        if self.phone.do_not_disturb != quiet:  # switched and saved already: the tray shows it
            self.do_not_disturb.changed.emit(self.phone.do_not_disturb)
        self.window.accounts.set_accounts(config.accounts)
        self.incoming.auto_answer = config.calls.auto_answer
        if config.audio != old.audio:
            self._open_sound()
        if config.startup.start_at_login != old.startup.start_at_login:
            notes += set_autostart(config.startup.start_at_login).warnings
        later = " and ".join(words for words, changed in (
            ("calls at once", config.calls.max_calls != old.calls.max_calls),
            ("closing to the tray", config.startup.close_to_tray != old.startup.close_to_tray),
            ("network settings", config.network != old.network),
            ("the relay's new password", TURN_CREDENTIAL in renewed),
        ) if changed)
        if later:
            self.restart.pending = True
            notes.append(f"{later[0].upper()}{later[1:]} will take effect the next time "
                         "Softphone starts.")
        return notes

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

    def _show(self) -> None:
        """The window, unless [startup] start_minimised and there is a tray to start in.
        Closing the window hides it in the tray (close_to_tray) or quits, hanging up first
        (see shutdown); the last window closing is not what quits while a tray is there, as a
        tray dialog ("Dial number…") is a window too."""
        startup = self.config.startup
        self.window.hide_on_close = self.tray is not None and startup.close_to_tray
        QApplication.setQuitOnLastWindowClosed(self.tray is None)
        if self.tray is not None:
            if not startup.close_to_tray:
                self.window.closed.connect(quit_app)
            self.tray.show()
        if self.tray is None or not startup.start_minimised:
            self.window.show()

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
            self.phone.use_devices(meter_hz=METER_HZ)
        except AudioDeviceError as error:
            self.window.note(sentence(error))
