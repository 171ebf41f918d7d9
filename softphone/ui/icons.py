"""The app's SVG icons, from the repository's resources/ folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def icon(name: str) -> QIcon:
    """`name` is the file name without `.svg`, e.g. "tray-in-call"."""
    return QIcon(str(RESOURCES / f"{name}.svg"))
