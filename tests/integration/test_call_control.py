"""In-call control against real far ends: hold and resume (SDP and audio), keypad digits both
ways with baresip, and live quality that moves the right way when packets are lost."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.integration.lines import PASSWORD, account
from tests.integration.softphone_cli import Softphone, run_script, run_softphone, write_config
from tests.peers.ports import HOST
from tests.peers.tones import read_wav, write_tone_wav

pytestmark = pytest.mark.integration


def loud_windows(path, window_s: float = 0.1) -> np.ndarray:
    """True for each window of the recording with the tone in it (above -30 dBFS)."""
    samples, rate = read_wav(path)
    size = int(rate * window_s)
    windows = samples[: samples.size // size * size].reshape(-1, size)
    return 20 * np.log10(np.sqrt(np.mean(windows**2, axis=1)) + 1e-9) > -30


def longest_run(flags: np.ndarray, value: bool) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag == value else 0
        best = max(best, run)
    return best


def test_hold_and_resume_change_the_sdp_and_stop_then_restart_audio(line, tmp_path):
    """SIPp echoes our tone: while held (a=sendonly) we hear nothing back, then it returns."""
    phone = line("answer_echo")
    tone = write_tone_wav(tmp_path / "long.wav", 1000.0, 8.0)
    heard = tmp_path / "heard.wav"
    outcome = phone.call("--play", str(tone), "--record", str(heard), "--hold-after", "2",
                         "--resume-after", "4.5", "--duration", "6.5").finish()

    assert outcome.returncode == 0, outcome
    assert [f["on_hold"] for f in outcome.of("call_flags")] == [True, False], outcome
    reinvites = phone.far_end.messages().split("INVITE sip:")[2:]
    assert "a=sendonly" in reinvites[0] and "a=sendrecv" in reinvites[-1], reinvites
    loud = loud_windows(heard)
    first_sound = int(np.argmax(loud))
    after_answer = loud[first_sound:]
    assert longest_run(after_answer, False) >= 20, "about 2.5 s of silence while on hold"
    silent_from = first_sound + next(i for i in range(len(after_answer)) if not after_answer[i])
    assert loud[silent_from:].any(), "the tone came back after resume"


def test_a_hold_longer_than_the_rtp_timeout_keeps_the_call(tmp_path, baresip, make_kamailio):
    """baresip sends nothing while we hold it: that silence is the hold, not a far end gone,
    so the call outlives the RTP timeout and its audio comes back on resume."""
    number = "+12025550199"
    far_end = baresip(tone_hz=440.0, user=number)
    provider = make_kamailio({"1001": PASSWORD}, {number: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [account(provider)])
    heard = tmp_path / "heard.wav"
    outcome = run_softphone(tmp_path, [
        "call", "202 555 0199", "--config", str(config), "--record", str(heard),
        "--rtp-timeout", "5", "--hold-after", "1", "--resume-after", "9", "--duration", "11",
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert outcome.ended()["message"] == "You hung up.", outcome
    assert [f["on_hold"] for f in outcome.of("call_flags")] == [True, False], outcome
    received = [event["rx_packets"] for event in outcome.of("stats")]  # one every 2 s
    held_at, flat = max(((count, len(list(run))) for count, run in itertools.groupby(received)),
                        key=lambda longest: longest[1])
    assert flat >= 4, f"nothing came for over 6 s while held: {received}"
    assert received[-1] > held_at, f"audio came back after resume: {received}"
    assert loud_windows(heard)[-10:].any(), "the far end's tone is heard again"


@pytest.mark.parametrize("method", ["rfc4733", "info"])
def test_keypad_digits_reach_a_real_softphone(tmp_path, baresip, make_kamailio, method):
    number = "+12025550199"
    far_end = baresip(tone_hz=440.0, user=number)
    provider = make_kamailio({"1001": PASSWORD}, {number: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [account(provider, dtmf_method=method)])
    outcome = run_softphone(tmp_path, ["call", "202 555 0199", "--config", str(config),
                                       "--dtmf", "159#", "--duration", "2"], PASSWORD)

    assert outcome.returncode == 0, outcome
    pressed = [far_end.wait_event("CALL_DTMF_START")["param"] for _ in range(4)]
    assert pressed == ["1", "5", "9", "#"]


def test_keypad_digits_from_a_real_softphone_reach_us(tmp_path, baresip, make_kamailio):
    number = "+12025550199"
    far_end = baresip(tone_hz=440.0, user=number)
    provider = make_kamailio({"1001": PASSWORD}, {number: (HOST, far_end.port)})
    config = write_config(tmp_path / "config.toml", [account(provider)])
    run = Softphone(tmp_path, ["call", "202 555 0199", "--config", str(config),
                               "--duration", "4"], PASSWORD).start()
    run.wait_for_state("connected")
    far_end.wait_event("CALL_ESTABLISHED")
    for key in "42*":
        far_end.control().command("sndcode", key)
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert [e["digit"] for e in outcome.of("dtmf")] == ["4", "2", "*"], outcome


def test_quality_drops_with_packet_loss_as_the_e_model_says(line, tone):
    clean = line("answer_echo").call("--play", str(tone)).finish()
    lossy = line("answer_echo").call("--play", str(tone), "--simulate-loss", "10").finish()

    assert clean.returncode == 0 and lossy.returncode == 0, (clean, lossy)
    good, bad = clean.of("stats")[-1], lossy.of("stats")[-1]
    assert good["mos"] > 4.2, good
    assert bad["rx_loss_pct"] > 5, bad
    assert bad["mos"] < good["mos"] - 0.5, (good, bad)
    # G.107 by hand for the measured figures: Ie,eff = 95 * Ppl / (Ppl + 25.1) for G.711/G.722
    loss = max(bad["rx_loss_pct"], bad["tx_loss_pct"])
    delay = (bad["rtt_ms"] or 0) / 2 + bad["jitter_buffer_ms"] + 20
    expected_r = 93.2 - 0.024 * delay - 95 * loss / (loss + 25.1)
    assert bad["r_factor"] == pytest.approx(expected_r, abs=0.2)
    assert len(clean.of("stats")) >= 2, "quality is reported during the call, not only at the end"


def test_keypad_digits_on_the_far_ends_own_payload_type_are_understood(line):
    """A gateway that answers and sends telephone-events on PT 101 whatever we offered."""
    phone = line("answer_dtmf_101")
    outcome = phone.call("--duration", "4").finish()

    assert outcome.returncode == 0, outcome
    assert [e["digit"] for e in outcome.of("dtmf")] == ["1", "2", "#"], outcome


def test_mute_sends_silence_and_keeps_the_call(line, tmp_path):
    """SIPp echoes what we send: muted, it echoes silence; the stream itself keeps flowing."""
    phone = line("answer_echo")
    tone = write_tone_wav(tmp_path / "long.wav", 1000.0, 8.0)
    heard = tmp_path / "heard.wav"
    outcome = run_script(tmp_path, phone.config, [
        {"play": str(tone), "record": str(heard)},
        {"dial": "(202) 555-0143", "as": "a"}, {"wait": "connected", "call": "a"},
        {"sleep": 1.5}, {"mute": "a"}, {"sleep": 2.5}, {"unmute": "a"}, {"sleep": 1.5},
        {"hangup": "a"}, {"wait": "ended", "call": "a"},
    ], PASSWORD)

    assert outcome.returncode == 0, outcome
    assert [f["muted"] for f in outcome.of("call_flags")] == [True, False], outcome
    loud = loud_windows(heard)
    start = int(np.argmax(loud))
    assert longest_run(loud[start:], False) >= 20, "about 2.5 s of silence while muted"
    assert loud[-15:].any(), "our voice returns after unmuting"
    stats = outcome.of("stats")[-1]
    assert stats["tx_packets"] > 250, "RTP kept flowing while muted"
