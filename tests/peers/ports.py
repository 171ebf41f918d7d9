"""Free ports and readiness probes on 127.0.0.1, the only address the peers use."""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable, Sequence

HOST = "127.0.0.1"


class PeerTimeout(TimeoutError):
    """A peer did not reach the expected state in time."""


def free_port(neighbours: Sequence[int] = ()) -> int:
    """A port free for UDP and TCP at once, since SIP listens on both with one number.

    `neighbours` are offsets from it that must be free too, for peers that
    also bind port+N (SIPp's video echo on +2, baresip's SIP TLS on +1).
    Another process can still take the port before the peer binds it: the
    window is short enough for tests.
    """
    for _ in range(100):
        port = kernel_picked_port()
        if port + max(neighbours, default=0) < 65536 and all(
            port_free(port + offset) for offset in (0, *neighbours)
        ):
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def kernel_picked_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((HOST, 0))
        return udp.getsockname()[1]


def port_free(port: int) -> bool:
    """True if both a UDP and a TCP socket can bind 127.0.0.1:port right now."""
    try:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
        ):
            udp.bind((HOST, port))
            tcp.bind((HOST, port))
    except OSError:
        return False
    return True


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until true; raise PeerTimeout naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise PeerTimeout(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def udp_port_bound(port: int) -> bool:
    """True once some process has a UDP socket bound to 127.0.0.1:port or *:port.

    Reads /proc/net/udp instead of probing with a bind of our own, which
    could steal the port from a peer that is just starting.
    """
    wanted = {f"0100007F:{port:04X}", f"00000000:{port:04X}"}
    with open("/proc/net/udp") as table:
        next(table)
        return any(line.split()[1] in wanted for line in table)


def options_request(host: str, port: int, transport: str, local_port: int) -> bytes:
    """A minimal OPTIONS that any SIP stack answers, even with an error."""
    branch = "z9hG4bK" + secrets.token_hex(8)
    call_id = secrets.token_hex(12)
    return (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport.upper()} {HOST}:{local_port};branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:probe@{HOST}>;tag={secrets.token_hex(4)}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: {call_id}@{HOST}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        f"Contact: <sip:probe@{HOST}:{local_port}>\r\n"
        "Accept: application/sdp\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def sip_answers(host: str, port: int, transport: str = "udp", timeout: float = 0.5) -> bool:
    """One OPTIONS probe: True when any SIP response comes back within `timeout`."""
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.settimeout(timeout)
        try:
            sock.bind((HOST, 0))
            request = options_request(host, port, transport, sock.getsockname()[1])
            if transport == "udp":
                sock.sendto(request, (host, port))
            else:
                sock.connect((host, port))
                sock.sendall(request)
            return sock.recv(65535).startswith(b"SIP/2.0 ")
        except OSError:
            return False


def wait_for_sip(host: str, port: int, transport: str = "udp", timeout: float = 10) -> None:
    """Block until host:port answers an OPTIONS over `transport` (udp or tcp)."""
    wait_until(
        lambda: sip_answers(host, port, transport),
        timeout,
        f"a SIP answer from {transport}:{host}:{port}",
    )
