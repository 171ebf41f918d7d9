"""The call history in its own private SQLite file.

A call's row is written when the call starts and updated as it goes, each write its own short
transaction, so that a crash mid-call leaves a row behind; on the next opening such rows are
marked as interrupted, since nothing will ever finish them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from softphone.contacts.matching import digits_of, fold
from softphone.contacts.model import Contact
from softphone.events import Direction
from softphone.history.model import CallFilter, CallQuality, CallRecord, Outcome
from softphone.history.party import dialable
from softphone.storage import Database, Store, contains, open_database

_SCHEMA_V1 = (
    """CREATE TABLE call (
        id INTEGER PRIMARY KEY,
        direction TEXT NOT NULL,
        account TEXT NOT NULL,
        remote_uri TEXT NOT NULL,
        remote_name TEXT NOT NULL,
        number TEXT,              -- what to dial back; NULL when withheld
        contact_id INTEGER,       -- in the contacts file, so no foreign key
        contact_name TEXT,
        started_at TEXT NOT NULL, -- ISO 8601, UTC
        answered_at TEXT,
        ended_at TEXT,
        duration REAL NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL,
        sip_code INTEGER,
        sip_reason TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        codec TEXT,
        mos REAL,
        rx_loss_pct REAL,
        tx_loss_pct REAL,
        jitter_ms REAL,
        rtt_ms REAL,
        seen INTEGER NOT NULL DEFAULT 0,
        search_text TEXT NOT NULL -- folded names, number and address: the text filter
    )""",
    "CREATE INDEX call_started ON call(started_at)",
    "CREATE INDEX call_outcome ON call(outcome, seen)",
)


def _create_v1(connection: sqlite3.Connection) -> None:
    for statement in _SCHEMA_V1:
        connection.execute(statement)


MIGRATIONS = (_create_v1,)

_FILTERS = {
    CallFilter.ALL: ("1", ()),
    CallFilter.MISSED: ("outcome = ?", (Outcome.MISSED.value,)),
    CallFilter.INCOMING: ("direction = ?", (Direction.INCOMING.value,)),
    CallFilter.OUTGOING: ("direction = ?", (Direction.OUTGOING.value,)),
}


def default_history_path() -> Path:
    return platformdirs.user_data_path("softphone") / "history.sqlite3"


class HistoryStore(Store):
    """Rows of calls: written by `CallLog`, read by the window."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE call SET outcome = ? WHERE outcome = ?",
                (Outcome.INTERRUPTED.value, Outcome.IN_PROGRESS.value),
            )

    @classmethod
    def open(cls, path: Path | None = None) -> HistoryStore:
        """Open the history, marking calls a crash left unfinished as interrupted. Only one
        process may use the file: calls in progress in another would be marked too."""
        return cls(open_database(path or default_history_path(), MIGRATIONS))

    def start(
        self,
        *,
        direction: Direction,
        account: str,
        remote_uri: str,
        remote_name: str,
        number: str | None,
        contact: Contact | None,
        started_at: datetime,
    ) -> int:
        """Record a call that has just begun; returns its id."""
        contact_name = contact.display_name if contact else None
        search_text = fold(
            " ".join(filter(None, (contact_name, remote_name, remote_uri, number,
                                   digits_of(number or ""))))
        )
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO call (direction, account, remote_uri, remote_name, number, "
                "contact_id, contact_name, started_at, outcome, search_text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (direction.value, account, remote_uri, remote_name, number,
                 contact.id if contact else None, contact_name, _stamp(started_at),
                 Outcome.IN_PROGRESS.value, search_text),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def answered(self, call_id: int, at: datetime) -> None:
        self._update(call_id, "answered_at = ?", (_stamp(at),))

    def finish(
        self,
        call_id: int,
        *,
        ended_at: datetime,
        outcome: Outcome,
        duration: float,
        sip_code: int,
        sip_reason: str,
        message: str,
    ) -> None:
        self._update(
            call_id,
            "ended_at = ?, outcome = ?, duration = ?, sip_code = ?, sip_reason = ?, message = ?",
            (_stamp(ended_at), outcome.value, duration, sip_code, sip_reason, message),
        )

    def set_quality(self, call_id: int, quality: CallQuality) -> None:
        self._update(
            call_id,
            "codec = ?, mos = ?, rx_loss_pct = ?, tx_loss_pct = ?, jitter_ms = ?, rtt_ms = ?",
            (quality.codec, quality.mos, quality.rx_loss_pct, quality.tx_loss_pct,
             quality.jitter_ms, quality.rtt_ms),
        )

    def get(self, call_id: int) -> CallRecord | None:
        rows = self._db.query("SELECT * FROM call WHERE id = ?", (call_id,))
        return _record(rows[0]) if rows else None

    def calls(
        self,
        which: CallFilter = CallFilter.ALL,
        *,
        contact: Contact | None = None,
        text: str = "",
        limit: int = 500,
    ) -> list[CallRecord]:
        """The newest calls first, narrowed to `which`, to calls with `contact` (by the contact
        found at the time or by any of its numbers now), and to those whose names, number or
        address contain every word of `text` (or, for a number, its digits)."""
        condition, parameters = _FILTERS[which]
        conditions, values = [condition], list(parameters)
        if contact is not None:
            conditions.append("(contact_id = ? OR number IN (SELECT value FROM json_each(?)))")
            values += [contact.id, json.dumps(_dialables(contact))]
        for word in _search_words(text):
            conditions.append("search_text LIKE ? ESCAPE '\\'")
            values.append(contains(word))
        rows = self._db.query(
            f"SELECT * FROM call WHERE {' AND '.join(conditions)} "
            "ORDER BY started_at DESC, id DESC LIMIT ?",
            (*values, limit),
        )
        return [_record(row) for row in rows]

    def delete(self, call_id: int) -> None:
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM call WHERE id = ?", (call_id,))

    def clear(self) -> None:
        """Forget every call."""
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM call")

    def unseen_missed(self) -> int:
        """Missed calls the user has not looked at yet: the number on the badge."""
        rows = self._db.query(
            "SELECT count(*) FROM call WHERE outcome = ? AND seen = 0", (Outcome.MISSED.value,)
        )
        return rows[0][0]

    def mark_missed_seen(self) -> None:
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE call SET seen = 1 WHERE outcome = ? AND seen = 0", (Outcome.MISSED.value,)
            )

    def _update(self, call_id: int, assignments: str, values: Sequence[object]) -> None:
        with self._db.transaction() as connection:
            connection.execute(f"UPDATE call SET {assignments} WHERE id = ?", (*values, call_id))


def _search_words(text: str) -> list[str]:
    if any(char.isalpha() for char in text):
        return fold(text).split()
    digits = digits_of(text)
    return [digits] if digits else []


def _dialables(contact: Contact) -> list[str]:
    """What a call with this contact would have in its `number` column."""
    numbers = [number.e164 or number.typed.strip() for number in contact.numbers]
    return numbers + [
        target for target in (dialable(uri, None) for uri in contact.sip_uris) if target
    ]


def _stamp(moment: datetime) -> str:
    """UTC in one fixed ISO format, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("call times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _record(row: sqlite3.Row) -> CallRecord:
    quality = None
    if row["codec"] is not None:
        quality = CallQuality(
            codec=row["codec"],
            mos=row["mos"],
            rx_loss_pct=row["rx_loss_pct"],
            tx_loss_pct=row["tx_loss_pct"],
            jitter_ms=row["jitter_ms"],
            rtt_ms=row["rtt_ms"],
        )
    return CallRecord(
        id=row["id"],
        direction=Direction(row["direction"]),
        account=row["account"],
        remote_uri=row["remote_uri"],
        remote_name=row["remote_name"],
        number=row["number"],
        contact_id=row["contact_id"],
        contact_name=row["contact_name"],
        started_at=datetime.fromisoformat(row["started_at"]),
        answered_at=_time(row["answered_at"]),
        ended_at=_time(row["ended_at"]),
        duration=row["duration"],
        outcome=Outcome(row["outcome"]),
        sip_code=row["sip_code"],
        sip_reason=row["sip_reason"],
        message=row["message"],
        quality=quality,
        seen=bool(row["seen"]),
    )

