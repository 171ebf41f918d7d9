"""How a call's end is classified for the call log.

The engine's ENDED event carries the final SIP code and a message; whether we hung up is
said only by that message (the engine's own words, see engine/call.py), so those sentences
are matched here exactly.
"""

from __future__ import annotations

from softphone.events import CallStateChanged, Direction
from softphone.history.model import Outcome

DECLINED_BY_US = "You declined the call."
# Usually 487 after our CANCEL; "You hung up." when we hung up before any answer came back.
ENDED_BY_US = {"You cancelled the call.", "You hung up."}
BUSY_CODES = {486, 600}


def outcome_of(ended: CallStateChanged, answered: bool) -> Outcome:
    """The outcome of the call that `ended`, given whether it was ever connected."""
    if answered:
        return Outcome.ANSWERED
    if ended.message == DECLINED_BY_US:
        return Outcome.DECLINED
    if ended.direction is Direction.INCOMING:
        return Outcome.MISSED
    if ended.code in BUSY_CODES:
        return Outcome.BUSY
    if ended.message in ENDED_BY_US:
        return Outcome.CANCELLED
    return Outcome.FAILED
