"""SRTP per account against real far ends: baresip with and without SRTP, and SIPp (plain RTP
only). What a person notices: the call connects encrypted when both sides agree, connects in
the clear when encryption was only offered, and fails with a sentence naming encryption when
one side insists on what the other refuses."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Peers, require
from tests.integration.lines import NUMBER, PASSWORD, USER, account
from tests.integration.softphone_cli import Outcome, Softphone, run_softphone, write_config
from tests.peers.baresip import Baresip, baresip_binary
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST
from tests.peers.tones import dominant_frequency, read_wav

pytestmark = pytest.mark.integration

FAR_NUMBER = "+12025550143"  # NUMBER as dialled, the user baresip answers to
FAR_TONE_HZ = 440.0
CALLER, CALLER_PASSWORD = "1002", "secret1002"  # baresip calling us


def call_baresip(tmp_path, peers: Peers, make_kamailio, srtp: str,
                 mediaenc: str | None) -> Outcome:
    """Our account with `srtp` calls a baresip whose account says ;mediaenc=`mediaenc`."""
    require(baresip_binary)
    far_end = peers.start(Baresip(peers.workdir("baresip"), FAR_TONE_HZ, user=FAR_NUMBER,
                                  mediaenc=mediaenc))
    provider: Kamailio = make_kamailio({USER: PASSWORD}, {FAR_NUMBER: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [account(provider, srtp=srtp)])
    heard = tmp_path / "heard.wav"
    outcome = run_softphone(tmp_path, ["call", NUMBER, "--config", str(config),
                                       "--duration", "2", "--record", str(heard)], PASSWORD)
    outcome.heard = heard  # type: ignore[attr-defined]
    return outcome


@pytest.mark.parametrize(("srtp", "mediaenc"), [("mandatory", "srtp-mand"),
                                                ("optional", "srtp")])
def test_both_sides_willing_talk_encrypted(tmp_path, peers, make_kamailio, srtp, mediaenc):
    """The far end's tone comes through: the keys were agreed and both sides decrypt."""
    outcome = call_baresip(tmp_path, peers, make_kamailio, srtp, mediaenc)

    assert outcome.returncode == 0, outcome
    stats = outcome.of("stats")
    assert stats and all(event["srtp"] for event in stats), outcome
    samples, rate = read_wav(outcome.heard)
    assert dominant_frequency(samples, rate) == pytest.approx(FAR_TONE_HZ, abs=10)


def test_optional_srtp_with_a_plain_peer_talks_unencrypted(tmp_path, peers, make_kamailio):
    outcome = call_baresip(tmp_path, peers, make_kamailio, "optional", None)

    assert outcome.returncode == 0, outcome
    stats = outcome.of("stats")
    assert stats and not any(event["srtp"] for event in stats), outcome
    samples, rate = read_wav(outcome.heard)
    assert dominant_frequency(samples, rate) == pytest.approx(FAR_TONE_HZ, abs=10)


def test_srtp_off_against_a_peer_that_insists_fails_clearly(tmp_path, peers, make_kamailio):
    outcome = call_baresip(tmp_path, peers, make_kamailio, "off", "srtp-mand")

    assert outcome.returncode == 1, outcome
    assert "connected" not in outcome.states(), outcome
    assert "encrypt" in outcome.ended()["message"], outcome
    assert "encrypt" in outcome.stderr, outcome


def test_mandatory_srtp_against_a_plain_peer_fails_clearly(tmp_path, peers, make_kamailio):
    outcome = call_baresip(tmp_path, peers, make_kamailio, "mandatory", None)

    assert outcome.returncode == 1, outcome
    assert "connected" not in outcome.states(), outcome
    assert "encrypt" in outcome.ended()["message"], outcome


def test_mandatory_srtp_against_sipp_plain_rtp_fails_clearly(line):
    """SIPp cannot do SRTP and answers our RTP/SAVP offer with plain RTP/AVP anyway: no audio
    may flow unencrypted, and the user is told why the call failed."""
    phone = line("answer_echo", srtp="mandatory")
    outcome = phone.call("--duration", "1").finish()

    assert outcome.returncode == 1, outcome
    assert "encrypt" in outcome.ended()["message"], outcome
    assert not outcome.of("stats") or not any(e["rx_packets"] for e in outcome.of("stats"))


def baresip_calls_us(tmp_path, peers: Peers, make_kamailio, srtp: str,
                     mediaenc: str | None) -> Outcome:
    """A baresip whose account says ;mediaenc=`mediaenc` calls `softphone listen` on our
    account with `srtp`; we answer and hang up after two seconds of talk."""
    require(baresip_binary)
    provider: Kamailio = make_kamailio({USER: PASSWORD, CALLER: CALLER_PASSWORD})
    caller = peers.start(Baresip(peers.workdir("baresip"), FAR_TONE_HZ, user=CALLER,
                                 register=(provider.port, CALLER, CALLER_PASSWORD),
                                 mediaenc=mediaenc))
    config = write_config(tmp_path / "config.toml", [account(provider, srtp=srtp)])
    heard = tmp_path / "heard.wav"
    run = Softphone(tmp_path, ["listen", "--config", str(config), "--wait", "15",
                               "--duration", "2", "--record", str(heard)], PASSWORD).start()
    try:
        run.wait_for("registration", registered=True)
        caller.dial(f"sip:{USER}@{HOST}:{provider.port}")
        outcome = run.finish(40)
    finally:
        run.stop()
    outcome.heard = heard  # type: ignore[attr-defined]
    return outcome


@pytest.mark.parametrize(("srtp", "mediaenc"), [("mandatory", "srtp-mand"),
                                                ("optional", "srtp"),
                                                ("optional", "srtp-mand")])
def test_an_encrypted_incoming_call_is_answered_encrypted(tmp_path, peers, make_kamailio, srtp,
                                                          mediaenc):
    """The stats name the crypto suite, and the caller's tone comes through decrypted."""
    outcome = baresip_calls_us(tmp_path, peers, make_kamailio, srtp, mediaenc)

    assert outcome.returncode == 0, outcome
    assert "connected" in outcome.states(), outcome
    stats = outcome.of("stats")
    assert stats and all(event["srtp"].startswith("AES_CM_128_HMAC_SHA1_")
                         for event in stats), outcome
    samples, rate = read_wav(outcome.heard)
    assert dominant_frequency(samples, rate) == pytest.approx(FAR_TONE_HZ, abs=10)


def test_a_plain_incoming_call_is_answered_in_the_clear_when_srtp_is_optional(
        tmp_path, peers, make_kamailio):
    outcome = baresip_calls_us(tmp_path, peers, make_kamailio, "optional", None)

    assert outcome.returncode == 0, outcome
    stats = outcome.of("stats")
    assert stats and not any(event["srtp"] for event in stats), outcome
    samples, rate = read_wav(outcome.heard)
    assert dominant_frequency(samples, rate) == pytest.approx(FAR_TONE_HZ, abs=10)


@pytest.mark.parametrize(("srtp", "mediaenc"), [("off", "srtp-mand"), ("mandatory", None),
                                                ("mandatory", "srtp")])
def test_an_incoming_call_we_cannot_agree_with_is_refused_with_a_sentence(
        tmp_path, peers, make_kamailio, srtp, mediaenc):
    """("mandatory", "srtp"): baresip's best-effort SRTP offers its keys over RTP/AVP, and
    pjsua's mandatory mode accepts only an RTP/SAVP offer."""
    outcome = baresip_calls_us(tmp_path, peers, make_kamailio, srtp, mediaenc)

    assert "connected" not in outcome.states(), outcome
    said = [event["message"] for event in outcome.of("problem") + outcome.of("call_state")]
    assert any("encrypt" in sentence for sentence in said), outcome
