"""Lifecycle shared by every peer: start in the foreground, wait until ready, stop for sure."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.peers.ports import PeerTimeout, wait_until

STOP_TIMEOUT = 5.0


class PeerError(RuntimeError):
    """A peer failed to start or died; the message carries its log tail."""


class PeerProcess:
    """One external program run by a test, with its output in `<workdir>/<name>.log`.

    Each peer runs in its own session, so stopping it also reaches the
    children it forks (Kamailio's workers) without touching anything else.
    Subclasses say how to run it (`command`) and when it is usable (`ready`).
    """

    name = "peer"
    start_timeout = 10.0

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / f"{self.name}.log"
        self._process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        """True once the peer can take traffic; polled after start."""
        raise NotImplementedError

    def start(self) -> Self:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._ready_or_dead, self.start_timeout, f"{self.name} to be ready")
        except PeerTimeout as error:
            self.stop()
            raise PeerError(f"{error}\n{self.log_tail()}") from None
        except BaseException:
            self.stop()
            raise
        return self

    def _ready_or_dead(self) -> bool:
        if not self.running:
            raise PeerError(f"{self.name} exited with {self.returncode}\n{self.log_tail()}")
        return self.ready()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def wait(self, timeout: float) -> int:
        """The exit code once the peer ends by itself; PeerTimeout if it does not."""
        assert self._process is not None, f"{self.name} was never started"
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise PeerTimeout(
                f"{self.name} still running after {timeout:g} s\n{self.log_tail()}"
            ) from None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT, and whatever it forked goes too.

        Safe to repeat. The peer is reaped only after its process group has
        been killed: until then its pid, which is the group's id, cannot be
        reused by a process that is not ours.
        """
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        self._wait_unreaped(process.pid, STOP_TIMEOUT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)

    def kill(self) -> None:
        """SIGKILL the peer and whatever it forked, at once: a crash, not a shutdown.

        Nothing gets to say goodbye (no BYE, no TCP close by the program itself); the kernel
        closes its sockets. start() may be called again afterwards."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)

    @staticmethod
    def _wait_unreaped(pid: int, timeout: float) -> None:
        """Wait up to `timeout` for `pid` to exit, leaving it a zombie (WNOWAIT)."""
        deadline = time.monotonic() + timeout
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() >= deadline:
                return
            time.sleep(0.02)

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` of the peer's output, for assertion messages."""
        if not self.log_path.exists():
            return f"[{self.name}: no log]"
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last {len(text)} lines of {self.log_path} ---\n" + "\n".join(text)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
