"""Where call recordings go, what they are called, and the red sign that one is running."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QLabel, QWidget

# Kept to letters, digits, "+", "." and "-": a file name that is safe on every platform.
UNSAFE = re.compile(r"[^\w+.-]+")


def recordings_folder() -> Path:
    """The user's data folder's "recordings": calls are private, so only the user may read
    it. Raises OSError when it cannot be made."""
    folder = platformdirs.user_data_path("softphone") / "recordings"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def recording_name(remote_uri: str, when: datetime) -> str:
    """"2025-06-01 14.03.22 +12025550143.wav": sorts by time, says who; no ":" (Windows)."""
    user = remote_uri.strip("<>").split(":", 1)[-1].split("@", 1)[0].split(";", 1)[0]
    who = UNSAFE.sub("-", user).strip("-") or "call"
    return f"{when:%Y-%m-%d %H.%M.%S} {who}.wav"


def new_recording_path(remote_uri: str, when: datetime | None = None) -> Path:
    """A file in `recordings_folder` that does not exist yet (a second recording of the same
    call in the same second gets " (2)"), so nothing recorded earlier is overwritten."""
    folder = recordings_folder()
    name = recording_name(remote_uri, when or datetime.now())
    path = folder / name
    copy = 2
    while path.exists():
        path = folder / name.replace(".wav", f" ({copy}).wav")
        copy += 1
    return path


class RecordingSign(QLabel):
    """"● Recording" in red while the engine says the call is being recorded; the tooltip
    names the file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("● Recording", parent)
        self.setObjectName("recording_sign")
        self.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.show_file(None)

    def show_file(self, path: str | None) -> None:
        self.setToolTip(f"Recording to {path}" if path else "")
        self.setVisible(path is not None)
