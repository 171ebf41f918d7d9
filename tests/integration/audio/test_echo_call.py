"""A whole call through the real microphone/speaker pipeline on a JACK device, to a real
softphone (baresip) that talks: with our speaker looped into our microphone, what comes back to
baresip is its own voice as echo, unless our echo canceller removes it. And a sound server that
dies mid-call does not end the call."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from softphone.media.wav import load_wav
from tests.integration.audio.jack import JackServer
from tests.integration.lines import PASSWORD, account
from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.tones import read_wav, rms_dbfs

pytestmark = pytest.mark.integration

USERS = {"1001": PASSWORD, "1002": "secret1002"}
SENTENCES = (
    "Thank you for calling. Your call is important to us. Please hold the line while we "
    "connect you to the next available agent. The weather today is sunny with a light breeze."
)
CALL_SECONDS = 12
CONVERGED_AFTER_S = 5


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About a minute of espeak-ng speech at 16 kHz mono: what baresip says into the call."""
    workdir = tmp_path_factory.mktemp("speech")
    raw = workdir / "raw.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(raw), SENTENCES], check=True)
    pcm = load_wav(raw)
    looped = np.tile(pcm, int(np.ceil(60 * 16000 / pcm.size)))
    path = workdir / "speech.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(looped.tobytes())
    return path


def echo_returned_db(tmp_path: Path, jack: JackServer, baresip, make_kamailio, speech: Path,
                     processing: bool) -> float:
    """How loud baresip hears itself come back, after the canceller had time to converge."""
    tmp_path.mkdir()
    provider = make_kamailio(USERS)
    far_end = baresip(source=speech, register=(provider.port, "1002", USERS["1002"]))
    switches = dict.fromkeys(("echo_cancellation", "noise_suppression", "auto_gain"),
                             processing)
    config = write_config(tmp_path / "config.toml", [account(provider)], audio=switches)
    run = Softphone(tmp_path, ["call", "1002", "--config", str(config),
                               "--duration", str(CALL_SECONDS)], PASSWORD).start()
    run.wait_for_state("connected")
    jack.loop_back()
    outcome = run.finish(60)
    assert outcome.returncode == 0, outcome
    far_end.wait_event("CALL_CLOSED")
    heard, rate = read_wav(far_end.received_wavs()[-1])
    steady = heard[CONVERGED_AFTER_S * rate:(CALL_SECONDS - 1) * rate]
    # The typical second, not the mean: one scheduling hiccup on a loaded machine (a resync the
    # canceller must re-learn from) would otherwise decide the figure.
    seconds = steady[: steady.size // rate * rate].reshape(-1, rate)
    return float(np.median([rms_dbfs(second) for second in seconds]))


def test_echo_canceller_returns_30_db_less_echo_to_the_far_end(tmp_path, jack, baresip,
                                                               make_kamailio, speech):
    raw = echo_returned_db(tmp_path / "off", jack, baresip, make_kamailio, speech, False)
    cancelled = echo_returned_db(tmp_path / "on", jack, baresip, make_kamailio, speech, True)

    assert raw > -35, f"the loop really returns baresip's voice ({raw:.1f} dBFS)"
    assert raw - cancelled >= 30, f"echo {raw:.1f} dBFS raw, {cancelled:.1f} dBFS cancelled"


def test_sound_server_dying_mid_call_does_not_end_the_call(tmp_path, jack, baresip,
                                                           make_kamailio, speech):
    provider = make_kamailio(USERS)
    baresip(source=speech, register=(provider.port, "1002", USERS["1002"]))
    config = write_config(tmp_path / "config.toml", [account(provider)])
    run = Softphone(tmp_path, ["call", "1002", "--config", str(config), "--duration", "6"],
                    PASSWORD).start()
    run.wait_for_state("connected")
    jack.kill()
    outcome = run.finish(60)

    assert outcome.returncode == 0, outcome
    assert outcome.ended()["message"] == "You hung up.", "the call ran its full length"
    assert outcome.of("problem"), "the user is told the device went away"
