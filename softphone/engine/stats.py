"""Turns pjsua2's stream statistics into the plain CallStats event."""

from __future__ import annotations

import pjsua2 as pj

from softphone.events import CallStats
from softphone.media.frames import FRAME_MS
from softphone.quality import mos_from_r, r_factor


def _loss_pct(lost: int, received: int) -> float:
    expected = lost + received
    return 100.0 * lost / expected if expected else 0.0


def read_stats(call: pj.Call, call_id: int, media_index: int, srtp: str | None) -> CallStats:
    """Figures for one audio stream; RTT stays None until the far end sends receiver reports.
    `srtp` is the stream's crypto suite, None when it is plain RTP."""
    stat = call.getStreamStat(media_index)
    info = call.getStreamInfo(media_index)
    rtcp, jbuf = stat.rtcp, stat.jbuf
    codec = info.codecName
    rx_loss = _loss_pct(rtcp.rxStat.loss, rtcp.rxStat.pkt)
    tx_loss = _loss_pct(rtcp.txStat.loss, rtcp.txStat.pkt)
    rtt_ms = rtcp.rttUsec.mean / 1000 if rtcp.rttUsec.n else None
    one_way_ms = (rtt_ms or 0.0) / 2 + jbuf.avgDelayMsec + FRAME_MS
    r = r_factor(codec, one_way_ms, max(rx_loss, tx_loss))
    return CallStats(
        call_id=call_id,
        codec=codec,
        clock_rate=info.codecClockRate,
        rx_packets=rtcp.rxStat.pkt,
        tx_packets=rtcp.txStat.pkt,
        rx_lost=rtcp.rxStat.loss,
        tx_lost=rtcp.txStat.loss,
        rx_loss_pct=round(rx_loss, 2),
        tx_loss_pct=round(tx_loss, 2),
        jitter_ms=round(rtcp.rxStat.jitterUsec.mean / 1000, 2),
        rtt_ms=round(rtt_ms, 2) if rtt_ms is not None else None,
        jitter_buffer_ms=float(jbuf.avgDelayMsec),
        r_factor=round(r, 1),
        mos=round(mos_from_r(r), 2),
        srtp=srtp,
    )
