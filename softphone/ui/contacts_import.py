"""Importing an address book file from the window: off the GUI thread, then the report.

A large export takes seconds to import (10,000 vCards take about four), so the import runs on a
thread of its own, over a connection to the contacts file of its own: the window keeps drawing,
calls go on, and the list can still be read (SQLite's WAL lets readers in while the import
writes). It is one transaction, so the list shows the new contacts all at once, when it ends.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import ContactImportError, ContactStore, ImportReport, import_contacts
from softphone.storage import StorageError
from softphone.ui.wording import sentence

IMPORT_FILTER = "Address books (*.vcf *.vcard *.csv);;vCard (*.vcf *.vcard);;CSV (*.csv)"
# Reading entries is pure Python, which keeps the GIL for up to 5 ms at a time; every event the
# window handles in Python waits that long. Letting go of it every few entries (about a
# millisecond of work) keeps the window as quick as when idle, for no measurable cost.
YIELD_EVERY = 16

_log = logging.getLogger(__name__)


class ImportJob(QObject):
    """`start` it; exactly one of `done` (with the ImportReport) or `failed` (with a sentence
    for the user) follows, delivered on the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, store: ContactStore, path: Path) -> None:
        super().__init__()
        self.path = path
        self._store_path = store.path
        self._country = store.default_country
        self._thread = threading.Thread(target=self._run, name="contacts-import", daemon=True)
        self._entries = itertools.count(1)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            with ContactStore.open(self._store_path, self._country) as store:
                report = import_contacts(store, self.path, on_entry=self._let_the_window_in)
        except (ContactImportError, StorageError) as error:
            self.failed.emit(sentence(error))
        except Exception as error:  # the thread's last word: the window must hear of any end
            _log.exception("importing %s failed", self.path)
            self.failed.emit(f"Nothing was imported from {self.path.name}: something unexpected "
                             f"went wrong ({error}).")
        else:
            self.done.emit(report)

    def _let_the_window_in(self) -> None:
        if next(self._entries) % YIELD_EVERY == 0:
            time.sleep(0)  # releases the GIL, which a waiting GUI thread takes


class ImportReportDialog(QDialog):
    """How many contacts were added, merged and left as they were, and every skipped entry
    with its reason (the first few hundred of them, for a file that is mostly broken)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.summary = QLabel(report.summary)
        self.summary.setWordWrap(True)
        self.skips = QListWidget()
        self.skips.addItems([f"{skip.where}: {skip.reason}" for skip in report.skips])
        unlisted = report.skipped - len(report.skips)
        self.more = QLabel(f"… and {unlisted:,} more skipped entries, not listed.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if report.skips:
            layout.addWidget(QLabel("Not imported:"))
            layout.addWidget(self.skips)
        if unlisted:
            layout.addWidget(self.more)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def reasons(self) -> list[str]:
        return [self.skips.item(i).text() for i in range(self.skips.count())]
