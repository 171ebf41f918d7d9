"""The flood brake: reading the network pauses only while calls start faster than their media
sockets come back."""

from __future__ import annotations

import pytest

from softphone.engine.flood import MAX_CALLS_PER_WINDOW, WINDOW_SECONDS, FloodBrake


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_calls_at_a_human_pace_never_pause_the_engine():
    clock = Clock()
    brake = FloodBrake(clock)
    for _ in range(3 * MAX_CALLS_PER_WINDOW):
        brake.call_started()
        clock.now += WINDOW_SECONDS / MAX_CALLS_PER_WINDOW + 0.001
        assert brake.pause() == 0.0


def test_a_burst_pauses_until_the_oldest_call_of_the_window_is_old_enough():
    clock = Clock()
    brake = FloodBrake(clock)
    for _ in range(MAX_CALLS_PER_WINDOW - 1):
        brake.call_started()
    assert brake.pause() == 0.0
    clock.now += 0.1
    brake.call_started()

    assert brake.pause() == pytest.approx(WINDOW_SECONDS - 0.1)
    clock.now += WINDOW_SECONDS
    assert brake.pause() == 0.0
