"""The PortAudio child process: it starts, answers, refuses plainly, and keeps PortAudio out of
the process that uses it."""

from __future__ import annotations

import subprocess
import sys

import pytest

import softphone.audio.host
from softphone.audio import AudioDevice, AudioDeviceError, list_devices
from softphone.audio.host import AudioHost


def test_importing_the_package_does_not_start_portaudio() -> None:
    code = "import sys, softphone.audio; print('sounddevice' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_listing_devices_works_on_whatever_this_machine_has() -> None:
    devices = list_devices()
    assert all(isinstance(d, AudioDevice) for d in devices)
    assert sum(d.is_default_input for d in devices) <= 1


def test_a_device_that_is_not_there_is_refused_by_name() -> None:
    host = AudioHost()
    try:
        with pytest.raises(AudioDeviceError, match="microphone"):
            host.open("no such microphone, surely", None)
        assert host.alive()  # a refusal is an answer, not a crash
    finally:
        host.stop()
    assert not host.alive()


def test_a_child_that_cannot_start_is_an_audio_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(softphone.audio.host, "CHILD_COMMAND",
                        [sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(AudioDeviceError, match="The sound system stopped unexpectedly"):
        AudioHost()
