"""Tests for softphone.media.frames: the frame format and the do-nothing endpoints."""

from __future__ import annotations

from softphone.media.frames import (
    CLOCK_RATE,
    FRAME_BYTES,
    FRAME_MS,
    FRAME_SAMPLES,
    SILENT_FRAME,
    Discard,
    Silence,
)


def test_a_frame_is_20ms_of_16bit_mono_at_16khz() -> None:
    assert (CLOCK_RATE, FRAME_MS, FRAME_SAMPLES, FRAME_BYTES) == (16_000, 20, 320, 640)
    assert bytes(640) == SILENT_FRAME


def test_silence_overwrites_the_whole_frame_with_zeros() -> None:
    frame = bytearray(b"\x7f" * FRAME_BYTES)
    Silence().read_frame(memoryview(frame))
    assert frame == SILENT_FRAME


def test_discard_leaves_the_frame_alone() -> None:
    audio = bytes(range(256)) * 2 + bytes(range(128))
    frame = bytearray(audio)
    assert Discard().write_frame(memoryview(frame)) is None
    assert frame == audio
