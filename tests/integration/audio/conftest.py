"""A JACK dummy server per test, for the pipeline to open as a real PortAudio device."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.audio.jack import JackError, JackServer, jackd_binary

_numbers = itertools.count(1)


@pytest.fixture
def jack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[JackServer]:
    """A running `jackd -d dummy -r 48000 -p 480` that this process's children connect to."""
    try:
        jackd_binary()
    except JackError as error:
        pytest.skip(str(error))
    server = JackServer(f"softphone-test-{os.getpid()}-{next(_numbers)}", tmp_path / "jackd.log")
    monkeypatch.setenv("JACK_DEFAULT_SERVER", server.name)
    server.start()
    yield server
    server.stop()
