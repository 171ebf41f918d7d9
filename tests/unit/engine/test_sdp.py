"""Our offers carry telephone-events on 101, the payload type real equipment sends them on."""

from __future__ import annotations

from softphone.engine.sdp import renumber_telephone_events

OFFER = """v=0
o=- 1 2 IN IP4 127.0.0.1
s=pjmedia
c=IN IP4 127.0.0.1
t=0 0
m=audio 4000 RTP/AVP 9 8 0 120
a=rtpmap:9 G722/8000
a=rtpmap:120 telephone-event/8000
a=fmtp:120 0-16
a=sendrecv
"""


def test_telephone_event_moves_to_101_everywhere() -> None:
    renumbered = renumber_telephone_events(OFFER)
    assert "m=audio 4000 RTP/AVP 9 8 0 101\n" in renumbered
    assert "a=rtpmap:101 telephone-event/8000" in renumbered
    assert "a=fmtp:101 0-16" in renumbered
    assert "120" not in renumbered


def test_nothing_changes_when_101_is_taken_or_already_used() -> None:
    taken = OFFER.replace("9 8 0 120", "9 8 0 101 120")
    assert renumber_telephone_events(taken) == taken
    already = renumber_telephone_events(OFFER)
    assert renumber_telephone_events(already) == already


def test_offer_without_telephone_events_is_untouched() -> None:
    plain = "v=0\nm=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n"
    assert renumber_telephone_events(plain) == plain
