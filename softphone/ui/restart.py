"""Starting the app again, for the settings the engine is built with (ports, STUN and TURN,
calls at once): pjsua2 allows one endpoint per process and a second one aborts it, so the
whole app starts anew. It quits as it always does (calls hung up, accounts unregistered, the
link socket closed), and only then starts its successor with the same arguments, so the new
app finds the ports and the socket free instead of handing over to the old one."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HANG_UP_FIRST = "Hang up first: restarting Softphone would end the call."


class Restart:
    """`pending` once saved settings wait for a restart; `now()` asks for it."""

    def __init__(self, in_a_call: Callable[[], bool], quit_app: Callable[[], None]) -> None:
        self._in_a_call = in_a_call
        self._quit = quit_app
        self.pending = False
        self.requested = False

    def now(self) -> str | None:
        """Quit to start again; None when that is under way, else why not (a call is up)."""
        if self._in_a_call():
            return HANG_UP_FIRST
        self.requested = True
        self._quit()
        return None


def relaunch_command(config: Path | None) -> list[str]:
    """The command that started this app, without the link it may have been given (it was
    dealt with): the frozen build's executable, or this Python running the package."""
    command = [sys.executable] if getattr(sys, "frozen", False) else [
        sys.executable, "-m", "softphone"]
    return command + (["--config", str(config)] if config is not None else [])


def relaunch(config: Path | None) -> None:
    """Start the successor, detached: it outlives this process, which is about to exit."""
    subprocess.Popen(relaunch_command(config), stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
