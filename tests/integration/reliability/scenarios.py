"""Provider and far-end faults, each a function that runs the real peers and the real
`softphone` process and returns what happened, so the tests assert on it and
bench/faults_report.py prints its figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration.conftest import Peers
from tests.integration.lines import NUMBER, PASSWORD, USER, account
from tests.integration.softphone_cli import Outcome, Softphone, write_config
from tests.peers.baresip import Baresip
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST, PeerTimeout, wait_until
from tests.peers.sipp import SippUAC

# The far end's number in full: baresip answers only calls to its own user.
FAR_NUMBER = "+12025550143"
# The provider asks for a registration refresh this often (its max_expires), so an outage
# during a refresh is seconds away rather than minutes.
SHORT_EXPIRES = 10
# Two of the engine's stats events (every 2 s) make an outage long enough to count packets in.
OUTAGE_STATS_EVENTS = 2
RTP_TIMEOUT = 5  # the least [calls] rtp_timeout allows


def wait_for_next(run: Softphone, kind: str, since: int, timeout: float = 15.0,
                  **fields: Any) -> tuple[int, dict[str, Any]]:
    """The first event of `kind` with these fields at index `since` or later, and its index."""
    def find() -> tuple[int, dict[str, Any]] | None:
        return next(((index, event) for index, event in enumerate(run.events[since:], since)
                     if event["event"] == kind
                     and all(event.get(k) == v for k, v in fields.items())), None)

    try:
        wait_until(lambda: find() is not None, timeout, f"{kind} event with {fields}")
    except PeerTimeout as error:
        raise PeerTimeout(f"{error}\nevents: {run.events}") from None
    return find()


def listening_phone(workdir: Path, provider: Kamailio, transport: str) -> Softphone:
    """`softphone listen` as 1001 at the provider, registered and waiting for one call.

    No display name: SIPp's [next_url] would take one in our Contact for the request URI."""
    config = write_config(workdir / "config.toml",
                          [account(provider, transport=transport, display_name="")])
    run = Softphone(workdir, ["listen", "--config", str(config), "--wait", "120"],
                    PASSWORD).start()
    run.wait_for("registration", registered=True)
    return run


@dataclass
class Recovery:
    """A registration lost to a provider crash and regained once the provider was back."""

    lost: dict[str, Any]  # the registration event that told the user
    seconds: float  # from the provider answering again to our phone registered again
    caller_codes: list[int]  # what a caller through the restarted provider got
    outcome: Outcome


def registration_recovery(peers: Peers, workdir: Path, transport: str) -> Recovery:
    """Registered, the provider is killed (-9): over TCP the connection drops at once, over UDP
    the next refresh goes unanswered. Restarted on the same ports, it must see us register
    again by ourselves and route a call to us."""
    provider = peers.start(Kamailio(peers.workdir("kamailio"), {USER: PASSWORD},
                                    max_expires=SHORT_EXPIRES))
    run = listening_phone(workdir, provider, transport)
    try:
        provider.kill()
        index, lost = wait_for_next(run, "registration", len(run.events), timeout=20,
                                    registered=False)
        provider.start()
        back_at = time.monotonic()
        wait_for_next(run, "registration", index, timeout=30, registered=True)
        seconds = time.monotonic() - back_at
        caller = peers.start(SippUAC(peers.workdir("sipp-uac_call"), "uac_call",
                                     provider.port, USER))
        caller.wait(20)
        return Recovery(lost, seconds, caller.received_codes(), run.finish())
    finally:
        run.stop()


@dataclass
class CallFault:
    """A call to a real softphone far end, through the provider, while something failed."""

    rx_before: int  # RTP packets we had received when the fault began
    rx_during: int  # packets received while it lasted
    outcome: Outcome
    heard: Path


def call_far_end(peers: Peers, workdir: Path, *extra: str) -> tuple[Softphone, Kamailio,
                                                                    Baresip, Path]:
    """Our phone calling a baresip playing 440 Hz through Kamailio; returns once the call has
    audio coming in."""
    far_end = peers.start(Baresip(peers.workdir("baresip"), tone_hz=440.0, user=FAR_NUMBER))
    provider = peers.start(Kamailio(peers.workdir("kamailio"), {USER: PASSWORD},
                                    {FAR_NUMBER: (HOST, far_end.port)}))
    config = write_config(workdir / "config.toml", [account(provider)])
    heard = workdir / "heard.wav"
    run = Softphone(workdir, ["call", NUMBER, "--config", str(config), "--record", str(heard),
                              *extra], PASSWORD).start()
    run.wait_for_state("connected")
    wait_until(lambda: _rx_packets(run) > 0, 10, "RTP from the far end")
    return run, provider, far_end, heard


def _rx_packets(run: Softphone) -> int:
    stats = [event for event in run.events if event["event"] == "stats"]
    return stats[-1]["rx_packets"] if stats else 0


def _wait_for_stats(run: Softphone, count: int) -> None:
    since = len(run.events)
    for _ in range(count):
        since = wait_for_next(run, "stats", since)[0] + 1


def call_through_provider_outage(peers: Peers, workdir: Path) -> CallFault:
    """Media goes end to end: with the provider dead for a while, the far end's audio keeps
    coming, and once the provider is back our hang-up (a BYE routed through it) ends the call
    properly at both ends."""
    run, provider, far_end, heard = call_far_end(peers, workdir, "--duration", "12")
    try:
        rx_before = _rx_packets(run)
        provider.kill()
        _wait_for_stats(run, OUTAGE_STATS_EVENTS)
        rx_during = _rx_packets(run) - rx_before
        provider.start()
        outcome = run.finish(40)
        far_end.wait_event("CALL_CLOSED")
        return CallFault(rx_before, rx_during, outcome, heard)
    finally:
        run.stop()


def far_end_gone_silent(peers: Peers, workdir: Path) -> CallFault:
    """The far end dies mid-call (kill -9, no BYE): after RTP_TIMEOUT seconds without a packet
    the call ends, saying why."""
    run, _, far_end, heard = call_far_end(peers, workdir, "--rtp-timeout", str(RTP_TIMEOUT))
    try:
        rx_before = _rx_packets(run)
        far_end.kill()
        outcome = run.finish(40)
        return CallFault(rx_before, _rx_packets(run) - rx_before, outcome, heard)
    finally:
        run.stop()
