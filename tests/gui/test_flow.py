"""The whole path with the real engine: the window dials a real provider and far end, and
answers a real softphone's call from its popup; both calls end up in History."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import baresip  # noqa: F401 (fixture)
from tests.integration.lines import NUMBER, PASSWORD, USER, Line, account
from tests.integration.softphone_cli import REPO, write_config
from tests.peers.baresip import Baresip
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST

FLOW_TIMEOUT = 90.0
CALLER, CALLER_PASSWORD = "1002", "secret1002"


def start_flow(tmp_path: Path, config: Path, *args: str,
               monkeypatch: pytest.MonkeyPatch) -> subprocess.Popen[str]:
    """tests/gui/gui_flow.py in a process of its own (one pjsua endpoint per process), with
    its history in the test's folder; killed if it outlives FLOW_TIMEOUT."""
    monkeypatch.setenv("SOFTPHONE_PASSWORD", PASSWORD)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    flow = subprocess.Popen([sys.executable, "-m", "tests.gui.gui_flow", str(config), *args],
                            cwd=REPO, env=os.environ, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(FLOW_TIMEOUT, flow.kill)
    watchdog.daemon = True
    watchdog.start()
    return flow


def steps(flow: subprocess.Popen[str]) -> Iterator[dict[str, Any]]:
    """Each step the flow reports, as it reports it; ends when the flow does."""
    assert flow.stdout is not None
    for line in flow.stdout:
        if line.startswith("{"):
            yield json.loads(line)


def until(reported: Iterator[dict[str, Any]], name: str) -> dict[str, Any]:
    for step in reported:
        assert step["step"] != "timeout", step
        if step["step"] == name:
            return step
    raise AssertionError(f"the flow ended before {name!r}")


def finished(flow: subprocess.Popen[str], reported: Iterator[dict[str, Any]]
             ) -> dict[str, dict[str, Any]]:
    rest = {step["step"]: step for step in reported}
    assert flow.wait(30) == 0, f"{rest}\n{flow.stderr.read() if flow.stderr else ''}"
    return rest


@pytest.mark.integration
def test_typing_a_number_and_pressing_enter_connects_the_call(
        tmp_path: Path, line: Callable[..., Line], monkeypatch: pytest.MonkeyPatch) -> None:
    setup = line("answer_echo")
    flow = start_flow(tmp_path, setup.config, "dial", NUMBER, monkeypatch=monkeypatch)
    reported = steps(flow)
    shown = {name: until(reported, name) for name in ("account", "typed", "call")}
    rest = finished(flow, reported)

    assert shown["account"]["shown"] == "Registered"
    assert shown["typed"]["shown"] == "(202) 555-0143"
    assert shown["call"] == {"step": "call", "shown": "Connected", "who": "+1 202-555-0143"}
    assert rest["ended"]["shown"] == "You hung up."
    assert rest["history"]["shown"] == "Answered", rest["history"]
    assert rest["history"]["who"] == "+1 202-555-0143"


@pytest.mark.integration
def test_a_call_from_baresip_is_answered_from_the_popup(
        tmp_path: Path, make_kamailio: Callable[..., Kamailio],
        baresip: Callable[..., Baresip],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    provider = make_kamailio({USER: PASSWORD, CALLER: CALLER_PASSWORD})
    caller = baresip(register=(provider.port, CALLER, CALLER_PASSWORD), user=CALLER)
    config = write_config(tmp_path / "config.toml", [account(provider)])
    flow = start_flow(tmp_path, config, "answer", monkeypatch=monkeypatch)
    reported = steps(flow)
    assert until(reported, "account")["shown"] == "Registered"
    caller.dial(f"sip:{USER}@{HOST}:{provider.port}")
    popup = until(reported, "popup")
    call = until(reported, "call")
    caller.wait_event("CALL_ESTABLISHED", 10)
    caller.hangup()
    rest = finished(flow, reported)

    assert CALLER in popup["shown"] and popup["on_top"] == "True", popup
    assert call == {"step": "call", "shown": "Connected", "popups": "0"}, "the popup went"
    assert rest["ended"]["shown"], rest
    assert rest["history"]["shown"] == "Answered", rest["history"]
    assert rest["history"]["direction"].endswith("In"), rest["history"]
