"""bench/call_bench.py runs end to end with tiny sizes and reports every figure.

Only that it works is checked, never what the figures are: timing on shared machines is noise,
and the benchmark exists for people to compare ours with baresip's side by side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.call_bench import COPY_ROWS, CPU_ROWS, SETUP_ROWS, number, render
from tests.peers.baresip import baresip_binary
from tests.peers.kamailio import kamailio_binary
from tests.peers.process import PeerError
from tests.peers.sipp import sipp_binary

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
COMMAND = ["-m", "bench.call_bench", "--calls", "2", "--seconds", "3", "--json"]
WIRE_KEYS = {"wire_median_ms", "wire_p90_ms", "dial_to_invite_ms", "ack_to_event_ms"}
RUN_TIMEOUT = 300


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    """One small benchmark run, shared by the tests below (it takes about half a minute)."""
    for find_binary in (kamailio_binary, sipp_binary, baresip_binary):
        try:
            find_binary()
        except PeerError as error:
            pytest.skip(str(error))
    run = subprocess.run([sys.executable, *COMMAND], cwd=REPO, capture_output=True, text=True,
                         timeout=RUN_TIMEOUT)
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stderr}"
    return json.loads(run.stdout)


def figures(tree: dict[str, Any], path: str = "") -> Iterator[tuple[str, object]]:
    """Every figure in the report with its path, e.g. ("setup.ours.api_median_ms", 7.1)."""
    for key, value in tree.items():
        if key == "notes":
            continue
        if isinstance(value, dict):
            yield from figures(value, f"{path}{key}.")
        else:
            yield f"{path}{key}", value


def expected_keys(rows: tuple[tuple[str, ...], ...]) -> set[str]:
    keys = {key for _, key in rows}
    return keys if os.geteuid() == 0 else keys - WIRE_KEYS  # the wire capture needs root


def test_every_figure_is_a_positive_number(result):
    for path, value in figures(result):
        assert isinstance(value, int | float) and not isinstance(value, bool), path
        assert value > 0, path


def test_every_section_has_all_its_figures(result):
    for section, rows in (("setup", SETUP_ROWS), ("cpu", CPU_ROWS)):
        for side in ("ours", "baresip", "ratio"):
            assert set(result[section][side]) == expected_keys(rows), (section, side)
    copy_keys = {key for _, *keys in COPY_ROWS for key in keys}
    assert copy_keys | {"port_requested_us", "port_received_us"} == set(result["frame_copy"])
    assert (result["calls"], result["seconds"]) == (2, 3)


def test_the_table_shows_every_figure(result):
    text = render(result)
    for path, value in figures(result):
        if path.startswith(("setup.", "cpu.", "frame_copy.")):
            assert number(value) in text, path
    for section, rows in (("setup", SETUP_ROWS), ("cpu", CPU_ROWS)):
        for label, key in rows:
            assert (label in text) == (key in result[section]["ours"]), label
