"""The SQLite file under each store: private, crash-safe, versioned, and replaced when damaged.

Both the contacts and the call history live in files of their own built this way. WAL mode with
synchronous=FULL means a transaction either reached the disk whole or not at all, whenever the
process dies. The files hold names and numbers of the people the user talks to, so they are
created readable by the user only (SQLite gives the -wal and -shm files the same mode).

A file that SQLite reports as damaged is renamed aside, never deleted: it may still hold data
someone can rescue, and the phone must keep working with a fresh file in the meantime. Every
other failure (a locked file, a full disk, no permission) is raised, because renaming a healthy
file over a passing problem would lose what the user had. A file another program holds locked
(after SQLite's own five-second wait) raises DatabaseLocked, so that writers can retry later.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

Migration = Callable[[sqlite3.Connection], None]

_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
BUSY_TIMEOUT_SECONDS = 5.0
_SIDECARS = ("-wal", "-shm")


class StorageError(Exception):
    """A database file can't be used; the message names the file and what to do."""


class DatabaseLocked(StorageError, sqlite3.OperationalError):
    """Another program holds a lock on the file: a passing state, worth retrying. It is also
    an sqlite3.OperationalError, as SQLite's own "database is locked" was, so code that
    handles database errors in general still does."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is locked by another program (a second Softphone, or a database tool "
            "that has it open)"
        )


def _is_locked(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorcode", None) in _LOCKED


class _Damaged(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Recovery:
    """A damaged file was set aside and an empty one started; the user must be told."""

    path: Path
    kept_as: Path
    reason: str

    @property
    def message(self) -> str:
        return (
            f"{self.path} was damaged ({self.reason}). It was kept as {self.kept_as.name} "
            "in the same folder, and a new, empty one was started."
        )


class Database:
    """One connection to one file, shared safely between threads.

    The engine delivers events on its own thread while the window reads on the GUI thread, so
    every use goes through one lock instead of tying the connection to a thread.
    """

    def __init__(
        self, connection: sqlite3.Connection, path: Path, recovery: Recovery | None
    ) -> None:
        self.path = path
        self.recovery = recovery
        self._connection = connection
        self._lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing. Nested uses join the outermost transaction, so an import can wrap
        many single-contact writes into one."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._connection
                if outermost:
                    self._connection.execute("COMMIT")
            except BaseException:
                if outermost and self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise
            finally:
                self._depth -= 1

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._execute(sql, parameters).fetchall()

    def _execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        """A lock held by another program ends as DatabaseLocked (after SQLite's wait)."""
        try:
            return self._connection.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            if _is_locked(error):
                raise DatabaseLocked(self.path) from error
            raise

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def contains(word: str) -> str:
    """A LIKE pattern, for use with ESCAPE '\\', matching text that contains `word` as it is."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def open_database(path: Path, migrations: Sequence[Migration]) -> Database:
    """Open (creating if needed) the file at `path`, brought up to the newest schema.

    `migrations[n]` turns schema version n into n + 1; the version lives in PRAGMA user_version.
    """
    try:
        return _open(path, migrations, None)
    except _Damaged as damage:
        kept_as = _set_aside(path)
        return _open(path, migrations, Recovery(path, kept_as, damage.reason))


def _open(path: Path, migrations: Sequence[Migration], recovery: Recovery | None) -> Database:
    create_private_file(path)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                 check_same_thread=False)
    connection.row_factory = sqlite3.Row
    database = Database(connection, path, recovery)
    try:
        _check_and_migrate(database, migrations)
    except BaseException:
        database.close()
        raise
    return database


def create_private_file(path: Path) -> None:
    """The file (and its folder) readable by the user only, made so before anything is in it:
    call history, logs and the like name who the user talks to."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
    except OSError as error:
        raise StorageError(f"can't open {path}: {error.strerror}") from error


def _check_and_migrate(database: Database, migrations: Sequence[Migration]) -> None:
    try:
        database.query("PRAGMA journal_mode=WAL")
        database.query("PRAGMA synchronous=FULL")
        database.query("PRAGMA foreign_keys=ON")
        problems = [row[0] for row in database.query("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise _Damaged("; ".join(problems))
        _migrate(database, migrations)
    except DatabaseLocked:
        raise
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) in _DAMAGED:
            raise _Damaged(str(error)) from error
        raise StorageError(f"can't open {database.path}: {error}") from error


def _migrate(database: Database, migrations: Sequence[Migration]) -> None:
    version = database.query("PRAGMA user_version")[0][0]
    if version > len(migrations):
        raise StorageError(
            f"{database.path} was written by a newer version of Softphone (schema {version}; "
            f"this version knows up to {len(migrations)}); it was left untouched. Update "
            "Softphone."
        )
    for number, migration in enumerate(migrations[version:], start=version + 1):
        with database.transaction() as connection:
            migration(connection)
            connection.execute(f"PRAGMA user_version = {number}")


def _set_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL, which belongs to it) out of the way."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    kept_as = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        for suffix in _SIDECARS:
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                sidecar.rename(f"{kept_as}{suffix}")
        path.rename(kept_as)
    except OSError as error:
        raise StorageError(
            f"{path} is damaged and could not be moved aside: {error.strerror}"
        ) from error
    return kept_as


class Store:
    """What every store over one database file shares: where it is, whether it had to be
    replaced, and closing it (also as a context manager)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def recovery(self) -> Recovery | None:
        """Set when the file was damaged and replaced on opening: tell the user."""
        return self._db.recovery

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
