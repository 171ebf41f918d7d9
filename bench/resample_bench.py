"""Resampling for the audio pipeline: soxr's streaming mode against our windowed-sinc filter
(softphone/audio/resample.py), on what the pipeline does every 20 ms: one frame each way between
the device's 48 kHz and the engine's 16 kHz.

For each it prints the cost per frame, how much audio it holds back while streaming steady
frames (the delay it adds, lookahead and buffering together), the level at 7 kHz (top of
G.722's band) and what is left of a 9 kHz tone that would alias onto 7 kHz at 16 kHz.

    .venv/bin/python -m bench.resample_bench
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import soxr

from softphone.audio.resample import Resampler

DEVICE = 48_000
ENGINE = 16_000
FRAME_SECONDS = 0.020
FRAMES = 200  # four seconds of steady frames
REPEATS = 2000

Streamer = Callable[[np.ndarray], np.ndarray]  # one frame in, whatever is ready out


@dataclass(frozen=True)
class Candidate:
    name: str
    make: Callable[[int, int], Streamer]


def ours(rate_in: int, rate_out: int) -> Streamer:
    resampler = Resampler(rate_in, rate_out)
    return lambda frame: resampler.process(frame, resampler.nominal_step)


def soxr_stream(quality: str) -> Callable[[int, int], Streamer]:
    def make(rate_in: int, rate_out: int) -> Streamer:
        stream = soxr.ResampleStream(rate_in, rate_out, 1, dtype="float32", quality=quality)
        return lambda frame: stream.resample_chunk(frame)

    return make


CANDIDATES = [
    Candidate("numpy windowed sinc (ours)", ours),
    Candidate("soxr HQ stream", soxr_stream("HQ")),
    Candidate("soxr MQ stream", soxr_stream("MQ")),
    Candidate("soxr LQ stream", soxr_stream("LQ")),
    Candidate("soxr QQ stream", soxr_stream("QQ")),
]


def tone(hz: float, rate: int, seconds: float) -> np.ndarray:
    return np.sin(2 * np.pi * hz * np.arange(round(rate * seconds)) / rate).astype(np.float32)


def stream_frames(make: Callable[[int, int], Streamer], signal: np.ndarray,
                  rate_in: int, rate_out: int) -> tuple[np.ndarray, list[int]]:
    """The output of `signal` fed frame by frame, and how many samples each frame gave."""
    streamer = make(rate_in, rate_out)
    size = round(rate_in * FRAME_SECONDS)
    pieces = [streamer(signal[i : i + size]) for i in range(0, len(signal), size)]
    return np.concatenate(pieces), [len(p) for p in pieces]


def held_back_ms(make: Callable[[int, int], Streamer], rate_in: int, rate_out: int) -> float:
    """Input time fed minus output time given, in steady state: the delay streaming adds."""
    _, counts = stream_frames(make, np.zeros(round(rate_in * FRAME_SECONDS * FRAMES),
                                             np.float32), rate_in, rate_out)
    steady = np.cumsum(counts)[FRAMES // 2 :] / rate_out
    fed = np.arange(FRAMES // 2 + 1, FRAMES + 1) * FRAME_SECONDS
    return float(np.max(fed - steady) * 1000)


def micros_per_frame(make: Callable[[int, int], Streamer], rate_in: int, rate_out: int) -> float:
    streamer = make(rate_in, rate_out)
    frame = tone(440.0, rate_in, FRAME_SECONDS)
    streamer(frame)
    return timeit.timeit(lambda: streamer(frame), number=REPEATS) / REPEATS * 1e6


def level_db(make: Callable[[int, int], Streamer], hz: float) -> float:
    out, _ = stream_frames(make, tone(hz, DEVICE, 1.0), DEVICE, ENGINE)
    steady = out[ENGINE // 4 :]
    return float(20 * np.log10(np.sqrt(np.mean(steady**2)) * np.sqrt(2)))


def main() -> None:
    print(f"{'':28} {'48k->16k':>9} {'16k->48k':>9} {'held back':>10} {'7 kHz':>7} {'9 kHz':>7}")
    print(f"{'':28} {'us/frame':>9} {'us/frame':>9} {'ms each':>10} {'dB':>7} {'dB':>7}")
    for candidate in CANDIDATES:
        down = micros_per_frame(candidate.make, DEVICE, ENGINE)
        up = micros_per_frame(candidate.make, ENGINE, DEVICE)
        held = max(held_back_ms(candidate.make, DEVICE, ENGINE),
                   held_back_ms(candidate.make, ENGINE, DEVICE))
        print(f"{candidate.name:28} {down:9.1f} {up:9.1f} {held:10.1f} "
              f"{level_db(candidate.make, 7000.0):7.1f} {level_db(candidate.make, 9000.0):7.1f}")
    print("\nsoxr cannot change its ratio while streaming (python-soxr has no variable-rate"
          " mode),\nso drift compensation would need a second stage after it; ours takes the"
          " ratio per call.")


if __name__ == "__main__":
    main()
