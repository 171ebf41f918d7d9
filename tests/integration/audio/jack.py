"""A JACK server with the dummy driver: a real PortAudio device (real-time callbacks every
10 ms) on a machine with no sound card, and JACK's tools to wire it.

Each server gets a unique name; clients find it through JACK_DEFAULT_SERVER, which the
`jack` fixture sets in our environment so that the pipeline's PortAudio process (a child)
inherits it. PortAudio names its JACK client "PortAudio" (then "PortAudio-01"... while an
earlier one is still there) with ports in_0 and out_0.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

RATE = 48_000
PERIOD = 480  # frames: 10 ms callbacks
START_TIMEOUT = 10.0


class JackError(Exception):
    pass


def jackd_binary() -> str:
    found = shutil.which("jackd")
    if found is None:
        raise JackError("jackd is not installed (Debian: apt-get install jackd2)")
    return found


class JackServer:
    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._helpers: list[subprocess.Popen[bytes]] = []

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "JACK_DEFAULT_SERVER": self.name, "JACK_NO_AUDIO_RESERVATION": "1"}

    def start(self) -> None:
        _clear_stale_state()
        with self.log.open("ab") as log:
            command = [jackd_binary(), "-n", self.name,
                       "-d", "dummy", "-r", str(RATE), "-p", str(PERIOD)]
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                             env=self.env)
        if not self._wait_until_running():
            self.stop()
            raise JackError(f"jackd did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def _wait_until_running(self) -> bool:
        """`jack_wait -w` checks once a second; asking every 50 ms saves most of that."""
        deadline = time.monotonic() + START_TIMEOUT
        while self._process is not None and self._process.poll() is None:
            check = subprocess.run(["jack_wait", "-c"], capture_output=True, env=self.env,
                                   check=False)
            if b"running" in check.stdout and b"not running" not in check.stdout:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return False

    def hold(self, seconds: float) -> None:
        """The sound server misses its deadlines for a while (SIGSTOP), as a loaded machine
        makes PulseAudio, PipeWire or a device driver do."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)
        time.sleep(seconds)
        self._process.send_signal(signal.SIGCONT)

    def kill(self, how: signal.Signals = signal.SIGKILL) -> None:
        """The sound server vanishes, as a device does when it is unplugged."""
        assert self._process is not None
        self._process.send_signal(how)
        self._process.wait(10)
        self._process = None
        self._remove_leftovers()

    def stop(self) -> None:
        for helper in self._helpers:
            helper.terminate()
            helper.wait(5)
        self._helpers.clear()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
            self._process = None
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """A killed jackd leaves its shared memory and semaphores behind, named after it."""
        for path in glob.glob(f"/dev/shm/jack*_{self.name}_*"):
            with contextlib.suppress(OSError):
                os.unlink(path)
        _clear_stale_state()


    # Wiring --------------------------------------------------------------------------------

    def ports(self) -> list[str]:
        listing = subprocess.run(["jack_lsp"], capture_output=True, text=True, env=self.env,
                                 check=True)
        return listing.stdout.split()

    def portaudio_client(self, timeout: float = 5.0) -> str:
        """The newest PortAudio client's name, once its ports are there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            clients = sorted({p.split(":")[0] for p in self.ports()
                              if re.match(r"PortAudio(-\d+)?:out_0$", p)})
            if clients:
                return clients[-1]
            time.sleep(0.05)
        raise JackError(f"no PortAudio client on {self.name}: {self.ports()}")

    def connect(self, source: str, destination: str) -> None:
        subprocess.run(["jack_connect", source, destination], env=self.env, check=True,
                       capture_output=True)

    def loop_back(self) -> None:
        """Speaker to microphone, as an echo path: bit-exact, with a constant delay."""
        client = self.portaudio_client()
        self.connect(f"{client}:out_0", f"{client}:in_0")

    def start_helper(self, *command: str) -> subprocess.Popen[bytes]:
        """A JACK client of ours (jack_metro, jack_rec), stopped with the server."""
        helper = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        self._helpers.append(helper)
        return helper


def _clear_stale_state() -> None:
    """A jackd killed mid-write (the device-loss tests SIGKILL it) can leave JACK's per-user
    metadata database and shm registry locked, and then no server starts ("Failed to open
    server"). With no jackd running, none of that state belongs to anyone: remove it."""
    if any(_command_name(comm) == "jackd" for comm in glob.glob("/proc/[0-9]*/comm")):
        return
    uid = os.getuid()
    for path in (*glob.glob(f"/dev/shm/jack-{uid}-*"), "/dev/shm/jack-shm-registry"):
        with contextlib.suppress(OSError):
            os.unlink(path)
    shutil.rmtree(f"/dev/shm/jack_db-{uid}", ignore_errors=True)


def _command_name(comm: str) -> str:
    try:
        return Path(comm).read_text().strip()
    except OSError:  # the process ended while we looked
        return ""
