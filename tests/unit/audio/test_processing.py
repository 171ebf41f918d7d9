"""VoiceProcessor on synthetic calls: bursts of coloured noise for the far end (speech-like in
spectrum and rhythm, made with numpy so no speech synthesiser is needed), a decaying random room,
and a harmonic 'voice' for the near end."""

from __future__ import annotations

import numpy as np
import pytest

from softphone.audio.processing import FRAME_SAMPLES, ProcessingSettings, VoiceProcessor

RATE = 16_000
ECHO_ONLY = ProcessingSettings(auto_gain=False)  # AGC would move levels the ERLE compares


def coloured_bursts(seconds: float, rng: np.random.Generator, dbfs: float = -20.0) -> np.ndarray:
    """Low-pass noise in 0.3 s bursts with 0.1 s gaps: the far end talking."""
    white = rng.standard_normal(int(seconds * RATE))
    low_pass = 0.85 ** np.arange(64)  # one pole: about -6 dB/octave above 400 Hz
    coloured = np.convolve(white, low_pass)[:white.size]
    envelope = (np.arange(white.size) % int(0.4 * RATE)) < int(0.3 * RATE)
    return at_level(coloured * envelope, dbfs)


def voice(seconds: float, dbfs: float, pitch: float = 170.0) -> np.ndarray:
    """Harmonics of a pitch, switched on and off like syllables: the near-end talker."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 12))
    syllables = 0.5 - 0.5 * np.cos(2 * np.pi * 3 * t)
    return at_level(tone * syllables, dbfs)


def room(rng: np.random.Generator, delay_ms: float, tail_ms: float = 100.0) -> np.ndarray:
    tail = int(tail_ms * RATE / 1000)
    decay = np.exp(-np.log(1000) * np.arange(tail) / tail)
    return np.concatenate((np.zeros(int(delay_ms * RATE / 1000)),
                           rng.standard_normal(tail) * decay))


def echo_of(far: np.ndarray, rng: np.random.Generator, delay_ms: float = 30.0) -> np.ndarray:
    """The far end as the mic hears it: through the room, 10 dB down."""
    echo = np.convolve(far, room(rng, delay_ms))[:far.size]
    return at_level(echo, level_dbfs(far) - 10)


def at_level(signal: np.ndarray, dbfs: float) -> np.ndarray:
    return signal * 10 ** ((dbfs - level_dbfs(signal)) / 20)


def level_dbfs(signal: np.ndarray) -> float:
    return 10 * float(np.log10(np.mean(np.square(signal)) + 1e-20))


def run(processor: VoiceProcessor, mic: np.ndarray, far: np.ndarray | None = None) -> np.ndarray:
    far = np.zeros_like(mic) if far is None else far
    frames = mic.size // FRAME_SAMPLES
    return np.concatenate([
        processor.process(mic[at:at + FRAME_SAMPLES].astype(np.float32),
                          far[at:at + FRAME_SAMPLES].astype(np.float32))
        for at in range(0, frames * FRAME_SAMPLES, FRAME_SAMPLES)])


def reduction_db(before: np.ndarray, after: np.ndarray) -> float:
    return level_dbfs(before) - level_dbfs(after)


def sdr_db(output: np.ndarray, reference: np.ndarray) -> float:
    """Scale-invariant: how much of `output` is not `reference`."""
    target = reference * (np.dot(output, reference) / np.dot(reference, reference))
    return 10 * float(np.log10(np.sum(target**2) / np.sum((output - target) ** 2)))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def noise(size: int, rng: np.random.Generator, dbfs: float = -60.0) -> np.ndarray:
    return rng.standard_normal(size) * 10 ** (dbfs / 20)


@pytest.mark.parametrize("delay_ms", [30.0, 150.0])
def test_echo_is_cut_by_40_db_after_convergence(rng: np.random.Generator,
                                                delay_ms: float) -> None:
    far = coloured_bursts(6.0, rng)
    mic = echo_of(far, rng, delay_ms) + noise(far.size, rng)

    out = run(VoiceProcessor(ECHO_ONLY), mic, far)

    settled = slice(2 * RATE, None)
    assert reduction_db(mic[settled], out[settled]) > 40


def test_a_new_echo_path_is_learnt_again(rng: np.random.Generator) -> None:
    """The laptop moved: same far end, another room and delay from 4 s on. A Kalman filter on
    its own would take the new echo for near-end speech and stop learning."""
    far = coloured_bursts(8.0, rng)
    before, after = echo_of(far, rng, delay_ms=30.0), echo_of(far, rng, delay_ms=80.0)
    mic = np.concatenate((before[:4 * RATE], after[4 * RATE:])) + noise(far.size, rng)

    out = run(VoiceProcessor(ECHO_ONLY), mic, far)

    relearnt = slice(5 * RATE, None)
    assert reduction_db(mic[relearnt], out[relearnt]) > 40


def test_echo_delay_behind_the_reference_is_found(rng: np.random.Generator) -> None:
    far = coloured_bursts(2.0, rng)
    processor = VoiceProcessor(ECHO_ONLY)

    run(processor, echo_of(far, rng, delay_ms=120.0), far)

    assert processor.echo_delay_ms is not None
    assert 100 <= processor.echo_delay_ms <= 150


def test_near_end_survives_double_talk(rng: np.random.Generator) -> None:
    far = coloured_bursts(6.0, rng)
    echo = echo_of(far, rng)
    talker = np.zeros_like(far)
    talker[4 * RATE:] = voice(2.0, level_dbfs(echo))  # as loud as the echo
    background = noise(far.size, rng)

    out = run(VoiceProcessor(ECHO_ONLY), echo + talker + background, far)
    alone = run(VoiceProcessor(ECHO_ONLY), talker + background)

    double_talk = slice(4 * RATE, None)
    assert sdr_db(out[double_talk], alone[double_talk]) > 10


def test_echo_passes_with_echo_cancellation_off(rng: np.random.Generator) -> None:
    far = coloured_bursts(4.0, rng)
    mic = echo_of(far, rng) + noise(far.size, rng)

    out = run(VoiceProcessor(ProcessingSettings(echo_cancellation=False, auto_gain=False)),
              mic, far)

    assert reduction_db(mic[2 * RATE:], out[2 * RATE:]) < 3


def test_echo_cancellation_can_be_switched_at_run_time(rng: np.random.Generator) -> None:
    far = coloured_bursts(9.0, rng)
    mic = echo_of(far, rng) + noise(far.size, rng)
    processor = VoiceProcessor(ECHO_ONLY)
    thirds = [slice(0, 3 * RATE), slice(3 * RATE, 6 * RATE), slice(6 * RATE, None)]

    first = run(processor, mic[thirds[0]], far[thirds[0]])
    processor.settings = ProcessingSettings(echo_cancellation=False, auto_gain=False)
    second = run(processor, mic[thirds[1]], far[thirds[1]])
    processor.settings = ECHO_ONLY
    third = run(processor, mic[thirds[2]], far[thirds[2]])

    assert reduction_db(mic[thirds[0]][RATE:], first[RATE:]) > 25
    assert reduction_db(mic[thirds[1]], second) < 3
    assert reduction_db(mic[thirds[2]][2 * RATE:], third[2 * RATE:]) > 25


def test_noise_suppression_lowers_steady_noise(rng: np.random.Generator) -> None:
    hiss = noise(4 * RATE, rng, dbfs=-40)

    suppressed = run(VoiceProcessor(ECHO_ONLY), hiss)
    kept = run(VoiceProcessor(ProcessingSettings(noise_suppression=False, auto_gain=False)), hiss)

    settled = slice(RATE, None)
    assert reduction_db(hiss[settled], suppressed[settled]) > 6
    assert abs(reduction_db(hiss[settled], kept[settled])) < 1


def test_auto_gain_raises_a_quiet_talker(rng: np.random.Generator) -> None:
    quiet = voice(5.0, dbfs=-50) + noise(5 * RATE, rng, dbfs=-80)
    only_gain = ProcessingSettings(echo_cancellation=False, noise_suppression=False)
    nothing = ProcessingSettings(False, False, False)

    raised = run(VoiceProcessor(only_gain), quiet)
    kept = run(VoiceProcessor(nothing), quiet)

    settled = slice(3 * RATE, None)
    assert level_dbfs(raised[settled]) - level_dbfs(quiet[settled]) > 15
    assert abs(level_dbfs(kept[settled]) - level_dbfs(quiet[settled])) < 0.5


def test_auto_gain_does_not_turn_up_echo(rng: np.random.Generator) -> None:
    """What is left of the echo is quiet, like a distant talker: the gain must not chase it."""
    far = coloured_bursts(5.0, rng)
    leftover = at_level(echo_of(far, rng), -50)

    out = run(VoiceProcessor(ProcessingSettings(False, False, True)), leftover, far)

    assert level_dbfs(out) - level_dbfs(leftover) < 1


def test_auto_gain_never_clips(rng: np.random.Generator) -> None:
    loud = voice(3.0, dbfs=-3)

    out = run(VoiceProcessor(ProcessingSettings(False, False, True)), loud)

    assert np.max(np.abs(out)) <= 0.9 + 1e-6


def test_everything_off_is_a_plain_delay_of_the_stated_latency(rng: np.random.Generator) -> None:
    signal = rng.standard_normal(RATE).astype(np.float32) * 0.1
    processor = VoiceProcessor(ProcessingSettings(False, False, False))

    out = run(processor, signal)

    lag = round(processor.latency_ms * RATE / 1000)
    np.testing.assert_array_equal(out[lag:], signal[:-lag])


def test_cost_is_measured(rng: np.random.Generator) -> None:
    processor = VoiceProcessor()
    assert processor.cost_us == 0

    run(processor, noise(RATE // 10, rng), noise(RATE // 10, rng))

    assert processor.cost_us > 0


@pytest.mark.parametrize(("mic_shape", "reference_shape", "named"), [
    ((320,), (160,), "mic"),
    ((160,), (80,), "speaker_reference"),
    ((160, 2), (160,), "mic"),
    ((), (160,), "mic"),
])
def test_frames_of_the_wrong_shape_are_refused(mic_shape: tuple[int, ...],
                                               reference_shape: tuple[int, ...],
                                               named: str) -> None:
    with pytest.raises(ValueError, match=rf"^{named} must be one 10 ms block: 160 mono samples"):
        VoiceProcessor().process(np.zeros(mic_shape), np.zeros(reference_shape))


def test_samples_that_are_not_numbers_are_refused() -> None:
    broken = np.zeros(FRAME_SAMPLES)
    broken[3] = np.nan

    with pytest.raises(ValueError, match=r"^speaker_reference holds NaN or infinite samples"):
        VoiceProcessor().process(np.zeros(FRAME_SAMPLES), broken)
