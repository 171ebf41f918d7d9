"""Whether a call's audio is encrypted (SRTP), and with which crypto suite.

pjsua2 exposes no SRTP state: StreamInfo's transport profile says RTP/SAVP only when SRTP was
mandatory, while optional SRTP is negotiated over RTP/AVP with a=crypto lines. The one place
pjsua reports the live state is the call's dump ("SRTP status: Active Crypto-suite: ..."),
written by pjsua_dump.c from the SRTP transport itself, so that text is read here.
"""

from __future__ import annotations

import re

import pjsua2 as pj

# "  #0 audio G722 @16kHz, ..." then, for that stream, "SRTP status: Active Crypto-suite: X"
_STREAM = re.compile(r"^\s*#(?P<index>\d+) audio", re.MULTILINE)
_SRTP = re.compile(r"SRTP status: (?P<status>Active|Not active) Crypto-suite: (?P<suite>\S*)")


def negotiated_srtp(call: pj.Call, media_index: int) -> str | None:
    """The crypto suite protecting the audio stream `media_index` (e.g.
    'AES_CM_128_HMAC_SHA1_80'), or None when it travels as plain RTP."""
    return srtp_in_dump(call.dump(True, ""), media_index)


def srtp_in_dump(dump: str, media_index: int) -> str | None:
    streams = list(_STREAM.finditer(dump))
    for number, stream in enumerate(streams):
        if int(stream["index"]) != media_index:
            continue
        end = streams[number + 1].start() if number + 1 < len(streams) else len(dump)
        found = _SRTP.search(dump, stream.end(), end)
        if found and found["status"] == "Active":
            return found["suite"] or None
    return None
