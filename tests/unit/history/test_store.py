"""The history file: filters, the missed-call badge, deleting, and surviving crashes and
damaged files."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from softphone.contacts import Contact, ContactNumber, StorageError
from softphone.events import CallState, Direction
from softphone.history import CallFilter, CallLog, CallRecord, HistoryStore, Outcome
from tests.unit.history.conftest import Clock, incoming, state

MISSED_MESSAGE = "The caller hung up before you answered (missed call)."
ADA = Contact("Ada Lovelace", numbers=(ContactNumber("+1 202 555 0143", e164="+12025550143"),),
              id=7)


@pytest.fixture
def calls(log: CallLog, clock: Clock) -> CallLog:
    """An answered call out to Ada, a missed one from Bob, an answered one from Ada, a missed
    one from a withheld number: oldest first, a minute apart."""
    bob = "sip:bob@example.com"
    withheld = "sip:anonymous@anonymous.invalid"
    script = [
        [state(CallState.CALLING), state(CallState.CONNECTED),
         state(CallState.ENDED, message="You hung up.")],
        [incoming(remote_uri=bob, name="Bob Smith"),
         state(CallState.ENDED, Direction.INCOMING, 487, message=MISSED_MESSAGE,
               remote_uri=bob)],
        [incoming(name="Ada"), state(CallState.CONNECTED, Direction.INCOMING),
         state(CallState.ENDED, Direction.INCOMING, message="The other side hung up.")],
        [incoming(remote_uri=withheld, name=""),
         state(CallState.ENDED, Direction.INCOMING, 487, message=MISSED_MESSAGE,
               remote_uri=withheld)],
    ]
    for call in script:
        for event in call:
            log.handle(event)
        clock.advance(60)
    return log


def who(records: list[CallRecord]) -> list[str]:
    return [f"{record.direction.value} {record.remote_name or '?'} {record.outcome.value}"
            for record in records]


@pytest.mark.usefixtures("calls")
def test_filters(history: HistoryStore) -> None:
    assert who(history.calls()) == [
        "incoming ? missed",
        "incoming Ada answered",
        "incoming Bob Smith missed",
        "outgoing Ada answered",
    ]
    assert who(history.calls(CallFilter.MISSED)) == [
        "incoming ? missed", "incoming Bob Smith missed",
    ]
    assert who(history.calls(CallFilter.OUTGOING)) == ["outgoing Ada answered"]
    assert len(history.calls(CallFilter.INCOMING)) == 3
    assert who(history.calls(contact=ADA)) == ["incoming Ada answered", "outgoing Ada answered"]
    assert who(history.calls(CallFilter.INCOMING, contact=ADA)) == ["incoming Ada answered"]
    assert who(history.calls(text="smith")) == ["incoming Bob Smith missed"]
    assert who(history.calls(text="BOB example")) == ["incoming Bob Smith missed"]
    assert who(history.calls(text="555 0143")) == [
        "incoming Ada answered", "outgoing Ada answered",
    ]
    assert history.calls(text="nobody") == []
    assert len(history.calls(limit=1)) == 1


@pytest.mark.usefixtures("calls")
def test_missed_call_badge(history: HistoryStore, log: CallLog) -> None:
    assert history.unseen_missed() == 2

    history.mark_missed_seen()

    assert history.unseen_missed() == 0
    assert all(record.seen for record in history.calls(CallFilter.MISSED))
    log.handle(incoming(call_id=3))
    log.handle(state(CallState.ENDED, Direction.INCOMING, 487, message=MISSED_MESSAGE,
                     call_id=3))
    assert history.unseen_missed() == 1


@pytest.mark.usefixtures("calls")
def test_delete_one_and_all(history: HistoryStore) -> None:
    newest = history.calls()[0]

    history.delete(newest.id)

    assert history.get(newest.id) is None
    assert len(history.calls()) == 3
    history.clear()
    assert history.calls() == []
    assert history.unseen_missed() == 0


def test_a_call_a_crash_left_open_is_marked_interrupted(history_path: Path, clock: Clock) -> None:
    with HistoryStore.open(history_path) as history:
        CallLog(history, clock=clock).handle(incoming())

    with HistoryStore.open(history_path) as reopened:
        (record,) = reopened.calls()

    assert record.outcome is Outcome.INTERRUPTED
    assert record.ended_at is None


def test_files_are_readable_by_the_user_only(history: HistoryStore, history_path: Path) -> None:
    for file in history_path.parent.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_times_must_say_their_zone(history: HistoryStore, clock: Clock) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        history.start(direction=Direction.INCOMING, account="a", remote_uri="", remote_name="",
                      number=None, contact=None, started_at=clock.now.replace(tzinfo=None))


def _garbage(path: Path) -> bytes:
    return b"This is not a database, just bytes \x00\xff\xfe" * 500


def _truncated(path: Path) -> bytes:
    """The first half of a real history file, its WAL already folded in."""
    with HistoryStore.open(path) as history:
        log = CallLog(history)
        for call_id in range(300):
            log.handle(incoming(call_id=call_id, name="x" * 200))
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    for sidecar in path.parent.glob("*-*"):
        sidecar.unlink()
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("damage", [_garbage, _truncated])
def test_a_damaged_file_is_kept_aside_and_a_fresh_one_made(
    history_path: Path, damage: Callable[[Path], bytes]
) -> None:
    history_path.parent.mkdir(parents=True, exist_ok=True)
    bad = damage(history_path)
    history_path.write_bytes(bad)

    with HistoryStore.open(history_path) as history:
        recovery = history.recovery
        assert recovery is not None
        assert recovery.path == history_path
        assert recovery.kept_as.name.startswith("history.sqlite3.corrupt-")
        assert recovery.kept_as.read_bytes() == bad
        assert str(history_path) in recovery.message
        assert recovery.kept_as.name in recovery.message
        assert history.calls() == []
        CallLog(history).handle(incoming())
        assert len(history.calls()) == 1


def test_a_file_that_cannot_be_opened_is_not_mistaken_for_a_damaged_one(tmp_path: Path) -> None:
    directory = tmp_path / "history.sqlite3"
    directory.mkdir()

    with pytest.raises(StorageError, match=r"history\.sqlite3"):
        HistoryStore.open(directory)

    assert [path.name for path in tmp_path.iterdir()] == ["history.sqlite3"]
