"""Call quality as a person hears it: the ITU-T G.107 E-model reduced to the figures RTCP gives.

R = R0 - Id - Ie,eff, with the G.107 default R0 - Is = 93.2 (no advantage factor), the delay
impairment Id in the Cole-Rosenbluth approximation of G.107's curve, and the equipment
impairment Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl) with random loss (BurstR = 1).
Ie and Bpl per codec come from ITU-T G.113 Appendix I (with packet loss concealment).
"""

from __future__ import annotations

from dataclasses import dataclass

R0_MINUS_IS = 93.2


@dataclass(frozen=True)
class CodecImpairment:
    ie: float  # equipment impairment with no loss
    bpl: float  # packet-loss robustness


CODEC_IMPAIRMENTS: dict[str, CodecImpairment] = {
    "PCMU": CodecImpairment(0.0, 25.1),
    "PCMA": CodecImpairment(0.0, 25.1),
    "G722": CodecImpairment(0.0, 25.1),
    "GSM": CodecImpairment(20.0, 43.0),
    "iLBC": CodecImpairment(11.0, 32.0),
    "speex": CodecImpairment(11.0, 32.0),
    "L16": CodecImpairment(0.0, 25.1),
}
UNKNOWN_CODEC = CodecImpairment(11.0, 25.1)


def delay_impairment(one_way_ms: float) -> float:
    """Id: small until about 177 ms mouth to ear, then conversation turns into taking turns."""
    excess = max(0.0, one_way_ms - 177.3)
    return 0.024 * one_way_ms + 0.11 * excess


def loss_impairment(codec: str, loss_pct: float) -> float:
    """Ie,eff: the codec's own distortion plus what lost packets take away."""
    params = CODEC_IMPAIRMENTS.get(codec, UNKNOWN_CODEC)
    return params.ie + (95 - params.ie) * loss_pct / (loss_pct + params.bpl)


def r_factor(codec: str, one_way_ms: float, loss_pct: float) -> float:
    return R0_MINUS_IS - delay_impairment(one_way_ms) - loss_impairment(codec, loss_pct)


def mos_from_r(r: float) -> float:
    """G.107 Annex B mapping from R to an estimated mean opinion score (1 to 4.5).

    The cubic dips just below 1 for R under about 6.5; it is held at 1 there so MOS never
    falls as R rises."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return max(1.0, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r))
