"""Settings → Calls: answering, Do Not Disturb, links, how many calls at once, lost-call
timeout. (The keypad's DTMF method is per account, on the account's form.)"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from softphone.config import MAX_CALLS_RANGE, RTP_TIMEOUT_RANGE, CallsConfig, Config

CHECKS = (
    ("auto_answer", "Answer incoming calls at once (intercom use)"),
    ("do_not_disturb", "Do not disturb: callers hear busy, calls are listed as missed"),
    ("confirm_links", "Ask before calling a clicked tel:/sip: link"),
)


class CallsPage(QWidget):
    title = "Calls"

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        calls = config.calls
        self.checks = {key: QCheckBox(label) for key, label in CHECKS}
        for key, box in self.checks.items():
            box.setObjectName(key)
            box.setChecked(getattr(calls, key))
        self.max_calls = self._spin("max_calls", MAX_CALLS_RANGE, calls.max_calls, "")
        self.max_calls.setToolTip("Callers beyond this hear busy; takes effect at the next start")
        self.rtp_timeout = self._spin("rtp_timeout", RTP_TIMEOUT_RANGE, calls.rtp_timeout, " s")
        self.rtp_timeout.setToolTip("A call with no audio from the other side for this long "
                                    "is ended as lost")
        layout = QFormLayout(self)
        for box in self.checks.values():
            layout.addRow(box)
        layout.addRow("Calls at once", self.max_calls)
        layout.addRow("End a silent call after", self.rtp_timeout)

    def collect(self, config: Config) -> Config:
        calls: CallsConfig = replace(
            config.calls, max_calls=self.max_calls.value(), rtp_timeout=self.rtp_timeout.value(),
            **{key: box.isChecked() for key, box in self.checks.items()})
        return replace(config, calls=calls)

    @staticmethod
    def _spin(name: str, bounds: tuple[int, int], value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(*bounds)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin
