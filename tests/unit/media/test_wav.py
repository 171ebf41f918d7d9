"""Tests for softphone.media.wav on real WAV files: loading, playing and recording."""

from __future__ import annotations

import gc
import stat
import struct
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from softphone.media.frames import CLOCK_RATE, FRAME_BYTES, FRAME_SAMPLES, SILENT_FRAME
from softphone.media.wav import (
    WavError,
    WavRecorder,
    WavSource,
    load_wav,
    repair_wav_header,
    wav_header,
)
from tests.unit.conftest import WavWriter

SECONDS = 0.5


def sine(hz: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(SECONDS * rate)) / rate
    return amplitude * np.sin(2 * np.pi * hz * t)


def dominant_frequency(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    return float(np.fft.rfftfreq(len(pcm), 1 / CLOCK_RATE)[np.argmax(spectrum)])


def peak(pcm: np.ndarray) -> float:
    return float(np.abs(pcm.astype(np.float64)).max()) / 32767


def raw_wav(path: Path, format_tag: int, bits: int, data: bytes) -> Path:
    """A mono 16 kHz RIFF/WAVE file with any fmt chunk, for formats `wave` cannot write."""
    block = (bits + 7) // 8
    fmt = struct.pack("<HHIIHH", format_tag, 1, CLOCK_RATE, CLOCK_RATE * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def read_frame(source: WavSource) -> bytes:
    frame = bytearray(b"\xff" * FRAME_BYTES)  # garbage, to see that every byte is written
    source.read_frame(memoryview(frame))
    return bytes(frame)


# --- load_wav -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize("rate", [8000, 16000, 44100, 48000])
def test_pcm_wav_loads_as_mono_int16_at_16khz(write_wav: WavWriter, width: int,
                                              rate: int) -> None:
    pcm = load_wav(write_wav(sine(1000, rate), rate=rate, width=width))
    assert pcm.dtype == np.dtype("<i2")
    assert pcm.shape == (SECONDS * CLOCK_RATE,)
    assert dominant_frequency(pcm) == pytest.approx(1000, abs=2)
    assert peak(pcm) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    ("right_of", "expected_peak"),
    [
        pytest.param(lambda left: left, 0.5, id="same-in-both"),
        pytest.param(np.zeros_like, 0.25, id="left-only"),
        pytest.param(np.negative, 0.0, id="opposite-phase"),
    ],
)
def test_stereo_is_mixed_to_the_mean_of_both_channels(write_wav: WavWriter, right_of,
                                                      expected_peak: float) -> None:
    left = sine(1000, 48000)
    pcm = load_wav(write_wav(np.column_stack([left, right_of(left)]), rate=48000))
    assert pcm.shape == (SECONDS * CLOCK_RATE,)
    assert peak(pcm) == pytest.approx(expected_peak, abs=0.01)


def test_stereo_tone_keeps_its_frequency(write_wav: WavWriter) -> None:
    tone = sine(700, 16000)
    pcm = load_wav(write_wav(np.column_stack([tone, tone]), width=3))
    assert dominant_frequency(pcm) == pytest.approx(700, abs=2)


def test_tones_above_the_engine_nyquist_are_filtered_not_aliased(write_wav: WavWriter) -> None:
    pcm = load_wav(write_wav(sine(10_000, 48000), rate=48000))
    steady = pcm[400:-400]  # the resampler rings where the tone starts and stops abruptly
    assert peak(steady) < 0.01


def test_missing_file_is_a_wav_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.wav"
    with pytest.raises(WavError, match="no such file") as caught:
        load_wav(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"ID3\x04\x00 an mp3, not a wav", id="mp3"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEjunk", id="truncated-header"),
    ],
)
def test_non_wav_file_is_a_wav_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "song.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match="not a PCM WAV file") as caught:
        load_wav(path)
    assert str(path) in str(caught.value)


def test_float_wav_is_a_wav_error_naming_it(tmp_path: Path) -> None:
    path = raw_wav(tmp_path / "float.wav", 3, 32, np.zeros(16, "<f4").tobytes())
    with pytest.raises(WavError, match="not a PCM WAV file") as caught:
        load_wav(path)
    assert str(path) in str(caught.value)


def test_unsupported_sample_width_is_a_wav_error_naming_it(tmp_path: Path) -> None:
    path = raw_wav(tmp_path / "40bit.wav", 1, 40, bytes(5 * 16))
    with pytest.raises(WavError, match="sample width") as caught:
        load_wav(path)
    assert str(path) in str(caught.value)


def test_directory_is_a_wav_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WavError) as caught:
        load_wav(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_wav_cut_off_mid_frame_plays_its_whole_frames(write_wav: WavWriter) -> None:
    path = write_wav(np.full((100, 2), 0.25))
    path.write_bytes(path.read_bytes()[:-1])
    try:
        pcm = load_wav(path)
    except WavError as err:
        assert str(path) in str(err)
    else:
        assert len(pcm) == 99


def test_wav_in_the_engine_format_loads_bit_exact(write_wav: WavWriter) -> None:
    written = np.array([0, 1, 1000, 32767, -1, -1000, -32768], "<i2")
    path = write_wav(written / 32767)
    with wave.open(str(path)) as wav:
        assert wav.readframes(7) == written.tobytes()
    assert load_wav(path).tolist() == written.tolist()


# --- WavSource ----------------------------------------------------------------------------


@pytest.mark.parametrize("samples", [0, 1, FRAME_SAMPLES, 2 * FRAME_SAMPLES + FRAME_SAMPLES // 2])
def test_source_plays_the_file_once_then_silence(write_wav: WavWriter, samples: int) -> None:
    path = write_wav(np.linspace(0.1, 0.9, samples))
    pcm = load_wav(path).tobytes()
    source = WavSource(path)
    audio_frames = -(-samples // FRAME_SAMPLES)
    reads = audio_frames + 2

    assert source.finished is (samples == 0)
    played, finished = [], []
    for _ in range(reads):
        played.append(read_frame(source))
        finished.append(source.finished)

    assert b"".join(played) == pcm.ljust(reads * FRAME_BYTES, b"\0")
    assert finished == [count >= audio_frames for count in range(1, reads + 1)]


def test_source_pads_the_last_frame_with_silence(write_wav: WavWriter) -> None:
    path = write_wav(np.full(FRAME_SAMPLES + 10, 0.5))
    source = WavSource(path)
    read_frame(source)
    last = read_frame(source)
    assert np.frombuffer(last[:20], "<i2").min() > 16000
    assert last[20:] == SILENT_FRAME[20:]


def test_source_of_missing_file_is_a_wav_error(tmp_path: Path) -> None:
    with pytest.raises(WavError):
        WavSource(tmp_path / "missing.wav")


# --- WavRecorder --------------------------------------------------------------------------


def recorded(path: Path) -> tuple[tuple[int, int, int], bytes]:
    with wave.open(str(path)) as wav:
        format_ = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        return format_, wav.readframes(wav.getnframes())


@pytest.mark.parametrize("frames", [0, 1, 7])
def test_recorder_writes_every_frame_it_was_given(tmp_path: Path, frames: int) -> None:
    audio = np.random.default_rng(frames).integers(-32768, 32768, frames * FRAME_SAMPLES)
    audio = audio.astype("<i2").tobytes()
    path = tmp_path / "call.wav"
    recorder = WavRecorder(path)
    for start in range(0, len(audio), FRAME_BYTES):
        recorder.write_frame(memoryview(audio[start : start + FRAME_BYTES]))
    recorder.close()
    assert recorded(path) == ((1, 2, CLOCK_RATE), audio)


def test_recorder_copies_the_frame_it_is_lent(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    recorder = WavRecorder(path)
    frame = bytearray(b"\x01\x02" * FRAME_SAMPLES)
    recorder.write_frame(memoryview(frame))
    frame[:] = SILENT_FRAME  # the engine reuses its buffer after the callback
    recorder.close()
    assert recorded(path)[1] == b"\x01\x02" * FRAME_SAMPLES


def test_closing_the_recorder_twice_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    recorder = WavRecorder(path)
    recorder.write_frame(memoryview(b"\x10\x00" * FRAME_SAMPLES))
    recorder.close()
    content = path.read_bytes()
    recorder.close()
    assert path.read_bytes() == content
    assert recorded(path)[1] == b"\x10\x00" * FRAME_SAMPLES


UNWRITABLE = pytest.mark.parametrize("where", ["no-such-dir/call.wav", "."],
                                     ids=["missing-dir", "a-dir"])


@UNWRITABLE
def test_recorder_on_unwritable_path_is_a_wav_error_naming_it(
    tmp_path: Path, where: str, unraisable: list[sys.UnraisableHookArgs]
) -> None:
    path = tmp_path / where
    with pytest.raises(WavError, match="cannot be written") as caught:
        WavRecorder(path)
    assert str(path) in str(caught.value)


@UNWRITABLE
def test_recorder_on_unwritable_path_prints_no_traceback(
    tmp_path: Path, where: str, unraisable: list[sys.UnraisableHookArgs]
) -> None:
    with pytest.raises(WavError):
        WavRecorder(tmp_path / where)
    gc.collect()
    assert [repr(hook.exc_value) for hook in unraisable] == []


def test_recordings_are_readable_by_the_user_only(tmp_path: Path) -> None:
    path = tmp_path / "call.wav"
    path.write_bytes(b"")
    path.chmod(0o644)  # an older file of the same name: its mode must not leak through
    recorder = WavRecorder(path)
    recorder.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("extra", [0, 1], ids=["whole-samples", "cut-mid-sample"])
def test_a_header_left_without_sizes_is_repaired_from_the_audio_on_disk(
        tmp_path: Path, extra: int) -> None:
    """What pjmedia's recorder leaves when its last write failed: sizes of zero."""
    audio = b"\x10\x00" * (3 * FRAME_SAMPLES)
    path = tmp_path / "call.wav"
    path.write_bytes(wav_header(0) + audio + b"\x01" * extra)
    repair_wav_header(path)
    assert recorded(path) == ((1, 2, CLOCK_RATE), audio)


def test_repairing_leaves_a_file_that_is_not_a_canonical_wav_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_bytes(b"RIFX" + bytes(100))
    repair_wav_header(path)
    assert path.read_bytes() == b"RIFX" + bytes(100)
