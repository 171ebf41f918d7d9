"""Wakes the engine loop when another thread queues a command.

The loop waits inside pjsip's `libHandleEvents`, which only returns early for network events
or pjsip's own timers. A CRLF keep-alive (RFC 5626), which pjsip reads and ignores, sent to a
SIP socket of our own on loopback is such an event: so a command starts at once, and the loop
can wait long between events instead of polling (an idle phone costs next to no CPU).
"""

from __future__ import annotations

import contextlib
import socket

import pjsua2 as pj

KEEPALIVE = b"\r\n\r\n"


class Waker:
    def __init__(self, endpoint: pj.Endpoint) -> None:
        cfg = pj.TransportConfig()
        cfg.boundAddress = "127.0.0.1"
        cfg.port = 0
        transport = endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, cfg)
        host, port = endpoint.transportGetInfo(transport).localName.rsplit(":", 1)
        self._address = (host, int(port))
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def wake(self) -> None:
        """Safe from any thread; a lost datagram only means the loop wakes on its own time."""
        with contextlib.suppress(OSError):
            self._socket.sendto(KEEPALIVE, self._address)

    def close(self) -> None:
        self._socket.close()
