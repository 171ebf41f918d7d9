"""The microphone and speaker: devices, the duplex pipeline the engine reads and writes 20 ms
frames through, the microphone test, the ringer and the microphone's level meter.

Importing this package never starts PortAudio: that only ever happens in a child process
(see host_process.py for why).
"""

from softphone.audio.devices import (
    SYSTEM_DEFAULT,
    AudioDevice,
    AudioDeviceError,
    DeviceChoice,
    choices,
    find_device,
)
from softphone.audio.host import list_devices
from softphone.audio.levels import SILENCE_DBFS
from softphone.audio.meter import InputMeter
from softphone.audio.mictest import MicTestResult, mic_test
from softphone.audio.ringer import Ringer
from softphone.audio.stream import AudioPipeline, PassThrough, PipelineStats, Processor

__all__ = [
    "SILENCE_DBFS",
    "SYSTEM_DEFAULT",
    "AudioDevice",
    "AudioDeviceError",
    "AudioPipeline",
    "DeviceChoice",
    "InputMeter",
    "MicTestResult",
    "PassThrough",
    "PipelineStats",
    "Processor",
    "Ringer",
    "choices",
    "find_device",
    "list_devices",
    "mic_test",
]
