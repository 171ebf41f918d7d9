"""The windowed-sinc resampler between the device's rate and the engine's 16 kHz."""

from __future__ import annotations

import numpy as np
import pytest

from softphone.audio.resample import Resampler

RATE_PAIRS = [(48_000, 16_000), (16_000, 48_000), (44_100, 16_000), (16_000, 44_100)]


def tone(freq: float, rate: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def in_frames(resampler: Resampler, samples: np.ndarray, step: float | None = None) -> np.ndarray:
    """Push `samples` through in 20 ms pieces, as the pipeline does."""
    piece = round(resampler.rate_in * 0.020)
    step = step or resampler.nominal_step
    return np.concatenate([resampler.process(samples[i : i + piece], step)
                           for i in range(0, len(samples), piece)])


def peak_frequency(samples: np.ndarray, rate: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def rms_db(samples: np.ndarray, amplitude: float) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) / (amplitude / np.sqrt(2))))


@pytest.mark.parametrize(("rate_in", "rate_out"), RATE_PAIRS)
@pytest.mark.parametrize("freq", [300.0, 1000.0, 3400.0])
def test_a_tone_keeps_its_frequency_and_level(rate_in: int, rate_out: int, freq: float) -> None:
    out = in_frames(Resampler(rate_in, rate_out), tone(freq, rate_in, 1.5))
    steady = out[rate_out // 4 : rate_out // 4 + rate_out]  # one second, past the start
    assert peak_frequency(steady, rate_out) == pytest.approx(freq, abs=1.0)
    assert rms_db(steady, 0.5) == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize(("rate_in", "rate_out"), RATE_PAIRS)
def test_frame_by_frame_output_equals_one_pass(rate_in: int, rate_out: int) -> None:
    """State carries across calls: a frame boundary leaves no trace (no click)."""
    signal = tone(1000.0, rate_in, 1.0) + tone(2900.0, rate_in, 1.0, 0.2)
    whole = Resampler(rate_in, rate_out, max_input=len(signal)).process(signal, rate_in / rate_out)
    framed = in_frames(Resampler(rate_in, rate_out), signal)
    assert len(framed) == len(whole)
    np.testing.assert_allclose(framed, whole, atol=1e-6)


def test_the_delay_is_the_lookahead_and_an_impulse_stays_in_place() -> None:
    resampler = Resampler(48_000, 16_000)
    assert resampler.lookahead == pytest.approx(0.0011, abs=0.0002)
    half = round(resampler.lookahead * 48_000)
    assert resampler.input_needed(1, 3.0) == half + 1  # the first output waits for its lookahead
    impulse = np.zeros(4800, np.float32)
    impulse[1200] = 1.0
    out = in_frames(resampler, impulse)
    assert int(np.argmax(out)) == 400  # input 1200 / 3: linear phase, no shift of its own


def test_above_the_new_nyquist_is_filtered_out_and_the_voice_band_is_flat() -> None:
    def gain(freq: float) -> float:
        out = in_frames(Resampler(48_000, 16_000), tone(freq, 48_000, 1.0))
        return rms_db(out[4000:], 0.5)

    for voice in (100.0, 1000.0, 3400.0, 6000.0):
        assert gain(voice) == pytest.approx(0.0, abs=0.1)
    assert gain(7000.0) > -3.0  # G.722's band
    for alias in (8500.0, 9000.0, 12_000.0, 20_000.0):
        assert gain(alias) < -55.0


def test_a_ratio_changing_every_frame_stays_smooth() -> None:
    """Drift compensation nudges the step each frame: the output must stay a clean sine."""
    resampler = Resampler(48_000, 16_000)
    signal = tone(1000.0, 48_000, 2.0)
    steps = 3.0 * (1 + 0.005 * np.sin(np.arange(100) / 5))  # +-0.5 %, the most it is ever moved
    pieces = [resampler.process(signal[i * 960 : (i + 1) * 960], step)
              for i, step in enumerate(steps)]
    out = np.concatenate(pieces)[200:]
    w = 2 * np.pi * 1000 / 16_000
    # For a pure sine x[n+1] - 2cos(w) x[n] + x[n-1] = 0; a small frequency change barely
    # moves it, a dropped or repeated sample would leave a residual near 0.1.
    residual = out[2:] - 2 * np.cos(w) * out[1:-1] + out[:-2]
    assert np.abs(residual).max() < 0.005


def test_too_much_input_at_once_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="more than this resampler holds"):
        Resampler(48_000, 16_000, max_input=100).process(np.zeros(500, np.float32), 3.0)
