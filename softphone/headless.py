"""`softphone call`: one call from the command line, for scripts, tests and a first check.

Registers (if the account says so), dials, plays and records WAVs, hangs up after --duration
seconds of talk or when the far end does, and reports every event as a line of text or JSON.
The exit status says whether the call was answered and ended normally.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import os
import queue
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from softphone.audio import DeviceChoice, list_devices
from softphone.config import AccountConfig, Config
from softphone.echo_line import ECHO_TARGET
from softphone.events import (
    AudioLevels,
    CallFlagsChanged,
    CallState,
    CallStateChanged,
    CallStats,
    Direction,
    DtmfReceived,
    EngineProblem,
    Event,
    IncomingCall,
    RegistrationChanged,
    TransferProgress,
    TransferRequested,
)
from softphone.media.wav import WavRecorder, WavSource
from softphone.phone import Phone

REGISTRATION_TIMEOUT = 10.0
# --dtmf waits this long after the answer: the far end (an IVR, a gateway still finishing its
# side of the call set-up) must be listening, or the first key is lost.
DTMF_AFTER_SECONDS = 1.0
EVENT_NAMES = {
    RegistrationChanged: "registration",
    CallStateChanged: "call_state",
    CallStats: "stats",
    IncomingCall: "incoming_call",
    CallFlagsChanged: "call_flags",
    DtmfReceived: "dtmf",
    TransferProgress: "transfer",
    TransferRequested: "transfer_request",
    AudioLevels: "levels",
    EngineProblem: "problem",
}

EXIT_OK = 0
EXIT_CALL_FAILED = 1
EXIT_BAD_INPUT = 2


class CallFailed(Exception):
    """The call could not be made or did not end normally; the message is for the user."""


@dataclass
class CallOptions:
    """What to do: dial `target`, or with no target wait up to `wait` seconds for a call and
    answer it (or decline it with `reject_code`)."""

    target: str | None
    account: str | None = None
    wait: float | None = None
    reject_code: int | None = None
    input_device: DeviceChoice = None
    output_device: DeviceChoice = None
    dtmf: str | None = None
    hold_after: float | None = None
    resume_after: float | None = None
    simulate_loss: int = 0
    history: bool = False
    duration: float | None = None
    play: Path | None = None
    record: Path | None = None
    json: bool = False
    log_file: Path | None = None
    rtp_timeout: float | None = None


def event_record(event: Event) -> dict[str, Any]:
    """An event as a JSON-ready dict: {"event": name, ...fields} with enums as their values."""
    fields = {
        key: value.value if isinstance(value, enum.Enum) else value
        for key, value in dataclasses.asdict(event).items()
    }
    return {"event": EVENT_NAMES[type(event)], **fields}


def describe(event: Event) -> str | None:
    """One line for a person, or None for events only programs care about (stats)."""
    if isinstance(event, RegistrationChanged | CallStateChanged | EngineProblem
                  | TransferProgress):
        return event.message
    if isinstance(event, CallFlagsChanged):
        held = "on hold" if event.on_hold else "held by the other side" if event.remote_hold \
            else "active"
        extras = [word for word, on in (("muted", event.muted), ("recording", event.recording),
                                        ("in conference", event.conference)) if on]
        return f"Call {held}" + (f" ({', '.join(extras)})" if extras else "")
    if isinstance(event, DtmfReceived):
        return f"The other side pressed {event.digit}"
    if isinstance(event, TransferRequested):
        verb = "Calling" if event.accepted else "Declined: the other side asked you to call"
        return f"{verb} {event.target}"
    if isinstance(event, IncomingCall):
        return f"Incoming call from {event.remote_name or event.remote_number or event.remote_uri}"
    return None


class Reporter:
    """Prints events for a person (one short line each) or for a program (JSON lines)."""

    def __init__(self, as_json: bool, out: TextIO = sys.stdout) -> None:
        self.as_json = as_json
        self.out = out

    def event(self, event: Event) -> None:
        if self.as_json:
            self._print(json.dumps(event_record(event)))
            return
        line = describe(event)
        if line:
            self._print(line)

    def note(self, text: str) -> None:
        """A line for a person only; JSON output stays pure events."""
        if not self.as_json:
            self._print(text)

    def _print(self, line: str) -> None:
        """A reader that went away (`softphone call ... | head`) must not stop the call from
        being hung up properly: output just stops."""
        try:
            print(line, file=self.out, flush=True)
        except BrokenPipeError:
            was_stdout = self.out is sys.stdout
            self.out = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the reporter)
            if was_stdout:  # or Python's own flush at exit reports the broken pipe again
                os.dup2(self.out.fileno(), sys.stdout.fileno())

    def final_stats(self, stats: CallStats | None) -> None:
        """The call's last figures, for a person (JSON output already had every stats event)."""
        if stats is None or self.as_json:
            return
        rtt = f"{stats.rtt_ms:.0f} ms" if stats.rtt_ms is not None else "n/a"
        privacy = f"encrypted ({stats.srtp})" if stats.srtp else "not encrypted"
        self._print(f"Quality: MOS {stats.mos:.2f} ({stats.codec}), loss in/out "
                    f"{stats.rx_loss_pct:.1f}%/{stats.tx_loss_pct:.1f}%, jitter "
                    f"{stats.jitter_ms:.1f} ms, RTT {rtt}; audio {privacy}")


class CallRun:
    """One call from start to end, driven by engine events on the calling thread."""

    def __init__(self, config: Config, options: CallOptions) -> None:
        self.options = options
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.reporter = Reporter(options.json)
        self.phone = Phone(config, self.events.put, log_file=options.log_file,
                           rtp_timeout=options.rtp_timeout,
                           simulate_loss=options.simulate_loss,
                           record_history=options.history)
        self.call_id: int | None = None
        self.connected_at: float | None = None
        self.ended: CallStateChanged | None = None
        self.stats: CallStats | None = None
        self.source: WavSource | None = None
        self.recorder: WavRecorder | None = None
        self.dialled = ""
        self.dtmf_sent = False
        self.held = False
        self.resumed = False

    def run(self) -> int:
        """Returns the exit status; raises CallFailed, DialError, ConfigError, CredentialError."""
        account = self._check_input()
        try:
            self._open_audio()
            self.phone.start()
            self._attach_audio()
            if self.options.target is None:
                self._take_incoming(account)
            elif account is None:
                self.call_id = self.phone.dial_echo_test()
            else:
                self.reporter.note(f"Calling {self.dialled} through '{account.name}'")
                self._enable(account.name, account.register)
                self.call_id = self.phone.dial(self.options.target, account.name)
            self._wait_for_end()
        finally:
            self._close()
        self.reporter.final_stats(self.stats)
        return self._outcome()

    def _open_audio(self) -> None:
        if self.options.play:
            self.source = WavSource(self.options.play)
        if self.options.record:
            self.recorder = WavRecorder(self.options.record,
                                        lambda text: self.events.put(EngineProblem(text)))

    def _attach_audio(self) -> None:
        """WAV files when asked for, else the microphone and speaker; a machine with no sound
        device at all (a server, CI) still makes the call, silently, and says so."""
        if self.source or self.recorder:
            self.phone.attach_audio(self.source, self.recorder)
            return
        chosen = (self.options.input_device, self.options.output_device)
        audio = self.phone.config.audio
        if chosen == (None, None) and not (audio.input_device or audio.output_device) and (
                not list_devices()):
            self.events.put(EngineProblem(
                "No microphone or speaker was found: the call goes ahead without sound."))
            return
        self.phone.use_devices(*chosen)

    def _check_input(self) -> AccountConfig | None:
        """Refuse a bad account, target or WAV before anything starts; None means the echo
        line, which needs no account."""
        target = self.options.target
        if target is not None and target.strip().lower() == ECHO_TARGET:
            return None
        account = self.phone.config.account(self.options.account)
        if target is not None:
            self.dialled = self.phone.resolve(target, account).display
        return account

    def _enable(self, account: str, register: bool) -> None:
        self.phone.enable_account(account)
        if register:
            self._wait_for_registration(account)

    def _take_incoming(self, account: AccountConfig) -> None:
        """Wait for a call, riding out provider outages (the engine retries with backoff) but
        not failures only the user can fix. With Do Not Disturb on, the engine turns the
        call away (busy) before it rings; that call is the one this run waited for."""
        self.phone.enable_account(account.name)
        if self.phone.do_not_disturb:
            self.reporter.note("Do Not Disturb is on: callers hear busy and are listed as "
                               "missed.")
        deadline = time.monotonic() + (self.options.wait or float("inf"))
        while time.monotonic() < deadline:
            event = self._next_event(min(deadline - time.monotonic(), 0.5))
            if isinstance(event, RegistrationChanged) and event.account == account.name and (
                    not event.registered and event.retry_in is None):
                raise CallFailed(f"Registration failed: {event.message}")
            if isinstance(event, IncomingCall) and event.account == account.name:
                self.call_id = event.call_id
                if self.options.reject_code:
                    self.phone.reject(event.call_id, self.options.reject_code)
                else:
                    self.phone.answer(event.call_id)
                return
            if isinstance(event, CallStateChanged) and event.account == account.name and (
                    event.state is CallState.ENDED and self.phone.do_not_disturb):
                self.call_id, self.ended = event.call_id, event
                return
        raise CallFailed("No call came in.")

    def _wait_for_registration(self, account: str) -> None:
        deadline = time.monotonic() + REGISTRATION_TIMEOUT
        while time.monotonic() < deadline:
            event = self._next_event(deadline - time.monotonic())
            if isinstance(event, RegistrationChanged) and event.account == account:
                if event.registered:
                    return
                raise CallFailed(f"Registration failed: {event.message}")
        raise CallFailed("Registration failed: the provider is not answering.")

    def _wait_for_end(self) -> None:
        interrupted_at: float | None = None
        while self.ended is None:
            try:
                self._next_event(0.1)
                self._act_on_schedule()
            except KeyboardInterrupt:
                if interrupted_at is not None and time.monotonic() - interrupted_at > 5:
                    raise
                interrupted_at = time.monotonic()
                self._hang_up()

    def _next_event(self, timeout: float) -> Event | None:
        try:
            event = self.events.get(timeout=max(timeout, 0))
        except queue.Empty:
            return None
        self._track(event)
        if not (isinstance(event, CallStats) and not self.options.json):
            self.reporter.event(event)
        return event

    def _track(self, event: Event) -> None:
        if isinstance(event, CallStats) and event.call_id == self.call_id:
            self.stats = event
        if not isinstance(event, CallStateChanged) or event.call_id != self.call_id:
            return
        if event.state is CallState.CONNECTED:
            self.connected_at = time.monotonic()
        elif event.state is CallState.ENDED:
            self.ended = event

    def _act_on_schedule(self) -> None:
        """Keypad digits once connected, hold and resume when asked, hang up when done."""
        if self.connected_at is None or self.ended is not None:
            return
        talked = time.monotonic() - self.connected_at
        if self.options.dtmf and not self.dtmf_sent and talked >= DTMF_AFTER_SECONDS:
            self.dtmf_sent = True
            self.phone.send_dtmf(self.call_id, self.options.dtmf)
        if self.options.hold_after is not None and not self.held and (
                talked >= self.options.hold_after):
            self.held = True
            self.phone.hold(self.call_id)
        if self.options.resume_after is not None and self.held and not self.resumed and (
                talked >= self.options.resume_after):
            self.resumed = True
            self.phone.resume(self.call_id)
        self._hang_up_when_done(talked)

    def _hang_up_when_done(self, talked: float) -> None:
        if self.options.duration is not None:
            done = talked >= self.options.duration
        else:
            done = self.source is not None and self.source.finished and talked > 0.5
        if done:
            self._hang_up()

    def _hang_up(self) -> None:
        if self.call_id is not None and self.ended is None:
            with contextlib.suppress(Exception):
                self.phone.hangup(self.call_id)

    def _close(self) -> None:
        self.phone.shutdown()
        while not self.events.empty():
            self._next_event(0)
        if self.recorder:
            self.recorder.close()

    def _outcome(self) -> int:
        """Answered and ended by a hang-up (not a failure or lost audio), or it's a failure."""
        if self.ended is None:
            raise CallFailed("The call did not end cleanly.")
        declining = self.options.reject_code or self.phone.do_not_disturb
        if declining and self.ended.direction is Direction.INCOMING:
            return EXIT_OK
        if self.connected_at is None or self.ended.code >= 300:
            raise CallFailed(self.ended.message)
        return EXIT_OK
