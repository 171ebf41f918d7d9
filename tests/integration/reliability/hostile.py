"""Our phone on a known SIP port under fire: the fuzzer's and SIPp's hostile messages go to
it, and between batches a legitimate call through the provider must still be answered.
Shared by test_hostile_sip.py and bench/faults_report.py.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from tests.integration.conftest import Peers
from tests.integration.lines import PASSWORD, account
from tests.integration.softphone_cli import Outcome, Softphone, write_config
from tests.peers import fuzz
from tests.peers.kamailio import Kamailio
from tests.peers.ports import free_port
from tests.peers.sipp import SippUAC

# One account a transport, both on the phone's one SIP port number, so the fuzzer can reach
# the phone over UDP and over TCP; the provider relays legitimate calls over the same.
USERS = {"udp": "1001", "tcp": "1002"}
LEGIT_CALLER = "sipp"  # the answering phone answers this caller and declines everyone else
SCANNER = "scanner"
FLOOD_CALLS = 500
FLOOD_RATE = 100  # calls a second: the 500 take 5 s
SHUTDOWN_SECONDS = 15.0


@dataclass(frozen=True)
class Footprint:
    """What the phone's process holds: resident memory, open descriptors, threads."""

    rss_kb: int
    fds: int
    threads: int

    @classmethod
    def of(cls, pid: int) -> Footprint:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:"))
        return cls(rss, len(os.listdir(f"/proc/{pid}/fd")), len(os.listdir(f"/proc/{pid}/task")))


class PhoneUnderFire:
    """The answering phone, registered at a Kamailio as 1001 (UDP) and 1002 (TCP)."""

    def __init__(self, peers: Peers, workdir: Path) -> None:
        self.peers = peers
        self.provider = peers.start(Kamailio(peers.workdir("kamailio"),
                                             dict.fromkeys(USERS.values(), PASSWORD)))
        self.sip_port = free_port()
        accounts = [account(self.provider, name=f"provider-{transport}", username=user,
                            transport=transport, display_name="")
                    for transport, user in USERS.items()]
        config = write_config(workdir / "config.toml", accounts, {"sip_port": self.sip_port})
        self.run = Softphone(workdir, [str(config), "--answer", LEGIT_CALLER], PASSWORD,
                             module="tests.integration.reliability.answering_phone").start()
        for name in ("provider-udp", "provider-tcp"):
            self.run.wait_for("registration", account=name, registered=True)

    @property
    def pid(self) -> int:
        assert self.run.process is not None
        return self.run.process.pid

    def alive(self) -> bool:
        return self.run.process is not None and self.run.process.poll() is None

    def footprint(self) -> Footprint:
        return Footprint.of(self.pid)

    def target(self, transport: str) -> fuzz.Target:
        return fuzz.Target(self.sip_port, USERS[transport])

    def fuzz(self, category: str, transport: str) -> fuzz.Report:
        target = self.target(transport)
        return fuzz.send(fuzz.cases(category, target, transport), target, transport)

    def caller(self, transport: str = "udp", **kwargs: object) -> SippUAC:
        """A call to us through the provider, started (wait() for its end)."""
        return self.peers.start(SippUAC(self.peers.workdir("sipp-uac_call"), "uac_call",
                                        self.provider.port, USERS[transport], **kwargs))

    def legit_call_codes(self, transport: str = "udp") -> list[int]:
        """The final codes a legitimate caller got: [200, 200] is answered, then hung up."""
        caller = self.caller(transport)
        caller.wait(30)
        return [code for code in caller.received_codes() if code >= 200]

    def flood(self) -> SippUAC:
        """FLOOD_CALLS INVITEs at FLOOD_RATE a second from a stranger, straight at our port."""
        return self.peers.start(SippUAC(
            self.peers.workdir("sipp-flood"), "uac_call", self.sip_port, USERS["udp"],
            auth=(SCANNER, ""), calls=FLOOD_CALLS, rate=FLOOD_RATE))

    def bad_reinvite(self) -> SippUAC:
        return self.peers.start(SippUAC(self.peers.workdir("sipp-uac_bad_reinvite"),
                                        "uac_bad_reinvite", self.sip_port, USERS["udp"]))

    def close(self) -> Outcome:
        """SIGTERM, as a desktop session ending would: the phone must shut down cleanly."""
        if self.alive():
            assert self.run.process is not None
            self.run.process.send_signal(signal.SIGTERM)
        try:
            return self.run.finish(SHUTDOWN_SECONDS)
        finally:
            self.run.stop()
