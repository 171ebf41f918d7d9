"""Drift compensation, with a sound card and the engine on simulated clocks: a minute of
simulated time runs in a fraction of a second, and nothing sleeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from softphone.audio.drift import DriftController, ElasticCapture, ElasticPlayback
from softphone.audio.ring import SampleRing

DEVICE_RATE = 48_000
BLOCK = 480  # 10 ms callbacks
ENGINE_RATE = 16_000
FRAME = 320
TONE_HZ = 440.0
AMPLITUDE = 0.5
MARGIN = 0.010
START = 100.0  # simulated clocks start here (a perf_counter reading is never 0)

Lateness = Callable[[int], float]
Skips = Callable[[int], bool]


def on_time(tick: int) -> float:
    return 0.0


def never(tick: int) -> bool:
    return False


@dataclass
class Run:
    """What a simulated run saw: one entry per engine frame, and the device's own samples."""

    times: list[float] = field(default_factory=list)
    levels: list[float] = field(default_factory=list)
    frames: list[np.ndarray] = field(default_factory=list)
    device_blocks: list[np.ndarray] = field(default_factory=list)

    def levels_after(self, seconds: float) -> np.ndarray:
        return np.array([lv for t, lv in zip(self.times, self.levels, strict=True)
                         if t >= START + seconds])


class Device:
    """A sound card whose crystal runs `ppm` fast: 10 ms blocks, every 10 ms of its own time."""

    def __init__(self, ppm: float) -> None:
        self.period = BLOCK / DEVICE_RATE / (1 + ppm * 1e-6)
        self.next_time = START + 0.003  # not in step with the engine's ticks
        self.samples_done = 0

    def due(self, now: float) -> bool:
        return self.next_time <= now

    def advance(self) -> tuple[float, np.ndarray]:
        """The time of this callback, and its block's sample numbers in device time."""
        at = self.next_time
        numbers = np.arange(self.samples_done, self.samples_done + BLOCK)
        self.samples_done += BLOCK
        self.next_time += self.period
        return at, numbers


def tone_at(sample_numbers: np.ndarray, rate: float) -> np.ndarray:
    return (AMPLITUDE * np.sin(2 * np.pi * TONE_HZ * sample_numbers / rate)).astype(np.float32)


def run_capture(
    ppm: float, seconds: float = 60.0, late: Lateness = on_time, skip_reads: Skips = never
) -> tuple[Run, ElasticCapture, SampleRing]:
    ring = SampleRing.allocate(1 << 16)
    capture = ElasticCapture(ring, DEVICE_RATE, BLOCK / DEVICE_RATE, MARGIN)
    device, run = Device(ppm), Run()
    frame = np.zeros(FRAME, np.float32)
    for tick in range(round(seconds / 0.020)):
        now = START + tick * 0.020 + late(tick)
        while device.due(now):
            at, numbers = device.advance()
            ring.write(tone_at(numbers, DEVICE_RATE), at)
        if skip_reads(tick):
            continue
        run.times.append(now)
        run.levels.append(capture.level(now))
        capture.read(frame, now)
        run.frames.append(frame.copy())
    return run, capture, ring


def run_playback(ppm: float, seconds: float = 60.0,
                 late: Lateness = on_time) -> tuple[Run, ElasticPlayback, SampleRing]:
    ring = SampleRing.allocate(1 << 16)
    playback = ElasticPlayback(ring, DEVICE_RATE, BLOCK / DEVICE_RATE, MARGIN)
    device, run = Device(ppm), Run()
    for tick in range(round(seconds / 0.020)):
        now = START + tick * 0.020 + late(tick)
        while device.due(now):
            at, _ = device.advance()
            block = np.zeros(BLOCK, np.float32)
            ring.read_into(block, at)
            run.device_blocks.append(block)
        run.times.append(now)
        run.levels.append(playback.level(now))
        playback.write(tone_at(np.arange(tick * FRAME, (tick + 1) * FRAME), ENGINE_RATE), now)
    return run, playback, ring


def assert_clean_sine(samples: np.ndarray, rate: float) -> None:
    """No click: a dropped or repeated sample, or a gap, would break both measures."""
    w = 2 * np.pi * TONE_HZ / rate
    own_step = AMPLITUDE * 2 * np.sin(w / 2)  # the largest step the sine itself takes
    assert np.abs(np.diff(samples)).max() < 1.01 * own_step
    # x[n+1] - 2cos(w) x[n] + x[n-1] is 0 for a sine of frequency w; the 0.1 % pitch change
    # of a 1000 ppm correction leaves about 1e-5, a single dropped sample about 1e-2.
    residual = samples[2:] - 2 * np.cos(w) * samples[1:-1] + samples[:-2]
    assert np.abs(residual).max() < 1e-3 * AMPLITUDE


@pytest.mark.parametrize("ppm", [-1000.0, 0.0, 1000.0])
def test_capture_holds_its_level_against_drift_for_a_minute(ppm: float) -> None:
    run, capture, ring = run_capture(ppm)
    target = capture.controller.target
    steady = run.levels_after(20.0)
    assert np.abs(steady - target).max() < 0.002  # within 2 ms once converged
    assert np.abs(run.levels_after(1.0) - target).max() < 0.005  # and never far before
    assert capture.underruns == capture.resyncs == ring.dropped == 0
    assert capture.controller.drift * 1e6 == pytest.approx(ppm, abs=30)
    assert_clean_sine(np.concatenate(run.frames[5:]), ENGINE_RATE)


@pytest.mark.parametrize("ppm", [-1000.0, 0.0, 1000.0])
def test_playback_holds_its_level_against_drift_for_a_minute(ppm: float) -> None:
    run, playback, ring = run_playback(ppm)
    target = playback.controller.target
    assert np.abs(run.levels_after(20.0) - target).max() < 0.002
    assert np.abs(run.levels_after(1.0) - target).max() < 0.005
    assert playback.underruns == playback.resyncs == ring.starved == ring.dropped == 0
    assert -playback.controller.drift * 1e6 == pytest.approx(ppm, abs=30)
    played = np.concatenate(run.device_blocks)
    first_sound = int(np.argmax(np.abs(played) > 0.1))
    assert_clean_sine(played[first_sound + 100 :], DEVICE_RATE)


def jitter(seed: int, most: float) -> Lateness:
    """Engine ticks late by up to `most` seconds, at random, never early."""
    rng = np.random.default_rng(seed)
    lateness = rng.uniform(0.0, most, 4000)
    return lambda tick: float(lateness[tick])


@pytest.mark.parametrize("ppm", [-1000.0, 1000.0])
def test_scheduling_jitter_within_the_margin_causes_no_underrun(ppm: float) -> None:
    _, capture, _ = run_capture(ppm, late=jitter(1, 0.008))
    _, playback, ring = run_playback(ppm, late=jitter(2, 0.008))
    assert capture.underruns == playback.underruns == ring.starved == 0


def test_an_underrun_widens_the_margin_and_does_not_repeat() -> None:
    """A tick 30 ms late (three times the margin) starves the speaker for two device blocks;
    with the margin widened once, a tick 12 ms late later on passes."""
    late_ticks = {500: 0.030, 1500: 0.012}
    run, playback, ring = run_playback(1000.0, late=lambda tick: late_ticks.get(tick, 0.0))
    assert playback.underruns == ring.starved == 2
    assert playback.margin == pytest.approx(MARGIN + 0.005)
    assert np.abs(run.levels_after(50.0) - playback.controller.target).max() < 0.002


def test_a_playback_stall_with_catch_up_is_cut_not_chased() -> None:
    """100 ms late, then five quick ticks: the device played silence meanwhile, so the ticks
    that catch up would leave the call 80 ms later for sixteen seconds at 0.5 %. The backlog
    is cut at once instead, and the level is back at its (widened) target."""
    late = {1000 + i: 0.100 - 0.020 * i for i in range(5)}
    run, playback, _ = run_playback(0.0, late=lambda tick: late.get(tick, 0.0))
    assert playback.underruns > 0 and playback.resyncs > 0
    after_catch_up = np.array(run.levels[1006:1100])
    assert np.abs(after_catch_up - playback.controller.target).max() < 0.002


def test_a_capture_stall_with_catch_up_keeps_every_sample() -> None:
    """pjmedia's clock catches up after a stall: 100 ms late, then five quick ticks."""
    late = {1000 + i: 0.100 - 0.020 * i for i in range(5)}
    run, capture, _ = run_capture(0.0, late=lambda tick: late.get(tick, 0.0))
    assert capture.underruns == capture.resyncs == 0
    assert_clean_sine(np.concatenate(run.frames[5:]), ENGINE_RATE)


def test_a_capture_backlog_that_stays_is_skipped_once() -> None:
    """The engine loses 200 ms of ticks for good: the excess is dropped, not chased for
    minutes at a 0.5 % pitch shift."""
    run, capture, _ = run_capture(0.0, skip_reads=lambda tick: 1000 <= tick < 1010)
    assert capture.resyncs == 1
    assert capture.underruns == 0
    assert np.abs(run.levels_after(30.0) - capture.controller.target).max() < 0.002


def test_after_a_pause_capture_starts_afresh_without_an_underrun() -> None:
    """No call for a while: no frames are read, the ring fills with stale audio."""
    run, capture, ring = run_capture(0.0, seconds=30.0,
                                     skip_reads=lambda tick: 500 <= tick < 1000)
    assert ring.dropped > 0  # the ring filled up meanwhile
    assert capture.underruns == capture.resyncs == 0
    assert np.abs(run.levels_after(25.0) - capture.controller.target).max() < 0.002


def test_the_controller_learns_a_constant_drift_and_stays_within_its_limits() -> None:
    controller = DriftController(target=0.030)
    level = 0.030
    for _ in range(3000):  # a minute
        correction = controller.update(level)
        level += (800e-6 - correction) * 0.020  # the level rises at 800 ppm, less what we take
    assert controller.drift == pytest.approx(800e-6, abs=5e-6)
    assert level == pytest.approx(0.030, abs=1e-4)
    assert controller.update(10.0) == pytest.approx(0.005)  # never more than 0.5 %
