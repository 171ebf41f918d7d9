"""The test peers work on their own, without the softphone: SIPp plays the caller.

If these fail, the softphone's integration tests cannot be trusted either.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.peers.baresip import Baresip
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST, PeerTimeout, free_port, wait_for_sip, wait_until
from tests.peers.rtp_pcap import mulaw_decode
from tests.peers.sipp import TONE_HZ, SippUAC, SippUAS
from tests.peers.tones import dominant_frequency, read_wav, rms_dbfs, write_tone_wav

pytestmark = pytest.mark.integration

# Users of the `kamailio` / `make_kamailio` fixtures.
CALLER = ("1001", "secret1001")
CALLEE = ("1002", "secret1002")
RTP_HEADER_BYTES = 12


def call_codes(uac: SippUAC) -> list[int]:
    """The responses the caller got, once its scenario has ended successfully."""
    assert uac.wait(15) == 0, uac.log_tail()
    return uac.received_codes()


@pytest.mark.parametrize(
    ("user", "password", "final"),
    [("1001", "secret1001", 200), ("1001", "wrong", 403), ("9999", "secret1001", 403)],
)
def test_register_is_challenged_then_accepted_or_refused(
    kamailio: Kamailio, sipp_uac: Callable[..., SippUAC], user: str, password: str, final: int
) -> None:
    uac = sipp_uac("uac_register", kamailio.port, user, auth=(user, password))

    assert call_codes(uac) == [401, final]


@pytest.mark.parametrize(
    ("scenario", "codes"),
    [
        ("answer_echo", [407, 100, 180, 200, 200]),
        ("busy", [407, 100, 486]),
        ("not_found", [407, 100, 404]),
        ("unavailable", [407, 100, 503]),
        ("answer_then_vanish", [407, 100, 200, 408]),
    ],
)
def test_call_through_provider_ends_as_the_far_end_says(
    make_kamailio: Callable[..., Kamailio],
    sipp_uas: Callable[..., SippUAS],
    sipp_uac: Callable[..., SippUAC],
    scenario: str,
    codes: list[int],
) -> None:
    """answer_then_vanish: the far end ignores our BYE, so the provider times it out (408)."""
    far_end = sipp_uas(scenario)
    provider = make_kamailio(routes={"+1202": (HOST, far_end.port)})

    uac = sipp_uac("uac_call", provider.port, "+12025550100", auth=CALLER)

    assert call_codes(uac) == codes, uac.messages()
    if scenario != "answer_then_vanish":
        assert far_end.wait(5) == 0, far_end.log_tail()


def test_cancel_while_ringing_gets_487(
    make_kamailio: Callable[..., Kamailio],
    sipp_uas: Callable[..., SippUAS],
    sipp_uac: Callable[..., SippUAC],
) -> None:
    far_end = sipp_uas("ring_no_answer")
    provider = make_kamailio(routes={"1": (HOST, far_end.port)})

    uac = sipp_uac("uac_call", provider.port, "123", auth=CALLER, cancel_after_ring=True)

    assert call_codes(uac) == [407, 100, 180, 200, 487], uac.messages()
    assert far_end.wait(5) == 0, far_end.log_tail()


def test_early_media_plays_the_tone_before_the_answer(
    make_kamailio: Callable[..., Kamailio],
    sipp_uas: Callable[..., SippUAS],
    sipp_uac: Callable[..., SippUAC],
) -> None:
    far_end = sipp_uas("early_media")
    provider = make_kamailio(routes={"1": (HOST, far_end.port)})
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp:
        rtp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        rtp.bind((HOST, 0))

        uac = sipp_uac(
            "uac_call", provider.port, "123", auth=CALLER, sdp_media_port=rtp.getsockname()[1]
        )
        assert call_codes(uac) == [407, 100, 183, 200, 200], uac.messages()
        audio = mulaw_decode(b"".join(queued_rtp_payloads(rtp)))

    assert audio.size >= 2.5 * 8000, f"only {audio.size} samples of early media"
    assert dominant_frequency(audio, 8000) == pytest.approx(TONE_HZ, abs=10)


def queued_rtp_payloads(sock: socket.socket) -> list[bytes]:
    """Payloads of the RTP packets waiting on `sock`; the kernel kept them during the call."""
    sock.setblocking(False)
    payloads = []
    while True:
        try:
            payloads.append(sock.recv(2048)[RTP_HEADER_BYTES:])
        except BlockingIOError:
            return payloads


def test_longest_route_prefix_wins(
    make_kamailio: Callable[..., Kamailio],
    sipp_uas: Callable[..., SippUAS],
    sipp_uac: Callable[..., SippUAC],
) -> None:
    busy, answering = sipp_uas("busy"), sipp_uas("answer_echo")
    provider = make_kamailio(routes={"1": (HOST, busy.port), "1202": (HOST, answering.port)})

    uac = sipp_uac("uac_call", provider.port, "12025550100", auth=CALLER)

    assert call_codes(uac)[-2:] == [200, 200], uac.messages()


@pytest.mark.parametrize(
    ("number", "password", "final"),
    [("555", "secret1001", 404), ("555", "wrong", 403), ("1002", "secret1001", 480)],
)
def test_provider_refuses_calls_it_cannot_or_must_not_place(
    kamailio: Kamailio,
    sipp_uac: Callable[..., SippUAC],
    number: str,
    password: str,
    final: int,
) -> None:
    """No route: 404; wrong password: 403; our user 1002 not registered: 480."""
    uac = sipp_uac("uac_call", kamailio.port, number, auth=("1001", password))

    assert call_codes(uac)[-1] == final, uac.messages()


def test_restart_keeps_the_port_and_forgets_registrations(
    kamailio: Kamailio, sipp_uac: Callable[..., SippUAC]
) -> None:
    registration = sipp_uac("uac_register", kamailio.port, CALLEE[0], auth=CALLEE)
    assert call_codes(registration) == [401, 200]
    port = kamailio.port

    kamailio.restart()

    assert kamailio.port == port
    uac = sipp_uac("uac_call", kamailio.port, "1002")
    assert call_codes(uac)[-1] == 480, uac.messages()


def test_baresip_answers_when_called_as_a_registered_user(
    kamailio: Kamailio, baresip: Callable[..., Baresip], sipp_uac: Callable[..., SippUAC]
) -> None:
    far_end = baresip(register=(kamailio.port, *CALLEE))

    uac = sipp_uac("uac_call", kamailio.port, "1002", auth=CALLER)

    assert call_codes(uac)[-2:] == [200, 200], uac.messages()
    assert far_end.wait_event("CALL_CLOSED")["direction"] == "incoming"
    assert [event["type"] for event in far_end.events()].count("CALL_ESTABLISHED") == 1


def test_baresip_answers_when_called_through_a_trunk_route(
    make_kamailio: Callable[..., Kamailio],
    baresip: Callable[..., Baresip],
    sipp_uac: Callable[..., SippUAC],
) -> None:
    """The route must be the whole number: baresip only answers calls to its own user."""
    far_end = baresip(user="+12025550199")
    provider = make_kamailio(routes={"+12025550199": (HOST, far_end.port)})

    uac = sipp_uac("uac_call", provider.port, "+12025550199", auth=CALLER)

    assert call_codes(uac)[-2:] == [200, 200], uac.messages()
    assert far_end.wait_event("CALL_CLOSED")["direction"] == "incoming"


def test_baresip_rings_until_accepted_when_not_answering(
    baresip: Callable[..., Baresip], sipp_uac: Callable[..., SippUAC]
) -> None:
    far_end = baresip(answer=False)

    uac = sipp_uac("uac_call", far_end.port, "baresip")
    far_end.wait_event("CALL_INCOMING")
    far_end.accept()

    assert call_codes(uac) == [180, 200, 200], uac.messages()
    assert far_end.wait_event("CALL_CLOSED")["direction"] == "incoming"


def test_baresip_dials_out_and_records_what_it_hears(
    make_kamailio: Callable[..., Kamailio],
    sipp_uas: Callable[..., SippUAS],
    baresip: Callable[..., Baresip],
) -> None:
    """The SIPp far end echoes baresip's 440 Hz tone, so baresip must hear 440 Hz."""
    echo = sipp_uas("answer_echo")
    provider = make_kamailio(routes={"5": (HOST, echo.port)})
    phone = baresip(tone_hz=440.0, register=(provider.port, *CALLEE))

    phone.dial(f"sip:5000@{HOST}:{provider.port}")
    phone.wait_event("CALL_ESTABLISHED")
    wait_until(lambda: phone.heard_seconds() >= 1.0, 5, "baresip to hear 1 s of audio")
    phone.hangup()
    phone.wait_event("CALL_CLOSED")

    assert echo.wait(5) == 0, echo.log_tail()
    [heard] = phone.received_wavs()
    samples, rate = read_wav(heard)
    assert rms_dbfs(samples) > -30, phone.log_tail()
    assert dominant_frequency(samples, rate) == pytest.approx(440.0, abs=5)


def test_wait_for_sip_gives_up_in_time() -> None:
    with pytest.raises(PeerTimeout):
        wait_for_sip(HOST, free_port(), "udp", timeout=0.5)


def test_free_port_is_free_for_udp_and_tcp() -> None:
    port = free_port(neighbours=(1, 2))
    for offset in (0, 1, 2):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, kind) as sock:
                sock.bind((HOST, port + offset))


def test_tone_helpers_measure_what_they_wrote(tmp_path: Path) -> None:
    samples, rate = read_wav(write_tone_wav(tmp_path / "tone.wav", 1234.0, 1.0, rate=16000))

    assert rate == 16000
    assert dominant_frequency(np.concatenate([np.zeros(8000), samples]), rate) == pytest.approx(
        1234.0, abs=2
    )
    assert rms_dbfs(samples) == pytest.approx(20 * np.log10(0.3 / np.sqrt(2)), abs=0.1)
