"""Notices when this machine's network address changes (a laptop moving from one network to
another, a VPN coming up), so the phone re-registers from the new address by itself.

What matters is the address our packets leave from: asking the kernel which source address it
would route a datagram from (a UDP connect sends nothing) costs microseconds, works on every
OS, and changes exactly when the provider would start seeing us from somewhere else. The
probe targets are documentation addresses (RFC 5737, RFC 3849): never contacted, they only
select the default route, the one a provider on the internet is reached through.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))
PROBE_PORT = 9  # discard; nothing is ever sent
WATCH_SECONDS = 2.0


def outbound_addresses() -> frozenset[str]:
    """The source addresses of the default IPv4 and IPv6 routes; empty without a network."""
    found: set[str] = set()
    for family, target in PROBES:
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((target, PROBE_PORT))
            found.add(probe.getsockname()[0])
    return frozenset(found)


class NetworkWatch:
    """Calls `on_change` once per change to a usable new set of addresses. Losing the network
    altogether is not a change to act on (there is nothing to re-register over); coming back,
    on the same address or another, is compared with what was last acted on."""

    def __init__(self, on_change: Callable[[], None],
                 addresses: Callable[[], frozenset[str]] = outbound_addresses) -> None:
        self._on_change = on_change
        self._addresses = addresses
        self._known = addresses()

    def check(self) -> None:
        current = self._addresses()
        if not current or current == self._known:
            return
        self._known = current
        self._on_change()
