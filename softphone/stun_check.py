"""Asking a STUN server which address and port it sees us at: Settings → Network tries each of
[network] stun_servers with this, so a server that does not answer is found in the settings
rather than by every call waiting for it (pjsua gives an unreachable one several seconds a call).

The messages are aioice's (RFC 5389 binding request and response), imported when first asked
for (aioice brings asyncio and dnspython: 90 ms the app's start need not pay); the exchange is
ours, a blocking one on a thread of the caller's, with the RFC's retransmissions.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aioice import stun

STUN_PORT = 3478
# Waits after the first, second and third send: RFC 5389's 500 ms doubling, cut at 3.5 s.
ATTEMPT_SECONDS = (0.5, 1.0, 2.0)
MAX_MESSAGE_BYTES = 2048


class StunError(Exception):
    """The server could not be asked or did not answer; the message says which, for a person."""


@dataclass(frozen=True)
class Seen:
    """Our address as the STUN server saw it: behind a NAT, the router's public side."""

    host: str
    port: int


def ask(server: str) -> Seen:
    """Send a binding request to `server` ("host" or "host:port") and return the address it
    saw; raises StunError."""
    from aioice import stun

    address = _resolve(server)
    request = stun.Message(stun.Method.BINDING, stun.Class.REQUEST)
    with socket.socket(address[0], socket.SOCK_DGRAM) as sock:
        sock.connect(address[1])  # so an ICMP "port unreachable" comes back as an error
        for seconds in ATTEMPT_SECONDS:
            sock.send(bytes(request))
            sock.settimeout(seconds)
            try:
                answer = _answer_to(request, sock.recv(MAX_MESSAGE_BYTES))
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                raise StunError(f"Nothing answers at {server}: no STUN server listens on that "
                                "port.") from None
            except OSError as error:
                raise StunError(f"{server} cannot be reached: {error.strerror}.") from None
            if answer is not None:
                return answer
        raise StunError(f"{server} did not answer within {sum(ATTEMPT_SECONDS):.1f} s, so "
                        "every call would wait for it. Check the address, or leave STUN "
                        "servers empty.")


def answer_of(server: str) -> tuple[bool, str]:
    """Ask `server`: whether it answered, and a sentence for a person saying what it saw or
    why it could not say."""
    try:
        seen = ask(server)
    except StunError as error:
        return False, str(error)
    return True, f"{server} sees you at {seen.host}:{seen.port}."


def _resolve(server: str) -> tuple[socket.AddressFamily, tuple[str, int]]:
    host, port = _host_and_port(server)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except socket.gaierror:
        raise StunError(f"The STUN server's name {host!r} could not be found.") from None
    family, _, _, _, address = found[0]
    return family, address[:2]


def _host_and_port(server: str) -> tuple[str, int]:
    """"host", "host:port", "[v6]:port" or a bare IPv6 address, as the config file takes."""
    if server.startswith("["):
        host, _, rest = server[1:].partition("]")
        return host, int(rest.removeprefix(":") or STUN_PORT)
    if server.count(":") == 1:
        host, _, port = server.partition(":")
        return host, int(port)
    return server, STUN_PORT


def _answer_to(request: stun.Message, data: bytes) -> Seen | None:
    """The address in a response to `request`; None for anything else (a stray packet)."""
    from aioice import stun

    try:
        message = stun.parse_message(data)
    except ValueError:
        return None
    if message.transaction_id != request.transaction_id:
        return None
    if message.message_class is stun.Class.ERROR:
        code, reason = message.attributes.get("ERROR-CODE", (0, "no reason given"))
        raise StunError(f"The STUN server refused: {code} {reason}.")
    mapped = (message.attributes.get("XOR-MAPPED-ADDRESS")
              or message.attributes.get("MAPPED-ADDRESS"))
    if mapped is None:
        raise StunError("The STUN server answered without saying which address it saw.")
    return Seen(*mapped)
