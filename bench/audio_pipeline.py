"""Latency and CPU of the audio pipeline at its defaults, on a JACK dummy device (Linux).

Clicks go out through the speaker, which JACK wires back into the microphone; the time each
takes to come back is the round trip, which the pipeline's own one-way estimates should add up
to. CPU is counted on the engine's side (thread time of each write_frame + read_frame) and in
the PortAudio process (from /proc).

    .venv/bin/python -m bench.audio_pipeline [SECONDS] [--processing]

--processing also runs softphone.audio.processing.VoiceProcessor in the hook.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from softphone.audio import AudioPipeline
from tests.integration.audio.engine import Engine, clicks
from tests.integration.audio.jack import JackServer

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FRAME = 0.020


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = float(arguments[0]) if arguments else 20.0
    with tempfile.TemporaryDirectory() as folder:
        server = JackServer(f"softphone-measure-{os.getpid()}", Path(folder) / "jackd.log")
        os.environ["JACK_DEFAULT_SERVER"] = server.name
        server.start()
        try:
            measure(server, seconds, "--processing" in sys.argv)
        finally:
            server.stop()


def measure(server: JackServer, seconds: float, processing: bool) -> None:
    with AudioPipeline() as pipeline:
        if processing:
            from softphone.audio.processing import VoiceProcessor

            pipeline.set_processor(VoiceProcessor())
        server.loop_back()
        child = _portaudio_process()
        child_before = _cpu_seconds(child)
        with Engine(pipeline, clicks()) as engine:
            time.sleep(seconds)
        child_cpu = _cpu_seconds(child) - child_before
        stats = pipeline.stats()
    cpu = np.array(engine.cpu) * 1e6
    frames = len(cpu)
    print(f"{frames} frames of 20 ms on {stats.microphone}, "
          f"processing {'on' if processing else 'off'}")
    if processing:
        print("round trip:                         not measured (echo cancellation removes "
              "the looped-back clicks, as it should)")
    else:
        delays = engine.click_delays() * 1000
        print(f"round trip, speaker looped to mic:  {delays.mean():.1f} ms "
              f"(spread {delays.max() - delays.min():.1f} ms over {len(delays)} clicks)")
    print(f"one way, pipeline estimate:         mic to engine {stats.mic_latency * 1000:.1f} ms, "
          f"engine to speaker {stats.speaker_latency * 1000:.1f} ms")
    print(f"engine thread per frame:            mean {cpu.mean():.0f} us, "
          f"p99 {np.percentile(cpu, 99):.0f} us, max {cpu.max():.0f} us")
    print(f"PortAudio process per frame:        {child_cpu / frames * 1e6:.0f} us")
    total = cpu.mean() / 1e6 + child_cpu / frames
    print(f"together:                           {total * 1e6:.0f} us per frame, "
          f"{total / FRAME * 100:.2f} % of one core")
    print(f"underruns mic/speaker {stats.mic_underruns}/{stats.speaker_underruns}, "
          f"resyncs {stats.resyncs}, drift mic {stats.mic_drift_ppm:.0f} ppm, "
          f"speaker {stats.speaker_drift_ppm:.0f} ppm")


def _portaudio_process() -> int:
    """Our child running the PortAudio process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == os.getpid() and b"softphone.audio.host_process" in command:
            return int(entry.name)
    raise RuntimeError("the PortAudio process was not found")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


if __name__ == "__main__":
    main()
