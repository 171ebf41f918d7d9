"""The calls in progress: who, how it stands, for how long, how it sounds, and its buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import ContactStore
from softphone.engine import EngineError
from softphone.events import AudioLevels, CallState, CallStateChanged, CallStats, TransferProgress
from softphone.phone import Phone
from softphone.ui.call_list import CallList
from softphone.ui.caller import Callers
from softphone.ui.conference import ConferencePanel
from softphone.ui.level_meter import LevelMeter
from softphone.ui.recording import RecordingSign, new_recording_path
from softphone.ui.session import CallInfo, Session
from softphone.ui.transfer import TransferPanel, transfer_words
from softphone.ui.wording import elapsed, quality_badge, quality_details, quality_label, sentence

QUALITY_COLOURS = {"excellent": "#1f7a4d", "good": "#1f7a4d", "fair": "#b9770e",
                   "poor": "#c0392b"}

Command = Callable[[Phone], object]
# Runs a Phone command, shows its refusal as a sentence, and says whether it went through.
Runner = Callable[[Command], bool]


class CallView(QWidget):
    """Shows one call at a time; with several calls, a list above picks which one.

    It decides what the user's press means (Resume on one call holds the others) and hands
    the Phone commands to `run`, which belongs to the window: one place shows what a command
    refused. `note` is a sentence for the window's message line; `dial_another` asks the
    window for its number field, where the second call of "Add call" is typed. Callers are
    named from `contacts` (the name, the number under it); without it there is no "Add to
    contacts" button.
    """

    note = Signal(str)
    dial_another = Signal()
    add_contact = Signal(str, str)  # (number, name): the window opens the contact editor

    def __init__(self, session: Session, run: Runner, contacts: ContactStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.run = run
        self.current_id: int | None = None
        self.transfer_status = ""
        self.contacts = contacts
        self.callers = Callers(contacts)
        self.calls = CallList()
        self.who = self._label("call_who", 18)
        self.number = self._label("call_number", 0)
        self.state = self._label("call_state", 0)
        self.timer = self._label("call_timer", 0)
        self.quality = self._label("call_quality", 0)
        self.recording_sign = RecordingSign()
        self.mute_button = self._button("Mute", self._mute, checkable=True)
        self.hold_button = self._button("Hold", self._hold, checkable=True)
        self.record_button = self._button("Record", self._record, checkable=True)
        self.add_button = self._button("Add call", self._add_call)
        self.add_button.setToolTip("Put this call on hold and dial another")
        self.transfer_button = self._button("Transfer…", self._open_transfer, checkable=True)
        self.merge_button = self._button("Merge calls", self._merge)
        self.merge_button.setToolTip("Join the calls into a conference: everyone hears everyone")
        self.add_contact_button = self._button("Add to contacts", self._add_to_contacts)
        self.add_contact_button.setObjectName("call_add_contact")
        self.hang_up_button = self._button("Hang up", self._hang_up)
        self.hang_up_button.setObjectName("hang_up")
        self.hang_up_button.setStyleSheet("background: #c0392b; color: white; padding: 6px;")
        self.transfer = TransferPanel(contacts)
        self.conference = ConferencePanel()
        self.microphone = LevelMeter()
        self.speaker = LevelMeter()
        self.meters = self._meter_row()
        self._lay_out()
        self._connect()
        self._ticker = QTimer(self, interval=1000, timeout=self._tick)
        self._ticker.start()
        self.refresh()

    @property
    def current(self) -> CallInfo | None:
        return self.session.calls.get(self.current_id) if self.current_id is not None else None

    def refresh(self) -> None:
        """Re-render from the session: the list, the conference, then the chosen call (the
        newest if the one shown has ended)."""
        calls = self.session.calls
        if not calls:
            self.callers.forget()  # the next call reads the contacts as they then are
        if self.current_id not in calls:
            self.current_id = max(calls, default=None)
            self.transfer_button.setChecked(False)
        ordered = [calls[call_id] for call_id in sorted(calls)]
        self.calls.show_calls(ordered, self.current_id, self.callers)
        self.conference.show_members([info for info in ordered if in_conference(info)])
        self.setVisible(bool(calls))
        info = self.current
        if info is None:
            return
        caller = self.callers.of_call(info)
        self.who.setText(caller.name)
        self.number.setText(caller.number)
        self.number.setVisible(bool(caller.number))
        self.add_contact_button.setVisible(self.contacts is not None and caller.addable)
        self.state.setText(info.status)
        self._show_quality(info.stats)
        self._show_buttons(info, [other for other in ordered if other is not info])
        self._tick()

    def _show_buttons(self, info: CallInfo, others: list[CallInfo]) -> None:
        flags = info.flags
        in_dialog = info.state.state is CallState.CONNECTED
        for button, on in ((self.mute_button, flags is not None and flags.muted),
                           (self.hold_button, flags is not None and flags.on_hold),
                           (self.record_button, flags is not None and bool(flags.recording))):
            button.setEnabled(in_dialog)
            button.setChecked(on)
        self.hold_button.setText("Resume" if self.hold_button.isChecked() else "Hold")
        self.recording_sign.show_file(flags.recording if flags else None)
        for button in (self.add_button, self.transfer_button):
            button.setEnabled(in_dialog)
        self.transfer.setVisible(in_dialog and self.transfer_button.isChecked())
        self.transfer.show_calls([other for other in others if connected(other)],
                                 self.transfer_status)
        talking = [call for call in (info, *others) if connected(call)]
        self.merge_button.setVisible(bool(others))
        self.merge_button.setEnabled(len(talking) > 1 and not all(map(in_conference, talking)))

    def _show_quality(self, stats: CallStats | None) -> None:
        self.quality.setText(quality_badge(stats) if stats else "")
        self.quality.setToolTip(quality_details(stats) if stats else "")
        colour = QUALITY_COLOURS[quality_label(stats.mos)] if stats else "inherit"
        self.quality.setStyleSheet(f"color: {colour};")

    def contacts_changed(self) -> None:
        """A contact was saved (say, from "Add to contacts"): name the callers again."""
        self.callers.forget()
        self.refresh()

    def _show(self, call_id: int) -> None:
        self.current_id = call_id
        self.refresh()

    def _follow(self, event: CallStateChanged) -> None:
        """A call just dialled, or just answered, is the one the user is talking on."""
        if event.state in (CallState.CALLING, CallState.CONNECTED) and \
                event.call_id in self.session.calls:
            self._show(event.call_id)

    def _tick(self) -> None:
        info = self.current
        self.timer.setText(elapsed(info.seconds()) if info and info.connected_at else "")

    def _levels(self, event: AudioLevels) -> None:
        self.meters.show()
        self.microphone.set_level(event.input_dbfs)
        self.speaker.set_level(event.output_dbfs)

    def _transfer_progress(self, event: TransferProgress) -> None:
        self._say_transfer(transfer_words(event))

    def _say_transfer(self, words: str) -> None:
        self.transfer_status = words
        self.refresh()

    # What the buttons ask for ------------------------------------------------------------

    def _ask(self, command: Command) -> bool:
        """Run it, then show the engine's state again: a refused press must not stay
        pressed (the flags the engine announces set the buttons)."""
        done = self.run(command)
        self.refresh()
        return done

    def _hang_up(self) -> None:
        if (call_id := self.current_id) is not None:
            self._ask(lambda phone: phone.hangup(call_id))

    def _mute(self, on: bool) -> None:
        if (call_id := self.current_id) is not None:
            self._ask(lambda phone: phone.set_mute(call_id, on))

    def _hold(self, on: bool) -> None:
        """Resume is "switch to this call": the others the user is talking on go on hold
        first, so only one call at a time hears the microphone."""
        if (call_id := self.current_id) is None:
            return
        if on:
            self._ask(lambda phone: phone.hold(call_id))
            return
        others = [info.call_id for info in self._talking_others()]

        def switch(phone: Phone) -> None:
            for other in others:
                phone.hold(other)
            phone.resume(call_id)

        self._ask(switch)

    def _talking_others(self) -> list[CallInfo]:
        """Other calls that would hear the microphone: connected, not held, and not in the
        same conference as the call shown."""
        shown = self.current
        together = shown is not None and in_conference(shown)
        return [info for info in self.session.calls.values()
                if info is not shown and connected(info)
                and not (info.flags and info.flags.on_hold)
                and not (together and in_conference(info))]

    def _record(self, on: bool) -> None:
        if (info := self.current) is None:
            return
        call_id = info.call_id
        if not on:
            self._ask(lambda phone: phone.stop_recording(call_id))
            return
        try:
            path = new_recording_path(info.state.remote_uri)
        except OSError as error:
            self.refresh()
            self.note.emit(f"Can't record: the folder {error.filename} can't be made "
                           f"({error.strerror or error}).")
            return

        def start(phone: Phone) -> None:
            try:
                phone.start_recording(call_id, str(path))
            except EngineError as error:
                raise EngineError(f"The recording could not start: {sentence(error)}") \
                    from error

        self._ask(start)

    def _add_call(self) -> None:
        """Hold what the user is talking on (the whole conference, if this call is in one),
        then point them at the number field."""
        if (info := self.current) is None:
            return
        call_id = info.call_id
        if in_conference(info):
            held = self._ask(lambda phone: phone.hold_conference(True))
        elif info.flags and info.flags.on_hold:
            held = True
        else:
            held = self._ask(lambda phone: phone.hold(call_id))
        if held:
            self.note.emit(f"{self.callers.of_call(info).name} is on hold. Type the second "
                           "number and press Call.")
            self.dial_another.emit()

    def _add_to_contacts(self) -> None:
        if (info := self.current) is None:
            return
        caller = self.callers.of_call(info)
        if caller.target is not None:
            self.add_contact.emit(caller.target, info.state.remote_name)

    def _merge(self) -> None:
        talking = [call_id for call_id, info in sorted(self.session.calls.items())
                   if connected(info)]
        self._ask(lambda phone: phone.merge(talking))

    def _open_transfer(self, on: bool) -> None:
        if on:
            self.transfer_status = ""
            self.transfer.fill_targets(self.session.recent)
        self.refresh()
        if on:
            self.transfer.target.setFocus()

    def _transfer_blind(self, text: str) -> None:
        if (call_id := self.current_id) is not None and \
                self._ask(lambda phone: phone.transfer(call_id, text)):
            self._say_transfer("Transferring…")

    def _transfer_attended(self, other_id: int) -> None:
        """The other call's far end is asked to take over this one (REFER with Replaces), as
        a desk phone completes a transfer from the consultation call."""
        if (call_id := self.current_id) is not None and \
                self._ask(lambda phone: phone.transfer_attended(other_id, call_id)):
            self._say_transfer("Transferring…")

    # Building ------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.calls.picked.connect(self._show)
        self.session.changed.connect(self.refresh)
        bridge = self.session.bridge
        bridge.call_state_changed.connect(self._follow)
        bridge.audio_levels.connect(self._levels)
        bridge.transfer_progress.connect(self._transfer_progress)
        self.transfer.blind.connect(self._transfer_blind)
        self.transfer.attended.connect(self._transfer_attended)
        self.conference.split.connect(lambda call_id: self._ask(
            lambda phone: phone.split(call_id)))
        self.conference.hang_up.connect(lambda call_id: self._ask(
            lambda phone: phone.hangup(call_id)))
        self.conference.leave.connect(lambda join: self._ask(
            lambda phone: phone.leave_conference(join_others=join)))

    def _label(self, name: str, point_size: int) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if point_size:
            font = label.font()
            font.setPointSize(point_size)
            label.setFont(font)
        return label

    def _button(self, text: str, action: Callable[..., None], *,
                checkable: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(checkable)
        button.clicked.connect(action)
        return button

    def _meter_row(self) -> QWidget:
        """Hidden until the sound pipeline sends levels: an empty bar would look like a dead
        microphone."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, meter in (("Microphone", self.microphone), ("Speaker", self.speaker)):
            layout.addWidget(QLabel(name))
            layout.addWidget(meter, 1)
        row.hide()
        return row

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calls)
        for label in (self.who, self.number, self.state, self.timer):
            layout.addWidget(label)
        layout.addWidget(self.add_contact_button, 0, Qt.AlignmentFlag.AlignCenter)
        badges = QHBoxLayout()
        badges.addStretch(1)
        badges.addWidget(self.quality)
        badges.addWidget(self.recording_sign)
        badges.addStretch(1)
        layout.addLayout(badges)
        for row in ((self.mute_button, self.hold_button, self.record_button),
                    (self.add_button, self.transfer_button, self.merge_button)):
            buttons = QHBoxLayout()
            for button in row:
                buttons.addWidget(button)
            layout.addLayout(buttons)
        for widget in (self.transfer, self.conference, self.meters, self.hang_up_button):
            layout.addWidget(widget)


def connected(info: CallInfo) -> bool:
    return info.state.state is CallState.CONNECTED


def in_conference(info: CallInfo) -> bool:
    return bool(info.flags and info.flags.conference)
