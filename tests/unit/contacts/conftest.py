"""A contacts store in a fresh folder for each test, reading national numbers as US ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from softphone.contacts import ContactStore


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "contacts.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[ContactStore]:
    with ContactStore.open(store_path, default_country="US") as opened:
        yield opened
