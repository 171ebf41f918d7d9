"""`softphone call` through a real provider (Kamailio with digest auth) to real far ends (SIPp).

Every test asserts what a person at the phone would notice: it connects, they hear the other
side (checked by the frequency of a test tone), and every failure reads as the right message.
"""

from __future__ import annotations

import time

import pytest

from tests.integration.lines import NUMBER, PASSWORD, TONE_HZ, USER, account
from tests.integration.softphone_cli import run_softphone, write_config
from tests.peers.ports import HOST, free_port
from tests.peers.tones import dominant_frequency, read_wav

pytestmark = pytest.mark.integration

@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_call_connects_and_audio_flows_both_ways(line, tone, tmp_path, transport):
    """SIPp echoes our RTP: hearing our own tone back proves audio went out and came in."""
    phone = line("answer_echo", transport)
    heard = tmp_path / "heard.wav"
    outcome = phone.call("--play", str(tone), "--record", str(heard)).finish()

    assert outcome.returncode == 0, outcome
    registration = outcome.of("registration")[0]
    assert (registration["registered"], registration["code"]) == (True, 200), outcome
    assert outcome.states()[-2:] == ["connected", "ended"], outcome
    assert outcome.ended()["message"] == "You hung up."
    stats = outcome.of("stats")[-1]
    assert stats["rx_packets"] > 100 and stats["tx_packets"] > 100, stats
    assert stats["mos"] > 4.0, stats
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)
    assert phone.far_end.wait(10) == 0, phone.far_end.log_tail()


def test_wrong_password_fails_once_with_a_clear_message(line):
    phone = line("answer_echo")
    outcome = phone.call(password="not-the-password").finish()

    assert outcome.returncode == 1, outcome
    assert "Wrong username or password" in outcome.stderr
    assert [e["code"] for e in outcome.of("registration")] == [403], outcome
    assert outcome.of("call_state") == [], "nothing is dialled when registration fails"


@pytest.mark.parametrize(
    ("scenario", "code", "words"),
    [
        ("busy", 486, "busy"),
        ("not_found", 404, "does not exist"),
        ("unavailable", 503, "unavailable right now"),
    ],
)
def test_failure_codes_reach_the_user_as_messages(line, scenario, code, words):
    phone = line(scenario)
    outcome = phone.call().finish()

    assert outcome.returncode == 1, outcome
    ended = outcome.ended()
    assert ended["code"] == code, outcome
    assert words in ended["message"]
    assert words in outcome.stderr


def test_provider_that_is_down_for_maintenance_says_so(tmp_path, sipp_uas):
    """A trunk used without registration whose own server answers 503."""
    provider = sipp_uas("unavailable")
    config = write_config(tmp_path / "config.toml", [{
        "name": "trunk", "username": USER, "domain": f"{HOST}:{provider.port}",
        "register": False, "default_country": "US",
    }])
    outcome = run_softphone(tmp_path, ["call", NUMBER, "--config", str(config)])

    assert outcome.returncode == 1, outcome
    assert outcome.ended()["code"] == 503
    assert "unavailable right now" in outcome.stderr


def test_ctrl_c_while_ringing_cancels_the_call(line):
    phone = line("ring_no_answer")
    run = phone.call()
    run.wait_for_state("ringing")
    run.interrupt()
    outcome = run.finish()

    assert outcome.ended()["code"] == 487, outcome
    assert outcome.ended()["message"] == "You cancelled the call."
    assert phone.far_end.wait(10) == 0, phone.far_end.log_tail()


def test_ctrl_c_in_a_call_sends_bye_and_exits_cleanly(line):
    phone = line("answer_echo")
    run = phone.call()
    run.wait_for_state("connected")
    run.interrupt()
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert outcome.ended()["message"] == "You hung up."
    assert phone.far_end.wait(10) == 0, "the far end saw our BYE\n" + phone.far_end.log_tail()


def test_early_media_is_heard_before_answer(line, tmp_path):
    phone = line("early_media")
    heard = tmp_path / "heard.wav"
    outcome = phone.call("--duration", "1", "--record", str(heard)).finish()

    assert outcome.returncode == 0, outcome
    states = outcome.states()
    assert states.index("early_media") < states.index("connected"), states
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)


def test_far_end_that_vanishes_is_ended_by_rtp_timeout(line):
    phone = line("answer_then_vanish")
    outcome = phone.call("--rtp-timeout", "3").finish(timeout=40)

    assert outcome.returncode == 1, outcome
    ended = outcome.ended()
    assert ended["code"] == 408
    assert "no audio from the other side" in ended["message"]


def test_target_that_cannot_be_dialled_is_refused_before_any_sip(line):
    phone = line("answer_echo")
    outcome = phone.call(target="+1 555").finish()

    assert outcome.returncode == 2, outcome
    assert "too short" in outcome.stderr
    assert outcome.events == []
    assert phone.far_end.messages() == ""


def test_provider_unreachable_gives_a_message_within_ten_seconds(tmp_path):
    config = write_config(tmp_path / "config.toml", [{
        "name": "provider", "username": USER, "domain": f"{HOST}:{free_port()}",
        "default_country": "US",
    }])
    started = time.monotonic()
    outcome = run_softphone(tmp_path, ["call", NUMBER, "--config", str(config)], PASSWORD)
    elapsed = time.monotonic() - started

    assert outcome.returncode == 1, outcome
    assert "not answering" in outcome.stderr
    assert elapsed < 15, f"the user waited {elapsed:.1f} s"  # 8 s watchdog + start-up


def test_baresip_far_end_hears_us_and_we_hear_it(tmp_path, tone, baresip, make_kamailio):
    """A real softphone answers: its 440 Hz reaches our recording, our 1000 Hz reaches its."""
    number = "+12025550199"  # baresip answers only calls to its own user
    far_end = baresip(tone_hz=440.0, user=number)
    provider = make_kamailio({USER: PASSWORD}, {number: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [account(provider)])
    heard = tmp_path / "heard.wav"
    outcome = run_softphone(tmp_path, ["call", "202 555 0199", "--config", str(config),
                                       "--play", str(tone), "--record", str(heard)], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert outcome.of("stats")[-1]["codec"] == "G722"
    assert outcome.of("stray_output") == [], "--json output holds only events (pjlib's banner)"
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(440, abs=10)
    far_end.wait_event("CALL_CLOSED")
    received, rate = read_wav(far_end.received_wavs()[-1])
    assert dominant_frequency(received, rate) == pytest.approx(TONE_HZ, abs=10)


def test_echo_test_line_returns_what_we_say(tmp_path, tone):
    heard = tmp_path / "heard.wav"
    outcome = run_softphone(tmp_path, ["call", "echo", "--play", str(tone),
                                       "--record", str(heard)])

    assert outcome.returncode == 0, outcome
    assert outcome.of("stats")[-1]["codec"] == "G722"
    assert outcome.of("stray_output") == [], "--json output holds only events (pjlib's banner)"
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)


def test_outbound_proxy_carries_registration_and_calls(tmp_path, line, tone):
    """The account's domain is a name that resolves nowhere; everything goes via the proxy."""
    phone = line("answer_echo")
    config = write_config(tmp_path / "proxied.toml", [{
        **account(phone.provider), "domain": "provider.test",
        "proxy": f"sip:{HOST}:{phone.provider.port}",
    }])
    heard = tmp_path / "heard.wav"
    outcome = run_softphone(tmp_path, ["call", NUMBER, "--config", str(config), "--play",
                                       str(tone), "--record", str(heard)], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert outcome.of("registration")[0]["registered"] is True
    samples, rate = read_wav(heard)
    assert dominant_frequency(samples, rate) == pytest.approx(TONE_HZ, abs=10)


def test_caller_id_reaches_the_far_end(tmp_path, line):
    phone = line("answer_echo", caller_id="+15550001001")
    outcome = phone.call("--duration", "0.5").finish()

    assert outcome.returncode == 0, outcome
    invite = phone.far_end.messages().split("INVITE sip:")[1].split("\n\n")[0]
    assert 'From: "Ada" <sip:1001@' in invite, invite
    assert "P-Preferred-Identity: <sip:+15550001001@" in invite, invite


@pytest.mark.parametrize(("codecs", "expected"), [(["PCMA", "G722"], "PCMA"),
                                                  (["G722", "PCMU"], "G722")])
def test_each_account_calls_with_its_own_codec_order(tmp_path, baresip, make_kamailio, codecs,
                                                     expected):
    number = "+12025550199"
    far_end = baresip(tone_hz=440.0, user=number)
    provider = make_kamailio({USER: PASSWORD}, {number: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [
        account(provider, name="first", codecs=["PCMU"]),
        account(provider, name="second", codecs=codecs),
    ])
    outcome = run_softphone(tmp_path, ["call", "202 555 0199", "--config", str(config),
                                       "--account", "second", "--duration", "1"], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert outcome.of("stats")[-1]["codec"] == expected


def test_no_secret_reaches_the_logs(line, tmp_path):
    """The engine log of a call with digest auth (REGISTER and INVITE both challenged) holds
    neither the password nor any digest response or Authorization header."""
    phone = line("answer_echo")
    outcome = phone.call("--duration", "1").finish()

    assert outcome.returncode == 0, outcome
    produced = [path for path in tmp_path.glob("softphone-*.log")]
    assert produced, "the test produced an engine log"
    for path in produced:
        text = path.read_text(errors="replace")
        for secret in (PASSWORD, "Authorization:", "Proxy-Authorization:", "response="):
            assert secret not in text, f"{secret!r} in {path}"
    assert PASSWORD not in outcome.stderr + str(outcome.events)
