"""What the window says about calls, accounts and errors, in words a person uses."""

from __future__ import annotations

from softphone.events import CallState, CallStats
from softphone.numbers import display_number

STATE_WORDS = {
    CallState.CALLING: "Calling…",
    CallState.INCOMING: "Incoming call",
    CallState.RINGING: "Ringing…",
    CallState.EARLY_MEDIA: "Early media (the network is playing a message)",
    CallState.CONNECTING: "Connecting…",
    CallState.CONNECTED: "Connected",
    CallState.ENDED: "Call ended",
}

# MOS bands as ITU-T G.107 Annex B maps R to user satisfaction.
QUALITY_BANDS = ((4.3, "excellent"), (4.0, "good"), (3.6, "fair"))


def sentence(error: Exception | str) -> str:
    """An error message as a sentence: capitalised and ending in a full stop."""
    text = str(error).strip()
    if not text:
        return "Something went wrong."
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def quality_label(mos: float) -> str:
    return next((label for floor, label in QUALITY_BANDS if mos >= floor), "poor")


def quality_badge(stats: CallStats) -> str:
    return f"MOS {stats.mos:.1f} · {quality_label(stats.mos)}"


def quality_details(stats: CallStats) -> str:
    """The figures behind the badge, for its tooltip."""
    rtt = f"{stats.rtt_ms:.0f} ms" if stats.rtt_ms is not None else "not measured yet"
    return (f"Codec {stats.codec} ({stats.clock_rate // 1000} kHz)\n"
            f"Loss in/out {stats.rx_loss_pct:.1f}% / {stats.tx_loss_pct:.1f}%\n"
            f"Jitter {stats.jitter_ms:.1f} ms, jitter buffer {stats.jitter_buffer_ms:.0f} ms\n"
            f"Round trip {rtt}\nR factor {stats.r_factor:.0f}, MOS {stats.mos:.2f}")


def who(remote_name: str, remote_uri: str) -> str:
    """The other side as a person would want to see it: a name, else a formatted number, else
    the SIP address without its scheme and brackets."""
    if remote_name:
        return remote_name
    address = remote_uri.strip("<>").removeprefix("sips:").removeprefix("sip:")
    user = address.split("@", 1)[0].split(";", 1)[0]
    return display_number(user) if user.startswith("+") else address


def elapsed(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"
