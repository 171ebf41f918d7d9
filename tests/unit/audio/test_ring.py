"""The ring the PortAudio callback and the engine side share."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from softphone.audio.ring import SampleRing


def ramp(start: int, count: int) -> np.ndarray:
    return np.arange(start, start + count, dtype=np.float32)


def test_samples_come_out_in_order_across_many_wrap_arounds() -> None:
    ring = SampleRing.allocate(64)
    rng = np.random.default_rng(7)
    written = read = 0
    for _ in range(2000):
        count = int(rng.integers(0, 40))
        written += ring.write(ramp(written, count), now=1.0)
        out = np.empty(int(rng.integers(0, ring.available() + 1)), np.float32)
        got = ring.read_into(out, now=1.0)
        np.testing.assert_array_equal(out[:got], ramp(read, got))
        read += got
    assert ring.starved == 0  # never asked for more than there was


def test_a_full_ring_drops_the_newest_and_counts_them() -> None:
    ring = SampleRing.allocate(8)
    assert ring.write(ramp(0, 6), now=1.0) == 6
    assert ring.write(ramp(6, 5), now=1.0) == 2
    assert ring.dropped == 3
    out = np.empty(8, np.float32)
    assert ring.read_into(out, now=1.0) == 8
    np.testing.assert_array_equal(out, ramp(0, 8))


def test_a_short_read_is_padded_with_silence_and_counted_once_the_producer_started() -> None:
    ring = SampleRing.allocate(8)
    out = np.ones(4, np.float32)
    assert ring.read_into(out, now=1.0) == 0
    assert ring.starved == 0  # nothing was ever written: the device is just early
    ring.write(ramp(1, 2), now=1.0)
    assert ring.read_into(out, now=2.0) == 2
    np.testing.assert_array_equal(out, [1, 2, 0, 0])
    assert ring.starved == 1


def test_each_side_stamps_the_time_of_its_last_transfer() -> None:
    ring = SampleRing.allocate(8)
    ring.write(ramp(0, 3), now=5.0)
    ring.read_into(np.empty(1, np.float32), now=7.5)
    assert (ring.last_write_time, ring.last_read_time) == (5.0, 7.5)
    assert ring.written == 3


def test_skip_discards_the_oldest_and_no_more_than_there_is() -> None:
    ring = SampleRing.allocate(16)
    ring.write(ramp(0, 10), now=1.0)
    ring.skip(4)
    out = np.empty(2, np.float32)
    ring.read_into(out, now=1.0)
    np.testing.assert_array_equal(out, [4, 5])
    ring.skip(100)
    assert ring.available() == 0


def test_two_views_of_one_buffer_are_one_ring() -> None:
    memory = bytearray(SampleRing.nbytes(16) + 64)
    producer = SampleRing(memory, 16, offset=64)
    consumer = SampleRing(memory, 16, offset=64)
    producer.write(ramp(0, 5), now=3.0)
    out = np.empty(5, np.float32)
    assert consumer.read_into(out, now=4.0) == 5
    np.testing.assert_array_equal(out, ramp(0, 5))
    assert producer.available() == 0
    assert memory[:64] == bytes(64)  # nothing outside its own bytes


def test_capacity_must_be_a_power_of_two() -> None:
    with pytest.raises(ValueError, match="power of two"):
        SampleRing.allocate(100)


def test_one_producer_and_one_consumer_thread_lose_nothing() -> None:
    ring = SampleRing.allocate(256)
    total = 200_000
    received: list[np.ndarray] = []

    def produce() -> None:
        sent = 0
        while sent < total:
            sent += ring.write(ramp(sent, min(97, total - sent)), now=1.0)
            time.sleep(0)  # let the other side have the GIL, as real threads would

    producer = threading.Thread(target=produce)
    producer.start()
    count = 0
    while count < total:
        out = np.empty(61, np.float32)
        got = ring.read_into(out[: min(61, ring.available())], now=1.0)
        received.append(out[:got])
        count += got
        time.sleep(0)
    producer.join()
    np.testing.assert_array_equal(np.concatenate(received), ramp(0, total))
