"""Call benchmark: our softphone next to baresip, measured in the same run on 127.0.0.1.

    .venv/bin/python -m bench.call_bench [--calls 20] [--seconds 20] [--json]

1. Call setup through Kamailio with digest auth (INVITE, 407, INVITE with credentials, 200,
   ACK), our engine in-process and baresip taking turns call by call, so both meet the same
   machine noise. Timed two ways: each client's own "dial" to "connected" (our engine's
   CallStateChanged event, baresip's ctrl_tcp CALL_ESTABLISHED), and on the wire, the first
   INVITE to the ACK of the 200 OK, which measures both clients exactly alike (needs root).
2. CPU and peak RSS of one G.711 call: our `softphone call` CLI as a user runs it, and baresip,
   each sending a tone in PCMU to a far end that echoes it.
3. The audio frame copy path on its own (see bench/frame_copy.py).

Machines here are noisy, so figures are printed side by side with baresip's and as ratios;
nothing is asserted about them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TextIO

from bench import frame_copy
from bench.peers import CallerBaresip, InstantAnswerUAS
from bench.procstat import ProcSampler, cpu_percent
from bench.wire import CaptureUnavailable, SetupSniffer, WireSetup
from softphone.config import AccountConfig, Config
from softphone.events import CallState, CallStateChanged, Event, RegistrationChanged
from softphone.phone import Phone
from tests.integration.softphone_cli import write_config
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST, PeerTimeout, free_port
from tests.peers.process import PeerError
from tests.peers.tones import write_tone_wav

REPO = Path(__file__).resolve().parents[1]
USERS = {"1001": "secret1001", "1002": "secret1002"}
OUR_USER, THEIR_USER = "1001", "1002"
ACCOUNT = "provider"
ROUTED_PREFIX = "+1202555"
NUMBER = "+12025550143"
TONE_HZ = 1000.0
CALL_TIMEOUT = 10.0
STEADY_AFTER = 2.0  # seconds after connect before "steady state" starts
EXIT_GRACE = 30.0  # how long our CLI may take beyond the call itself
PAUSE_MAX = 0.02  # seconds of random pause before each timed dial
PAUSE_SEED = 1


class BenchError(RuntimeError):
    """A call in the benchmark did not go as it must for the figures to mean anything."""


TimedEvents = queue.SimpleQueue[tuple[float, Event]]


@dataclass(frozen=True)
class Dial:
    """One call as the client's own interface saw it, in time.perf_counter() seconds."""

    start: float  # just before the dial command
    connected: float  # when the client said the call is up


# ---- the run --------------------------------------------------------------------------------


def run(calls: int, seconds: float, workdir: Path) -> dict[str, Any]:
    """Every figure of the report, as one JSON-ready dict."""
    notes: list[str] = []
    copying = frame_copy.measure()  # first, while no engine or peer competes for the CPU
    far_end_port = free_port()
    routes = {ROUTED_PREFIX: (HOST, far_end_port)}
    with Kamailio(workdir / "kamailio", USERS, routes) as provider:
        account = our_account(provider)
        setup = measure_setup(workdir, provider, account, calls, far_end_port, notes)
        cpu = measure_cpu(workdir, provider, account, seconds, far_end_port)
    return {"calls": calls, "seconds": seconds, "setup": setup, "cpu": cpu,
            "frame_copy": copying, "notes": notes}


def our_account(provider: Kamailio) -> AccountConfig:
    """User 1001 at the provider, PCMU only so that our side and baresip's do the same work."""
    return AccountConfig(name=ACCOUNT, username=OUR_USER, domain=f"{HOST}:{provider.port}",
                         default_country="US", codecs=("PCMU",))


def baresip_target(provider: Kamailio) -> str:
    return f"sip:{NUMBER}@{HOST}:{provider.port}"


def compare(ours: Mapping[str, float], theirs: Mapping[str, float]) -> dict[str, Any]:
    ratio = {key: ours[key] / theirs[key] for key in ours if theirs.get(key)}
    return {"ours": dict(ours), "baresip": dict(theirs), "ratio": ratio}


def ms(start: float, end: float) -> float:
    return (end - start) * 1000


def summary(prefix: str, values: list[float]) -> dict[str, float]:
    """Median and 90th percentile; one value is both."""
    if len(values) == 1:
        return {f"{prefix}_median_ms": values[0], f"{prefix}_p90_ms": values[0]}
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1]
    return {f"{prefix}_median_ms": statistics.median(values), f"{prefix}_p90_ms": p90}


# ---- 1. call setup --------------------------------------------------------------------------


def measure_setup(workdir: Path, provider: Kamailio, account: AccountConfig, calls: int,
                  far_end_port: int, notes: list[str]) -> dict[str, Any]:
    """`calls` timed calls each (after one untimed warm-up call each), taking turns.

    A random pause before each dial keeps dials out of step with the clients' event loops
    (ours polls in 10 ms slices): right after the last call's events a loop is awake, and dialing
    then would hide the wait a person dialling at a random moment meets.
    """
    events: TimedEvents = queue.SimpleQueue()
    register = (provider.port, THEIR_USER, USERS[THEIR_USER])
    with (
        InstantAnswerUAS(workdir / "far-end-setup", 2 * (calls + 1), far_end_port),
        CallerBaresip(workdir / "baresip-setup", tone_hz=None, register=register) as baresip,
        running_phone(Config(accounts=(account,)), events) as phone,
        wire_capture(provider.port, notes) as sniffer,
    ):
        our_port = int(phone.engine.local_address(ACCOUNT).rpartition(":")[2])
        pauses = random.Random(PAUSE_SEED)
        ours, theirs = [], []
        for _ in range(calls + 1):
            time.sleep(pauses.uniform(0, PAUSE_MAX))
            ours.append(time_our_call(phone, events))
            time.sleep(pauses.uniform(0, PAUSE_MAX))
            theirs.append(time_baresip_call(baresip, baresip_target(provider)))
    return compare(setup_figures(ours, sniffer.setups(our_port) if sniffer else None),
                   setup_figures(theirs, sniffer.setups(baresip.port) if sniffer else None))


def setup_figures(dials: list[Dial], wire: list[WireSetup] | None) -> dict[str, float]:
    """Figures over the timed calls, leaving out the first (the warm-up call).

    With the wire timing, the client's own figure splits into dial -> INVITE leaving (command
    latency), INVITE -> ACK (the protocol exchange) and ACK -> event (event delivery).
    """
    figures = summary("api", [ms(dial.start, dial.connected) for dial in dials[1:]])
    if wire is None:
        return figures
    if len(wire) != len(dials):
        raise BenchError(f"the capture saw {len(wire)} call setups, expected {len(dials)}")
    timed = list(zip(dials, wire, strict=True))[1:]
    figures |= summary("wire", [setup.ms for _, setup in timed])
    figures["dial_to_invite_ms"] = statistics.median(
        ms(dial.start, setup.invite_at) for dial, setup in timed)
    figures["ack_to_event_ms"] = statistics.median(
        ms(setup.ack_at, dial.connected) for dial, setup in timed)
    return figures


@contextlib.contextmanager
def running_phone(config: Config, events: TimedEvents) -> Iterator[Phone]:
    """Our engine in this process, registered; events are stamped as the engine emits them."""
    phone = Phone(config, lambda event: events.put((time.perf_counter(), event)),
                  password_lookup=lambda _: USERS[OUR_USER])
    phone.start()
    try:
        phone.enable_account(ACCOUNT)
        wait_registered(events)
        yield phone
    finally:
        phone.shutdown()


@contextlib.contextmanager
def wire_capture(port: int, notes: list[str]) -> Iterator[SetupSniffer | None]:
    """The wire timing when this process may capture on lo; otherwise None and a note."""
    try:
        sniffer = SetupSniffer(port)
    except CaptureUnavailable as error:
        notes.append(f"wire timing skipped: {error}")
        yield None
        return
    with sniffer:
        yield sniffer


def next_event(events: TimedEvents, deadline: float, waiting_for: str) -> tuple[float, Event]:
    try:
        return events.get(timeout=max(deadline - time.monotonic(), 0))
    except queue.Empty:
        raise BenchError(f"timed out waiting for {waiting_for}") from None


def wait_registered(events: TimedEvents) -> None:
    deadline = time.monotonic() + CALL_TIMEOUT
    while True:
        _, event = next_event(events, deadline, "our registration")
        if isinstance(event, RegistrationChanged):
            if not event.registered:
                raise BenchError(f"our registration failed: {event.message}")
            return


def wait_for_call(events: TimedEvents, call_id: int, state: CallState) -> float:
    """When call `call_id` reached `state`; BenchError if it ended first."""
    deadline = time.monotonic() + CALL_TIMEOUT
    while True:
        at, event = next_event(events, deadline, f"call {call_id} to be {state.value}")
        if not isinstance(event, CallStateChanged) or event.call_id != call_id:
            continue
        if event.state is state:
            return at
        if event.state is CallState.ENDED:
            raise BenchError(f"our call ended before it was {state.value}: {event.message}")


def time_our_call(phone: Phone, events: TimedEvents) -> Dial:
    """From just before dial() to the CONNECTED event (the engine got 200 OK and sent ACK)."""
    start = time.perf_counter()
    call_id = phone.dial(NUMBER, ACCOUNT)
    connected = wait_for_call(events, call_id, CallState.CONNECTED)
    phone.hangup(call_id)
    wait_for_call(events, call_id, CallState.ENDED)
    return Dial(start, connected)


def time_baresip_call(baresip: CallerBaresip, target: str) -> Dial:
    """From sending ctrl_tcp `dial` to reading its CALL_ESTABLISHED event."""
    start = time.perf_counter()
    baresip.dial(target)
    baresip.wait_event("CALL_ESTABLISHED", CALL_TIMEOUT)
    connected = time.perf_counter()
    baresip.hangup()
    baresip.wait_event("CALL_CLOSED", CALL_TIMEOUT)
    return Dial(start, connected)


# ---- 2. CPU and memory of one call ----------------------------------------------------------


def measure_cpu(workdir: Path, provider: Kamailio, account: AccountConfig, seconds: float,
                far_end_port: int) -> dict[str, Any]:
    """One call each, one after the other, so they never compete for the CPU."""
    tone = write_tone_wav(workdir / "tone.wav", TONE_HZ, seconds + 5, rate=16000)
    config = write_config(workdir / "config.toml", [account_table(account)])
    register = (provider.port, THEIR_USER, USERS[THEIR_USER])
    with InstantAnswerUAS(workdir / "far-end-cpu", 2, far_end_port):
        ours = our_cli_call(workdir, config, tone, seconds)
        with CallerBaresip(workdir / "baresip-cpu", tone_hz=TONE_HZ, register=register) as phone:
            theirs = baresip_call(phone, baresip_target(provider), seconds)
    return compare(ours, theirs)


def account_table(account: AccountConfig) -> dict[str, Any]:
    """The account as a config.toml table would give it: the fields that are not defaults."""
    return {
        field.name: list(value) if isinstance(value, tuple) else value
        for field in fields(account)
        if (value := getattr(account, field.name)) != field.default
    }


def steady_after(seconds: float) -> float:
    """STEADY_AFTER, or half the call for calls too short to leave a window after it."""
    return min(STEADY_AFTER, seconds / 2)


def cpu_figures(sampler: ProcSampler, connected_at: float, hangup_at: float,
                seconds: float) -> dict[str, float]:
    """CPU and memory as of just before hang-up: whole life, whole call, and steady state."""
    connected = sampler.last_before(connected_at)
    steady = sampler.first_after(connected_at + steady_after(seconds))
    end = sampler.last_before(hangup_at)
    return {
        "cpu_total_s": end.cpu_seconds,
        "cpu_call_pct": cpu_percent(connected, end),
        "cpu_steady_pct": cpu_percent(steady, end),
        "peak_rss_mb": end.peak_rss_kb / 1024,
    }


def our_cli_call(workdir: Path, config: Path, tone: Path, seconds: float) -> dict[str, float]:
    """`softphone call` as a script runs it: its own process, password from the environment."""
    command = [sys.executable, "-m", "softphone", "call", NUMBER, "--config", str(config),
               "--duration", f"{seconds:g}", "--play", str(tone), "--json"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOFTPHONE_PASSWORD": USERS[OUR_USER]}
    process = subprocess.Popen(command, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    events: list[tuple[float, dict[str, Any]]] = []
    reader = threading.Thread(target=read_events, args=(process.stdout, events), daemon=True)
    try:
        with ProcSampler(process.pid) as sampler:
            reader.start()
            process.wait(seconds + EXIT_GRACE)
    except subprocess.TimeoutExpired:
        raise BenchError(f"softphone call did not end within {seconds + EXIT_GRACE:g} s") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(5)
    check_our_call(process, events)
    return cpu_figures(sampler, state_time(events, "connected"), state_time(events, "ended"),
                       seconds)


def read_events(stream: TextIO, events: list[tuple[float, dict[str, Any]]]) -> None:
    """The CLI's JSON event lines, each stamped when it arrived."""
    for line in stream:
        if line.startswith("{"):
            events.append((time.perf_counter(), json.loads(line)))


def state_time(events: list[tuple[float, dict[str, Any]]], state: str) -> float:
    return next(at for at, event in events
                if event["event"] == "call_state" and event["state"] == state)


def check_our_call(process: subprocess.Popen[str], events: list[tuple[float, dict[str, Any]]]
                   ) -> None:
    """The figures mean something only for a call that connected and ran in PCMU."""
    stderr = process.stderr.read() if process.stderr else ""
    states = [event["state"] for _, event in events if event["event"] == "call_state"]
    codecs = [event["codec"] for _, event in events if event["event"] == "stats"]
    if process.returncode != 0 or "connected" not in states or "ended" not in states:
        raise BenchError(f"softphone call failed (exit {process.returncode}, states {states}):"
                         f"\n{stderr}")
    if codecs and codecs[-1] != "PCMU":
        raise BenchError(f"softphone call used {codecs[-1]}, not PCMU")


def baresip_call(baresip: CallerBaresip, target: str, seconds: float) -> dict[str, float]:
    """Dial, talk for `seconds`, hang up; figures as of just before the hang-up command."""
    with ProcSampler(baresip.pid) as sampler:
        baresip.dial(target)
        baresip.wait_event("CALL_ESTABLISHED", CALL_TIMEOUT)
        connected_at = time.perf_counter()
        time.sleep(seconds)
        hangup_at = time.perf_counter()
        baresip.hangup()
        baresip.wait_event("CALL_CLOSED", CALL_TIMEOUT)
    return cpu_figures(sampler, connected_at, hangup_at, seconds)


# ---- the report -----------------------------------------------------------------------------

SETUP_ROWS = (
    ("dial -> connected event, median ms", "api_median_ms"),
    ("dial -> connected event, p90 ms", "api_p90_ms"),
    ("wire: 1st INVITE -> ACK out, median ms", "wire_median_ms"),
    ("wire: 1st INVITE -> ACK out, p90 ms", "wire_p90_ms"),
    ("dial -> 1st INVITE out, median ms", "dial_to_invite_ms"),
    ("ACK out -> connected event, median ms", "ack_to_event_ms"),
)
CPU_ROWS = (
    ("CPU s, process start -> hang-up", "cpu_total_s"),
    ("CPU % of a core, connect -> hang-up", "cpu_call_pct"),
    ("CPU % of a core, steady state", "cpu_steady_pct"),
    ("peak RSS (VmHWM) MB", "peak_rss_mb"),
)
COPY_ROWS = (
    ("vector -> Python (call audio in)", "read_direct_us", "read_swig_us", "read_speedup"),
    ("Python -> vector (our audio out)", "write_direct_us", "write_swig_us", "write_speedup"),
)


def number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Left-aligned labels, right-aligned figures."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return ["  " + "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                             for i, cell in enumerate(row)) for row in (header, *rows)]


def comparison(section: dict[str, Any], rows: tuple[tuple[str, str], ...]) -> list[str]:
    """ours | baresip | ratio for the rows measured (the wire rows need root)."""
    present = [(label, key) for label, key in rows if key in section["ours"]]
    return table(("", "ours", "baresip", "ours/baresip"), [
        (label, number(section["ours"][key]), number(section["baresip"][key]),
         number(section["ratio"][key]) if key in section["ratio"] else "n/a")
        for label, key in present
    ])


def render(result: dict[str, Any]) -> str:
    copying = result["frame_copy"]
    lines = [
        f"Call setup through Kamailio with digest auth ({result['calls']} calls each, "
        "taking turns, after one warm-up call each)",
        *comparison(result["setup"], SETUP_ROWS),
        "  dial -> connected = dial -> INVITE out + wire INVITE -> ACK + ACK out -> event",
        "  design target: under 100 ms on loopback",
        "",
        f"One {result['seconds']:g} s PCMU call, tone out, far end echoes it back "
        f"(steady state: from {steady_after(result['seconds']):g} s after connect)",
        *comparison(result["cpu"], CPU_ROWS),
        "  design aim: CPU within 1.5x of baresip",
        "",
        "Frame copy, one 640-byte frame (us per frame)",
        *table(("", "direct", "SWIG", "SWIG/direct"), [
            (label, *(number(copying[key]) for key in keys)) for label, *keys in COPY_ROWS
        ]),
        f"  whole DevicePort callbacks: onFrameRequested {number(copying['port_requested_us'])}"
        f" us, onFrameReceived {number(copying['port_received_us'])} us",
    ]
    lines += [f"Note: {note}" for note in result["notes"]]
    return "\n".join(lines)


# ---- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.call_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20,
                        help="timed call setups per client (default 20)")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="length of the CPU benchmark's call (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument("--workdir", type=Path,
                        help="keep peers' logs and configs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    if not 1 <= args.calls <= 1000:
        parser.error("--calls must be between 1 and 1000")
    if not 1 <= args.seconds <= 3600:
        parser.error("--seconds must be between 1 and 3600")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="call-bench-")))
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            result = run(args.calls, args.seconds, workdir)
        except (BenchError, PeerError, PeerTimeout) as error:
            print(f"call_bench: {error}", file=sys.stderr)
            return 1
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
