"""Finding the device a person named, and the errors when there is none."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from softphone.audio.devices import (
    SYSTEM_DEFAULT,
    AudioDevice,
    AudioDeviceError,
    choices,
    find_device,
    scan,
)


def device(index: int, name: str, inputs: int = 2, outputs: int = 2, *,
           default_in: bool = False, default_out: bool = False) -> AudioDevice:
    return AudioDevice(index, name, "ALSA", inputs, outputs, 48_000.0, default_in, default_out)


LAPTOP = [
    device(0, "HDA Intel PCH: ALC257 Analog (hw:0,0)", default_in=True, default_out=True),
    device(1, "HDA Intel PCH: HDMI 0 (hw:0,3)", inputs=0),
    device(2, "Jabra Evolve2 65: USB Audio (hw:2,0)", inputs=1),
    device(3, "pulse"),
]


@pytest.mark.parametrize("choice", [None, SYSTEM_DEFAULT, "system DEFAULT"])
def test_the_system_default_is_whatever_the_system_marks(choice: str | None) -> None:
    assert find_device(LAPTOP, choice, "input").index == 0
    assert find_device(LAPTOP, choice, "output").index == 0


def test_a_name_matches_in_part_and_in_any_case() -> None:
    assert find_device(LAPTOP, "jabra", "input").index == 2
    assert find_device(LAPTOP, "HDMI", "output").index == 1


def test_an_exact_name_wins_over_longer_names_containing_it() -> None:
    devices = [device(0, "USB Audio Pro"), device(1, "USB Audio")]
    assert find_device(devices, "usb audio", "output").index == 1


def test_a_number_picks_that_device() -> None:
    assert find_device(LAPTOP, 3, "input").name == "pulse"


def test_an_unknown_name_is_refused_with_the_choices() -> None:
    with pytest.raises(AudioDeviceError) as caught:
        find_device(LAPTOP, "Bose", "input")
    message = str(caught.value)
    assert message.startswith("No microphone matches 'Bose'. The microphones are: System default, ")
    assert "2: Jabra Evolve2 65: USB Audio (hw:2,0) (ALSA)" in message
    assert "HDMI" not in message  # it cannot record


def test_a_speaker_only_device_is_no_microphone() -> None:
    with pytest.raises(AudioDeviceError, match="No microphone matches 'HDMI'"):
        find_device(LAPTOP, "HDMI", "input")
    with pytest.raises(AudioDeviceError, match="There is no microphone number 1"):
        find_device(LAPTOP, 1, "input")


def test_a_name_matching_several_devices_asks_for_more() -> None:
    with pytest.raises(AudioDeviceError) as caught:
        find_device(LAPTOP, "hda intel", "output")
    assert str(caught.value) == (
        "More than one speaker matches 'hda intel': 0: HDA Intel PCH: ALC257 Analog (hw:0,0) "
        "(ALSA), 1: HDA Intel PCH: HDMI 0 (hw:0,3) (ALSA). Use more of the name, or the number."
    )


def test_no_device_at_all_is_said_plainly() -> None:
    with pytest.raises(AudioDeviceError, match=r"^No speaker was found on this computer\.$"):
        find_device([], None, "output")


def test_no_system_default_lists_what_there_is() -> None:
    with pytest.raises(AudioDeviceError) as caught:
        find_device([device(5, "USB")], None, "input")
    assert str(caught.value) == (
        "The system has no default microphone. The microphones are: 5: USB (ALSA)."
    )


def test_choices_offer_the_system_default_first() -> None:
    assert choices(LAPTOP, "input") == [
        SYSTEM_DEFAULT, LAPTOP[0].name, LAPTOP[2].name, "pulse",
    ]


class FakeSounddevice(SimpleNamespace):
    """sounddevice's query functions, answering like PortAudio on a machine with JACK."""

    class PortAudioError(Exception):
        pass

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "ALSA"}, {"name": "JACK Audio Connection Kit"}]

    def query_devices(self, kind: str | None = None) -> Any:
        infos = [
            {"index": 0, "name": "hdmi", "hostapi": 0, "max_input_channels": 0,
             "max_output_channels": 8, "default_samplerate": 44_100.0},
            {"index": 1, "name": "system", "hostapi": 1, "max_input_channels": 2,
             "max_output_channels": 2, "default_samplerate": 48_000.0},
        ]
        if kind == "input":
            return infos[1]
        if kind == "output":
            raise self.PortAudioError("no default output device")
        return infos


def test_scan_turns_portaudio_answers_into_devices() -> None:
    assert scan(FakeSounddevice()) == [
        AudioDevice(0, "hdmi", "ALSA", 0, 8, 44_100.0, False, False),
        AudioDevice(1, "system", "JACK Audio Connection Kit", 2, 2, 48_000.0, True, False),
    ]
