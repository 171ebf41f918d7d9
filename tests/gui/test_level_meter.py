"""The level meter: -60..0 dBFS as a bar, whatever the pipeline reports."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from softphone.ui.level_meter import TROUGH, LevelMeter


@pytest.mark.parametrize(("dbfs", "fraction", "tip"), [
    (-30.0, 0.5, "-30 dBFS"),
    (0.0, 1.0, "0 dBFS"),
    (6.0, 1.0, "0 dBFS"),
    (-60.0, 0.0, "Silent"),
    (-120.0, 0.0, "Silent"),
    (float("-inf"), 0.0, "Silent"),
    (float("nan"), 0.0, "Silent"),
])
def test_the_bar_spans_minus_60_to_0_dbfs(qtbot: QtBot, dbfs: float, fraction: float,
                                           tip: str) -> None:
    meter = LevelMeter()
    qtbot.addWidget(meter)
    meter.set_level(dbfs)
    assert meter.fraction == pytest.approx(fraction)
    assert meter.toolTip() == tip


def test_speech_is_green_loud_is_amber_clipping_is_red(qtbot: QtBot) -> None:
    meter = LevelMeter()
    qtbot.addWidget(meter)
    colours = []
    for dbfs in (-25.0, -8.0, -1.0):
        meter.set_level(dbfs)
        colours.append(meter.colour)
    assert colours == ["#1f7a4d", "#d4ac0d", "#c0392b"]


def test_the_painted_bar_fills_as_far_as_the_level(qtbot: QtBot) -> None:
    meter = LevelMeter()
    qtbot.addWidget(meter)
    meter.resize(200, 10)
    meter.set_level(-15.0)  # three quarters
    image = QImage(meter.size(), QImage.Format.Format_RGB32)
    meter.render(image)
    assert image.pixelColor(100, 5) == QColor(meter.colour)
    assert image.pixelColor(170, 5) == QColor(TROUGH)
