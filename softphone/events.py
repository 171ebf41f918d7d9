"""What the engine tells its front ends, as plain frozen dataclasses.

Events are named for what happened, so the window, the tray and the CLI can each react in their
own way without knowing anything about SIP stacks. They cross threads: the engine emits them on
its own thread and each front end re-queues them onto its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CallState(enum.Enum):
    """Where a call stands, in the words a person uses for it."""

    CALLING = "calling"
    INCOMING = "incoming"
    RINGING = "ringing"
    EARLY_MEDIA = "early_media"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ENDED = "ended"


class Direction(enum.Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


@dataclass(frozen=True)
class RegistrationChanged:
    """An account's registration succeeded, failed, or was removed.

    `retry_in` says what happens next after a failure: seconds until the next attempt, 0 while
    an attempt is still under way (the provider is slow to answer), None when no retry will
    happen because only the user can fix it (a wrong password, an untrusted certificate).
    """

    account: str
    registered: bool
    code: int
    reason: str
    message: str
    expires: int = 0
    retry_in: float | None = None


@dataclass(frozen=True)
class CallStateChanged:
    """A call moved to a new state; `code`/`reason` are the SIP status that moved it."""

    call_id: int
    account: str
    direction: Direction
    state: CallState
    remote_uri: str
    remote_name: str
    code: int
    reason: str
    message: str


@dataclass(frozen=True)
class IncomingCall:
    """Someone is calling: the UI shows it and answers with `answer` or `reject`."""

    call_id: int
    account: str
    remote_uri: str
    remote_name: str
    remote_number: str


@dataclass(frozen=True)
class CallStats:
    """Media figures for one call, from RTCP and the jitter buffer."""

    call_id: int
    codec: str
    clock_rate: int
    rx_packets: int
    tx_packets: int
    rx_lost: int
    tx_lost: int
    rx_loss_pct: float
    tx_loss_pct: float
    jitter_ms: float
    rtt_ms: float | None
    jitter_buffer_ms: float
    r_factor: float
    mos: float
    srtp: str | None = None  # the crypto suite encrypting the audio (SRTP); None: plain RTP


@dataclass(frozen=True)
class CallFlagsChanged:
    """Hold, mute, recording or conference membership of a call changed."""

    call_id: int
    on_hold: bool  # we put the call on hold
    remote_hold: bool  # the other side put us on hold
    muted: bool
    recording: str | None  # the WAV being written, None when not recording
    conference: bool


@dataclass(frozen=True)
class DtmfReceived:
    """The other side pressed a key (RFC 4733 telephone-event, SIP INFO)."""

    call_id: int
    digit: str
    method: str


@dataclass(frozen=True)
class TransferProgress:
    """How a transfer we asked for is going (the far end's NOTIFYs about the new call)."""

    call_id: int
    code: int
    reason: str
    final: bool
    message: str


@dataclass(frozen=True)
class TransferRequested:
    """The other side asked us to call someone else (REFER). With the "ask" policy the
    request was declined and the UI may offer to place that call itself."""

    call_id: int
    account: str
    target: str
    accepted: bool


@dataclass(frozen=True)
class AudioLevels:
    """Microphone and speaker loudness (dBFS) for meters, a few times a second."""

    input_dbfs: float
    output_dbfs: float


@dataclass(frozen=True)
class EngineProblem:
    """Something went wrong outside any one call or account (a transport, a device)."""

    message: str


Event = (
    RegistrationChanged
    | CallStateChanged
    | IncomingCall
    | CallStats
    | CallFlagsChanged
    | DtmfReceived
    | TransferProgress
    | TransferRequested
    | AudioLevels
    | EngineProblem
)
