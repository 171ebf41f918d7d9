"""The command layer: the one set of verbs every front end (CLI, window, tray, links) uses.

It turns what a person typed into something the engine can dial, refusing bad input before
any SIP is sent, looks passwords up, and owns the built-in echo test line.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path

from softphone.audio import AudioPipeline, DeviceChoice, InputMeter, Ringer
from softphone.audio.processing import ProcessingSettings, VoiceProcessor
from softphone.audio.tones import CHIME, RINGTONE, ToneSequence
from softphone.config import AccountConfig, Config
from softphone.credentials import CredentialError, get_password, get_turn_password
from softphone.echo_line import ECHO_TARGET, EchoLine
from softphone.engine import Engine, EngineError, Relay
from softphone.events import AudioLevels, EngineProblem, Event
from softphone.history.writer import HistoryWriter
from softphone.media.frames import FrameSink, FrameSource
from softphone.numbers import Target, parse_target
from softphone.stun_check import answer_of

RINGER_TEST_RINGS = 2  # the settings' ringer test: enough to judge it, short enough to wait


class Phone:
    """Accounts, dialling and call control on top of one Engine."""

    def __init__(
        self,
        config: Config,
        on_event: Callable[[Event], None],
        *,
        log_file: Path | None = None,
        rtp_timeout: float | None = None,
        simulate_loss: int = 0,
        record_history: bool = False,
        password_lookup: Callable[[str], str] = get_password,
    ) -> None:
        self.config = config
        codecs = config.accounts[0].codecs if config.accounts else AccountConfig.codecs
        self._on_event = on_event
        self._history: HistoryWriter | None = None
        if record_history:
            country = config.accounts[0].default_country if config.accounts else None
            self._history = HistoryWriter(lambda text: on_event(EngineProblem(text)), country)
        self.engine = Engine(config.network, self._dispatch, codecs=codecs, log_file=log_file,
                             rtp_timeout=rtp_timeout or config.calls.rtp_timeout,
                             max_calls=config.calls.max_calls, simulate_loss=simulate_loss,
                             do_not_disturb=config.calls.do_not_disturb)
        self._password_lookup = password_lookup
        self._echo = EchoLine()
        self._pipeline: AudioPipeline | None = None
        self._ringer = Ringer(lambda message: self._on_event(EngineProblem(message)))
        self._sound_test = Ringer()

    def start(self) -> None:
        self.engine.relay = self._relay()
        self.engine.start()
        if self.config.network.stun_servers:
            threading.Thread(target=self._check_stun_servers, name="stun-check",
                             daemon=True).start()

    def _check_stun_servers(self) -> None:
        """pjsua waits for a STUN server that does not answer at the start of every call, for
        seconds, and never says why: the user is told which one, once, at start."""
        for server in self.config.network.stun_servers:
            answered, said = answer_of(server)
            if not answered:
                self._on_event(EngineProblem(said))

    def _relay(self) -> Relay | None:
        """The configured TURN relay; without its password calls still go, straight, and the
        user is told why and how to fix it."""
        network = self.config.network
        if not network.turn_server:
            return None
        try:
            password = get_turn_password()
        except CredentialError as error:
            self._on_event(EngineProblem(f"{error} Until then calls go without the relay."))
            return None
        return Relay(network.turn_server, network.turn_username, password,
                     network.turn_transport)

    def _dispatch(self, event: Event) -> None:
        """Every engine event goes to the front end, and calls also into the history."""
        if self._history is not None:
            self._history.submit(event)
        self._on_event(event)

    def shutdown(self) -> None:
        self.engine.shutdown()
        self._echo.stop()
        if self._history is not None:
            self._history.close()
        if self._pipeline is not None:
            self._pipeline.close()
            self._pipeline = None
        self._ringer.close()
        self._sound_test.close()

    def use_devices(self, input_device: DeviceChoice = None,
                    output_device: DeviceChoice = None, meter_hz: float = 0) -> AudioPipeline:
        """Microphone and speaker for every call, with the configured voice processing; None
        means the configured device, or the system default. With `meter_hz`, AudioLevels
        events come that often for level meters. Raises AudioDeviceError."""
        audio = self.config.audio
        pipeline = AudioPipeline(
            input_device if input_device is not None else audio.input_device or None,
            output_device if output_device is not None else audio.output_device or None,
            on_problem=lambda message: self._on_event(EngineProblem(message)),
            on_recovered=lambda message: self._on_event(EngineProblem(message)),
        )
        pipeline.set_processor(VoiceProcessor(ProcessingSettings(
            echo_cancellation=audio.echo_cancellation,
            noise_suppression=audio.noise_suppression, auto_gain=audio.auto_gain)))
        pipeline.start()
        if self._pipeline is not None:
            self._pipeline.close()
        self._pipeline = pipeline
        self.attach_audio(pipeline, pipeline)
        if meter_hz:
            threading.Thread(target=self._meter, args=(pipeline, 1 / meter_hz), name="meter",
                             daemon=True).start()
        return pipeline

    def _meter(self, pipeline: AudioPipeline, interval: float) -> None:
        """Levels for the UI's meters while this pipeline is the one in use and a call is
        there to show them (between calls nobody looks, and the GUI thread may sleep)."""
        while self._pipeline is pipeline:
            if self.engine.has_calls:
                self._on_event(AudioLevels(*pipeline.levels()))
            time.sleep(interval)

    def start_ringing(self) -> None:
        """Ring for an incoming call on the ringer device (else the speaker). Returns at once:
        the ringtone starts when its PortAudio process has opened the device, about 0.3 s
        later. A device that cannot be opened is reported as an EngineProblem, and the ring
        moves to the system default."""
        audio = self.config.audio
        self._ringer.start(audio.ringer_device or audio.output_device or None)

    def stop_ringing(self) -> None:
        """Stop the ringtone if it rings; returns at once."""
        self._ringer.stop()

    def test_output(self, device: DeviceChoice, on_problem: Callable[[str], None],
                    on_level: Callable[[float], None] | None = None) -> None:
        """Play a short chime once on `device` ("" or None: the system default), for the
        settings. Returns at once; why it cannot play comes through `on_problem`, and how
        loud the device played it (dBFS, 20 times a second, from another thread) through
        `on_level`."""
        self._test_sound(device, CHIME, CHIME.seconds, on_problem, on_level)

    def test_ringer(self, device: DeviceChoice, on_problem: Callable[[str], None],
                    on_level: Callable[[float], None] | None = None) -> None:
        """Ring twice on `device`, as an incoming call would, for the settings."""
        self._test_sound(device, RINGTONE, RINGER_TEST_RINGS * RINGTONE.seconds, on_problem,
                         on_level)

    def test_stun_server(self, server: str) -> str:
        """Which address `server` ("host[:port]") sees us at, or why it cannot say, in a
        sentence, for the settings. Blocks for up to a few seconds (a server that does not
        answer): call it off the GUI thread."""
        return answer_of(server)[1]

    def stop_sound_test(self) -> None:
        self._sound_test.stop()

    def _test_sound(self, device: DeviceChoice, sound: ToneSequence, seconds: float,
                    on_problem: Callable[[str], None],
                    on_level: Callable[[float], None] | None) -> None:
        """A test sounds on the device tested or not at all: no falling back."""
        self._sound_test.stop()
        self._sound_test = Ringer(on_problem, on_level=on_level)
        self._sound_test.start(device or None, sound, seconds, fall_back=False)

    def meter_input(self, device: DeviceChoice, on_level: Callable[[float], None],
                    on_problem: Callable[[str], None]) -> InputMeter:
        """Measure the microphone `device` ("" or None: the system default) on its own, with
        no call: `on_level(dbfs)` comes from another thread 20 times a second until the
        returned meter's `stop()`. Returns at once."""
        meter = InputMeter(device or None, on_level, on_problem)
        meter.start()
        return meter

    def enable_account(self, name: str | None = None) -> AccountConfig:
        """Register (or just set up) one configured account; raises CredentialError if its
        password is needed and cannot be found."""
        account = self.config.account(name)
        self.engine.add_account(account, self._password_for(account))
        return account

    def apply_config(self, config: Config,
                     renewed: Collection[str] = ()) -> dict[str, Exception | None]:
        """Put a saved config into effect without a restart: accounts removed, changed or
        added are (re-)registered, and so are those in `renewed` (a new password); the RTP
        timeout and Do Not Disturb follow. Returns each account that was set up again, with
        the error that stopped it (None: registering). [network] and max_calls wait for the
        next start: the endpoint is built with them."""
        old = {account.name: account for account in self.config.accounts}
        self.config = config
        self.engine.rtp_timeout = config.calls.rtp_timeout
        if config.calls.do_not_disturb != self.do_not_disturb:
            self.set_do_not_disturb(config.calls.do_not_disturb)
        touched: dict[str, Exception | None] = {}
        for name in old.keys() - {account.name for account in config.accounts}:
            touched[name] = self._attempt(lambda name=name: self.engine.remove_account(name))
        for account in config.accounts:
            if old.get(account.name) != account or account.name in renewed:
                touched[account.name] = self._attempt(
                    lambda account=account: self.try_registration(account))
        return touched

    def try_registration(self, account: AccountConfig, password: str | None = None) -> None:
        """Register `account` now as given (the Settings dialog tests one being edited), with
        `password` or else the stored one; the outcome arrives as RegistrationChanged.
        Raises CredentialError or EngineError."""
        self.engine.add_account(account, password or self._password_for(account), True)  # renew

    def network_changed(self) -> None:
        """Re-register from the new address and move calls to it. The engine notices address
        changes by itself within seconds; this is for a front end that hears of one first."""
        self.engine.handle_ip_change()

    def reset_accounts(self, names: Collection[str]) -> None:
        """After trying unsaved account settings: each named account as the config has it
        again, or gone if the config has none by that name. Errors are left to show as the
        account's state (it is registered again, or not)."""
        configured = {account.name: account for account in self.config.accounts}
        for name in names:
            account = configured.get(name)
            if account is None:
                self._attempt(lambda name=name: self.engine.remove_account(name))
            else:
                self._attempt(lambda account=account: self.try_registration(account))

    @staticmethod
    def _attempt(action: Callable[[], None]) -> Exception | None:
        try:
            action()
        except (CredentialError, EngineError) as error:
            return error
        return None

    def _password_for(self, account: AccountConfig) -> str | None:
        """An unregistered account may be a trunk authorised by address: no password is fine."""
        try:
            return self._password_lookup(account.name)
        except CredentialError:
            if account.register:
                raise
            return None

    def resolve(self, text: str, account: AccountConfig) -> Target:
        """What `text` would dial through `account` (after its dial plan's rewrites), or
        DialError saying why it can't be."""
        for pattern, replacement in account.dial_plan:
            text = re.sub(pattern, replacement, text.strip())
        return parse_target(text, account.default_country)

    def dial(self, text: str, account: str | None = None) -> int:
        """Call what the user typed; "echo" reaches the built-in echo test line."""
        if text.strip().lower() == ECHO_TARGET:
            return self.dial_echo_test()
        chosen = self.config.account(account)
        return self.dial_target(self.resolve(text, chosen), chosen.name)

    def dial_target(self, target: Target, account: str | None = None) -> int:
        """Call a target already resolved (a link the user confirmed): resolving it again from
        its display text would lose a sips: scheme, a port or a transport, and apply the dial
        plan twice."""
        chosen = self.config.account(account)
        return self.engine.dial(chosen.name, target.request_uri(chosen.domain),
                                self._caller_id_headers(chosen))

    def dial_echo_test(self) -> int:
        """Start the local echo service if needed and call it through the real engine."""
        account = self._echo.start()
        self.engine.add_account(account, None)
        return self.engine.dial(account.name, self._echo.uri)

    @staticmethod
    def _caller_id_headers(account: AccountConfig) -> dict[str, str]:
        """RFC 3325: ask the provider to present this number; most trunks honour it."""
        if not account.caller_id:
            return {}
        return {"P-Preferred-Identity": f"<sip:{account.caller_id}@{account.domain}>"}

    def answer(self, call_id: int) -> None:
        self.engine.answer(call_id)

    def answer_holding_others(self, call_id: int) -> None:
        self.engine.answer_holding_others(call_id)

    def reject(self, call_id: int, code: int = 486) -> None:
        self.engine.reject(call_id, code)

    @property
    def do_not_disturb(self) -> bool:
        return self.engine.do_not_disturb

    def set_do_not_disturb(self, on: bool) -> None:
        """Callers hear busy and nothing rings; their calls are listed as missed."""
        self.engine.set_do_not_disturb(on)

    def hangup(self, call_id: int) -> None:
        self.engine.hangup(call_id)

    def hold(self, call_id: int) -> None:
        self.engine.hold(call_id)

    def resume(self, call_id: int) -> None:
        self.engine.resume(call_id)

    def set_mute(self, call_id: int, muted: bool) -> None:
        self.engine.set_mute(call_id, muted)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Keypad presses, sent the way the call's account says its provider expects them."""
        self.engine.send_dtmf(call_id, digits)

    def transfer(self, call_id: int, text: str) -> None:
        """Blind transfer to what the user typed, read like any number dialled on that call's
        account."""
        account = self.engine.account_of(call_id)
        self.engine.transfer(call_id, self.resolve(text, account).request_uri(account.domain))

    def transfer_attended(self, call_id: int, consultation_id: int) -> None:
        self.engine.transfer_attended(call_id, consultation_id)

    def start_recording(self, call_id: int, path: str) -> None:
        self.engine.start_recording(call_id, path)

    def stop_recording(self, call_id: int) -> None:
        self.engine.stop_recording(call_id)

    def merge(self, call_ids: list[int]) -> None:
        self.engine.merge(call_ids)

    def split(self, call_id: int) -> None:
        self.engine.split(call_id)

    def hold_conference(self, held: bool = True) -> None:
        """Hold (or resume) every participant at once, as a desk phone's conference hold does."""
        change = self.engine.hold if held else self.engine.resume
        for call_id in self.engine.conference_members():
            change(call_id)

    def leave_conference(self, join_others: bool = False) -> None:
        """End our part: hang up every participant, or, with exactly two others and
        `join_others`, connect them to each other by transfer (REFER with Replaces)."""
        members = self.engine.conference_members()
        if join_others and len(members) == 2:
            self.engine.transfer_attended(members[0], members[1])
            return
        for call_id in members:
            self.engine.hangup(call_id)

    def attach_audio(self, source: FrameSource | None, sink: FrameSink | None) -> None:
        self.engine.attach_audio(source, sink)
