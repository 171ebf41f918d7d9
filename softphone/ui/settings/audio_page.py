"""Settings → Audio: the microphone, speaker and ringer, each with a test and a live meter
(the microphone's what it hears, the speaker's and ringer's what the device played), and the
voice processing switches.

The device lists come from a fresh PortAudio process (a fresh look at what is plugged in),
which takes a few tenths of a second, more on a busy machine: they are asked for on a thread,
and the pickers fill in when the answer comes. A configured device that is not plugged in now
stays chosen, marked "(not connected)": saving the page never drops it. The tests run through
Phone on threads of their own; what they report comes back to the GUI thread as Qt signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from softphone.audio import SYSTEM_DEFAULT, AudioDevice, AudioDeviceError, choices, list_devices
from softphone.config import AudioConfig, Config
from softphone.phone import Phone
from softphone.ui.level_meter import FLOOR_DBFS, LevelMeter

if TYPE_CHECKING:
    from softphone.audio import InputMeter

SAME_AS_SPEAKER = "Same as speaker"
NOT_CONNECTED = "{} (not connected)"

# (config field, label, direction, the choices before the devices: (label, value saved))
PICKERS = (
    ("input_device", "Microphone", "input", ((SYSTEM_DEFAULT, ""),)),
    ("output_device", "Speaker", "output", ((SYSTEM_DEFAULT, ""),)),
    ("ringer_device", "Ringer", "output",
     ((SAME_AS_SPEAKER, ""), (SYSTEM_DEFAULT, SYSTEM_DEFAULT))),
)
CHECKS = (
    ("echo_cancellation", "Echo cancellation (the other side does not hear themselves)"),
    ("noise_suppression", "Noise suppression"),
    ("auto_gain", "Automatic gain (evens out how loud you sound)"),
)


class _Relay(QObject):
    """What device threads report, delivered on the GUI thread. It has no parent, so a thread
    still holding it after the page is gone emits into nothing rather than into freed memory."""

    devices = Signal(object)  # list[AudioDevice]
    listing_failed = Signal(str)
    level = Signal(object, float)  # (which meter, dBFS): a stopped meter's last words are ignored
    meter_failed = Signal(object, str)
    played = Signal(str, float)  # (the picker's field, dBFS the device played)
    problem = Signal(str)


class AudioPage(QWidget):
    title = "Audio"

    def __init__(self, config: Config, phone: Phone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phone = phone
        self.message = QLabel()
        self.message.setObjectName("audio_message")
        self.message.setWordWrap(True)
        self._relay = _Relay()
        self._relay.devices.connect(self._show_devices)
        self._relay.listing_failed.connect(self._listing_failed)
        self._relay.level.connect(self._show_level)
        self._relay.meter_failed.connect(self._meter_failed)
        self._relay.played.connect(self._show_played)
        self._relay.problem.connect(self.message.setText)
        self._meter: InputMeter | None = None
        self._metering = ""  # the microphone the meter measures
        self.pickers = {field: _picker(field, fixed, getattr(config.audio, field))
                        for field, _, _, fixed in PICKERS}
        self.level = LevelMeter()
        self.level.setObjectName("input_level")
        self.played = {field: LevelMeter() for field in ("output_device", "ringer_device")}
        for field, meter in self.played.items():
            meter.setObjectName(f"{field.removesuffix('_device')}_level")
        self.mic_test = self._button("test_microphone", "Test", "Show how loud the microphone "
                                     "hears you (nothing is recorded)")
        self.mic_test.setCheckable(True)
        self.mic_test.toggled.connect(self._meter_microphone)
        self.speaker_test = self._button("test_speaker", "Test", "Play a short chime")
        self.speaker_test.clicked.connect(self._test_speaker)
        self.ringer_test = self._button("test_ringer", "Test", "Ring twice, as a call would")
        self.ringer_test.clicked.connect(self._test_ringer)
        self.refresh = self._button("refresh_devices", "Refresh devices",
                                    "Look again for devices plugged in since")
        self.refresh.clicked.connect(self.list_devices)
        self.pickers["input_device"].currentIndexChanged.connect(self._follow_microphone)
        self.checks = {key: QCheckBox(label) for key, label in CHECKS}
        for key, box in self.checks.items():
            box.setObjectName(key)
            box.setChecked(getattr(config.audio, key))
        self._lay_out()
        self.list_devices()

    def _lay_out(self) -> None:
        layout = QFormLayout(self)
        tests = {"input_device": self.mic_test, "output_device": self.speaker_test,
                 "ringer_device": self.ringer_test}
        for field, label, *_ in PICKERS:
            row = QHBoxLayout()
            row.addWidget(self.pickers[field], 1)
            row.addWidget(tests[field])
            layout.addRow(label, row)
            layout.addRow("", self.played.get(field, self.level))
        layout.addRow("", self.refresh)
        for box in self.checks.values():
            layout.addRow(box)
        layout.addRow(self.message)

    def collect(self, config: Config) -> Config:
        audio: AudioConfig = replace(
            config.audio,
            **{field: picker.currentData() for field, picker in self.pickers.items()},
            **{key: box.isChecked() for key, box in self.checks.items()})
        return replace(config, audio=audio)

    # Devices ---------------------------------------------------------------------------------

    def list_devices(self) -> None:
        """Ask for the devices plugged in now; the pickers fill in when the answer comes."""
        self.refresh.setEnabled(False)
        relay = self._relay
        threading.Thread(target=_list_into, args=(relay,), name="list-devices",
                         daemon=True).start()

    def _show_devices(self, devices: list[AudioDevice]) -> None:
        self.refresh.setEnabled(True)
        for field, _, direction, fixed in PICKERS:
            picker = self.pickers[field]
            names = choices(devices, direction)[1:]  # without its own "System default"
            _fill(picker, fixed, names, picker.currentData())

    def _listing_failed(self, message: str) -> None:
        self.refresh.setEnabled(True)
        self.message.setText(message)

    # Tests ---------------------------------------------------------------------------------

    def _meter_microphone(self, on: bool) -> None:
        self.mic_test.setText("Stop" if on else "Test")
        if on:
            self.message.clear()
            self._start_meter()
        else:
            self._stop_meter()

    def _start_meter(self) -> None:
        relay = self._relay
        meter: InputMeter | None = None  # which meter speaks: the one assigned below

        def level(dbfs: float) -> None:
            relay.level.emit(meter, dbfs)

        def failed(message: str) -> None:
            relay.meter_failed.emit(meter, message)

        self._metering = self.pickers["input_device"].currentData()
        meter = self._meter = self.phone.meter_input(self._metering, level, failed)

    def _stop_meter(self) -> None:
        if self._meter is not None:
            self._meter.stop()
            self._meter = None
        self.level.set_level(FLOOR_DBFS)

    def _follow_microphone(self) -> None:
        """Another microphone chosen while testing: measure that one instead."""
        if self._meter is not None and self.pickers["input_device"].currentData() != self._metering:
            self._stop_meter()
            self._start_meter()

    def _show_level(self, meter: InputMeter | None, dbfs: float) -> None:
        if meter is not None and meter is self._meter:
            self.level.set_level(dbfs)

    def _meter_failed(self, meter: InputMeter | None, message: str) -> None:
        if meter is not None and meter is self._meter:
            self.message.setText(message)
            self.mic_test.setChecked(False)

    def _test_speaker(self) -> None:
        self.message.clear()
        self.phone.test_output(self.pickers["output_device"].currentData(),
                               self._relay.problem.emit, self._played_into("output_device"))

    def _test_ringer(self) -> None:
        """On the ringer as chosen here, not as saved: "Same as speaker" is the speaker above."""
        self.message.clear()
        device = (self.pickers["ringer_device"].currentData()
                  or self.pickers["output_device"].currentData())
        self.phone.test_ringer(device, self._relay.problem.emit,
                               self._played_into("ringer_device"))

    def _played_into(self, field: str) -> Callable[[float], None]:
        """A test's levels, from its thread, for the meter under its picker. The relay itself
        is held, not its signal, which would not keep it alive once the page is gone."""
        relay = self._relay
        return lambda dbfs: relay.played.emit(field, dbfs)

    def _show_played(self, field: str, dbfs: float) -> None:
        self.played[field].set_level(dbfs)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page (or closing the dialog) ends whatever is testing."""
        self.mic_test.setChecked(False)
        self.phone.stop_sound_test()
        for meter in self.played.values():
            meter.set_level(FLOOR_DBFS)
        super().hideEvent(event)

    @staticmethod
    def _button(name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button


def _picker(field: str, fixed: tuple[tuple[str, str], ...], configured: str) -> QComboBox:
    """Until the devices are known, the configured one is shown as it is, unmarked."""
    picker = QComboBox()
    picker.setObjectName(field)
    _fill(picker, fixed, None, configured)
    return picker


def _list_into(relay: _Relay) -> None:
    """On a thread: a PortAudio process starts, answers and stops."""
    try:
        relay.devices.emit(list_devices())
    except AudioDeviceError as error:
        relay.listing_failed.emit(str(error))


def _fill(picker: QComboBox, fixed: tuple[tuple[str, str], ...], names: list[str] | None,
          keep: str) -> None:
    """Offer `fixed`, then `names` (None: not known yet), and choose `keep`; a `keep` that is
    not among them is offered too, marked as not connected once the devices are known."""
    picker.blockSignals(True)  # one change, not one per item: a running meter restarts once
    picker.clear()
    for label, value in fixed:
        picker.addItem(label, value)
    for name in dict.fromkeys(names or ()):  # a name twice (two host APIs) is offered once
        picker.addItem(name, name)
    if picker.findData(keep) < 0:
        picker.addItem(keep if names is None else NOT_CONNECTED.format(keep), keep)
    picker.blockSignals(False)
    picker.setCurrentIndex(picker.findData(keep))
