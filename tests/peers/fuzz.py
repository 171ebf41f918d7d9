"""Our small SIP fuzzer: malformed and adversarial messages for a SIP port, over UDP or TCP.

Deterministic: the cases come from a seeded random generator in a fixed order, so a failure
names a case that can be sent again. Bounded: a fixed number of cases per category, every
socket wait has a timeout, and TCP connections are opened a few at a time.

Categories (`CATEGORIES`): truncated messages, oversized headers, invalid SDP (bad m= lines,
no codecs, unknown codecs only, huge), bad Content-Length, garbage and NUL bytes, and requests
for dialogs that do not exist (CANCEL, BYE, ACK, re-INVITE, NOTIFY, INFO).
"""

from __future__ import annotations

import random
import re
import secrets
import selectors
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tests.peers.ports import HOST

# A UDP datagram carries at most this much; bigger cases go over TCP only.
UDP_MAX = 65507
TCP_AT_ONCE = 4
# pjsip listens with a backlog of 5 and, logging at level 4, accepts more slowly than a tight
# loop connects: a connection beyond the backlog completes on the SYN's retry, 1 s later.
CONNECT_TIMEOUT = 5.0
REPLY_WAIT = 1.0
SEND_PAUSE = 0.002  # between UDP datagrams: a burst, not a socket-buffer overflow
STATUS_LINE = re.compile(rb"^SIP/2\.0 (\d{3}) ", re.MULTILINE)
CALL_ID = re.compile(rb"^(?:Call-ID|i):\s*(\S+)", re.MULTILINE | re.IGNORECASE)
FUZZ_USER = "fuzz"


@dataclass(frozen=True)
class Target:
    """Where the messages go: the phone's SIP port, addressed to its user."""

    port: int
    user: str
    host: str = HOST


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    payload: bytes


@dataclass
class Report:
    """What one batch sent and what came back (status codes; "none" for silence)."""

    sent: int = 0
    replies: Counter[str] = field(default_factory=Counter)

    def add(self, other: Report) -> None:
        self.sent += other.sent
        self.replies.update(other.replies)


# ---- message building ---------------------------------------------------------------------

PLAIN_SDP = (
    "v=0\r\n"
    "o=fuzz 1 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
)


def request(method: str, target: Target, transport: str, *, body: str | bytes = b"",
            content_length: str | None = None, headers: tuple[str, ...] = (),
            to_tag: str = "", call_id: str = "") -> bytes:
    """A request as a real UA would write it, with the parts a case wants changed.

    `content_length` None: the true length; "" leaves the header out."""
    body = body.encode() if isinstance(body, str) else body
    length = str(len(body)) if content_length is None else content_length
    branch = "z9hG4bK" + secrets.token_hex(8)
    call_id = call_id or f"{secrets.token_hex(10)}@fuzz"
    lines = [
        f"{method} sip:{target.user}@{target.host}:{target.port} SIP/2.0",
        f"Via: SIP/2.0/{transport.upper()} {HOST}:9;branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:{FUZZ_USER}@{HOST}>;tag={secrets.token_hex(4)}",
        f"To: <sip:{target.user}@{target.host}>" + (f";tag={to_tag}" if to_tag else ""),
        f"Call-ID: {call_id}",
        f"CSeq: 1 {method}",
        f"Contact: <sip:{FUZZ_USER}@{HOST}:9>",
        *headers,
    ]
    if body:
        lines.append("Content-Type: application/sdp")
    if length != "":
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def invite(target: Target, transport: str, sdp: str | bytes = PLAIN_SDP, **kwargs: object) -> bytes:
    return request("INVITE", target, transport, body=sdp, **kwargs)  # type: ignore[arg-type]


def sdp_with(media: str, *extra: str, connection: str = "c=IN IP4 127.0.0.1") -> str:
    """An SDP whose audio description is `media` (the m= line and its attributes)."""
    head = ["v=0", "o=fuzz 1 1 IN IP4 127.0.0.1", "s=-", connection, "t=0 0"]
    return "\r\n".join([*head, media, *extra]) + "\r\n"


# ---- the categories -------------------------------------------------------------------------

def truncated(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    """A good INVITE cut short: in the request line, in a header, in the SDP."""
    whole = invite(target, transport)
    cuts = sorted({5, 30, whole.index(b"\r\n\r\n"), *rng.sample(range(1, len(whole)), 12)})
    for cut in cuts:
        yield Case("truncated", f"cut at {cut} of {len(whole)}", whole[:cut])


def oversized(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    """Headers far beyond what any UA sends: 64 KB where the transport can carry it."""
    big = 64 * 1024 if transport == "tcp" else 60 * 1024
    filler = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(big))
    yield Case("oversized", f"{big} B Subject", invite(target, transport,
                                                       headers=(f"Subject: {filler}",)))
    yield Case("oversized", f"{big} B Call-ID", invite(target, transport, call_id=filler))
    yield Case("oversized", "8 KB request URI user", invite(
        Target(target.port, filler[:8192], target.host), transport))
    many = tuple(f"X-Fuzz-{index}: {filler[index:index + 20]}" for index in range(1500))
    yield Case("oversized", "1500 headers", invite(target, transport, headers=many))
    vias = tuple(f"Via: SIP/2.0/UDP 10.{i // 250}.{i % 250}.1;branch=z9hG4bK{i}"
                 for i in range(500))
    yield Case("oversized", "500 Via headers", invite(target, transport, headers=vias))
    yield Case("oversized", "8 KB display name",
               invite(target, transport, headers=(f'P-Asserted-Identity: "{filler[:8192]}" '
                                                  f"<sip:x@{HOST}>",)))


def invalid_sdp(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    """Offers no one can answer, or that a careless parser would trip over."""
    offers = {
        "no codecs": sdp_with("m=audio 40000 RTP/AVP"),
        "unknown codecs only": sdp_with("m=audio 40000 RTP/AVP 96 97", "a=rtpmap:96 opus/48000/2",
                                        "a=rtpmap:97 AMR-WB/16000"),
        "dynamic type without rtpmap": sdp_with("m=audio 40000 RTP/AVP 96"),
        "port not a number": sdp_with("m=audio abc RTP/AVP 0"),
        "port out of range": sdp_with("m=audio 70000 RTP/AVP 0"),
        "negative port": sdp_with("m=audio -1 RTP/AVP 0"),
        "payload type out of range": sdp_with("m=audio 40000 RTP/AVP 300 -1 0"),
        "unknown transport": sdp_with("m=audio 40000 FOO/BAR 0"),
        "empty m line": sdp_with("m="),
        "video only": sdp_with("m=video 40000 RTP/AVP 31"),
        "no media": sdp_with(""),
        "no connection": sdp_with("m=audio 40000 RTP/AVP 0", connection=""),
        "bad connection": sdp_with("m=audio 40000 RTP/AVP 0", connection="c=IN IP4 999.1.1"),
        "ipv6 junk connection": sdp_with("m=audio 40000 RTP/AVP 0", connection="c=IN IP6 ::::z"),
        "bad version": "v=9\r\n" + sdp_with("m=audio 40000 RTP/AVP 0")[5:],
        "rtpmap garbage": sdp_with("m=audio 40000 RTP/AVP 0", "a=rtpmap:0 \x01\x02/-5/999999"),
        "fmtp flood": sdp_with("m=audio 40000 RTP/AVP 101",
                               "a=rtpmap:101 telephone-event/8000",
                               "a=fmtp:101 " + ",".join(str(n) for n in range(3000))),
        "40 media lines": sdp_with("\r\n".join(f"m=audio {40000 + 2 * n} RTP/AVP 0"
                                               for n in range(40))),
        "2000 attributes": sdp_with("m=audio 40000 RTP/AVP 0",
                                    *(f"a=x-fuzz-{n}:{rng.random()}" for n in range(2000))),
        "binary body": bytes(rng.randrange(256) for _ in range(600)),
    }
    for name, sdp in offers.items():
        payload = invite(target, transport, sdp)
        if transport == "udp" and len(payload) > UDP_MAX:
            continue
        yield Case("invalid_sdp", name, payload)


def content_length(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    lengths = {"missing": "", "negative": "-5", "beyond the body": "9999",
               "short of the body": "10", "not a number": "abc", "zero with a body": "0",
               "20 digits": "9" * 20, "hex": "0x40", "with spaces": " 1 2 "}
    for name, length in lengths.items():
        yield Case("content_length", name, invite(target, transport, content_length=length))
    doubled = invite(target, transport, headers=("Content-Length: 3",))
    yield Case("content_length", "two different", doubled)


def garbage(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    """Bytes that are no SIP at all, or SIP with poison inside."""
    for index in range(10):
        size = rng.choice((1, 16, 200, 1400, 4000))
        yield Case("garbage", f"random {size} B #{index}",
                   bytes(rng.randrange(256) for _ in range(size)))
    yield Case("garbage", "1000 NUL bytes", b"\0" * 1000)
    good = invite(target, transport)
    yield Case("garbage", "NUL in a header", good.replace(b"Max-Forwards: 70",
                                                           b"Max-Forwards: 7\x000"))
    yield Case("garbage", "NUL in the request line", good.replace(b"INVITE", b"INV\x00TE", 1))
    yield Case("garbage", "invalid UTF-8 in From", good.replace(b"<sip:fuzz", b"\xff\xfe<sip:fuzz"))
    yield Case("garbage", "stray response", b"SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n")
    yield Case("garbage", "method only", b"INVITE\r\n\r\n")
    yield Case("garbage", "bare CRLFs", b"\r\n" * 500)
    yield Case("garbage", "HTTP", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    yield Case("garbage", "no blank line", good.split(b"\r\n\r\n")[0])
    yield Case("garbage", "LF only", good.replace(b"\r\n", b"\n"))


def unknown_dialog(rng: random.Random, target: Target, transport: str) -> Iterator[Case]:
    """In-dialog requests for dialogs and transactions that were never there."""
    tag = secrets.token_hex(4)
    yield Case("unknown_dialog", "CANCEL", request("CANCEL", target, transport))
    for method in ("BYE", "ACK", "NOTIFY", "INFO", "UPDATE", "PRACK", "REFER"):
        yield Case("unknown_dialog", method, request(method, target, transport, to_tag=tag))
    yield Case("unknown_dialog", "re-INVITE", invite(target, transport, to_tag=tag))
    yield Case("unknown_dialog", "MESSAGE out of dialog",
               request("MESSAGE", target, transport, body="hello"))


CATEGORIES: dict[str, Callable[[random.Random, Target, str], Iterator[Case]]] = {
    "truncated": truncated,
    "oversized": oversized,
    "invalid_sdp": invalid_sdp,
    "content_length": content_length,
    "garbage": garbage,
    "unknown_dialog": unknown_dialog,
}


def cases(category: str, target: Target, transport: str, seed: int = 7) -> list[Case]:
    """Every case of one category, the same ones for the same seed."""
    rng = random.Random(f"{seed}/{category}/{transport}")
    made = CATEGORIES[category](rng, target, transport)
    return [case for case in made if transport == "tcp" or len(case.payload) <= UDP_MAX]


# ---- sending --------------------------------------------------------------------------------

def send_udp(batch: list[Case], target: Target) -> Report:
    """Each case as one datagram from one socket; replies collected for REPLY_WAIT after."""
    report = Report(sent=len(batch))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, 0))
        for case in batch:
            sock.sendto(case.payload, (target.host, target.port))
            time.sleep(SEND_PAUSE)
        answered = _drain_udp(sock)
    report.replies.update(answered)
    if silent := len(batch) - sum(answered.values()):
        report.replies["none"] += silent
    return report


def _drain_udp(sock: socket.socket) -> Counter[str]:
    """Final answers by Call-ID: the phone retransmits one until it is ACKed, which we never do."""
    answers: dict[bytes, str] = {}
    deadline = time.monotonic() + REPLY_WAIT
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data = sock.recv(UDP_MAX)
        except TimeoutError:
            break
        reply = _final(data)  # provisional ones (100, 180) are not answers
        call_id = CALL_ID.search(data)
        if reply != "none":
            answers.setdefault(call_id.group(1) if call_id else data, reply)
    return Counter(answers.values())


def send_tcp(batch: list[Case], target: Target) -> Report:
    """Each case on a connection of its own (a broken message may end the connection), a few
    connections at a time; the first final answer on each is its reply."""
    report = Report(sent=len(batch))
    for start in range(0, len(batch), TCP_AT_ONCE):
        for reply in _tcp_group(batch[start:start + TCP_AT_ONCE], target):
            report.replies[reply] += 1
    return report


def _tcp_group(group: list[Case], target: Target) -> list[str]:
    selector = selectors.DefaultSelector()
    received: dict[socket.socket, bytes] = {}
    try:
        for case in group:
            sock = socket.create_connection((target.host, target.port), timeout=CONNECT_TIMEOUT)
            received[sock] = b""
            try:
                sock.sendall(case.payload)
            except OSError:  # the phone may close on a message it will not read to the end
                continue
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + REPLY_WAIT
        while selector.get_map() and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                _read_reply(key.fileobj, selector, received)  # type: ignore[arg-type]
        return [_final(data) for data in received.values()]
    finally:
        selector.close()
        for sock in received:
            sock.close()


def _read_reply(sock: socket.socket, selector: selectors.BaseSelector,
                received: dict[socket.socket, bytes]) -> None:
    try:
        data = sock.recv(65536)
    except OSError:
        data = b""
    received[sock] += data
    if not data or _final(received[sock]) != "none":
        selector.unregister(sock)


def _final(data: bytes) -> str:
    codes = [code.decode() for code in STATUS_LINE.findall(data) if int(code) >= 200]
    return codes[0] if codes else "none"


def send(batch: list[Case], target: Target, transport: str) -> Report:
    return send_udp(batch, target) if transport == "udp" else send_tcp(batch, target)
