"""`softphone listen`: incoming calls through the provider reach us, ring, and are answered or
declined as asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST, free_port
from tests.peers.tones import dominant_frequency, read_wav, write_tone_wav

pytestmark = pytest.mark.integration

USER, PASSWORD = "1001", "secret1001"
CALLER, CALLER_PASSWORD = "1002", "secret1002"


def listen(tmp_path: Path, provider: Kamailio, *extra: str, transport: str = "udp",
           registered: bool = True, sip_port: int = 0) -> Softphone:
    """Our softphone as 1001, waiting for one call (once registered, unless told not to wait)."""
    config = write_config(tmp_path / "config.toml", [{
        "name": "provider", "username": USER, "domain": f"{HOST}:{provider.port}",
        "transport": transport,
    }], {"sip_port": sip_port})
    run = Softphone(tmp_path, ["listen", "--config", str(config), "--wait", "30", *extra],
                    PASSWORD).start()
    if registered:
        run.wait_for("registration", registered=True)
    return run


def test_incoming_call_rings_and_is_answered(tmp_path, kamailio, sipp_uac):
    run = listen(tmp_path, kamailio)
    caller = sipp_uac("uac_call", kamailio.port, USER)
    assert caller.wait(20) == 0, caller.log_tail()
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert outcome.of("incoming_call")[0]["remote_number"] == "sipp"
    assert outcome.states()[:1] == ["ringing"] and "connected" in outcome.states(), outcome
    assert outcome.ended()["message"] == "The other side hung up."
    codes = [code for code in caller.received_codes() if code >= 180]
    assert codes == [180, 200, 200], "ringing, answer, then our 200 to its BYE"


@pytest.mark.parametrize("code", [486, 603])
def test_incoming_call_is_declined_with_the_chosen_code(tmp_path, kamailio, sipp_uac, code):
    run = listen(tmp_path, kamailio, "--reject", str(code))
    caller = sipp_uac("uac_call", kamailio.port, USER)
    caller.wait(20)
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert code in caller.received_codes(), caller.messages()
    assert outcome.ended()["message"] == "You declined the call."
    assert "connected" not in outcome.states()


def test_call_from_a_real_softphone_is_answered_with_audio_both_ways(tmp_path, kamailio,
                                                                     baresip):
    """baresip, registered as 1002, calls our 1001: we hear its 440 Hz, it hears our 1000 Hz."""
    caller = baresip(tone_hz=440.0, register=(kamailio.port, CALLER, CALLER_PASSWORD),
                     user=CALLER)
    tone = write_tone_wav(tmp_path / "tone.wav", 1000.0, 3.0)
    heard = tmp_path / "heard.wav"
    run = listen(tmp_path, kamailio, "--play", str(tone), "--record", str(heard))
    caller.dial(f"sip:{USER}@{HOST}:{kamailio.port}")
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    incoming = outcome.of("incoming_call")[0]
    assert incoming["remote_number"] == CALLER
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(440, abs=10)
    caller.wait_event("CALL_CLOSED")
    received, rate = read_wav(caller.received_wavs()[-1])
    assert dominant_frequency(received, rate) == pytest.approx(1000, abs=10)


def test_provider_down_at_start_is_retried_until_it_is_back(tmp_path, peers, sipp_uac):
    """Over TCP a dead provider refuses at once; the engine backs off and tries again, and
    once the provider is up the phone registers and takes calls without being restarted."""
    provider = Kamailio(peers.workdir("kamailio"), {USER: PASSWORD})
    run = listen(tmp_path, provider, transport="tcp", registered=False)
    failure = run.wait_for("registration", registered=False)
    assert failure["retry_in"] and 4 <= failure["retry_in"] <= 6, failure
    assert "refused the connection" in failure["message"]
    peers.start(provider)
    run.wait_for("registration", timeout=10, registered=True)
    caller = sipp_uac("uac_call", provider.port, USER)
    caller.wait(20)
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert "connected" in outcome.states()


def test_a_scanner_calling_us_directly_is_refused_and_the_provider_still_gets_through(
        tmp_path, kamailio, sipp_uac):
    """SIP scanners send INVITEs straight to a registered phone ("ghost calls" at night). From
    another host than the provider (127.0.0.2 here) they get 403 and nobody is disturbed."""
    our_port = free_port()
    run = listen(tmp_path, kamailio, sip_port=our_port)
    scanner = sipp_uac("uac_call", our_port, USER, host="127.0.0.2")
    scanner.wait(15)
    caller = sipp_uac("uac_call", kamailio.port, USER)
    caller.wait(20)
    outcome = run.finish()

    assert 403 in scanner.received_codes(), scanner.messages()
    assert any("not your provider" in p["message"] for p in outcome.of("problem")), outcome
    assert len(outcome.of("incoming_call")) == 1, "only the provider's call rang"
    assert outcome.returncode == 0, outcome
