"""A call in the history, as the window shows it and the call-back button uses it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from softphone.events import Direction


class Outcome(enum.Enum):
    """How a call ended, in the words a call log uses."""

    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    MISSED = "missed"
    DECLINED = "declined"
    BUSY = "busy"
    CANCELLED = "cancelled"
    FAILED = "failed"
    # The phone stopped (crash, power cut) while the call was going on.
    INTERRUPTED = "interrupted"


class CallFilter(enum.Enum):
    ALL = "all"
    MISSED = "missed"
    INCOMING = "incoming"
    OUTGOING = "outgoing"


@dataclass(frozen=True)
class CallQuality:
    """The call's last media figures (the final CallStats), for "how was that call?"."""

    codec: str
    mos: float
    rx_loss_pct: float
    tx_loss_pct: float
    jitter_ms: float
    rtt_ms: float | None


@dataclass(frozen=True)
class CallRecord:
    """One call. Times are UTC. `number` is what to dial to call back: an E.164 number, an
    extension or a SIP URI, and None when the caller withheld their number."""

    id: int
    direction: Direction
    account: str
    remote_uri: str
    remote_name: str
    number: str | None
    contact_id: int | None
    contact_name: str | None  # as it was at the time of the call
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    duration: float  # seconds of conversation; 0 when never answered
    outcome: Outcome
    sip_code: int | None
    sip_reason: str
    message: str
    quality: CallQuality | None
    seen: bool

    @property
    def call_back_target(self) -> str | None:
        """What to hand to `Phone.dial` (through `account`) to call this party back."""
        return self.number
