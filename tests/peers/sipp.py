"""SIPp as scripted far ends (UAS scenarios) and as a test client (UAC scenarios)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Self

from tests.peers.ports import HOST, free_port, udp_port_bound
from tests.peers.process import PeerError, PeerProcess
from tests.peers.rtp_pcap import write_pcmu_tone_pcap

SCENARIO_DIR = Path(__file__).with_name("sipp")
# early_media.xml plays this file, which SIPp looks for next to the scenario.
TONE_PCAP = "tone_1000hz.pcap"
TONE_HZ = 1000.0
TONE_SECONDS = 3.0
# Only answer_echo sends RTP back; the others must stay silent or play a tone.
ECHOING_SCENARIOS = frozenset({"answer_echo"})
# How SIPp's -trace_msg logs a response it received.
RECEIVED_RESPONSE = re.compile(r"message received \[\d+\] bytes :\s+SIP/2\.0 (\d{3}) ")


def sipp_binary() -> str:
    found = shutil.which("sipp")
    if found is None:
        raise PeerError("sipp is not installed")
    return found


class Sipp(PeerProcess):
    """One SIPp run of `tests/peers/sipp/<scenario>.xml` for `calls` calls (-m, default 1).

    The scenario is copied into `workdir` and run from there, so the files it
    plays sit next to it. Signalling, media and SIPp's control socket bind
    127.0.0.1 only. Every message is traced to `sipp-<scenario>-messages.log`,
    which is how tests learn what the other side answered; unexpected ones
    also go to `sipp-<scenario>-errors.log`. Exit code 0: the scenario ran to
    its end. SIPp's own -timeout only stops new calls, it does not end one in
    progress, so time limits are the caller's `wait(timeout)`.
    """

    def __init__(
        self,
        workdir: Path,
        scenario: str,
        port: int | None = None,
        extra_args: list[str] | None = None,
        calls: int = 1,
        host: str = HOST,
    ) -> None:
        self.name = f"sipp-{scenario}"
        self.calls = calls
        self.host = host  # before the base class names the log after it
        super().__init__(workdir)
        self.source_scenario = SCENARIO_DIR / f"{scenario}.xml"
        if not self.source_scenario.exists():
            raise ValueError(f"no SIPp scenario {self.source_scenario}")
        self.scenario_path = self.workdir / self.source_scenario.name
        self.port = port or free_port()
        self.media_port = free_port(neighbours=(2,))  # SIPp also binds media_port+2
        self.control_port = free_port()
        self.extra_args = list(extra_args or [])
        self.messages_path = self.workdir / f"{self.name}-messages.log"
        self.errors_path = self.workdir / f"{self.name}-errors.log"

    def command(self) -> list[str]:
        return [
            sipp_binary(),
            "-sf", str(self.scenario_path),
            "-i", self.host,
            "-p", str(self.port),
            "-mi", self.host,
            "-mp", str(self.media_port),
            "-ci", self.host,
            "-cp", str(self.control_port),
            "-m", str(self.calls),
            "-nostdin",
            "-trace_msg", "-message_file", str(self.messages_path),
            "-trace_err", "-error_file", str(self.errors_path),
            *self.extra_args,
        ]  # fmt: skip

    def start(self) -> Self:
        shutil.copyfile(self.source_scenario, self.scenario_path)
        return super().start()

    def ready(self) -> bool:
        return udp_port_bound(self.port)

    def messages(self) -> str:
        """Every SIP message SIPp sent or received so far, as SIPp traced them."""
        return self.messages_path.read_text(errors="replace") if self.messages_path.exists() else ""

    def received_codes(self) -> list[int]:
        """Status codes of the responses SIPp received, in order (retransmissions included)."""
        return [int(code) for code in RECEIVED_RESPONSE.findall(self.messages())]

    def log_tail(self, lines: int = 40) -> str:
        tail = super().log_tail(lines)
        if self.errors_path.exists():
            errors = self.errors_path.read_text(errors="replace").splitlines()[-lines:]
            tail += f"\n--- {self.errors_path} ---\n" + "\n".join(errors)
        return tail


class SippUAS(Sipp):
    """A scripted far end waiting for one INVITE on 127.0.0.1:`.port`.

    Scenarios: answer_echo, busy, not_found, unavailable, ring_no_answer,
    early_media, answer_then_vanish (see the comment atop each XML file).
    """

    def __init__(self, workdir: Path, scenario: str, port: int | None = None,
                 calls: int = 1) -> None:
        echo = ["-rtp_echo"] if scenario in ECHOING_SCENARIOS else []
        super().__init__(workdir, scenario, port, echo, calls)

    def start(self) -> Self:
        write_pcmu_tone_pcap(self.workdir / TONE_PCAP, TONE_HZ, TONE_SECONDS)
        return super().start()


class SippUAC(Sipp):
    """A test client sending one request to 127.0.0.1:`target_port`; it starts at once.

    `uac_register` registers `to_user`; `uac_call` calls `to_user`, and with
    `cancel_after_ring=True` hangs up with CANCEL on 180/183; `uac_bad_reinvite`
    calls `to_user` directly and sends it re-INVITEs it must refuse. `auth` is the
    (user, password) for challenges and the caller's From user ("sipp"
    without). `sdp_media_port` is the RTP port its SDP offers: by default
    SIPp's own, or a test's socket to capture what the far end plays.
    `calls` and `rate` (calls a second) make a flood of the same call.
    """

    def __init__(
        self,
        workdir: Path,
        scenario: str,
        target_port: int,
        to_user: str,
        auth: tuple[str, str] | None = None,
        cancel_after_ring: bool = False,
        sdp_media_port: int | None = None,
        host: str = HOST,
        target_host: str = HOST,
        calls: int = 1,
        rate: float | None = None,
    ) -> None:
        super().__init__(workdir, scenario, host=host, calls=calls)
        self.target_host = target_host
        user, password = auth or ("sipp", "")
        self.extra_args = ["-s", to_user, "-au", user, "-ap", password, "-key", "caller", user]
        self.extra_args += ["-key", "sdp_media_port", str(sdp_media_port or self.media_port)]
        if cancel_after_ring:
            self.extra_args += ["-set", "cancel_after_ring", "yes"]
        if rate is not None:
            self.extra_args += ["-r", f"{rate:g}"]
        self.target_port = target_port

    def command(self) -> list[str]:
        return [*super().command(), f"{self.target_host}:{self.target_port}"]

    def ready(self) -> bool:
        return True
