"""The built-in echo test line, so a new user hears the whole path before signing up anywhere.

The echo service is a second process (pjsua allows one endpoint per process) listening on
loopback only; it is started when first dialled and stopped with the phone.
"""

from __future__ import annotations

import contextlib
import selectors
import subprocess

from softphone.config import AccountConfig
from softphone.helper_processes import helper_command

ECHO_TARGET = "echo"
ECHO_ACCOUNT = "echo-test"  # the unregistered local account that calls the echo service
READY_PREFIX = "listening "
START_TIMEOUT = 15.0


class EchoLineError(Exception):
    """The echo service did not come up."""


class EchoLine:
    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._address = ""

    @property
    def uri(self) -> str:
        return f"sip:{ECHO_TARGET}@{self._address}"

    def start(self) -> AccountConfig:
        """Start the service if it isn't running; returns the local account that calls it."""
        if self._process is None or self._process.poll() is not None:
            self._address = self._spawn()
        return AccountConfig(name=ECHO_ACCOUNT, username="softphone", domain=self._address,
                             register=False)

    def _spawn(self) -> str:
        self._process = subprocess.Popen(
            helper_command("softphone.echo_service"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            ready = selector.select(START_TIMEOUT)
        line = self._process.stdout.readline() if ready else ""
        if not line.startswith(READY_PREFIX):
            self.stop()
            raise EchoLineError("The echo test line could not be started.")
        return line.removeprefix(READY_PREFIX).strip()

    def stop(self) -> None:
        """Closing its stdin tells the service to hang up and exit; kill it if it lingers."""
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._process = None
