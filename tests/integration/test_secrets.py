"""No password, digest response or Authorization header in anything Softphone writes: the
engine log at the most detailed level we use, the JSON events, the terminal, and the history
and contacts files with their WAL. (The desktop app writes no log file of its own.)"""

from __future__ import annotations

import json

import pytest

from tests.integration.lines import PASSWORD

pytestmark = pytest.mark.integration

SECRETS = (PASSWORD, "Authorization:", "Proxy-Authorization:", "response=", "Digest username")


def test_no_secret_in_any_log_event_or_file(line, tmp_path, monkeypatch):
    """REGISTER and INVITE are both challenged by the provider, so the secret was used twice."""
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    phone = line("answer_echo")
    outcome = phone.call("--history", "--duration", "1").finish()

    assert outcome.returncode == 0, outcome
    [engine_log] = tmp_path.glob("softphone-*.log")
    stored = sorted((data / "softphone").iterdir())
    assert "history.sqlite3" in [path.name for path in stored], "the run kept a call history"
    written = {
        "events": "\n".join(json.dumps(event) for event in outcome.events),
        "stderr": outcome.stderr,
        **{str(path): path.read_bytes().decode("latin-1") for path in [engine_log, *stored]},
    }
    assert "registration success" in written[str(engine_log)], "the log is at its level 4"
    for where, text in written.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in {where}"
