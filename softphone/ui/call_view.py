"""The calls in progress: who, how it stands, for how long, how it sounds, and its buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.events import CallState, CallStats
from softphone.ui.session import CallInfo, Session
from softphone.ui.wording import elapsed, quality_badge, quality_details, quality_label

QUALITY_COLOURS = {"excellent": "#1f7a4d", "good": "#1f7a4d", "fair": "#b9770e",
                   "poor": "#c0392b"}


class CallView(QWidget):
    """Shows one call at a time; with several calls, a list above picks which one.

    It only says what the user asked for (`mute`, `hold`, `hang_up` carry the call id); the
    window turns those into Phone commands and shows any error they raise.
    """

    mute = Signal(int, bool)
    hold = Signal(int, bool)
    hang_up = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current_id: int | None = None
        self.calls = QListWidget()
        self.calls.setMaximumHeight(90)
        self.who = self._label("call_who", 18)
        self.state = self._label("call_state", 0)
        self.timer = self._label("call_timer", 0)
        self.quality = self._label("call_quality", 0)
        self.mute_button = self._toggle("Mute", self.mute)
        self.hold_button = self._toggle("Hold", self.hold)
        self.hang_up_button = QPushButton("Hang up")
        self.hang_up_button.setObjectName("hang_up")
        self.hang_up_button.setStyleSheet("background: #c0392b; color: white; padding: 6px;")
        self.hang_up_button.clicked.connect(self._hang_up)
        self._lay_out()
        self.calls.currentItemChanged.connect(self._picked)
        session.changed.connect(self.refresh)
        self._ticker = QTimer(self, interval=1000, timeout=self._tick)
        self._ticker.start()
        self.refresh()

    @property
    def current(self) -> CallInfo | None:
        return self.session.calls.get(self.current_id) if self.current_id is not None else None

    def refresh(self) -> None:
        """Re-render from the session: the list, then the chosen call (the newest if the one
        shown has ended)."""
        calls = self.session.calls
        if self.current_id not in calls:
            self.current_id = max(calls, default=None)
        self._fill_list()
        self.setVisible(bool(calls))
        info = self.current
        if info is None:
            return
        self.who.setText(info.who)
        self.state.setText(info.status)
        self._show_quality(info.stats)
        flags = info.flags
        in_dialog = info.state.state is CallState.CONNECTED
        for button, on in ((self.mute_button, flags is not None and flags.muted),
                           (self.hold_button, flags is not None and flags.on_hold)):
            button.setEnabled(in_dialog)
            button.setChecked(on)
        self.hold_button.setText("Resume" if self.hold_button.isChecked() else "Hold")
        self._tick()

    def _show_quality(self, stats: CallStats | None) -> None:
        self.quality.setText(quality_badge(stats) if stats else "")
        self.quality.setToolTip(quality_details(stats) if stats else "")
        colour = QUALITY_COLOURS[quality_label(stats.mos)] if stats else "inherit"
        self.quality.setStyleSheet(f"color: {colour};")

    def _fill_list(self) -> None:
        self.calls.blockSignals(True)
        self.calls.clear()
        for call_id, info in sorted(self.session.calls.items()):
            item = QListWidgetItem(f"{info.who} — {info.status}")
            item.setData(Qt.ItemDataRole.UserRole, call_id)
            self.calls.addItem(item)
            if call_id == self.current_id:
                self.calls.setCurrentItem(item)
        self.calls.blockSignals(False)
        self.calls.setVisible(len(self.session.calls) > 1)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.current_id = item.data(Qt.ItemDataRole.UserRole)
            self.refresh()

    def _tick(self) -> None:
        info = self.current
        self.timer.setText(elapsed(info.seconds()) if info and info.connected_at else "")

    def _hang_up(self) -> None:
        if self.current_id is not None:
            self.hang_up.emit(self.current_id)

    def _label(self, name: str, point_size: int) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if point_size:
            font = label.font()
            font.setPointSize(point_size)
            label.setFont(font)
        return label

    def _toggle(self, text: str, signal: Signal) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.clicked.connect(lambda on: self._ask(signal, on))
        return button

    def _ask(self, signal: Signal, on: bool) -> None:
        if self.current_id is not None:
            signal.emit(self.current_id, on)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calls)
        for label in (self.who, self.state, self.timer, self.quality):
            layout.addWidget(label)
        buttons = QHBoxLayout()
        for button in (self.mute_button, self.hold_button, self.hang_up_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
