"""The SIP/RTP engine: one pjsua2 endpoint living on one thread of its own.

pjsua2 objects are not safe to touch from arbitrary threads (an unregistered thread aborts the
process), and a Python reference dropped at the wrong moment hangs a call up or crashes it. So
every pjsua2 call happens on the engine thread: public methods queue a command and wait for its
result, SIP callbacks arrive there too (threadCnt=0, events pumped by our loop), and events go
out through `on_event`, which front ends re-queue onto their own threads. Only the audio frame
callbacks run elsewhere (the null device's clock thread) and they touch nothing but their port.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq
import itertools
import logging
import os
import queue
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import pjsua2 as pj

from softphone.config import AccountConfig, NetworkConfig
from softphone.engine import control
from softphone.engine.account import Relay, SoftAccount, build_config
from softphone.engine.call import SoftCall
from softphone.engine.endpoint import SoftEndpoint
from softphone.engine.flood import FloodBrake
from softphone.engine.netwatch import WATCH_SECONDS, NetworkWatch
from softphone.engine.port import CLOCK_THREAD, DevicePort
from softphone.engine.routing import apply_routing
from softphone.engine.tones import CallWaitingTone
from softphone.engine.transports import Transports, bind_host, is_loopback
from softphone.engine.wake import Waker
from softphone.events import CallState, CallStats, Direction, EngineProblem, Event
from softphone.media.frames import CLOCK_RATE, FRAME_MS, FrameSink, FrameSource
from softphone.storage import create_private_file

log = logging.getLogger("softphone.engine")
T = TypeVar("T")

CODEC_IDS = {
    "G722": "G722/16000",
    "PCMA": "PCMA/8000",
    "PCMU": "PCMU/8000",
    "speex": "speex/",
    "iLBC": "iLBC/",
    "GSM": "GSM/",
    "L16": "L16/",
}
USER_AGENT = "Softphone/0.1 (pjsua2 2.15.1)"
STATS_INTERVAL = 2.0
NO_PROVIDER_ANSWER_SECONDS = 8.0
CLOCK_IDLE_SECONDS = 1.0  # the media clock runs this long after the last call ends
# The longest the loop waits for SIP events when no timer of ours is due sooner; commands wake
# it at once (engine/wake.py) and pjsip shortens the wait for its own timers.
MAX_WAIT_SECONDS = 0.5


class EngineError(Exception):
    """A command the engine could not carry out, with the reason in words."""


@contextlib.contextmanager
def _quiet_console() -> Iterator[None]:
    """pjlib prints its start-up banner to stdout before any log setting applies; `--json`
    output must stay clean, so stdout is pointed at /dev/null for that moment. The banner goes
    through C's stdio buffer, which (when stdout is not a terminal) would only be written out
    at exit, to the real stdout: it is flushed while /dev/null is still in place."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        yield
    finally:
        ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 1)
        os.close(saved)


class Engine:
    """Accounts, calls and the audio device port, driven through thread-safe commands."""

    def __init__(
        self,
        network: NetworkConfig,
        on_event: Callable[[Event], None],
        *,
        codecs: tuple[str, ...] = ("G722", "PCMA", "PCMU"),
        log_file: Path | None = None,
        rtp_timeout: float = 30.0,
        max_calls: int = 4,
        simulate_loss: int = 0,
        do_not_disturb: bool = False,
    ) -> None:
        self.network = network
        self.simulate_loss = simulate_loss
        self.max_calls = max_calls
        self.do_not_disturb = do_not_disturb  # read on the engine thread as INVITEs arrive
        self.rtp_timeout = rtp_timeout
        # [network] turn_server with its password (the Phone reads it from the keyring);
        # None: audio goes straight, as the SDP says.
        self.relay: Relay | None = None
        self._on_event = on_event
        self._codecs = codecs
        self._log_file = log_file
        self._commands: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = (
            queue.SimpleQueue())
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._timer_seq = itertools.count()
        self._accounts: dict[str, SoftAccount] = {}
        self._calls: dict[int, SoftCall] = {}
        # A pjsua2 Call deleted after libDestroy aborts the process: track every one made.
        self._live_calls: weakref.WeakSet[SoftCall] = weakref.WeakSet()
        self._pending_calls: list[SoftCall] = []
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._endpoint: pj.Endpoint | None = None
        self._device: DevicePort | None = None
        self._waiting_tone: CallWaitingTone | None = None
        self._clock_running = False
        self._transports: Transports | None = None
        self._waker: Waker | None = None
        self._flood_brake = FloodBrake()
        self._network_watch: NetworkWatch | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self, timeout: float = 15.0) -> None:
        # Frame callbacks wait for the GIL; a short switch interval keeps their p99 near 2 ms.
        sys.setswitchinterval(0.001)
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(started,), name="sip-engine",
                                        daemon=True)
        self._thread.start()
        started.result(timeout)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Hang up, unregister and destroy the endpoint; safe to call more than once."""
        if self._thread is None or not self._thread.is_alive():
            return
        self._submit(self._request_stop)
        self._thread.join(timeout)

    def _request_stop(self) -> None:
        self._stopping = True

    def _run(self, started: Future[None]) -> None:
        try:
            self._open()
        except Exception as err:  # report any failure to start to the caller of start()
            started.set_exception(EngineError(f"The SIP engine could not start: {err}"))
            return
        started.set_result(None)
        while not self._stopping:
            self._pump()
        self._close()

    def _open(self) -> None:
        self._endpoint = SoftEndpoint(
            lambda: [account.config for account in self._accounts.values()], self.emit)
        with _quiet_console():
            self._endpoint.libCreate()
        self._endpoint.libInit(self._endpoint_config())
        self._endpoint.libStart()
        self._clock_running = True
        self._set_media_clock(False)
        self._transports = Transports(self._endpoint, self.network)
        self._waker = Waker(self._endpoint)
        self._apply_codecs(self._codecs)
        self._device = DevicePort()
        self._waiting_tone = CallWaitingTone(self._device)
        self.after(1.0, self._watch_calls)
        self._network_watch = NetworkWatch(self._handle_ip_change)
        self.after(WATCH_SECONDS, self._watch_network)

    def _endpoint_config(self) -> pj.EpConfig:
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.userAgent = USER_AGENT
        cfg.uaConfig.maxCalls = self.max_calls  # pjsua answers 486 to callers beyond it
        for server in self.network.stun_servers:
            cfg.uaConfig.stunServer.append(server)
        cfg.logConfig.consoleLevel = 0
        cfg.logConfig.msgLogging = False  # SIP messages carry digest responses
        if self._log_file:
            create_private_file(self._log_file)  # pjsua would make it readable by everyone
            cfg.logConfig.filename = str(self._log_file)
            cfg.logConfig.level = 4
        else:
            cfg.logConfig.level = 0
        med = cfg.medConfig
        med.clockRate = CLOCK_RATE
        med.sndClockRate = CLOCK_RATE
        med.audioFramePtime = FRAME_MS
        med.ptime = FRAME_MS
        # 4 selects the bridge's small resampling filter (8 <-> 16 kHz for G.711 calls): ample
        # for telephone speech and it cut the call's CPU by about a fifth in bench/.
        med.quality = 4
        med.noVad = True  # keep RTP flowing in silence: NATs and RTP timeouts depend on it
        med.ecTailLen = 0  # the echo canceller lives in our audio pipeline
        med.rxDropPct = med.txDropPct = self.simulate_loss
        return cfg

    def _close(self) -> None:
        for call in list(self._calls.values()):
            with contextlib.suppress(pj.Error):
                call.hang_up()
        self._pump_until(lambda: not self._calls, 3.0)
        for account in self._accounts.values():
            with contextlib.suppress(pj.Error):
                account.unregister()
        self._pump_until(lambda: not any(a.unregistering for a in self._accounts.values()), 2.0)
        self._calls.clear()
        self._pending_calls.clear()
        self._timers.clear()
        self._waiting_tone = None
        self._device = None
        for account in self._accounts.values():
            account.shutdown()
        self._accounts.clear()
        gc.collect()
        for call in list(self._live_calls):
            # Something outside Python still holds this proxy (SWIG keeps a reference to the
            # call passed to xferReplaces); deleting it after libDestroy would abort, so let
            # the C++ object go unfreed at exit instead.
            log.debug("call %d outlives the engine; disowned", call.call_id)
            call.stop_recording()
            call.tones = None
            call.__disown__()
        self._set_media_clock(False)
        # Calls and accounts are already ended and unregistered above, with bounded waits;
        # NO_NETWORK skips pjsua's fixed one-second sleep that waits for the same.
        self._endpoint.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        self._endpoint = None
        waker, self._waker = self._waker, None
        waker.close()

    def _wait_seconds(self) -> float:
        if not self._timers:
            return MAX_WAIT_SECONDS
        return min(MAX_WAIT_SECONDS, max(0.0, self._timers[0][0] - time.monotonic()))

    def _pump(self, limit: float | None = None) -> None:
        """Commands first, then wait for SIP events until our next timer is due (timers a
        command just set included), then run the timers that are."""
        self._run_commands()
        wait = self._wait_seconds() if limit is None else limit
        if pause := self._flood_brake.pause():
            time.sleep(min(pause, wait))  # see engine/flood.py: a flood must not abort us
        else:
            self._endpoint.libHandleEvents(int(wait * 1000))
        self._run_timers()

    def _pump_until(self, done: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            self._pump(0.01)

    # ---- plumbing ----------------------------------------------------------------------------

    def _submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._commands.put((fn, future))
        waker = self._waker  # read once: the engine thread may be closing it
        if waker is not None:
            waker.wake()
        return future

    def _run_on_engine(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        if threading.current_thread() is self._thread:
            return fn()
        if self._thread is None or not self._thread.is_alive():
            raise EngineError("The SIP engine is not running.")
        return self._submit(fn).result(timeout)

    def _run_commands(self) -> None:
        while True:
            try:
                fn, future = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                future.set_result(fn())
            except pj.Error as err:
                future.set_exception(EngineError(err.reason))
            except Exception as err:
                future.set_exception(err)

    def after(self, delay: float, fn: Callable[[], None]) -> None:
        """Run fn on the engine thread after `delay` seconds (engine thread only)."""
        heapq.heappush(self._timers, (time.monotonic() + delay, next(self._timer_seq), fn))

    def _run_timers(self) -> None:
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _, _, fn = heapq.heappop(self._timers)
            try:
                fn()
            except Exception:
                log.exception("engine timer failed")

    def emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("event handler failed for %r", event)

    # ---- accounts ----------------------------------------------------------------------------

    def add_account(self, account: AccountConfig, password: str | None,
                    renew: bool = False) -> None:
        """Add (or replace) an account; registration results arrive as RegistrationChanged.
        An account already set up as asked is left alone unless `renew` (its password may
        have changed, or the user asked to test its registration)."""
        self._run_on_engine(lambda: self._add_account(account, password, renew))

    def _add_account(self, account: AccountConfig, password: str | None,
                     renew: bool = False) -> None:
        existing = self._accounts.get(account.name)
        if existing is not None and existing.config == account and not renew:
            return  # already set up as asked (the echo line is added before every test call)
        self._refuse_in_call(account.name)
        self._remove_account(account.name)
        transport_id = self._transports.for_account(account)
        host = bind_host(account, self.network)
        # A STUN server beyond this machine cannot answer a socket bound to loopback.
        stun = bool(self.network.stun_servers) and not is_loopback(host)
        cfg = build_config(account, password, transport_id, host, self.network.rtp_port,
                           self.relay, stun)
        soft = SoftAccount(self, account)
        cfg.regConfig.registerOnAdd = False
        soft.create(cfg, not self._accounts)
        self._accounts[account.name] = soft
        if account.register:
            soft.start_registration()

    def remove_account(self, name: str) -> None:
        """Unregister and forget an account; refused while it is in a call."""
        def remove() -> None:
            self._refuse_in_call(name)
            self._remove_account(name)

        self._run_on_engine(remove)

    def _refuse_in_call(self, name: str) -> None:
        if any(call.account_name == name for call in self._calls.values()):
            raise EngineError(f"The account '{name}' is in a call: change it after.")

    def _remove_account(self, name: str) -> None:
        account = self._accounts.pop(name, None)
        if account is not None:
            account.shutdown()

    def local_address(self, account: str) -> str:
        """host:port where this account's transport listens (the echo line advertises it)."""
        def find() -> str:
            transport_id = self._transports.for_account(self._account(account).config)
            return self._transports.local_name(transport_id)

        return self._run_on_engine(find)

    def handle_ip_change(self) -> None:
        """The network changed (the watcher below notices by itself; a front end may also
        say so): re-register every account from the new address and re-INVITE calls to it."""
        self._run_on_engine(self._handle_ip_change)

    def _handle_ip_change(self) -> None:
        """pjsua drops TCP/TLS connections bound to the old address, then works through each
        account as its ipChangeConfig says (engine/account.py): re-registers, then re-INVITEs
        its calls. The registrations that follow are reported even when nothing else
        changed."""
        log.info("network address changed: re-registering")
        for account in self._accounts.values():
            account.last_reported = None
        change = pj.IpChangeParam()
        # Restarting the listeners would rebind them to new ports on every interface: the
        # waker's loopback socket (engine/wake.py) among them. Our SIP sockets are bound to
        # every interface, to loopback or to the user's bind_address: they outlive the change.
        change.restartListener = False
        self._endpoint.handleIpChange(change)

    def _watch_network(self) -> None:
        self._network_watch.check()
        self.after(WATCH_SECONDS, self._watch_network)

    def set_codecs(self, order: tuple[str, ...]) -> None:
        self._run_on_engine(lambda: self._apply_codecs(order))

    def _apply_codecs(self, order: tuple[str, ...]) -> None:
        """Codecs in the user's order get descending priorities; the rest are switched off."""
        wanted = [CODEC_IDS[name] for name in order]
        for codec in self._endpoint.codecEnum2():
            rank = next((i for i, prefix in enumerate(wanted) if codec.codecId.startswith(prefix)),
                        None)
            priority = 0 if rank is None else 254 - rank
            self._endpoint.codecSetPriority(codec.codecId, priority)

    # ---- calls -------------------------------------------------------------------------------

    def dial(self, account: str, uri: str, headers: dict[str, str] | None = None) -> int:
        """Place a call; returns its id. Progress arrives as CallStateChanged events."""
        return self._run_on_engine(lambda: self._dial(account, uri, headers or {}))

    def _dial(self, account_name: str, uri: str, headers: dict[str, str]) -> int:
        account = self._account(account_name)
        self._apply_codecs(account.config.codecs)
        call = SoftCall(self, account, account_name, Direction.OUTGOING)
        prm = pj.CallOpParam(True)
        for name, value in headers.items():
            header = pj.SipHeader()
            header.hName, header.hValue = name, value
            prm.txOption.headers.append(header)
        try:
            call.makeCall(uri, prm)
        except pj.Error as err:
            raise EngineError(f"The call to {uri} could not be started: {err.reason}") from None
        call_id = call.call_id
        self.adopt_call(call)
        placed = weakref.ref(call)
        self.after(NO_PROVIDER_ANSWER_SECONDS, lambda: self._give_up_if_silent(placed))
        return call_id

    def _give_up_if_silent(self, placed: weakref.ref[SoftCall]) -> None:
        """By the call itself, not its id: pjsua reuses ids, and a call dialled since under
        the same id must not be hung up for this one's silence (the soak caught it). Only a
        weak reference waits here: a SoftCall outliving its DISCONNECTED is deleted later,
        and pjsua2's Call destructor then hangs up (and unhooks) whichever call has its id
        by then."""
        call = placed()
        if call is not None and self._calls.get(call.call_id) is call and (
                call.state is CallState.CALLING):
            with contextlib.suppress(pj.Error):
                if call.getInfo().lastStatusCode == 0:
                    call.hang_up(message="The provider is not answering. Check your network "
                                 "and the account's server address.", cause=408)

    def answer(self, call_id: int) -> None:
        self._run_on_engine(lambda: self._answer(call_id))

    def _answer(self, call_id: int) -> None:
        """Answer with the call's own account's codec order (priorities are endpoint-wide in
        pjsua, so they are set for each offer or answer we make)."""
        call = self._call(call_id)
        self._apply_codecs(self._account(call.account_name).config.codecs)
        prm = pj.CallOpParam()
        prm.statusCode = 200
        call.answer(prm)

    def answer_holding_others(self, call_id: int) -> None:
        """Call waiting: put the conversation on hold, then take the new caller."""
        def run() -> None:
            for call in self._calls.values():
                if call.call_id != call_id and call.state is CallState.CONNECTED and not (
                        call.on_hold or call.in_conference):
                    control.hold(call)
            self._answer(call_id)

        self._run_on_engine(run)

    def set_do_not_disturb(self, on: bool) -> None:
        """While on, callers hear busy (486) before anything rings, and the call is still
        reported (it ends as a missed call)."""
        def run() -> None:
            self.do_not_disturb = on

        self._run_on_engine(run)

    def reject(self, call_id: int, code: int = 486) -> None:
        """Decline a ringing call: 486 says busy (try later), 603 says declined."""
        self._run_on_engine(lambda: self._call(call_id).hang_up(code))

    def hangup(self, call_id: int) -> None:
        self._run_on_engine(lambda: self._call(call_id).hang_up())

    def hangup_all(self) -> None:
        self._run_on_engine(lambda: [call.hang_up() for call in list(self._calls.values())])

    def hold(self, call_id: int) -> None:
        self._control(call_id, control.hold)

    def resume(self, call_id: int) -> None:
        self._control(call_id, control.resume)

    def set_mute(self, call_id: int, muted: bool) -> None:
        self._control(call_id, lambda call: control.set_mute(call, muted))

    def send_dtmf(self, call_id: int, digits: str, method: str | None = None) -> None:
        """Send keypad presses; by default the way the call's account is configured to.

        SIP INFO keys go one at a time at keypad pace: sent together, a proxy with several
        workers can reorder them and the far end rejects the overtaken CSeq, losing a key."""
        def run() -> None:
            call = self._call(call_id)
            how = method or self.account_config(call).dtmf_method
            keys = control.check_digits(digits)
            if how != "info":
                control.send_dtmf(call, keys, how)
                return
            for index, key in enumerate(keys):
                self.after(index * control.KEY_SPACING_SECONDS,
                           lambda key=key: self._send_info_key(call_id, key))

        self._run_on_engine(run)

    def _send_info_key(self, call_id: int, key: str) -> None:
        call = self._calls.get(call_id)
        if call is not None:  # the call may have ended between two keys
            control.send_dtmf(call, key, "info")

    def account_of(self, call_id: int) -> AccountConfig:
        return self._run_on_engine(lambda: self.account_config(self._call(call_id)))

    def account_config(self, call: SoftCall) -> AccountConfig:
        return self._account(call.account_name).config

    def transfer(self, call_id: int, target_uri: str) -> None:
        self._control(call_id, lambda call: control.blind_transfer(call, target_uri))

    def transfer_attended(self, call_id: int, consultation_id: int) -> None:
        self._control(call_id, lambda call: control.attended_transfer(
            call, self._call(consultation_id)))

    def start_recording(self, call_id: int, path: str) -> None:
        self._control(call_id, lambda call: control.start_recording(call, path))

    def stop_recording(self, call_id: int) -> None:
        self._control(call_id, lambda call: call.stop_recording())

    def merge(self, call_ids: list[int]) -> None:
        """Join calls into one local conference: each hears all the others and us; calls on
        hold (the usual way a second call was added) are taken off hold."""
        def join() -> None:
            calls = [self._call(call_id) for call_id in call_ids]
            for call in calls:
                call.in_conference = True
                if call.on_hold:
                    control.resume(call)
            self._after_control(calls)

        self._run_on_engine(join)

    def conference_members(self) -> list[int]:
        return self._run_on_engine(
            lambda: [call.call_id for call in self._calls.values() if call.in_conference])

    def split(self, call_id: int) -> None:
        """Take one call out of the conference (it stays up, talking only to us)."""
        self._control(call_id, lambda call: setattr(call, "in_conference", False))

    def _control(self, call_id: int, action: Callable[[SoftCall], None]) -> None:
        def run() -> None:
            call = self._call(call_id)
            action(call)
            self._after_control([call])

        self._run_on_engine(run)

    def _after_control(self, calls: list[SoftCall]) -> None:
        self.route_audio()
        for call in calls:
            call.announce_flags()

    def call_stats(self, call_id: int) -> CallStats | None:
        return self._run_on_engine(lambda: self._call(call_id).refresh_stats())

    def attach_audio(self, source: FrameSource | None, sink: FrameSink | None) -> None:
        """Choose what calls hear from us and where their audio goes (None: silence/discard)."""
        self._run_on_engine(lambda: self._device.attach(source, sink))

    # ---- used by calls and accounts (engine thread) ------------------------------------------

    def adopt_call(self, call: SoftCall) -> None:
        """Keep a Python reference to every call; one made before pjsua gives it an id (for
        a transfer) waits among the pending until its first state change."""
        self._live_calls.add(call)
        if call.call_id == pj.PJSUA_INVALID_ID:
            self._pending_calls.append(call)
            return
        if call.call_id not in self._calls:
            self._flood_brake.call_started()
        self._calls[call.call_id] = call
        if call in self._pending_calls:
            self._pending_calls.remove(call)
        self._set_media_clock(True)

    def forget_call(self, call: SoftCall) -> None:
        """Drop our reference once DISCONNECTED has been announced (safe inside the callback)."""
        self._calls.pop(call.call_id, None)
        if not self._calls:
            self.after(CLOCK_IDLE_SECONDS, self._stop_idle_clock)

    def _stop_idle_clock(self) -> None:
        """pjmedia's bridge adds and removes ports on its own clock: stopped at the moment a
        call ends, the call's removal waited and its slot was not reused (the soak ran the
        bridge's 254 slots out in ~250 short calls, and calls failed). So it stops a moment
        after the last call, once the bridge has caught up."""
        if not self._calls:
            self._set_media_clock(False)

    def _set_media_clock(self, running: bool) -> None:
        """The bridge's clock (pjsua's null sound device) ticks every 20 ms and calls into
        Python each time; with no call it is stopped, so an idle phone in the tray costs
        next to nothing."""
        if running == self._clock_running:
            return
        self._clock_running = running
        manager = self._endpoint.audDevManager()
        if running:
            manager.setNullDev()
        else:
            manager.setNoDev()  # joins the clock thread
            CLOCK_THREAD.forget_ended()  # and frees the state it held (engine/thread_state.py)

    def route_audio(self) -> None:
        apply_routing(self._device, self._calls.values())

    @property
    def has_calls(self) -> bool:
        """Whether any call exists. Read from any thread: the answer may be a moment old,
        which is all a level meter deciding whether anyone is listening needs."""
        return bool(self._calls)

    def calls_changed(self) -> None:
        """Beep in our ear while a second caller rings during a conversation."""
        states = [call.state for call in self._calls.values()]
        ringing = any(call.direction is Direction.INCOMING and call.state in (
            CallState.INCOMING, CallState.RINGING) for call in self._calls.values())
        if ringing and CallState.CONNECTED in states:
            self._waiting_tone.start()
        else:
            self._waiting_tone.stop()

    def post(self, fn: Callable[[], None]) -> None:
        """Run fn on the engine thread soon; safe from any thread (media callbacks use it)."""
        self._submit(fn)

    def _account(self, name: str) -> SoftAccount:
        try:
            return self._accounts[name]
        except KeyError:
            raise EngineError(f"There is no account named '{name}'.") from None

    def _call(self, call_id: int) -> SoftCall:
        try:
            return self._calls[call_id]
        except KeyError:
            raise EngineError("That call has already ended.") from None

    def _watch_calls(self) -> None:
        """Once a second: publish stats every 2 s and end calls whose far end went silent."""
        now = time.monotonic()
        for call in list(self._calls.values()):
            if call.recording_path is not None:
                self._watch_recording(call)
            if call.state is CallState.CONNECTED and call.audio_index is not None:
                self._watch_call(call, now)
        self.after(1.0, self._watch_calls)

    def _watch_recording(self, call: SoftCall) -> None:
        """A recording that can no longer be written (a full disk) stops; the call goes on."""
        problem = control.check_recording(call)
        if problem is not None:
            self._after_control([call])
            self.emit(EngineProblem(problem))

    def _watch_call(self, call: SoftCall, now: float) -> None:
        stats = call.refresh_stats()
        if stats is None:
            return
        # A held call is silent by design: a far end that we hold (sendonly) or that holds us
        # (sendonly or inactive) stops sending RTP, and must not be taken for gone. The clock
        # starts again from resume.
        if stats.rx_packets != call.rx_packets_seen or call.on_hold or call.remote_hold:
            call.rx_packets_seen = stats.rx_packets
            call.rx_silent_since = now
        elif now - call.rx_silent_since > self.rtp_timeout:
            call.hang_up(message=f"The call was lost: no audio from the other side for "
                         f"{self.rtp_timeout:.0f} seconds.", cause=408)
            self.emit(EngineProblem(f"Call {call.call_id} ended by RTP timeout."))
            return
        if now >= call.stats_due:
            call.stats_due = now + STATS_INTERVAL
            self.emit(stats)
