"""Tests for softphone.storage against a file another connection holds locked (SQLite treats
two connections like two programs)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from softphone import storage
from softphone.storage import DatabaseLocked, StorageError, open_database


def _create(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE note (text TEXT)")


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.05)  # SQLite's wait, kept short
    path = tmp_path / "notes.sqlite3"
    open_database(path, [_create]).close()
    return path


@pytest.fixture
def locked(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection with an exclusive lock: neither reads nor writes get through."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    yield other
    other.close()


def test_opening_a_locked_file_says_who_has_it_and_keeps_it(path: Path, locked) -> None:
    with pytest.raises(DatabaseLocked, match="is locked by another program") as caught:
        open_database(path, [_create])
    assert isinstance(caught.value, StorageError)
    assert str(path) in str(caught.value)
    assert list(path.parent.glob("*.corrupt-*")) == [], "a locked file is not damaged"


def test_a_write_behind_a_lock_fails_whole_and_works_once_it_is_gone(path: Path) -> None:
    database = open_database(path, [_create])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer: reading still works, writing waits
    with pytest.raises(DatabaseLocked) as caught, database.transaction() as connection:
        connection.execute("INSERT INTO note VALUES ('kept')")
    assert isinstance(caught.value, sqlite3.OperationalError), "still a database error"
    assert database.query("SELECT count(*) FROM note")[0][0] == 0
    other.execute("ROLLBACK")
    with database.transaction() as connection:
        connection.execute("INSERT INTO note VALUES ('kept')")
    assert [row[0] for row in database.query("SELECT text FROM note")] == ["kept"]
    other.close()
    database.close()
