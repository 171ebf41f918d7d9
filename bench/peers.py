"""The benchmark's peers: the shared test peers with the few settings a benchmark needs.

tests/peers is shared with the integration tests and is not changed from here; these subclasses
add what only the benchmark wants (a far end for many calls in a row, a baresip that offers PCMU
only and records nothing, and the process ids to read CPU figures from).
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

from tests.peers.baresip import Baresip, CtrlTcp
from tests.peers.sipp import SippUAS

SCENARIO = Path(__file__).with_name("sipp") / "answer_at_once.xml"
SNDFILE_LINE = re.compile(r"^module\s+sndfile\.so\n", re.MULTILINE)


class InstantAnswerUAS(SippUAS):
    """A SIPp far end that answers `calls` calls one after another, each at once, echoing RTP.

    Built on the `answer_echo` far end (so it gets `-rtp_echo` and SIPp's usual files), with
    the bench scenario swapped in and `-m` raised from one call to `calls`.
    """

    def __init__(self, workdir: Path, calls: int, port: int) -> None:
        super().__init__(workdir, "answer_echo", port)
        self.source_scenario = SCENARIO
        self.scenario_path = self.workdir / SCENARIO.name
        self.calls = calls

    def command(self) -> list[str]:
        command = super().command()
        command[command.index("-m") + 1] = str(self.calls)
        return command


class QuickAckCtrlTcp(CtrlTcp):
    """A ctrl_tcp client that acknowledges every message at once.

    baresip leaves Nagle on for its ctrl_tcp socket, so once it has sent one message (an event
    such as CALL_LOCAL_SDP), the next ones (the dial reply, CALL_ESTABLISHED) wait until we ACK
    the first; Linux delays that ACK by 40 ms. Every call would seem 40 ms slower than it is.
    Quick-ACK mode does not stick, so it is asked for again around every read.
    """

    def _read(self, timeout: float) -> None:
        self._quick_ack()
        super()._read(timeout)
        self._quick_ack()

    def _quick_ack(self) -> None:
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


class CallerBaresip(Baresip):
    """baresip as the caller we compare with: it does the same work our softphone does.

    It offers PCMU only (`audio_codecs` in its account), like our account's `codecs`, and the
    sndfile module is left out, since writing both directions to WAV files is work our side
    does not do in the benchmark. Its control connection ACKs at once (QuickAckCtrlTcp).
    """

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("baresip is not running")
        return self._process.pid

    def ready(self) -> bool:
        """As Baresip.ready, with our quick-ACK control connection in place of the plain one."""
        if self.ctrl is None:
            try:
                self.ctrl = QuickAckCtrlTcp(self.ctrl_port)
            except OSError:
                return False
        return super().ready()

    def account(self) -> str:
        return super().account() + ";audio_codecs=PCMU/8000"

    def write_config(self) -> None:
        super().write_config()
        config = self.config_dir / "config"
        config.write_text(SNDFILE_LINE.sub("", config.read_text()))
