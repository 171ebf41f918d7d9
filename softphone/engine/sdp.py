"""Edits to the SDP offers we make, where pjsua's defaults trip over real equipment.

pjmedia offers RFC 4733 telephone-events on a dynamic payload type of its own (120). Many
gateways, IVR rigs and SIPp's canned captures send key presses on 101 whatever was negotiated,
and pjmedia ignores events on any type but the one it offered; offering 101, the type nearly
everyone uses, makes those key presses arrive.
"""

from __future__ import annotations

import re

COMMON_EVENT_PT = "101"
_EVENT_MAP = re.compile(r"^a=rtpmap:(\d+) telephone-event/8000", re.MULTILINE)
_AUDIO_LINE = re.compile(r"^(m=audio \d+ [A-Z/]+)((?: \d+)+)", re.MULTILINE)


def renumber_telephone_events(sdp: str) -> str:
    """The offer with its 8 kHz telephone-event moved to payload type 101, when 101 is free."""
    event = _EVENT_MAP.search(sdp)
    audio = _AUDIO_LINE.search(sdp)
    if event is None or audio is None:
        return sdp
    old = event[1]
    types = audio[2].split()
    if old == COMMON_EVENT_PT or COMMON_EVENT_PT in types:
        return sdp
    renumbered = " " + " ".join(COMMON_EVENT_PT if pt == old else pt for pt in types)
    sdp = sdp[: audio.start(2)] + renumbered + sdp[audio.end(2):]
    return re.sub(rf"^a=(rtpmap|fmtp):{old} ", rf"a=\1:{COMMON_EVENT_PT} ", sdp,
                  flags=re.MULTILINE)
