"""Keeps the call history from the engine's events on a thread of its own.

SQLite writes with synchronous=FULL wait for the disk; the engine thread that emits the events
must never wait for that, so events are queued here and written by one thread that owns both
database connections (sqlite3 connections belong to the thread that opened them).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from softphone.contacts.store import ContactStore
from softphone.events import CallStateChanged, CallStats, Event, IncomingCall
from softphone.history.calllog import CallLog
from softphone.history.store import HistoryStore
from softphone.storage import StorageError

_log = logging.getLogger(__name__)
_CLOSE = object()
RECORDED = (CallStateChanged, CallStats, IncomingCall)


class HistoryWriter:
    """`submit` from any thread; `close` writes what is queued and lets the files go."""

    def __init__(self, on_problem: Callable[[str], None], default_country: str | None = None,
                 history_path: Path | None = None, contacts_path: Path | None = None) -> None:
        self._on_problem = on_problem
        self._broken = False
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._paths = (history_path, contacts_path)
        self._country = default_country
        self._thread = threading.Thread(target=self._run, name="history", daemon=True)
        self._thread.start()

    def submit(self, event: Event) -> None:
        if isinstance(event, RECORDED) and not self._broken:
            self._queue.put(event)

    def close(self, timeout: float = 5.0) -> None:
        self._queue.put(_CLOSE)
        self._thread.join(timeout)

    def _run(self) -> None:
        history_path, contacts_path = self._paths
        try:
            with HistoryStore.open(history_path) as history, \
                    ContactStore.open(contacts_path, self._country) as contacts:
                for store in (history, contacts):
                    if store.recovery is not None:
                        self._on_problem(store.recovery.message)
                log = CallLog(history, contacts.lookup_name, self._country)
                while (event := self._queue.get()) is not _CLOSE:
                    log.handle(event)
        except StorageError as err:
            self._broken = True
            _log.exception("the call history cannot be opened")
            self._on_problem(f"Calls are not being recorded in the history: {err}")
