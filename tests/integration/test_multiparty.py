"""Several calls at once against real softphones (baresip): a three-party conference where each
hears the other two but not itself, call waiting, and blind transfer to a SIPp line."""

from __future__ import annotations

import re

import pytest

from tests.integration.lines import PASSWORD, ROUTED_PREFIX, account
from tests.integration.softphone_cli import run_script, start_script, write_config
from tests.peers.ports import HOST
from tests.peers.tones import read_wav, tone_level_db, write_tone_wav

pytestmark = pytest.mark.integration

USERS = {"1001": PASSWORD, "1002": "secret1002", "1003": "secret1003"}
PRESENT_DB, ABSENT_DB = -12.0, -30.0


def registered_baresip(baresip, provider, user: str, tone_hz: float):
    return baresip(tone_hz=tone_hz, register=(provider.port, user, USERS[user]), user=user)


def levels(path, *tones: float) -> list[float]:
    samples, rate = read_wav(path)
    return [tone_level_db(samples, rate, hz) for hz in tones]


def test_three_party_conference_each_hears_the_others_not_itself(tmp_path, make_kamailio,
                                                                 baresip):
    provider = make_kamailio(USERS)
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    bob = registered_baresip(baresip, provider, "1003", 1000.0)
    ours = write_tone_wav(tmp_path / "ours.wav", 700.0, 20.0)
    heard = tmp_path / "heard.wav"
    config = write_config(tmp_path / "config.toml", [account(provider)])
    outcome = run_script(tmp_path, config, [
        {"play": str(ours), "record": str(heard)},
        # No hold while adding Bob: baresip 1.0 stops writing its recording after a re-INVITE.
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"dial": "1003", "as": "b"}, {"wait": "connected", "call": "b"},
        {"merge": ["a", "b"]}, {"sleep": 4},
        {"leave_conference": False},
        {"wait": "ended", "call": "a"}, {"wait": "ended", "call": "b"},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert any(f["conference"] for f in outcome.of("call_flags")), outcome
    alice.wait_event("CALL_CLOSED")
    bob.wait_event("CALL_CLOSED")
    at_alice = levels(alice.received_wavs()[-1], 1000.0, 700.0, 440.0)
    at_bob = levels(bob.received_wavs()[-1], 440.0, 700.0, 1000.0)
    for others_a, others_b, own in (at_alice, at_bob):
        assert others_a > PRESENT_DB and others_b > PRESENT_DB, (at_alice, at_bob)
        assert own < ABSENT_DB, (at_alice, at_bob)
    at_us = levels(heard, 440.0, 1000.0, 700.0)
    assert at_us[0] > PRESENT_DB and at_us[1] > PRESENT_DB and at_us[2] < ABSENT_DB, at_us


def test_call_waiting_beeps_then_answering_holds_the_first_call(tmp_path, make_kamailio,
                                                                baresip):
    provider = make_kamailio(USERS)
    alice = registered_baresip(baresip, provider, "1002", 700.0)
    bob = registered_baresip(baresip, provider, "1003", 1000.0)
    heard_waiting, heard_bob = tmp_path / "waiting.wav", tmp_path / "bob.wav"
    config = write_config(tmp_path / "config.toml", [account(provider)])
    run = start_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"wait": "incoming", "as": "b"},
        {"record": str(heard_waiting)}, {"sleep": 1.0},
        {"record": str(heard_bob)}, {"answer_holding": "b"},
        {"wait": "connected", "call": "b"}, {"wait": "on_hold", "call": "a"}, {"sleep": 2},
        {"hangup": "b"}, {"hangup": "a"},
        {"wait": "ended", "call": "a"}, {"wait": "ended", "call": "b"},
    ], PASSWORD)
    run.wait_for_state("connected")
    bob.dial(f"sip:1001@{HOST}:{provider.port}")
    outcome = run.finish(60)

    assert outcome.returncode == 0, outcome
    assert len(outcome.of("incoming_call")) == 1
    waiting = levels(heard_waiting, 440.0, 700.0)
    assert waiting[0] > -25, f"the call-waiting beep is heard over Alice: {waiting}"
    assert levels(heard_bob, 1000.0)[0] > PRESENT_DB, "after answering we hear Bob"
    alice.wait_event("CALL_CLOSED")


def test_blind_transfer_lands_the_far_end_on_another_line(tmp_path, make_kamailio, baresip,
                                                          sipp_uas):
    line = sipp_uas("answer_echo")
    provider = make_kamailio(USERS, {ROUTED_PREFIX: (HOST, line.port)})
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    config = write_config(tmp_path / "config.toml", [account(provider)])
    outcome = run_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"transfer": "a", "to": "(202) 555-0143"},
        {"wait": "ended", "call": "a", "timeout": 20},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    progress = outcome.of("transfer")
    assert progress[-1]["final"] and progress[-1]["code"] == 200, progress
    assert "Transferred to" in outcome.ended()["message"]
    invite = line.messages().split("INVITE sip:")[1]
    assert "+12025550143" in invite and "1002" in invite.split("\n\n")[0], invite
    alice.hangup()


def test_recording_keeps_both_sides_and_is_announced(tmp_path, make_kamailio, baresip):
    provider = make_kamailio(USERS)
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    ours = write_tone_wav(tmp_path / "ours.wav", 700.0, 10.0)
    recording = tmp_path / "call.wav"
    config = write_config(tmp_path / "config.toml", [account(provider)])
    outcome = run_script(tmp_path, config, [
        {"play": str(ours)},
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"record_call": "a", "path": str(recording)}, {"sleep": 2},
        {"hangup": "a"}, {"wait": "ended", "call": "a"},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert [f["recording"] for f in outcome.of("call_flags")][:1] == [str(recording)], outcome
    theirs, mine = levels(recording, 440.0, 700.0)
    assert theirs > -10 and mine > -10, (theirs, mine)
    alice.wait_event("CALL_CLOSED")


@pytest.mark.parametrize(("muted", "held_seconds"), [(False, 1), (True, 4)])
def test_recording_goes_on_through_hold_and_resume(tmp_path, make_kamailio, baresip, muted,
                                                   held_seconds):
    """A hold re-INVITE recreates pjsua's stream; the recording must follow the new stream
    rather than end with the old one (found through the GUI: "Add call" ended the recording).
    Held and muted, nothing but silence reaches the recorder; the full-disk watch (a file that
    stops growing has failed) must not mistake that quiet for a failed write."""
    provider = make_kamailio(USERS)
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    recording = tmp_path / "call.wav"
    config = write_config(tmp_path / "config.toml", [account(provider)])
    outcome = run_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"record_call": "a", "path": str(recording)}, {"sleep": 1},
        *([{"mute": "a"}] if muted else []),
        {"hold": "a"}, {"wait": "on_hold", "call": "a"}, {"sleep": held_seconds},
        {"resume": "a"}, {"wait": "resumed", "call": "a"}, {"sleep": 2},
        {"hangup": "a"}, {"wait": "ended", "call": "a"},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert not outcome.of("problem"), outcome.of("problem")
    flags = outcome.of("call_flags")
    assert all(f["recording"] == str(recording) for f in flags), flags
    assert any(f["on_hold"] for f in flags), flags
    samples, rate = read_wav(recording)
    assert len(samples) / rate > held_seconds + 2.5, "the file covers the whole call"
    assert tone_level_db(samples[-rate:], rate, 440.0) > PRESENT_DB, "the far end after resume"
    alice.wait_event("CALL_CLOSED")


@pytest.mark.parametrize(("policy", "declined"), [("ask", True), ("accept", False)])
def test_transfer_asked_of_us_follows_the_account_policy(tmp_path, make_kamailio, baresip,
                                                         sipp_uas, policy, declined):
    line = sipp_uas("answer_echo")
    provider = make_kamailio(USERS, {ROUTED_PREFIX: (HOST, line.port)})
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    config = write_config(tmp_path / "config.toml",
                          [account(provider, incoming_transfers=policy)])
    run = start_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"}, {"sleep": 3},
    ], PASSWORD)
    run.wait_for_state("connected")
    alice.wait_event("CALL_ESTABLISHED")
    alice.control().command("transfer", f"sip:+12025550143@{HOST}:{provider.port}")
    outcome = run.finish(30)

    request = outcome.of("transfer_request")
    assert len(request) == 1 and request[0]["accepted"] is not declined, outcome
    assert request[0]["target"].startswith("<sip:+12025550143@") or "+12025550143" in \
        request[0]["target"]
    placed = [e for e in outcome.of("call_state") if e["remote_uri"].startswith("sip:+1202555")]
    if declined:
        assert placed == [], "nothing is dialled without the user seeing it"
    else:
        assert any(e["state"] == "connected" for e in placed), outcome


def test_attended_transfer_hands_our_caller_to_the_consulted_party(tmp_path, make_kamailio,
                                                                   baresip, sipp_uas):
    """We talk to Alice, consult a SIPp line, then hand Alice over to it: Alice's INVITE to the
    line carries Replaces naming our consultation dialog (REFER with Replaces)."""
    consulted = sipp_uas("answer_echo", calls=2)
    provider = make_kamailio(USERS, {ROUTED_PREFIX: (HOST, consulted.port)})
    alice = registered_baresip(baresip, provider, "1002", 440.0)
    config = write_config(tmp_path / "config.toml", [account(provider)])
    outcome = run_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"},
        {"hold": "a"}, {"wait": "on_hold", "call": "a"},
        {"dial": "(202) 555-0143", "as": "b"}, {"wait": "connected", "call": "b"},
        {"transfer_attended": "a", "with": "b"},
        {"wait": "ended", "call": "a", "timeout": 20},
        {"hangup": "b"}, {"wait": "ended", "call": "b"},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert outcome.of("transfer")[-1]["code"] == 200, outcome
    assert "Transferred to" in outcome.ended()["message"] or any(
        "Transferred to" in e["message"] for e in outcome.of("call_state")), outcome
    received = re.split(r"message received \[\d+\] bytes :\s*", consulted.messages())[1:]
    invites = [message for message in received if message.startswith("INVITE sip:")]
    ours, from_alice = invites[0], invites[-1]
    consultation_id = re.search(r"^Call-ID: (\S+)", ours, re.MULTILINE)[1]
    assert "From: <sip:1002@" in from_alice, from_alice
    # baresip 1.0 leaves Refer-To's ?Replaces= in the Request-URI instead of turning it into a
    # Replaces header; either way it must name our consultation dialog.
    assert f"Replaces={consultation_id}" in from_alice, from_alice
    alice.hangup()


def test_callers_beyond_the_call_limit_hear_busy(tmp_path, make_kamailio, baresip, sipp_uac):
    provider = make_kamailio(USERS)
    registered_baresip(baresip, provider, "1002", 440.0)
    config = write_config(tmp_path / "config.toml", [account(provider)], calls={"max_calls": 1})
    run = start_script(tmp_path, config, [
        {"dial": "1002", "as": "a"}, {"wait": "connected", "call": "a"}, {"sleep": 3},
        {"hangup": "a"}, {"wait": "ended", "call": "a"},
    ], PASSWORD)
    run.wait_for_state("connected")
    caller = sipp_uac("uac_call", provider.port, "1001")
    caller.wait(15)
    outcome = run.finish(30)

    assert outcome.returncode == 0, outcome
    assert 486 in caller.received_codes(), caller.messages()
    assert outcome.of("incoming_call") == []
