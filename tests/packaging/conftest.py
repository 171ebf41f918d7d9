"""The frozen build's smoke test runs only when asked (SOFTPHONE_FROZEN_TEST=1, after
packaging/build.sh): building takes a minute and more, too slow for every test run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.integration.audio.conftest import jack  # noqa: F401 (fixture: a JACK dummy server)
from tests.integration.conftest import (  # noqa: F401 (fixtures for the call via Kamailio)
    line,
    make_kamailio,
    peers,
    pytest_runtest_makereport,
    sipp_uas,
)
from tests.integration.softphone_cli import REPO

FROZEN = REPO / "dist" / "softphone" / "softphone"


@pytest.fixture
def frozen() -> Path:
    """The built executable; asked for but not built is a failure, not a skip."""
    if os.environ.get("SOFTPHONE_FROZEN_TEST") != "1":
        pytest.skip("the frozen build is tested with SOFTPHONE_FROZEN_TEST=1 after "
                    "packaging/build.sh")
    assert FROZEN.is_file(), f"{FROZEN} is missing: run packaging/build.sh first"
    return FROZEN
