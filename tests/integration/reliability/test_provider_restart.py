"""Provider and far-end faults: Kamailio killed (-9) and restarted on the same ports while we
are registered or in a call, and a far end that dies mid-call."""

from __future__ import annotations

import pytest

from tests.integration.conftest import require
from tests.integration.reliability.scenarios import (
    RTP_TIMEOUT,
    call_through_provider_outage,
    far_end_gone_silent,
    registration_recovery,
)
from tests.peers.baresip import baresip_binary
from tests.peers.kamailio import kamailio_binary
from tests.peers.sipp import sipp_binary
from tests.peers.tones import dominant_frequency, read_wav

pytestmark = pytest.mark.integration

# 50 packets a second come from the far end; a quarter of that over the 4 s outage is plenty
# to show audio kept flowing, without depending on the exact timing.
MIN_PACKETS_DURING_OUTAGE = 50


@pytest.fixture(autouse=True)
def _peers_installed() -> None:
    for binary in (kamailio_binary, sipp_binary):
        require(binary)


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_registration_comes_back_by_itself_after_the_provider_restarts(tmp_path, peers,
                                                                       transport):
    """TCP: the dropped connection is noticed at once; UDP: the refresh during the outage goes
    unanswered. Either way the user is told, and once the provider is back we register again
    without anyone doing anything, and calls reach us."""
    recovery = registration_recovery(peers, tmp_path, transport)
    print(f"registration over {transport} recovered {recovery.seconds:.2f} s after the "
          f"provider was back")

    assert recovery.lost["message"], recovery.lost
    assert recovery.lost["retry_in"] is not None, "an outage is retried, not given up on"
    assert 200 in recovery.caller_codes, recovery.caller_codes
    assert recovery.outcome.returncode == 0, recovery.outcome
    assert "connected" in recovery.outcome.states(), recovery.outcome


def test_call_keeps_its_audio_while_the_provider_is_down(tmp_path, peers):
    require(baresip_binary)
    fault = call_through_provider_outage(peers, tmp_path)
    print(f"RTP packets received while the provider was down: {fault.rx_during}")

    assert fault.rx_during >= MIN_PACKETS_DURING_OUTAGE, fault.outcome
    assert fault.outcome.returncode == 0, fault.outcome
    ended = fault.outcome.ended()
    assert ended["message"] == "You hung up.", ended
    samples, rate = read_wav(fault.heard)
    assert dominant_frequency(samples, rate) == pytest.approx(440, abs=10)


def test_far_end_killed_mid_call_ends_the_call_by_rtp_timeout(tmp_path, peers):
    require(baresip_binary)
    fault = far_end_gone_silent(peers, tmp_path)

    assert fault.rx_before > 0, "audio was flowing before the far end died"
    ended = fault.outcome.ended()
    assert ended["code"] == 408, ended
    assert ended["message"] == (f"The call was lost: no audio from the other side for "
                                f"{RTP_TIMEOUT} seconds."), ended
    assert fault.outcome.returncode == 1, fault.outcome
