"""How long the window stops responding while a big address book is imported from it.

Imports a generated vCard file of N contacts through the Contacts tab (offscreen) while a 10 ms
timer runs on the GUI thread, and prints the import's duration and the longest gap between two
ticks: the longest the window could not repaint or react; then how long one keystroke in the
search box takes over the full book. For comparison it then imports the same file on the GUI
thread itself, as a naive Import button would.

    .venv/bin/python -m bench.contacts_import_ui [N]     # N defaults to 10000
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from softphone.contacts import ContactStore, import_contacts
from softphone.ui.contacts_view import ContactsView
from tests.gui.test_contacts_import import write_big_vcard

TICK_MS = 10


class Stalls:
    """The longest gap between ticks of a fast GUI-thread timer."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def in_the_window(folder: Path, cards: Path) -> None:
    with ContactStore.open(folder / "window.sqlite3", "US") as store:
        view = ContactsView(store, lambda _target: None)
        view.show()
        stalls = Stalls()
        started = time.perf_counter()
        view.import_file(cards)
        assert view.job is not None
        waiting = QEventLoop()
        view.job.done.connect(waiting.quit)
        view.job.failed.connect(waiting.quit)
        waiting.exec()
        took = time.perf_counter() - started
        print(f"window import: {view.status.text()} in {took:.1f} s; longest GUI stall "
              f"{stalls.longest * 1000:.0f} ms")
        started = time.perf_counter()
        view.search.setText("p")  # a keystroke in the search box: the list is read again
        print(f"one search keystroke: {(time.perf_counter() - started) * 1000:.0f} ms for "
              f"{len(view.rows())} rows")
        view.close()


def on_the_gui_thread(app: QApplication, folder: Path, cards: Path) -> None:
    with ContactStore.open(folder / "naive.sqlite3", "US") as store:
        stalls = Stalls()
        app.processEvents()
        QTimer.singleShot(0, lambda: import_contacts(store, cards))
        deadline = time.perf_counter() + 600
        while store.count() == 0 and time.perf_counter() < deadline:
            app.processEvents()
        app.processEvents()
        print(f"same import on the GUI thread: longest GUI stall {stalls.longest:.1f} s")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        cards = Path(folder) / "cards.vcf"
        write_big_vcard(cards, count)
        print(f"{count} contacts, {cards.stat().st_size / 1e6:.1f} MB")
        in_the_window(Path(folder), cards)
        on_the_gui_thread(app, Path(folder), cards)


if __name__ == "__main__":
    main()
