"""Hostile input on our SIP port: the fuzzer's malformed and adversarial messages over UDP and
TCP, a bounded INVITE flood, and broken re-INVITEs inside a call. After each: the phone is
alive, a legitimate call through the provider is answered, and memory, descriptors and threads
have not run away."""

from __future__ import annotations

import contextlib

import pytest

from tests.integration.conftest import require
from tests.integration.reliability.hostile import FLOOD_CALLS, Footprint, PhoneUnderFire
from tests.peers import fuzz
from tests.peers.kamailio import kamailio_binary
from tests.peers.ports import PeerTimeout, wait_until
from tests.peers.sipp import sipp_binary

pytestmark = pytest.mark.integration

ANSWERED = [200, 200]  # the caller's INVITE answered, then its BYE
# pjsua's pools and caches grow on first use; beyond that, a leak would show as more.
RSS_GROWTH_LIMIT_KB = 20 * 1024
FD_GROWTH_LIMIT = 4  # a TCP connection the provider opened may come and go
THREAD_GROWTH_LIMIT = 2
TRANSACTION_END_SECONDS = 45  # pjsip's Timer H (32 s) and then some


@pytest.fixture
def phone(tmp_path, peers):
    for binary in (kamailio_binary, sipp_binary):
        require(binary)
    target = PhoneUnderFire(peers, tmp_path)
    yield target
    outcome = target.close()
    assert outcome.returncode == 0, f"the phone did not shut down cleanly\n{outcome}"


def steady_footprint(phone: PhoneUnderFire) -> Footprint:
    """After a call: the media clock and pools a call brings are there before we compare."""
    assert phone.legit_call_codes() == ANSWERED
    return phone.footprint()


def settled_footprint(phone: PhoneUnderFire, before: Footprint) -> Footprint:
    """Descriptors once pjsip has let go of the fuzzer's TCP connections: an INVITE
    transaction it answered keeps its connection until the transaction ends (32 s without an
    ACK, which the fuzzer never sends)."""
    with contextlib.suppress(PeerTimeout):
        wait_until(lambda: phone.footprint().fds - before.fds <= FD_GROWTH_LIMIT,
                   TRANSACTION_END_SECONDS, "the phone to close finished connections")
    return phone.footprint()


def assert_bounded(before: Footprint, after: Footprint) -> None:
    print(f"RSS {before.rss_kb} -> {after.rss_kb} kB, fds {before.fds} -> {after.fds}, "
          f"threads {before.threads} -> {after.threads}")
    assert after.rss_kb - before.rss_kb < RSS_GROWTH_LIMIT_KB, (before, after)
    assert after.fds - before.fds <= FD_GROWTH_LIMIT, (before, after)
    assert after.threads - before.threads <= THREAD_GROWTH_LIMIT, (before, after)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_malformed_messages_leave_the_phone_answering_calls(phone, transport):
    before = steady_footprint(phone)
    for category in fuzz.CATEGORIES:
        report = phone.fuzz(category, transport)
        print(f"{transport} {category}: {report.sent} sent, replies {dict(report.replies)}")

        assert phone.alive(), f"the phone died on {category} over {transport}"
        assert phone.legit_call_codes(transport) == ANSWERED, category
    assert_bounded(before, settled_footprint(phone, before))


def test_offers_without_a_usable_codec_are_refused_with_488(phone):
    """Well-formed offers we cannot take; malformed ones (an m= line without formats) get 400."""
    target = phone.target("udp")
    refused = [case for case in fuzz.cases("invalid_sdp", target, "udp")
               if case.name in ("unknown codecs only", "unknown transport", "video only")]
    report = fuzz.send(refused, target, "udp")

    assert report.replies == {"488": len(refused)}, report


def test_an_invite_flood_is_survived_and_a_call_gets_through_during_it(phone):
    before = steady_footprint(phone)
    flood = phone.flood()
    during = phone.legit_call_codes()
    flood.wait(60)
    refused = [code for code in flood.received_codes() if code >= 300]
    print(f"flood: {len(refused)} of {FLOOD_CALLS} INVITEs refused, codes "
          f"{sorted(set(refused))}; a call during it got {during}")

    assert phone.alive()
    assert during == ANSWERED
    assert len(refused) >= FLOOD_CALLS, "every flood INVITE got a final answer"
    assert phone.legit_call_codes() == ANSWERED
    assert_bounded(before, settled_footprint(phone, before))


def test_broken_reinvites_are_refused_and_the_call_stays_up(phone):
    caller = phone.bad_reinvite()

    assert caller.wait(30) == 0, caller.log_tail()
    finals = [code for code in caller.received_codes() if code >= 200]
    assert finals[0] == 200 and finals[-1] == 200, finals
    assert all(code in (400, 415, 488, 500) for code in finals[1:-1]), finals
    assert phone.legit_call_codes() == ANSWERED
