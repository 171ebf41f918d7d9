"""Microphones and speakers as plain data, and finding the one a person asked for.

The list comes from PortAudio, which reads the system's devices once, when it starts: a headset
plugged in later is only seen after `Pa_Terminate` and `Pa_Initialize` (sounddevice's
`_terminate()` / `_initialize()`). Doing that in our own process is not safe: with a JACK
server gone, `Pa_Terminate` aborts the process (an assertion in pa_jack.c), and an open stream
makes it wait ten minutes. So PortAudio only ever runs in a child process (see host.py), and a
fresh child is a fresh device list: `host.list_devices()` is the refresh.

This module therefore never imports sounddevice itself; `scan` is handed the module by the code
that runs in the child.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

SYSTEM_DEFAULT = "System default"

DeviceChoice = int | str | None
"""A device as a person or a config file names it: an index, (part of) a name, or None /
"System default" for whatever the operating system currently calls the default."""

Direction = Literal["input", "output"]
_NOUN = {"input": "microphone", "output": "speaker"}


class AudioDeviceError(Exception):
    """A device that cannot be found or opened, said so that a person knows what to pick."""


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool
    is_default_output: bool

    def channels(self, direction: Direction) -> int:
        return self.max_input_channels if direction == "input" else self.max_output_channels

    def is_default(self, direction: Direction) -> bool:
        return self.is_default_input if direction == "input" else self.is_default_output

    def __str__(self) -> str:
        return f"{self.name} ({self.hostapi})"


def scan(sounddevice: ModuleType) -> list[AudioDevice]:
    """Every device PortAudio sees, with the system defaults marked."""
    hostapis = [api["name"] for api in sounddevice.query_hostapis()]
    default_input = _default_index(sounddevice, "input")
    default_output = _default_index(sounddevice, "output")
    return [
        AudioDevice(
            index=info["index"],
            name=info["name"],
            hostapi=hostapis[info["hostapi"]],
            max_input_channels=info["max_input_channels"],
            max_output_channels=info["max_output_channels"],
            default_samplerate=info["default_samplerate"],
            is_default_input=info["index"] == default_input,
            is_default_output=info["index"] == default_output,
        )
        for info in sounddevice.query_devices()
    ]


def _default_index(sounddevice: ModuleType, direction: Direction) -> int | None:
    try:
        return sounddevice.query_devices(kind=direction)["index"]
    except sounddevice.PortAudioError:  # the system has no default of this kind
        return None


def choices(devices: Sequence[AudioDevice], direction: Direction) -> list[str]:
    """What a device menu offers: "System default" first, then each device that fits."""
    return [SYSTEM_DEFAULT] + [d.name for d in devices if d.channels(direction)]


def find_device(
    devices: Sequence[AudioDevice], choice: DeviceChoice, direction: Direction
) -> AudioDevice:
    """The device `choice` names, for recording ("input") or playing ("output").

    A name matches exactly (ignoring case) or as a unique part of one device's name.
    """
    usable = [d for d in devices if d.channels(direction)]
    noun = _NOUN[direction]
    if is_system_default(choice):
        found = [d for d in usable if d.is_default(direction)]
        missing = f"The system has no default {noun}."
    elif isinstance(choice, int):
        found = [d for d in usable if d.index == choice]
        missing = f"There is no {noun} number {choice}."
    else:
        found = _by_name(usable, choice)
        missing = f"No {noun} matches '{choice}'."
    if len(found) == 1:
        return found[0]
    if found:
        raise AudioDeviceError(
            f"More than one {noun} matches '{choice}': {_listing(found)}. "
            "Use more of the name, or the number."
        )
    if not usable:
        raise AudioDeviceError(f"No {noun} was found on this computer.")
    offered = _listing(usable)
    if any(d.is_default(direction) for d in usable):
        offered = f"{SYSTEM_DEFAULT}, {offered}"
    raise AudioDeviceError(f"{missing} The {noun}s are: {offered}.")


def is_system_default(choice: DeviceChoice) -> bool:
    return choice is None or (
        isinstance(choice, str) and choice.casefold() == SYSTEM_DEFAULT.casefold()
    )


def _by_name(devices: Sequence[AudioDevice], name: str) -> list[AudioDevice]:
    wanted = name.casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    return exact or [d for d in devices if wanted in d.name.casefold()]


def _listing(devices: Sequence[AudioDevice]) -> str:
    return ", ".join(f"{d.index}: {d}" for d in devices)
