"""The main window: pick an account, type or paste a number, call; the calls in progress."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.config import Config, ConfigError
from softphone.contacts import ContactStore
from softphone.credentials import CredentialError
from softphone.echo_line import ECHO_TARGET, EchoLineError
from softphone.engine import EngineError
from softphone.events import (
    CallState,
    CallStateChanged,
    EngineProblem,
    TransferRequested,
)
from softphone.history import HistoryStore
from softphone.numbers import DialError
from softphone.phone import Phone
from softphone.ui.account_picker import AccountPicker
from softphone.ui.call_view import CallView
from softphone.ui.contacts_view import ContactsView
from softphone.ui.dial_pad import DialPad
from softphone.ui.history_view import HistoryView
from softphone.ui.icons import icon
from softphone.ui.number_field import NumberField
from softphone.ui.session import Session
from softphone.ui.type_to_dial import TypeToDial
from softphone.ui.wording import sentence

# What a command can refuse with; each has a message meant for the user.
USER_ERRORS = (DialError, EngineError, ConfigError, CredentialError, EchoLineError)


class MainWindow(QMainWindow):
    """Every button is one Phone verb; what they refuse is said in `message` as a sentence."""

    closed = Signal()
    settings_requested = Signal()  # the app opens the Settings dialog

    def __init__(self, phone: Phone, config: Config, session: Session, *,
                 contacts: ContactStore | None = None,
                 history: HistoryStore | None = None) -> None:
        super().__init__()
        self.phone = phone
        self.session = session
        self.hide_on_close = False
        self.link_question: QMessageBox | None = None
        self.setWindowTitle("Softphone")
        self.setWindowIcon(icon("softphone"))
        self.accounts = AccountPicker(config.accounts, session)
        self.number = NumberField()
        self.call_button = self._button("Call", self.dial, "call")
        self.call_button.setDefault(True)
        self.test_button = self._button("&Test call", self.test_call, "test_call")
        self.test_button.setToolTip("Call the built-in echo line: you hear yourself back")
        self.settings_button = self._button("&Settings…", self.settings_requested.emit,
                                            "settings")
        self.settings_button.setToolTip("Accounts, codecs, calls and startup (Ctrl+,)")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.call_view = CallView(session, lambda command: self._run(lambda: command(self.phone)),
                                  contacts)
        self.pad = DialPad()
        self.tabs = QTabWidget()
        self.contacts_view = ContactsView(contacts, self._dial_listed) if contacts else None
        add_contact = self.contacts_view.add_to_contacts if self.contacts_view else None
        self.history_view = (HistoryView(history, self._dial_listed, session, add_contact,
                                         contacts) if history else None)
        self._lay_out()
        self._connect()
        self._account_chosen()
        self.number.setFocus()

    def dial(self) -> None:
        """Call what is in the number field through the chosen account."""
        text = self.number.text()
        account = self.accounts.current
        self._dial_and_remember(lambda: self.phone.dial(text, account.name if account else None),
                                text.strip())

    def _dial_and_remember(self, place: Callable[[], object], remembered: str) -> None:
        """A call placed is a recent number for the tray, and the field is ready for the next."""
        if self._run(place):
            self.session.remember(remembered)
            self.number.clear()

    def dial_text(self, text: str) -> None:
        """Dial from outside the window (the tray, a tel: link): through the field, so that a
        refusal is shown there, with the window brought up to show it."""
        self.number.setText(text)
        self.dial()
        if self.message.text():
            self.show()

    def _dial_listed(self, text: str, account: str | None = None) -> None:
        """A number from Contacts or History: dialled, with the call shown in the Phone tab;
        a call back goes through the call's own account while it is still set up."""
        self.tabs.setCurrentIndex(0)
        if account is not None:
            self.accounts.choose(account)
        self.dial_text(text)

    def offer_link(self, link: str, confirm: bool) -> None:
        """A link another program opened: show its number, and by default ask before calling
        it; a link that cannot be called is refused here with the reason, nothing dialled."""
        self.bring_up()
        account = self.accounts.current
        if account is None:
            self.note("Add a provider account to call links (only Test call works now).")
            return
        try:
            target = self.phone.resolve(link, account)
        except DialError as error:
            self.note(f"That link can't be called: {sentence(error)}")
            return
        self.number.setText(target.display)
        remembered = target.value if target.kind == "sip" else target.display

        def place() -> None:
            self._dial_and_remember(lambda: self.phone.dial_target(target, account.name),
                                    remembered)

        if not confirm:
            place()
            return
        question = QMessageBox(QMessageBox.Icon.Question, "Call this number?",
                               f"Call {target.display}?\n\nA link another program opened "
                               "asks to call it.", parent=self)
        call = question.addButton("Call", QMessageBox.ButtonRole.AcceptRole)
        question.addButton(QMessageBox.StandardButton.Cancel)
        question.setDefaultButton(call)
        question.finished.connect(lambda _: place() if question.clickedButton() is call
                                  else None)
        question.open()
        self.link_question = question

    def bring_up(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def test_call(self) -> None:
        self._run(lambda: self.phone.dial(ECHO_TARGET))

    def hang_up(self) -> None:
        """Esc and the tray's "Hang up": the call on screen."""
        if self.call_view.current_id is not None:
            self._run(lambda: self.phone.hangup(self.call_view.current_id))

    def note(self, text: str) -> None:
        """A sentence under the number field: an error, a call's end, a device problem."""
        self.message.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        """With a tray icon (and close_to_tray), closing the window keeps the phone running in
        the tray; otherwise `closed` says the window really closed."""
        if self.hide_on_close:
            event.ignore()
            self.hide()
        else:
            super().closeEvent(event)
            self.closed.emit()

    def _run(self, command: Callable[[], object]) -> bool:
        self.note("")
        try:
            command()
        except USER_ERRORS as error:
            self.note(sentence(error))
            return False
        return True

    def _key(self, key: str) -> None:
        """In a connected call the keypad sends tones (IVR menus); otherwise it types."""
        call = self.call_view.current
        if call is not None and call.state.state is CallState.CONNECTED:
            self._run(lambda: self.phone.send_dtmf(call.call_id, key))
        else:
            self.number.append(key)
            self.number.setFocus()

    def _typed_anywhere(self, key: str) -> None:
        """A dial key typed on a list or a button: the Phone tab takes it, as the keypad would."""
        self.tabs.setCurrentIndex(0)
        self._key(key)

    def search_contacts(self) -> None:
        """Ctrl+K: the Contacts search, its old text selected so typing replaces it."""
        if self.contacts_view is None:
            return
        self.tabs.setCurrentWidget(self.contacts_view)
        self.contacts_view.search.setFocus()
        self.contacts_view.search.selectAll()

    def _account_chosen(self) -> None:
        account = self.accounts.current
        self.number.country = account.default_country if account else None

    def _ended(self, event: CallStateChanged) -> None:
        if event.message:
            self.note(sentence(event.message))

    def _said(self, event: EngineProblem) -> None:
        self.note(sentence(event.message))

    def _transfer_requested(self, event: TransferRequested) -> None:
        """A declined REFER ("ask" policy): the number is put in the field, one Enter away."""
        if event.accepted:
            self.note(f"Calling {event.target}, as the other side asked.")
            return
        self.number.setText(event.target)
        self.note(f"The other side asked you to call {event.target}: press Enter to call.")

    def _connect(self) -> None:
        self.number.returnPressed.connect(self.dial)
        self.accounts.chosen.connect(self._account_chosen)
        self.pad.pressed.connect(self._key)
        self.call_view.note.connect(self.note)
        self.call_view.dial_another.connect(self.number.setFocus)
        if (contacts_view := self.contacts_view) is not None:
            self.call_view.add_contact.connect(contacts_view.add_to_contacts)
            contacts_view.changed.connect(self.call_view.contacts_changed)
            if self.history_view is not None:
                contacts_view.changed.connect(self.history_view.reload)
        self.session.bridge.engine_problem.connect(self._said)
        self.session.bridge.transfer_requested.connect(self._transfer_requested)
        self.session.call_ended.connect(self._ended)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hang_up)
        QShortcut(QKeySequence("Ctrl+,"), self, self.settings_requested.emit)
        QShortcut(QKeySequence("Ctrl+K"), self, self.search_contacts)
        TypeToDial(self, self._typed_anywhere)

    def _button(self, text: str, action: Callable[[], None], name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(action)
        return button

    def _lay_out(self) -> None:
        dial_row = QHBoxLayout()
        dial_row.addWidget(self.number, 1)
        dial_row.addWidget(self.call_button)
        layout = QVBoxLayout()
        layout.addWidget(self.accounts)
        layout.addLayout(dial_row)
        layout.addWidget(self.message)
        layout.addWidget(self.call_view)
        layout.addWidget(self.pad)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.settings_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        body = QWidget()
        body.setLayout(layout)
        self.setMinimumWidth(360)
        if self.contacts_view is None and self.history_view is None:
            self.setCentralWidget(body)
            return
        self.tabs.addTab(body, "Phone")
        if self.contacts_view is not None:
            self.tabs.addTab(self.contacts_view, "Contacts")
        if (view := self.history_view) is not None:
            index = self.tabs.addTab(view, view.title)
            view.changed.connect(lambda: self.tabs.setTabText(index, view.title))
        self.setCentralWidget(self.tabs)
