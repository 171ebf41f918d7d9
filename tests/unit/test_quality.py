"""Tests for softphone.quality: the E-model worked by hand (G.107, G.113 Appendix I)."""

from __future__ import annotations

import numpy as np
import pytest

from softphone.quality import delay_impairment, loss_impairment, mos_from_r, r_factor


def test_g711_without_loss_loses_only_the_delay() -> None:
    # R = 93.2 - 0.024 * 40 - 0
    assert r_factor("PCMU", 40, 0) == pytest.approx(92.24)


@pytest.mark.parametrize("codec", ["PCMU", "PCMA", "G722", "L16"])
def test_g711_class_codecs_have_no_impairment_without_loss(codec: str) -> None:
    assert loss_impairment(codec, 0) == 0


@pytest.mark.parametrize(
    ("codec", "loss_pct", "ie_eff"),
    [
        ("PCMU", 2, 7.01107),  # 95 * 2 / (2 + 25.1)
        ("PCMA", 10, 27.06553),  # 95 * 10 / (10 + 25.1)
        ("PCMU", 100, 75.93925),  # 95 * 100 / (100 + 25.1)
        ("GSM", 0, 20.0),  # Ie alone
        ("GSM", 5, 27.8125),  # 20 + 75 * 5 / (5 + 43)
        ("iLBC", 3, 18.2),  # 11 + 84 * 3 / (3 + 32)
    ],
)
def test_loss_raises_ie_eff(codec: str, loss_pct: float, ie_eff: float) -> None:
    assert loss_impairment(codec, loss_pct) == pytest.approx(ie_eff, abs=1e-5)


def test_loss_lowers_r_by_ie_eff() -> None:
    # 93.2 - 0.024 * 20 - 95 * 2 / 27.1
    assert r_factor("PCMU", 20, 2) == pytest.approx(85.70893, abs=1e-5)


@pytest.mark.parametrize(
    ("one_way_ms", "id_"),
    [
        (0, 0.0),
        (100, 2.4),  # 0.024 * 100
        (177.3, 4.2552),  # the knee: still only 0.024 * d
        (300, 20.697),  # 0.024 * 300 + 0.11 * (300 - 177.3)
    ],
)
def test_delay_impairment(one_way_ms: float, id_: float) -> None:
    assert delay_impairment(one_way_ms) == pytest.approx(id_)


@pytest.mark.parametrize("codec", ["opus", "AMR-WB", "pcmu", ""])
def test_unknown_codec_uses_the_fallback(codec: str) -> None:
    assert loss_impairment(codec, 0) == 11.0
    # 11 + 84 * 5 / (5 + 25.1)
    assert loss_impairment(codec, 5) == pytest.approx(24.95349, abs=1e-5)
    assert r_factor(codec, 0, 0) == pytest.approx(82.2)


@pytest.mark.parametrize(
    ("r", "mos"),
    [
        (-10, 1.0),
        (0, 1.0),
        (50, 2.575),  # 1 + 1.75 + 7e-6 * 50 * -10 * 50
        (80, 4.024),  # 1 + 2.8 + 7e-6 * 80 * 20 * 20
        (93.2, 4.40929),  # 1 + 3.262 + 7e-6 * 93.2 * 33.2 * 6.8
        (100, 4.5),
        (120, 4.5),
    ],
)
def test_mos_from_r_follows_g107_annex_b(r: float, mos: float) -> None:
    assert mos_from_r(r) == pytest.approx(mos, abs=1e-5)


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (10, 100),
        (0, 10),
    ],
)
def test_mos_never_falls_as_r_rises(low: float, high: float) -> None:
    mos = np.array([mos_from_r(r) for r in np.linspace(low, high, 1001)])
    assert np.all(np.diff(mos) >= 0)
    assert mos.min() >= 1.0
