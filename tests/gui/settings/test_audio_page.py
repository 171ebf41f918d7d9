"""Settings → Audio with a real Phone (its engine a recorder) and real PortAudio processes:
on whatever this machine has, and on a JACK dummy server for devices that are really there."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

import softphone.audio.host
from softphone.config import AudioConfig, Config
from softphone.phone import Phone
from softphone.ui.level_meter import FLOOR_DBFS
from softphone.ui.settings.audio_page import AudioPage
from tests.gui.conftest import Recorder
from tests.integration.audio.conftest import jack  # noqa: F401 (the fixture)
from tests.integration.audio.jack import JackServer

LISTING = 20_000  # ms: a PortAudio process starting on a loaded machine


def make_page(qtbot: QtBot, audio: AudioConfig) -> AudioPage:
    config = Config(audio=audio)
    phone = Phone(config, lambda event: None)
    phone.engine = Recorder()  # type: ignore[assignment]
    page = AudioPage(config, phone)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.refresh.isEnabled, timeout=LISTING)  # the devices are listed
    return page


def offered(page: AudioPage, field: str) -> list[str]:
    picker = page.pickers[field]
    return [picker.itemText(index) for index in range(picker.count())]


def choose(page: AudioPage, field: str, text: str) -> None:
    picker = page.pickers[field]
    picker.setCurrentIndex(picker.findText(text))


def test_devices_that_are_not_connected_stay_chosen_and_are_saved(qtbot: QtBot) -> None:
    audio = AudioConfig(input_device="USB headset (surely absent)", output_device="",
                        ringer_device="Desk speaker (surely absent)")
    page = make_page(qtbot, audio)
    assert page.pickers["input_device"].currentText() == (
        "USB headset (surely absent) (not connected)")
    assert offered(page, "input_device")[0] == "System default"
    assert page.pickers["output_device"].currentText() == "System default"
    assert offered(page, "ringer_device")[:2] == ["Same as speaker", "System default"]
    assert page.collect(Config()).audio == audio  # nothing the user had is lost


def test_collect_takes_the_pickers_and_the_switches(qtbot: QtBot) -> None:
    page = make_page(qtbot, AudioConfig(input_device="Headset (surely absent)"))
    choose(page, "input_device", "System default")
    choose(page, "ringer_device", "System default")
    page.checks["echo_cancellation"].setChecked(False)
    page.checks["auto_gain"].setChecked(False)
    base = Config(audio=AudioConfig(output_device="kept from elsewhere"))
    collected = page.collect(base)
    assert collected.audio == AudioConfig(
        input_device="", output_device="", ringer_device="System default",
        echo_cancellation=False, noise_suppression=True, auto_gain=False)
    assert replace(collected, audio=base.audio) == base  # the other sections untouched


def test_a_sound_system_that_will_not_start_is_said_on_the_page(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(softphone.audio.host, "CHILD_COMMAND",
                        [sys.executable, "-c", "import sys; sys.exit(3)"])
    page = make_page(qtbot, AudioConfig(output_device="Speakers (surely absent)"))
    assert page.message.text() == "The sound system stopped unexpectedly."
    assert page.pickers["output_device"].currentData() == "Speakers (surely absent)"


def test_testing_a_speaker_that_is_not_there_says_so(qtbot: QtBot) -> None:
    page = make_page(qtbot, AudioConfig(output_device="Speakers (surely absent)"))
    page.speaker_test.click()
    qtbot.waitUntil(lambda: "speaker" in page.message.text(), timeout=LISTING)


def test_metering_a_microphone_that_is_not_there_says_so_and_ends(qtbot: QtBot) -> None:
    page = make_page(qtbot, AudioConfig(input_device="Headset (surely absent)"))
    page.mic_test.click()
    assert page.mic_test.text() == "Stop"
    qtbot.waitUntil(lambda: "microphone" in page.message.text(), timeout=LISTING)
    assert not page.mic_test.isChecked()
    assert page.mic_test.text() == "Test"


def test_the_jack_devices_are_offered_and_a_new_one_appears_on_refresh(
    qtbot: QtBot, jack: JackServer,  # noqa: F811
) -> None:
    page = make_page(qtbot, AudioConfig(input_device="beeper"))
    assert offered(page, "input_device") == ["System default", "system", "beeper (not connected)"]
    assert offered(page, "ringer_device") == ["Same as speaker", "System default", "system"]
    jack.start_helper("jack_metro", "-n", "beeper", "-f", "880", "-b", "600", "-D", "90")
    qtbot.waitUntil(lambda: "beeper:600_bpm" in jack.ports(), timeout=5000)
    page.refresh.click()
    qtbot.waitUntil(page.refresh.isEnabled, timeout=LISTING)
    assert offered(page, "input_device") == ["System default", "system", "beeper"]
    assert page.pickers["input_device"].currentText() == "beeper"


def test_the_meter_moves_while_the_microphone_is_tested(
    qtbot: QtBot, jack: JackServer,  # noqa: F811
) -> None:
    jack.start_helper("jack_metro", "-n", "beeper", "-f", "880", "-b", "600", "-D", "90")
    qtbot.waitUntil(lambda: "beeper:600_bpm" in jack.ports(), timeout=5000)
    page = make_page(qtbot, AudioConfig(input_device="beeper"))
    page.mic_test.click()
    qtbot.waitUntil(lambda: page.level.level > -20, timeout=LISTING)
    page.mic_test.click()
    assert page.level.level == FLOOR_DBFS
    assert page.message.text() == ""


@pytest.mark.parametrize("test", ["speaker", "ringer"])
def test_the_speaker_and_ringer_meters_move_while_their_test_sounds(
    qtbot: QtBot, jack: JackServer, test: str,  # noqa: F811
) -> None:
    """Each meter shows what its device played, and only its own: the ringer's test sounds on
    the speaker here ("Same as speaker"), but on the ringer's meter."""
    page = make_page(qtbot, AudioConfig(output_device="system"))
    mine, other = (page.played["output_device"], page.played["ringer_device"])[
        :: 1 if test == "speaker" else -1]
    getattr(page, f"{test}_test").click()
    qtbot.waitUntil(lambda: mine.level > -20, timeout=LISTING)
    assert other.level == FLOOR_DBFS
    qtbot.waitUntil(lambda: mine.level == FLOOR_DBFS, timeout=LISTING)  # the sound is over
    assert page.message.text() == ""
