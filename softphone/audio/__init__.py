"""The microphone and speaker: devices, the duplex pipeline the engine reads and writes 20 ms
frames through, and the microphone test.

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
from softphone.audio.mictest import MicTestResult, mic_test
from softphone.audio.stream import AudioPipeline, PassThrough, PipelineStats, Processor

__all__ = [
    "SILENCE_DBFS",
    "SYSTEM_DEFAULT",
    "AudioDevice",
    "AudioDeviceError",
    "AudioPipeline",
    "DeviceChoice",
    "MicTestResult",
    "PassThrough",
    "PipelineStats",
    "Processor",
    "choices",
    "find_device",
    "list_devices",
    "mic_test",
]
