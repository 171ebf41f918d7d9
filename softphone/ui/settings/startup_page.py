"""Settings → Startup: how the app starts and what closing its window does."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from softphone.config import Config

CHECKS = (
    ("start_minimised", "Start minimised: only the tray icon shows"),
    ("close_to_tray", "Closing the window keeps Softphone running in the tray"),
    ("start_at_login", "Start Softphone when I log in"),
)


class StartupPage(QWidget):
    title = "Startup"

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks = {key: QCheckBox(label) for key, label in CHECKS}
        layout = QVBoxLayout(self)
        for key, box in self.checks.items():
            box.setObjectName(key)
            box.setChecked(getattr(config.startup, key))
            layout.addWidget(box)
        layout.addStretch(1)

    def collect(self, config: Config) -> Config:
        return replace(config, startup=replace(
            config.startup, **{key: box.isChecked() for key, box in self.checks.items()}))
