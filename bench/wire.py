"""Call setup as seen on the loopback wire: first INVITE sent to ACK of the 200 OK sent.

Each client says "connected" its own way (our engine's event, baresip's ctrl_tcp message), so
their own timings are not taken alike; the packets are. A packet socket on `lo` stamps each
INVITE and ACK to the provider as it leaves its sender, with no tshark needed. It only listens
(and needs CAP_NET_RAW, i.e. root); a kernel filter passes only UDP to the provider's port, so
other traffic on the machine never wakes it.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import socket
import struct
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from types import TracebackType
from typing import Self

ETH_P_IP = 0x0800
SO_ATTACH_FILTER = 26
SO_TIMESTAMPNS = 35
MAX_PACKETS = 100_000  # bounds the capture loop; a benchmark sends a few hundred
RECEIVE_BUFFER = 4 << 20
POLL_SECONDS = 0.2
UDP = 17
IP_PROTOCOL_OFFSET = 9

REQUEST_LINE = re.compile(rb"^(INVITE|ACK) ")
CALL_ID = re.compile(rb"^(?:Call-ID|i)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
CSEQ = re.compile(rb"^CSeq\s*:\s*(\d+)", re.IGNORECASE | re.MULTILINE)
TO_TAG = re.compile(rb"^(?:To|t)\s*:[^\r\n]*;\s*tag=", re.IGNORECASE | re.MULTILINE)


class CaptureUnavailable(RuntimeError):
    """No packet socket could be opened: not root, or no CAP_NET_RAW."""


@dataclass(frozen=True)
class Request:
    """An INVITE or ACK a client sent to the provider."""

    at: float  # when it left, by the kernel's stamp, in perf_counter seconds
    source_port: int
    method: bytes
    call_id: bytes
    cseq: int
    in_dialog: bool


def udp_port_filter(port: int) -> bytes:
    """A classic BPF program for cooked IPv4 packets: keep UDP to `port`, drop the rest."""
    program = [
        (0x30, 0, 0, IP_PROTOCOL_OFFSET),  # ldb [9]: IP protocol
        (0x15, 0, 4, UDP),                 # jeq #17, else drop
        (0xB1, 0, 0, 0),                   # ldxb 4*([0]&0xf): IP header length
        (0x48, 0, 0, 2),                   # ldh [x+2]: UDP destination port
        (0x15, 0, 1, port),                # jeq #port, else drop
        (0x06, 0, 0, 0xFFFF),              # ret: keep
        (0x06, 0, 0, 0),                   # ret: drop
    ]  # fmt: skip
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


def open_capture(port: int) -> socket.socket:
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    except PermissionError:
        raise CaptureUnavailable("capturing on lo needs root (CAP_NET_RAW)") from None
    instructions = udp_port_filter(port)
    code = ctypes.create_string_buffer(instructions)  # alive until setsockopt has copied it
    program = struct.pack("HL", len(instructions) // 8, ctypes.addressof(code))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, program)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    sock.bind(("lo", ETH_P_IP))
    sock.settimeout(POLL_SECONDS)
    return sock


def parse_request(packet: bytes, at: float, port: int) -> Request | None:
    """An INVITE or ACK to `port` in one IPv4/UDP packet; None for anything else."""
    header_length = (packet[0] & 0x0F) * 4
    source_port, destination_port = struct.unpack_from("!HH", packet, header_length)
    payload = packet[header_length + 8 :]
    request = REQUEST_LINE.match(payload)
    call_id, cseq = CALL_ID.search(payload), CSEQ.search(payload)
    if destination_port != port or not (request and call_id and cseq):
        return None
    return Request(at, source_port, request[1], call_id[1], int(cseq[1]),
                   TO_TAG.search(payload) is not None)


def kernel_time(ancillary: list[tuple[int, int, bytes]]) -> float:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds + nanoseconds / 1e9
    raise RuntimeError("the kernel gave no packet timestamp")


@dataclass(frozen=True)
class WireSetup:
    """One call's setup on the wire, in time.perf_counter() seconds."""

    invite_at: float  # the first INVITE left the client
    ack_at: float  # the ACK of the 200 OK left the client

    @property
    def ms(self) -> float:
        return (self.ack_at - self.invite_at) * 1000


class SetupSniffer:
    """Records clients' INVITEs and ACKs to the provider on 127.0.0.1:`port` while open."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[Request] = []
        self._sock = open_capture(port)
        # Kernel stamps are wall-clock time; callers time with perf_counter.
        self._wall_minus_perf = time.time() - time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sip-sniffer", daemon=True)

    def _run(self) -> None:
        for _ in range(MAX_PACKETS):
            if self._stop.is_set():
                return
            try:
                packet, ancillary, _, _ = self._sock.recvmsg(65535, 64)
            except TimeoutError:
                continue
            at = kernel_time(ancillary) - self._wall_minus_perf
            request = parse_request(packet, at, self.port)
            if request is not None:
                self.requests.append(request)

    def setups(self, source_port: int) -> list[WireSetup]:
        """The calls from `source_port` that got as far as ACKing a 200 OK, in call order.

        A digest challenge makes two initial INVITEs per call (CSeq n, then n+1 with
        credentials) and two ACKs; the 2xx's ACK is the one with the last INVITE's CSeq.
        """
        calls: dict[bytes, list[Request]] = defaultdict(list)
        for request in self.requests:
            if request.source_port == source_port and not (
                request.method == b"INVITE" and request.in_dialog
            ):
                calls[request.call_id].append(request)
        return [setup for requests in calls.values() if (setup := wire_setup(requests))]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(POLL_SECONDS + 1)
        with contextlib.suppress(OSError):
            self._sock.close()


def wire_setup(requests: list[Request]) -> WireSetup | None:
    """First INVITE and the ACK of the last INVITE; None if no such ACK was seen."""
    invites = [request for request in requests if request.method == b"INVITE"]
    if not invites:
        return None
    last_cseq = max(invite.cseq for invite in invites)
    acks = [request.at for request in requests
            if request.method == b"ACK" and request.cseq == last_cseq]
    if not acks:
        return None
    return WireSetup(min(invite.at for invite in invites), min(acks))
