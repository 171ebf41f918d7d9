"""baresip as a real softphone far end: auto-answers, plays a tone, records what it hears."""

from __future__ import annotations

import json
import re
import select
import shutil
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from tests.peers.ports import HOST, PeerTimeout, free_port, sip_answers
from tests.peers.process import PeerError, PeerProcess
from tests.peers.tones import write_tone_wav

SAMPLE_RATE = 16000
MODULE_DIRS = (Path("/usr/lib/baresip/modules"), Path("/usr/local/lib/baresip/modules"))
TONE_SECONDS = 120.0
WAV_HEADER_BYTES = 44
WAV_BYTE_RATE_OFFSET = 28
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")

CONFIG = """\
# Written by tests/peers/baresip.py for one test.
poll_method		epoll
sip_listen		{host}:{port}
net_interface		{host}
# Tests use IP addresses only, so no lookup should happen; should one
# happen anyway it must fail here instead of going to the servers in
# /etc/resolv.conf, which baresip reads at start-up.
dns_server		{host}:9
call_local_timeout	120
call_max_calls		4
audio_player		aubridge,nil
audio_alert		aubridge,nil
audio_source		aufile,{tone}
ausrc_srate		{rate}
auplay_srate		{rate}
ausrc_channels		1
auplay_channels		1
# baresip has no default module path: without one it looks in the cwd.
module_path		{module_path}
module			g711.so
module			g722.so
module			aufile.so
module			aubridge.so
module			sndfile.so
module			srtp.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
statmode_default	off
ctrl_tcp_listen		{host}:{ctrl_port}
snd_path		{dump_dir}
"""


def baresip_binary() -> str:
    found = shutil.which("baresip")
    if found is None:
        raise PeerError("baresip is not installed")
    return found


def module_path() -> Path:
    for candidate in MODULE_DIRS:
        if (candidate / "g711.so").exists():
            return candidate
    raise PeerError(f"baresip modules not found in any of {[str(d) for d in MODULE_DIRS]}")


def netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


class CtrlTcp:
    """Client of baresip's ctrl_tcp module: JSON commands and events in netstrings.

    Single-threaded on purpose: messages are read only while a caller waits
    for something, so nothing outlives the test.
    """

    def __init__(self, port: int) -> None:
        self._sock = socket.create_connection((HOST, port), timeout=5)
        self._buffer = b""
        self._history: list[dict[str, Any]] = []
        self._unclaimed_events: list[dict[str, Any]] = []
        self._responses: list[dict[str, Any]] = []

    def close(self) -> None:
        self._sock.close()

    def command(self, command: str, params: str = "", timeout: float = 5) -> dict[str, Any]:
        token = f"{command}-{time.monotonic_ns()}"
        request = {"command": command, "params": params, "token": token}
        self._sock.sendall(netstring(json.dumps(request).encode()))
        return self._take(self._responses, lambda reply: reply.get("token") == token, timeout)

    def events(self) -> list[dict[str, Any]]:
        """Every event seen so far, oldest first."""
        self._read(0)
        return list(self._history)

    def wait_event(self, event_type: str, timeout: float) -> dict[str, Any]:
        """The oldest event of `event_type` that no earlier wait_event returned."""
        return self._take(
            self._unclaimed_events, lambda event: event.get("type") == event_type, timeout
        )

    def _take(
        self,
        pending: list[dict[str, Any]],
        wanted: Callable[[dict[str, Any]], bool],
        timeout: float,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            match = next((message for message in pending if wanted(message)), None)
            if match is not None:
                pending.remove(match)
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerTimeout(f"baresip ctrl_tcp: nothing matching within {timeout:g} s")
            self._read(left)

    def _read(self, timeout: float) -> None:
        readable, _, _ = select.select([self._sock], [], [], timeout)
        if readable:
            data = self._sock.recv(65536)
            if not data:
                raise PeerError("baresip closed its ctrl_tcp connection")
            self._buffer += data
        self._parse()

    def _parse(self) -> None:
        while b":" in self._buffer:
            length, _, rest = self._buffer.partition(b":")
            size = int(length)
            if len(rest) < size + 1:
                return
            message = json.loads(rest[:size])
            self._buffer = rest[size + 1 :]
            if message.get("event"):
                self._history.append(message)
                self._unclaimed_events.append(message)
            else:
                self._responses.append(message)


class Baresip(PeerProcess):
    """A real softphone on 127.0.0.1:`.port` (UDP; TCP too) that auto-answers.

    It sends a `tone_hz` sine (silence with None) from a WAV through aufile
    and records what it receives through sndfile (`received_wavs()`).
    With `register=(kamailio_port, user, password)` it registers with the
    provider as that user, so it can be called as that user and can `dial()`.
    Otherwise it answers calls addressed to `user` (`.uri`): baresip 1.0
    answers 404 to any other Request-URI user and has no catch-all setting,
    so a provider route to it must be the full number, e.g.
    routes={"+12025550199": (HOST, far_end.port)} with user="+12025550199".
    `answer=False` leaves incoming calls ringing until `accept()`.
    `mediaenc="srtp"` offers and accepts SRTP (SDES), "srtp-mand" insists on it.
    """

    name = "baresip"

    def __init__(
        self,
        workdir: Path,
        tone_hz: float | None = 440.0,
        answer: bool = True,
        register: tuple[int, str, str] | None = None,
        user: str = "baresip",
        source: Path | None = None,
        mediaenc: str | None = None,
    ) -> None:
        super().__init__(workdir)
        self.mediaenc = mediaenc
        self.tone_hz = tone_hz
        self.source = source
        self.answer = answer
        self.register = register
        self.user = register[1] if register else user
        self.port = free_port(neighbours=(1,))  # baresip puts SIP over TLS on port+1
        self.ctrl_port = free_port()
        self.config_dir = self.workdir / "baresip-config"
        self.dump_dir = self.workdir / "baresip-dumps"
        self.tone_path = self.workdir / "baresip-tone.wav"
        self.uri = f"sip:{self.user}@{HOST}:{self.port}"
        self.ctrl: CtrlTcp | None = None

    def command(self) -> list[str]:
        return [baresip_binary(), "-f", str(self.config_dir)]

    def start(self) -> Self:
        self.write_config()
        return super().start()

    def write_config(self) -> None:
        self.config_dir.mkdir(exist_ok=True)
        self.dump_dir.mkdir(exist_ok=True)
        if self.source is not None:
            shutil.copyfile(self.source, self.tone_path)
        else:
            hz, amplitude = (self.tone_hz, 0.3) if self.tone_hz else (0.0, 0.0)
            write_tone_wav(self.tone_path, hz, TONE_SECONDS, SAMPLE_RATE, amplitude)
        (self.config_dir / "config").write_text(
            CONFIG.format(
                host=HOST,
                port=self.port,
                ctrl_port=self.ctrl_port,
                tone=self.tone_path,
                rate=SAMPLE_RATE,
                dump_dir=self.dump_dir,
                module_path=module_path(),
            )
        )
        (self.config_dir / "accounts").write_text(self.account() + "\n")
        (self.config_dir / "contacts").write_text("")

    def account(self) -> str:
        answermode = "auto" if self.answer else "manual"
        mediaenc = f";mediaenc={self.mediaenc}" if self.mediaenc else ""
        if self.register is None:
            return f"<sip:{self.user}@{HOST}>;answermode={answermode};regint=0{mediaenc}"
        kamailio_port, user, password = self.register
        return (
            f"<sip:{user}@{HOST}:{kamailio_port}>;auth_pass={password};"
            f"answermode={answermode};regint=60{mediaenc}"
        )

    def ready(self) -> bool:
        if self.ctrl is None:
            try:
                self.ctrl = CtrlTcp(self.ctrl_port)
            except OSError:
                return False
        if not sip_answers(HOST, self.port, "udp"):
            return False
        return self.register is None or self.registered()

    def registered(self) -> bool:
        """reginfo marks the account OK once the provider accepts its REGISTER, ERR if refused."""
        info = ANSI_ESCAPE.sub("", self.control().command("reginfo").get("data", ""))
        if re.search(r"\sERR\s", info):
            raise PeerError(f"baresip's registration failed:{info}{self.log_tail()}")
        return re.search(r"\sOK\s", info) is not None

    def control(self) -> CtrlTcp:
        if self.ctrl is None:
            raise PeerError("baresip is not running")
        return self.ctrl

    def dial(self, uri: str) -> None:
        """Place a call (needs `register`, so that the provider accepts it)."""
        self.control().command("dial", uri)

    def accept(self) -> None:
        """Answer the ringing call (with answer=False)."""
        self.control().command("accept")

    def hangup(self) -> None:
        self.control().command("hangup")

    def events(self) -> list[dict[str, Any]]:
        """ctrl_tcp events so far: {"type": "CALL_ESTABLISHED", "peeruri": ..., ...}."""
        return self.control().events()

    def wait_event(self, event_type: str, timeout: float = 10) -> dict[str, Any]:
        """The next event of `event_type` (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED...).

        Each event is returned once, so a second call waits for the next call's event.
        """
        return self.control().wait_event(event_type, timeout)

    def stop(self) -> None:
        if self.ctrl is not None:
            self.ctrl.close()
            self.ctrl = None
        super().stop()

    def received_wavs(self) -> list[Path]:
        """What baresip heard, one WAV per call (8 kHz for G.711), oldest first.

        sndfile names its dumps dump-<local time to the second>-{enc,dec}.wav:
        "dec" is the decoded received audio, "enc" what baresip sent. The WAV
        header is complete only once the call has ended, and two calls
        within the same second share (overwrite) one file name.
        """
        return sorted(self.dump_dir.glob("dump-*-dec.wav"))

    def heard_seconds(self) -> float:
        """Audio received so far in the latest call: its dump grows while the call runs."""
        wavs = self.received_wavs()
        if not wavs:
            return 0.0
        with wavs[-1].open("rb") as dump:
            header = dump.read(WAV_HEADER_BYTES)
        if len(header) < WAV_HEADER_BYTES:
            return 0.0
        # The chunk sizes are filled in at the end of the call; the byte rate is there at once.
        (byte_rate,) = struct.unpack_from("<I", header, WAV_BYTE_RATE_OFFSET)
        return (wavs[-1].stat().st_size - WAV_HEADER_BYTES) / byte_rate
