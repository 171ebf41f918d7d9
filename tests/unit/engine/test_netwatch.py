"""The network watcher: one re-registration per real change of address, none for no change
and none while the network is gone."""

from __future__ import annotations

import ipaddress

from softphone.engine.netwatch import NetworkWatch, outbound_addresses


class Addresses:
    """What the watcher would see, one answer per check (the last one repeats)."""

    def __init__(self, *answers: set[str]) -> None:
        self.answers = [frozenset(answer) for answer in answers]

    def __call__(self) -> frozenset[str]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def watch(*answers: set[str]) -> tuple[NetworkWatch, list[None]]:
    changes: list[None] = []
    return NetworkWatch(lambda: changes.append(None), Addresses(*answers)), changes


def test_the_same_address_is_no_change():
    watcher, changes = watch({"192.168.1.5"})
    for _ in range(3):
        watcher.check()
    assert changes == []


def test_a_new_address_is_acted_on_once():
    watcher, changes = watch({"192.168.1.5"}, {"10.0.0.7"})
    for _ in range(3):
        watcher.check()
    assert len(changes) == 1


def test_an_address_gained_beside_the_old_one_is_a_change():
    watcher, changes = watch({"192.168.1.5"}, {"192.168.1.5", "2001:db8::5"})
    watcher.check()
    assert len(changes) == 1


def test_losing_the_network_waits_for_it_to_come_back():
    watcher, changes = watch({"192.168.1.5"}, set(), set(), {"10.0.0.7"})
    watcher.check()
    watcher.check()
    assert changes == []
    watcher.check()
    assert len(changes) == 1


def test_coming_back_on_the_same_address_is_no_change():
    watcher, changes = watch({"192.168.1.5"}, set(), {"192.168.1.5"})
    watcher.check()
    watcher.check()
    assert changes == []


def test_starting_without_a_network_then_joining_one_is_a_change():
    watcher, changes = watch(set(), {"192.168.1.5"})
    watcher.check()
    assert len(changes) == 1


def test_outbound_addresses_are_real_addresses_of_this_machine():
    """Whatever this machine's network, the answer is a set of parseable addresses, none of
    them the probe targets themselves (nothing was sent, only the route looked up)."""
    found = outbound_addresses()
    assert all(ipaddress.ip_address(address) for address in found)
    assert not found & {"192.0.2.1", "2001:db8::1"}
