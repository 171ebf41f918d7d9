"""Tests for softphone.engine.encryption: the SRTP state read from pjsua's call dump (the text
below is what pjsua2 2.15.1 printed for real calls to baresip)."""

from __future__ import annotations

import pytest

from softphone.engine.encryption import srtp_in_dump

ACTIVE = """\
[CONFIRMED] To: sip:alice@127.0.0.1;tag=f26a184b066276c2
  Call time: 00h:00m:01s, 1st res in 0 ms, conn in 9ms
  #0 audio G722 @16kHz, sendrecv, peer=127.0.0.1:19110
     SRTP status: Active Crypto-suite: AES_CM_128_HMAC_SHA1_80
     RX pt=9, last update:00h:00m:00.780s ago
        total 50pkt 8.0KB (10.0KB +IP hdr) @avg=63.9Kbps/79.9Kbps
"""
PLAIN = """\
[CONFIRMED] To: sip:alice@127.0.0.1;tag=99
  #0 audio G722 @16kHz, sendrecv, peer=127.0.0.1:19110
     SRTP status: Not active Crypto-suite:\x20
     RX pt=9, last update:00h:00m:00.780s ago
"""
TWO_STREAMS = """\
  #0 audio PCMU @8kHz, inactive, peer=127.0.0.1:4000
     SRTP status: Not active Crypto-suite:\x20
  #1 audio G722 @16kHz, sendrecv, peer=127.0.0.1:4002
     SRTP status: Active Crypto-suite: AES_CM_128_HMAC_SHA1_32
"""


@pytest.mark.parametrize(
    ("dump", "index", "suite"),
    [
        (ACTIVE, 0, "AES_CM_128_HMAC_SHA1_80"),
        (PLAIN, 0, None),
        (TWO_STREAMS, 0, None),
        (TWO_STREAMS, 1, "AES_CM_128_HMAC_SHA1_32"),
        (ACTIVE, 1, None),  # no such stream
        ("", 0, None),
    ],
)
def test_the_audio_streams_srtp_state(dump: str, index: int, suite: str | None) -> None:
    assert srtp_in_dump(dump, index) == suite
