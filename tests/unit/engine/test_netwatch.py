"""The network watcher: one re-registration per real change of address, none for no change
and none while the network is gone."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from softphone.engine.netwatch import PROBE, NetworkWatch, outbound_address


class Addresses:
    """What the watcher would see, one answer per check (the last one repeats)."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)

    def __call__(self) -> str | None:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def watch(*answers: str | None) -> tuple[NetworkWatch, list[None]]:
    changes: list[None] = []
    return NetworkWatch(lambda: changes.append(None), Addresses(*answers)), changes


def test_the_same_address_is_no_change():
    watcher, changes = watch("192.168.1.5")
    for _ in range(3):
        watcher.check()
    assert changes == []


def test_a_new_address_is_acted_on_once():
    watcher, changes = watch("192.168.1.5", "10.0.0.7")
    for _ in range(3):
        watcher.check()
    assert len(changes) == 1


def test_a_change_whose_handling_failed_is_tried_again():
    attempts: list[None] = []

    def fail_once() -> None:
        attempts.append(None)
        if len(attempts) == 1:
            raise RuntimeError("pjsua is busy with the previous change")

    watcher = NetworkWatch(fail_once, Addresses("192.168.1.5", "10.0.0.7"))
    with pytest.raises(RuntimeError):
        watcher.check()
    watcher.check()
    watcher.check()
    assert len(attempts) == 2


def test_losing_the_network_waits_for_it_to_come_back():
    watcher, changes = watch("192.168.1.5", None, None, "10.0.0.7")
    watcher.check()
    watcher.check()
    assert changes == []
    watcher.check()
    assert len(changes) == 1


def test_coming_back_on_the_same_address_is_no_change():
    watcher, changes = watch("192.168.1.5", None, "192.168.1.5")
    watcher.check()
    watcher.check()
    assert changes == []


def test_starting_without_a_network_then_joining_one_is_a_change():
    watcher, changes = watch(None, "192.168.1.5")
    watcher.check()
    assert len(changes) == 1


def test_outbound_address_is_one_of_this_machines_own():
    """Whatever this machine's network: an IPv4 address (or none), never the probe target
    itself (nothing was sent, only the route looked up), and one a socket can bind to."""
    address = outbound_address()
    if address is not None:
        assert ipaddress.ip_address(address).version == 4 and address != PROBE[0]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as own:
            own.bind((address, 0))
