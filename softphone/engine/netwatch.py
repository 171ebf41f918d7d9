"""Notices when this machine's network address changes (a laptop moving from one network to
another, a VPN coming up), so the phone re-registers from the new address by itself.

What matters is the address our packets leave from: asking the kernel which source address it
would route a datagram from (a UDP connect sends nothing) costs microseconds, works on every
OS, and changes exactly when the provider would start seeing us from somewhere else. The
probe target is a documentation address (RFC 5737): never contacted, it only selects the
default route, the one a provider on the internet is reached through.

IPv4 only: our SIP transports are IPv4 unless bound to a fixed IPv6 address (transports.py),
and IPv6 privacy addresses rotate by themselves every day or so, which would re-INVITE every
call for nothing.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable

PROBE = ("192.0.2.1", 9)  # discard; nothing is ever sent
WATCH_SECONDS = 2.0


def outbound_address() -> str | None:
    """The source address of the default route; None without a network."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(PROBE)
        return probe.getsockname()[0]
    return None


class NetworkWatch:
    """Calls `on_change` once per change to a new outbound address. Losing the network
    altogether is not a change to act on (there is nothing to re-register over); coming back,
    on the same address or another, is compared with what was last acted on. A change whose
    handling failed is tried again at the next check."""

    def __init__(self, on_change: Callable[[], None],
                 address: Callable[[], str | None] = outbound_address) -> None:
        self._on_change = on_change
        self._address = address
        self._known = address()

    def check(self) -> None:
        current = self._address()
        if current is None or current == self._known:
            return
        self._on_change()
        self._known = current
