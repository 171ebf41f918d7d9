"""Echo benchmark: our voice processor against the candidates we measured, on speech made here.

The far end is espeak-ng speech (about 20 s of varied sentences); it reaches the microphone
through a synthetic room (50 ms delay, 200 ms exponentially decaying tail, -10 dB) with a little
white noise, and for several seconds a second voice talks at the same time (double talk), as
loud as the echo. Everything is made from fixed texts and seeds, so runs repeat exactly.

For each pipeline it prints:
- ERLE: echo reduction (mic power over output power) on the stretches where only echo is there;
  overall, and after the first 2 s (the product promises 40 dB after convergence);
- converged: the time after which the 0.5 s ERLE never falls below 20 dB again (promise: 2 s);
- DT SDR: in double talk, the output against what the same pipeline makes of the same scene
  without the echo, scale-invariant: what the echo and its removal did to the talker, and not
  what a high-pass filter, an AGC or a delay did to them (promise: 10 dB);
- latency: delay added to the near end (peak of the cross-correlation);
- CPU: median CPU time of the calling thread per 10 ms block (all candidates work in it).

    python -m bench.echo_bench [--json]

Needs Debian espeak-ng; the candidates need `livekit`, `webrtc-noise-gain` (PyPI) and Debian
libspeexdsp1, and are skipped, with the reason, when missing.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soxr

from softphone.audio.aec_canceller import EchoCanceller
from softphone.audio.aec_spectra import BLOCK
from softphone.audio.processing import SAMPLE_RATE, ProcessingSettings, VoiceProcessor

FAR_TEXTS = (
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please call me back when you have a minute to talk about the budget.",
    "Seven hundred and forty two people came to the meeting on Thursday.",
    "It is raining in the mountains, so bring a warm coat and good boots.",
    "Could you repeat the last number? The line was breaking up a little.",
)
NEAR_TEXTS = (
    "Sorry to interrupt, but I think we already agreed on that plan.",
    "My number is five five five, zero one four three.",
)
FAR_VOICE = "en-us"
NEAR_VOICE = "en-gb+f3"  # a different speaker: British English, female variant
PAUSE_S = 0.3
FAR_DBFS = -20.0
ECHO_DB = -10.0  # echo relative to the far end
NOISE_DBFS = -60.0
ROOM_DELAY_S = 0.05
ROOM_TAIL_S = 0.2  # decays by 60 dB over the tail
DOUBLE_TALK_AT_S = 11.0
SEED = 20240611

CONVERGED_AFTER_S = 2.0
CONVERGED_DB = 20.0
SMOOTHING_BLOCKS = 50  # the 0.5 s ERLE
ECHO_ACTIVE_DB = -15.0  # blocks whose echo is this close to the echo's overall level count
DOUBLE_TALK_MARGIN_S = (0.1, 0.2)  # kept out of the echo-only stretches, before and after
MAX_LATENCY_S = 0.05
WARM_UP_S = 8

Process = Callable[[np.ndarray, np.ndarray], np.ndarray]


# --- The scene -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    far: np.ndarray  # what the speaker plays (the reference)
    echo: np.ndarray  # what of it reaches the mic
    near: np.ndarray  # the near-end talker, clean
    noise: np.ndarray
    double_talk: slice  # samples where the near end talks

    @property
    def mic(self) -> np.ndarray:
        return (self.echo + self.near + self.noise).astype(np.float32)


def make_scene(workdir: Path) -> Scene:
    rng = np.random.default_rng(SEED)
    far = _at_level(_sentences(FAR_TEXTS, FAR_VOICE, workdir), FAR_DBFS)
    echo = np.convolve(far, _room(rng))[:far.size]
    echo *= 10 ** ((_dbfs(far) + ECHO_DB - _dbfs(echo)) / 20)
    talker = _at_level(_sentences(NEAR_TEXTS, NEAR_VOICE, workdir), _dbfs(echo))
    start = int(DOUBLE_TALK_AT_S * SAMPLE_RATE)
    talker = talker[:far.size - start]
    near = np.zeros_like(far)
    near[start:start + talker.size] = talker
    noise = rng.standard_normal(far.size) * 10 ** (NOISE_DBFS / 20)
    usable = far.size // BLOCK * BLOCK
    return Scene(far[:usable].astype(np.float32), echo[:usable], near[:usable], noise[:usable],
                 slice(start, start + talker.size))


def _sentences(texts: tuple[str, ...], voice: str, workdir: Path) -> np.ndarray:
    pause = np.zeros(int(PAUSE_S * SAMPLE_RATE))
    return np.concatenate([part for text in texts
                           for part in (_speak(text, voice, workdir), pause)])


def _speak(text: str, voice: str, workdir: Path) -> np.ndarray:
    path = workdir / "speech.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(path), text], check=True)
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2") / 32768
    return soxr.resample(samples, rate, SAMPLE_RATE)


def _room(rng: np.random.Generator) -> np.ndarray:
    """Delay, then white noise under an exponential envelope: a plain, fully linear room."""
    tail = int(ROOM_TAIL_S * SAMPLE_RATE)
    envelope = np.exp(-np.log(1000) * np.arange(tail) / tail)
    return np.concatenate((np.zeros(int(ROOM_DELAY_S * SAMPLE_RATE)),
                           rng.standard_normal(tail) * envelope))


def _at_level(signal: np.ndarray, dbfs: float) -> np.ndarray:
    return signal * 10 ** ((dbfs - _dbfs(signal)) / 20)


def _dbfs(signal: np.ndarray) -> float:
    return 10 * float(np.log10(np.mean(np.square(signal)) + 1e-20))


# --- Running a pipeline ------------------------------------------------------------------------


def run(process: Process, mic: np.ndarray, far: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """The output, and the CPU time each block took (this thread's, so that other load on the
    machine does not count; every candidate processes in the calling thread)."""
    out = np.zeros(mic.size, np.float32)
    seconds = []
    for at in range(0, mic.size, BLOCK):
        block = slice(at, at + BLOCK)
        started = time.thread_time()
        out[block] = process(mic[block], far[block])
        seconds.append(time.thread_time() - started)
    return out, seconds


# --- What we measure --------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    pipeline: str
    erle_db: float
    erle_after_2s_db: float
    converged_s: float | None  # None: still below the threshold at the end
    double_talk_sdr_db: float
    latency_ms: float
    cpu_us: float


def measure(name: str, make: Callable[[], Process], scene: Scene) -> Result:
    """Runs a fresh pipeline on the scene, and another on the same scene without its echo (the
    reference for double talk and latency)."""
    mic = scene.mic
    out, seconds = run(make(), mic, scene.far)
    alone_in = (scene.near + scene.noise).astype(np.float32)
    alone_out, _ = run(make(), alone_in, scene.far)
    echo_only = _echo_only_blocks(scene)
    after = echo_only & (np.arange(echo_only.size) >= CONVERGED_AFTER_S * SAMPLE_RATE / BLOCK)
    return Result(
        pipeline=name,
        erle_db=_ratio_db(mic, out, echo_only),
        erle_after_2s_db=_ratio_db(mic, out, after),
        converged_s=_converged(mic, out, echo_only),
        double_talk_sdr_db=_sdr_db(out[scene.double_talk], alone_out[scene.double_talk]),
        latency_ms=_lag(alone_in, alone_out) * 1000 / SAMPLE_RATE,
        cpu_us=float(np.median(seconds)) * 1e6,
    )


def warm_up(scene: Scene) -> None:
    """The first seconds of work in a process run markedly slower here (clock ramp-up, cold
    caches), which would be charged to whichever pipeline comes first."""
    seconds = slice(0, WARM_UP_S * SAMPLE_RATE)
    run(ours(ProcessingSettings()), scene.mic[seconds], scene.far[seconds])


def _block_powers(signal: np.ndarray) -> np.ndarray:
    return np.square(signal.astype(np.float64)).reshape(-1, BLOCK).mean(axis=1)


def _echo_only_blocks(scene: Scene) -> np.ndarray:
    """Blocks with real echo in them and no near end (nor just before or after it)."""
    echo = _block_powers(scene.echo)
    active = 10 * np.log10(echo + 1e-20) > _dbfs(scene.echo) + ECHO_ACTIVE_DB
    before, after = (int(margin * SAMPLE_RATE) for margin in DOUBLE_TALK_MARGIN_S)
    first = (scene.double_talk.start - before) // BLOCK
    last = (scene.double_talk.stop + after) // BLOCK
    active[first:last + 1] = False
    return active


def _ratio_db(mic: np.ndarray, out: np.ndarray, blocks: np.ndarray) -> float:
    return 10 * float(np.log10(_block_powers(mic)[blocks].sum()
                               / (_block_powers(out)[blocks].sum() + 1e-20)))


def _converged(mic: np.ndarray, out: np.ndarray, echo_only: np.ndarray) -> float | None:
    """When the smoothed ERLE last rose above the threshold for good."""
    window = np.ones(SMOOTHING_BLOCKS)
    mic_power = np.convolve(_block_powers(mic) * echo_only, window)[:echo_only.size]
    out_power = np.convolve(_block_powers(out) * echo_only, window)[:echo_only.size]
    smoothed = 10 * np.log10(mic_power / (out_power + 1e-20) + 1e-20)
    failing = np.flatnonzero(echo_only & (smoothed < CONVERGED_DB))
    if failing.size == 0:
        return 0.0
    if failing[-1] >= np.flatnonzero(echo_only)[-1]:
        return None
    return float((failing[-1] + 1) * BLOCK / SAMPLE_RATE)


def _sdr_db(output: np.ndarray, reference: np.ndarray) -> float:
    """Scale-invariant SDR of `output` against `reference`."""
    output, reference = output.astype(np.float64), reference.astype(np.float64)
    target = reference * (np.dot(output, reference) / np.dot(reference, reference))
    return 10 * float(np.log10(np.sum(target**2) / np.sum((output - target) ** 2)))


def _lag(signal: np.ndarray, delayed: np.ndarray) -> int:
    """How many samples `delayed` trails `signal` (best cross-correlation, within 50 ms)."""
    size = 2 * signal.size
    correlation = np.fft.irfft(np.conj(np.fft.rfft(signal, size)) * np.fft.rfft(delayed, size))
    reach = int(MAX_LATENCY_S * SAMPLE_RATE)
    around = np.concatenate((correlation[-reach:], correlation[:reach + 1]))
    return int(np.argmax(np.abs(around))) - reach


# --- The pipelines ----------------------------------------------------------------------------


class Unavailable(Exception):
    """A candidate's package or library is not installed."""


def ours(settings: ProcessingSettings) -> Process:
    return VoiceProcessor(settings).process


def ours_linear_only() -> Process:
    """The Kalman filter and delay estimator alone: what the suppressor starts from."""
    canceller = EchoCanceller()
    return lambda mic, far: canceller.process(mic, far)[0]


def livekit_apm(auto_gain: bool) -> Process:
    """WebRTC's AudioProcessingModule (AEC3, NS, high-pass, optionally AGC) via livekit."""
    try:
        from livekit import rtc
    except ImportError as error:
        raise Unavailable("pip install livekit") from error
    apm = rtc.AudioProcessingModule(echo_cancellation=True, noise_suppression=True,
                                    high_pass_filter=True, auto_gain_control=auto_gain)

    def process(mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        apm.process_reverse_stream(rtc.AudioFrame(_pcm(far), SAMPLE_RATE, 1, BLOCK))
        frame = rtc.AudioFrame(_pcm(mic), SAMPLE_RATE, 1, BLOCK)
        apm.process_stream(frame)
        return _float(frame.data)

    return process


def webrtc_noise_gain() -> Process:
    """WebRTC's legacy NS and AGC (no echo canceller): what NS and AGC alone do to echo."""
    try:
        from webrtc_noise_gain import AudioProcessor
    except ImportError as error:
        raise Unavailable("pip install webrtc-noise-gain") from error
    processor = AudioProcessor(3, 2)  # AGC target -3 dBFS, NS level 2
    return lambda mic, far: _float(processor.Process10ms(_pcm(mic)).audio)


SPEEX_TAIL_S = 0.4  # covers the 50 ms delay and 200 ms tail with room to spare
SPEEX_SET_SAMPLING_RATE = 24
SPEEX_PREPROCESS_SET_DENOISE = 0
SPEEX_PREPROCESS_SET_ECHO_STATE = 24


def speex_mdf() -> Process:
    """Speex MDF with its preprocessor's residual echo suppressor (which needs denoise on)."""
    name = ctypes.util.find_library("speexdsp")
    if name is None:
        raise Unavailable("apt-get install libspeexdsp1")
    lib = ctypes.CDLL(name)
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_echo_ctl.argtypes = lib.speex_preprocess_ctl.argtypes = (
        ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    lib.speex_echo_cancellation.argtypes = (ctypes.c_void_p,) * 4
    lib.speex_preprocess_run.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
    echo = lib.speex_echo_state_init(BLOCK, int(SPEEX_TAIL_S * SAMPLE_RATE))
    lib.speex_echo_ctl(echo, SPEEX_SET_SAMPLING_RATE, ctypes.byref(ctypes.c_int(SAMPLE_RATE)))
    pre = lib.speex_preprocess_state_init(BLOCK, SAMPLE_RATE)
    lib.speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_ECHO_STATE, echo)
    lib.speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_DENOISE, ctypes.byref(ctypes.c_int(1)))
    out = np.zeros(BLOCK, np.int16)

    def process(mic: np.ndarray, far: np.ndarray) -> np.ndarray:
        captured, played = _int16(mic), _int16(far)
        lib.speex_echo_cancellation(echo, captured.ctypes.data, played.ctypes.data,
                                    out.ctypes.data)
        lib.speex_preprocess_run(pre, out.ctypes.data)
        return out / np.float32(32768)

    return process


def pipelines() -> dict[str, Callable[[], Process]]:
    return {
        "softphone EC+NS+AGC (chosen)": lambda: ours(ProcessingSettings()),
        "softphone EC+NS": lambda: ours(ProcessingSettings(auto_gain=False)),
        "softphone Kalman filter only": ours_linear_only,
        "livekit WebRTC AEC3+NS+HPF": lambda: livekit_apm(auto_gain=False),
        "livekit WebRTC AEC3+NS+HPF+AGC": lambda: livekit_apm(auto_gain=True),
        "Speex MDF 400 ms + preprocess": speex_mdf,
        "webrtc-noise-gain NS+AGC": webrtc_noise_gain,
        "pass-through": lambda: lambda mic, far: mic,
    }


def _pcm(block: np.ndarray) -> bytes:
    return _int16(block).tobytes()


def _int16(block: np.ndarray) -> np.ndarray:
    return (np.clip(block, -1, 32767 / 32768) * 32768).astype(np.int16)


def _float(pcm: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2") / np.float32(32768)


# --- Report -----------------------------------------------------------------------------------

HEADER = ("pipeline", "ERLE dB", ">2 s dB", "conv. s", "DT SDR dB", "lat. ms", "CPU µs")


def table(results: list[Result], skipped: dict[str, str], scene: Scene) -> str:
    seconds = scene.far.size / SAMPLE_RATE
    talk = scene.double_talk
    lines = [
        f"Echo benchmark: {seconds:.1f} s of espeak-ng speech; room {ROOM_DELAY_S * 1000:.0f} ms "
        f"+ {ROOM_TAIL_S * 1000:.0f} ms tail at {ECHO_DB:.0f} dB; noise {NOISE_DBFS:.0f} dBFS; "
        f"double talk {talk.start / SAMPLE_RATE:.1f} to {talk.stop / SAMPLE_RATE:.1f} s "
        f"(near end as loud as the echo)",
        f"Target: >= 40 dB after convergence, converged within {CONVERGED_AFTER_S:.0f} s "
        f"({CONVERGED_DB:.0f} dB), double-talk SDR >= 10 dB",
        "",
        f"{HEADER[0]:<32}" + "".join(f"{title:>11}" for title in HEADER[1:]),
    ]
    for result in results:
        converged = "never" if result.converged_s is None else f"{result.converged_s:.1f}"
        figures = (f"{result.erle_db:.1f}", f"{result.erle_after_2s_db:.1f}", converged,
                   f"{result.double_talk_sdr_db:.1f}", f"{result.latency_ms:.1f}",
                   f"{result.cpu_us:.0f}")
        lines.append(f"{result.pipeline:<32}" + "".join(f"{figure:>11}" for figure in figures))
    lines += [f"{name:<32} skipped: {reason}" for name, reason in skipped.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("echo_bench needs espeak-ng (Debian package espeak-ng)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as workdir:
        scene = make_scene(Path(workdir))
    warm_up(scene)
    results, skipped = [], {}
    for name, make in pipelines().items():
        try:
            results.append(measure(name, make, scene))
        except Unavailable as missing:
            skipped[name] = str(missing)
    if args.json:
        talk = scene.double_talk
        print(json.dumps({"seconds": scene.far.size / SAMPLE_RATE,
                          "double_talk_s": [talk.start / SAMPLE_RATE, talk.stop / SAMPLE_RATE],
                          "results": [asdict(result) for result in results],
                          "skipped": skipped}, indent=2))
    else:
        print(table(results, skipped, scene))
    return 0


if __name__ == "__main__":
    sys.exit(main())
