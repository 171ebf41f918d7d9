"""The app's SVG icons, wherever this installation keeps its resources."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from softphone.resources import resource_path


def icon(name: str) -> QIcon:
    """`name` is the file name without `.svg`, e.g. "tray-in-call"."""
    return QIcon(str(resource_path(f"{name}.svg")))
