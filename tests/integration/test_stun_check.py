"""Asking a real STUN server (coturn on 127.0.0.1) which address it sees us at, and the three
ways that goes wrong: nothing listening, a server that never answers, a server that refuses."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from aioice import stun

from softphone.stun_check import ATTEMPT_SECONDS, StunError, ask
from tests.integration.conftest import require
from tests.peers.coturn import Coturn, turnserver_binary
from tests.peers.ports import HOST, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def coturn(peers) -> Coturn:
    require(turnserver_binary)
    return peers.start(Coturn(peers.workdir("coturn"), HOST, "ada", "relay-pass"))


def test_the_server_says_the_address_and_port_it_saw(coturn: Coturn) -> None:
    seen = ask(f"{coturn.host}:{coturn.port}")

    assert seen.host == HOST
    assert 0 < seen.port < 65536


def test_nothing_listening_is_said_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(StunError, match=r"Nothing answers at 127\.0\.0\.1:\d+: no STUN server"):
        ask(f"{HOST}:{free_port()}")
    assert time.monotonic() - started < ATTEMPT_SECONDS[0] + 0.5, "no waiting for retries"


def test_a_server_that_never_answers_is_given_up_on_after_the_retries() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind((HOST, 0))
        server = f"{HOST}:{silent.getsockname()[1]}"
        with pytest.raises(StunError, match=r"did not answer within 3\.5 s, so every call"):
            ask(server)
        silent.settimeout(0)
        requests = 0
        while True:
            try:
                silent.recv(2048)
            except BlockingIOError:
                break
            requests += 1
    assert requests == len(ATTEMPT_SECONDS), "the RFC's retransmissions, no more"


def test_a_server_that_refuses_is_quoted() -> None:
    """A server that answers the binding request with an error response (RFC 5389 15.6)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as refusing:
        refusing.bind((HOST, 0))
        refusing.settimeout(5)

        def refuse() -> None:
            data, sender = refusing.recvfrom(2048)
            request = stun.parse_message(data)
            answer = stun.Message(stun.Method.BINDING, stun.Class.ERROR,
                                  request.transaction_id,
                                  {"ERROR-CODE": (420, "Unknown Attribute")})
            refusing.sendto(bytes(answer), sender)

        thread = threading.Thread(target=refuse)
        thread.start()
        with pytest.raises(StunError, match=r"The STUN server refused: 420 Unknown Attribute\."):
            ask(f"{HOST}:{refusing.getsockname()[1]}")
        thread.join(5)
